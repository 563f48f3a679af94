"""Leases and housekeeping: renewing this process's claims while it works, forgetting
old rows, handing claims back at start-up (SQLite) and shutdown, and telling when the
inbox is idle."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from bot.runtime.inbox.retries import DatabaseRetries
from bot.runtime.inbox.state import log, utc_now
from storage.failures import brief


class Leases(DatabaseRetries):
    """The lease keeper, the claims' start-up and shutdown, and idleness."""

    async def _keeper(self) -> None:
        """Renew this process's leases while it works; now and then forget old rows."""
        last_prune: datetime | None = None
        while not self._stopping:
            await asyncio.sleep(self.settings.lease.total_seconds() / 3)
            try:
                await self._thread(self._renew)
                if last_prune is None or utc_now() - last_prune > timedelta(hours=1):
                    removed = await self._thread(self._prune)
                    last_prune = utc_now()
                    if removed:
                        log.info("pruned %d old inbox and outbox rows", removed)
            except Exception as exc:
                log.warning("cannot renew leases (%s)", brief(exc))

    def _renew(self) -> None:
        updates, replies = set(self._held_updates), set(self._held_replies)
        with self.uow_factory() as uow:
            uow.inbox.renew(self.token, utc_now() + self.settings.lease, updates, replies)
            uow.commit()

    def _prune(self) -> int:
        with self.uow_factory() as uow:
            removed = uow.inbox.prune(utc_now() - self.settings.keep)
            uow.commit()
        return removed

    def _release_stale(self) -> tuple[int, dict[int, int]]:
        """On SQLite (one process): drop a dead run's claims and count the updates it left
        per chat, so that a chat's next one is claimed as soon as the one before is done
        (``_waiting`` otherwise knows only what this process stored)."""
        with self.uow_factory() as uow:
            if uow.inbox.shared():
                self._shared = True
                return 0, {}
            released = uow.inbox.release_all()
            waiting = uow.inbox.unhandled_by_chat()
            uow.commit()
        return released, waiting

    def _release_mine(self) -> None:
        """At shutdown: hand back every claim of this process (the updates it did not get
        to, the replies it did not send), so another process need not wait for the lease."""
        with self.uow_factory() as uow:
            uow.inbox.lapse(self.token, utc_now() - timedelta(seconds=1))
            uow.commit()

    def _unsettled(self) -> int:
        with self.uow_factory() as uow:
            return uow.inbox.unsettled()

    async def idle(self, timeout: float = 10.0) -> None:
        """Wait until every stored update is handled and every reply is sent (or closed):
        the point at which a test may look at the database and the chats."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if not self._tasks and await self._thread(self._unsettled) == 0 and not self._tasks:
                return
            if loop.time() >= deadline:
                raise TimeoutError(f"the inbox was still busy after {timeout}s")
            await asyncio.sleep(0.02)
