"""Claiming and handling: the claimer takes the oldest unhandled update of chats with
nothing in flight, in batches, only when something may be claimable; up to ``workers``
workers each run one update's conversations in one transaction with the inbox's and the
outbox's writes, then send its replies (``Settling``)."""

from __future__ import annotations

import asyncio
import contextlib

from bot.handlers.events import Incoming, Outgoing, Response
from bot.runtime.inbox.settling import Settlement, Settling
from bot.runtime.inbox.state import ClaimLost, log, utc_now
from bot.runtime.replies import to_row
from storage.failures import brief, is_database_error, is_database_outage
from storage.inbox import ClaimedUpdate
from storage.unit_of_work import UnitOfWork


class Workers(Settling):
    """The claimer and the workers it feeds."""

    def _claim_room(self) -> int:
        """How many updates to claim now: none while a claimed one waits for a worker or
        every worker is busy; otherwise up to twice the workers (within ``in_flight``)."""
        if self._ready or self._handling >= self.settings.workers or self._stopping:
            return 0
        return max(
            0,
            min(
                2 * self.settings.workers - self._handling,
                self.settings.in_flight - len(self._busy),
            ),
        )

    def _take(self, claimed: list[ClaimedUpdate], limit: int) -> None:
        for item in claimed:
            self._busy.add(item.chat_id)
            self._held_updates.add(item.update_id)
            self._ready.append(item)
            left = self._waiting.get(item.chat_id, 0) - 1
            if left > 0:
                self._waiting[item.chat_id] = left
            else:
                self._waiting.pop(item.chat_id, None)
        # A full claim may have left more behind: claim again when a worker is free.
        self._more = limit > 0 and len(claimed) == limit

    async def _claimer(self) -> None:
        """Claim updates in batches of up to twice the workers, only when something may be
        claimable (updates stored, a chat with updates waiting handed back, a slot freed
        after a full claim, or ``idle_poll`` passed: what other processes stored); a worker
        that finishes starts the next claimed update itself, so under load one claim
        transaction serves many updates and at a trickle none is run in vain."""
        delay = 0.5
        loop = asyncio.get_running_loop()
        looked = loop.time()  # the last claim: ``idle_poll`` after it, look again anyway
        while not self._stopping:
            self._wake.clear()
            self._start_ready()
            if loop.time() - looked >= self.settings.idle_poll:
                self._may_claim = True  # what other processes stored, or a wake-up missed
            if self._may_claim and self._claim_room() > 0:
                self._may_claim = False
                looked = loop.time()
                try:
                    async with self._claim_lock:
                        limit = self._claim_room()
                        claimed = await self._thread(self._claim, limit, set(self._busy))
                        self._take(claimed, limit)
                except Exception as exc:
                    self._may_claim = True
                    log.warning("cannot claim updates (%s); retrying in %.1fs", brief(exc), delay)
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 5.0)
                    continue
                delay = 0.5
                self._start_ready()
                if self._more:
                    self._may_claim = True
                    if self._claim_room() > 0:
                        continue
            left = self.settings.idle_poll - (loop.time() - looked)
            if left <= 0:  # due, but no worker is free: a finishing one wakes this loop
                left = self.settings.idle_poll
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), left)

    def _start_ready(self) -> None:
        while self._ready and self._handling < self.settings.workers and not self._stopping:
            self._handling += 1
            self._spawn(self._work(self._ready.popleft()))

    def _claim(self, limit: int, busy: set[int]) -> list[ClaimedUpdate]:
        now = utc_now()
        with self.uow_factory() as uow:
            claimed = uow.inbox.claim(
                self.token, now, now + self.settings.lease, limit, busy_chats=busy
            )
            uow.commit()
        return claimed

    async def _work(self, item: ClaimedUpdate) -> None:
        """One update: handle it (one transaction), answer the press, send the replies,
        then hand the chat back with the replies' outcomes (a group commit). The worker slot
        is freed once the transaction is done: a chat waiting for its flood limit or a 429
        keeps its chat, not a slot."""
        release = False
        handled = None
        try:
            try:
                handled = await self._handle(item)
            finally:
                self._handling -= 1
                self._start_ready()
                if self._more:  # the slot may take one of the updates left behind
                    self._may_claim = True
                self._wake.set()
            if handled is not None:
                release = True
                event, response, replies = handled
                if event is not None:
                    await self.pipeline.answer(event, response)
                await self._send_chat_groups(item.update_id, replies)
                release = False
                self.pipeline.outbox_waiting(response)
        except asyncio.CancelledError:
            release = False  # the sending path recorded what it could; stop() lapses the rest
            raise
        except Exception:  # a bug in the loop itself: log it, keep the process up
            log.exception("inbox worker failed on update %d", item.update_id)
        finally:
            if release:
                with contextlib.suppress(Exception):
                    await self._settle_together(Settlement(update_id=item.update_id))
            self._held_updates.discard(item.update_id)
            self._busy.discard(item.chat_id)
            if handled is None or self._shared or item.chat_id in self._waiting:
                # The update is to be retried, or the chat's next one (stored here or, with
                # several processes, perhaps by another) can go now.
                self._may_claim = True
            self._wake.set()

    async def _handle(
        self, item: ClaimedUpdate
    ) -> tuple[Incoming | None, Response, list[tuple[int, Outgoing]]] | None:
        """Run the conversations for one claimed update. None when it is not this worker's
        to finish (the claim was lost, or the database went away: it is retried)."""
        try:
            event = self._read.pop(item.update_id, None) or self.source.read(item.payload)
        except Exception as exc:
            await self._db(self._settle, item.update_id, "failed", f"unreadable: {brief(exc)}")
            return None, Response(), []
        if event is None:
            await self._db(self._settle, item.update_id, "ignored", None)
            return None, Response(), []
        replies: list[tuple[int, Outgoing]] = []
        try:
            response = await self._thread(self._run_handler, item, event, replies)
        except ClaimLost:
            log.warning("update %d was taken over by another worker", item.update_id)
            return None
        except Exception as exc:
            if is_database_outage(exc):
                log.warning(
                    "update %d not handled yet (%s); will retry", item.update_id, brief(exc)
                )
                await asyncio.sleep(0.5)
                return None
            if is_database_error(exc) and item.attempts < self.settings.handling_retries:
                log.warning("update %d conflicted (%s); retrying", item.update_id, brief(exc))
                await self._db(self._release_update, item.update_id)
                return None
            log.exception("error handling update %d", item.update_id)
            await self._db(self._settle, item.update_id, "failed", brief(exc)[:500])
            return event, Response(), []
        self.handled += 1
        log.debug("handled update %d: %d replies", item.update_id, len(replies))
        return event, response, replies

    def _run_handler(
        self, item: ClaimedUpdate, event: Incoming, replies: list[tuple[int, Outgoing]]
    ) -> Response:
        """The conversations and the inbox's own writes, in one transaction."""

        def before_commit(uow: UnitOfWork, response: Response) -> None:
            now = utc_now()
            if not uow.inbox.mark_handled(item.update_id, self.token, now, "handled"):
                raise ClaimLost(item.update_id)
            replies.clear()
            rows = [(m.chat_id, *to_row(m)) for m in response.messages]
            ids = uow.replies.add_many(
                item.update_id, rows, now, token=self.token, until=now + self.settings.lease
            )
            replies.extend(zip(ids, response.messages, strict=True))

        with self.uow_factory() as uow:
            return self.pipeline.handle(uow, event, before_commit)

    def _settle(self, update_id: int, outcome: str, error: str | None) -> None:
        with self.uow_factory() as uow:
            uow.inbox.mark_handled(update_id, self.token, utc_now(), outcome, error)
            uow.commit()

    def _release_update(self, update_id: int) -> None:
        with self.uow_factory() as uow:
            uow.inbox.release(update_id, self.token)
            uow.commit()
