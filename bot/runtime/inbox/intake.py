"""Intake: updates from getUpdates (``poll``) or the webhook (``accept``) are stored,
and only then confirmed; when workers are free the store transaction claims what can be
handled at once."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Collection
from typing import Any

from bot.runtime.inbox.settings import READ_AHEAD
from bot.runtime.inbox.state import log, utc_now
from bot.runtime.inbox.workers import Workers
from storage.failures import brief
from storage.inbox import ClaimedUpdate, NewUpdate


class Intake(Workers):
    """Storing updates: polled, or posted to the webhook."""

    def _new_update(self, payload: dict[str, Any]) -> NewUpdate:
        """What to store for a raw update: its chat, or an already settled row for a kind
        the bot does not handle or cannot read (kept so a redelivery is recognised)."""
        update_id = int(payload["update_id"])
        try:
            event = self.source.read(payload)
        except Exception as exc:
            log.warning("unreadable update %d: %s", update_id, brief(exc))
            return NewUpdate(update_id, 0, payload, "failed", f"unreadable: {brief(exc)}")
        if event is None:
            return NewUpdate(update_id, 0, payload, "ignored")
        if len(self._read) >= READ_AHEAD:  # updates other processes took: forget them
            self._read.clear()
        self._read[update_id] = event
        return NewUpdate(update_id, event.chat_id, payload)

    def _store(
        self, updates: list[NewUpdate], limit: int = 0, busy: Collection[int] = ()
    ) -> tuple[set[int], list[ClaimedUpdate]]:
        """Store a batch and, when workers are free, claim in the same transaction what can
        be handled now: at a trickle of updates that saves a transaction per update."""
        now = utc_now()
        with self.uow_factory() as uow:
            new = uow.inbox.store(updates, now)
            claimed: list[ClaimedUpdate] = []
            if new and limit > 0:
                claimed = uow.inbox.claim(
                    self.token, now, now + self.settings.lease, limit, busy_chats=busy
                )
            uow.commit()
        return new, claimed

    async def _store_and_take(self, updates: list[NewUpdate], *, forever: bool) -> int:
        """Store ``updates`` (see ``_store``), take what was claimed, and remember which
        chats have updates waiting so a chat handed back is looked at again."""
        async with self._claim_lock:
            limit = self._claim_room()
            new, claimed = await self._db(
                self._store, updates, limit, set(self._busy), forever=forever
            )
            new_chats: set[int] = set()
            for update in updates:  # not one Telegram delivered again: it is counted
                if update.outcome is None and update.update_id in new:
                    self._waiting[update.chat_id] = self._waiting.get(update.chat_id, 0) + 1
                    new_chats.add(update.chat_id)
            self._take(claimed, limit)
            # A chat that was busy when the store began may have been handed back while
            # it ran: its worker looked at ``_waiting`` before this update was counted
            # there, so nobody would claim it until ``idle_poll`` (the 0.5 s replies at a
            # trickle). The same for an update left behind because no worker was free.
            if any(chat in self._waiting and chat not in self._busy for chat in new_chats):
                self._may_claim = True
        self._start_ready()
        self._wake.set()
        return len(new)

    async def accept(self, payload: dict[str, Any]) -> None:
        """Store one update posted to the webhook, in one transaction with the others
        posted meanwhile (Telegram posts up to ``max_connections`` at once). Raises if it
        could not be stored: the endpoint then answers an error and Telegram posts the
        update again."""
        await self._posted.submit(self._new_update(payload))

    async def _store_posted(self, updates: list[NewUpdate]) -> None:
        await self._store_and_take(updates, forever=False)

    async def poll(self) -> None:
        """getUpdates until cancelled: store each batch, then confirm it (the next call's
        offset). Network failures and 409s are retried with backoff; a fatal error (a bad
        token) ends the loop by raising."""
        offset: int | None = None
        delay = 0.5
        while True:
            try:
                raw = await self.source.fetch(offset, self.settings.poll_timeout)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if self.source.is_fatal(exc):
                    raise
                # Bounded (2 s) with jitter: after an outage the updates people sent
                # meanwhile are fetched soon after Telegram is back.
                wait = delay * random.uniform(0.5, 1.0)
                log.warning("getUpdates failed (%s); retrying in %.1fs", brief(exc), wait)
                await asyncio.sleep(wait)
                delay = min(delay * 2, 2.0)
                continue
            delay = 0.5
            if not raw:
                continue
            batch = [self._new_update(payload) for payload in raw]
            new = await self._store_and_take(batch, forever=True)
            offset = max(u.update_id for u in batch) + 1
            log.debug("stored %d updates (%d new), confirming up to %d", len(batch), new, offset)
