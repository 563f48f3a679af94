"""Settling: sending a chat's replies in order through the shared ``Delivery``, then
writing their outcomes and the chat's hand-back as one ``Settlement`` together with those
of every worker that finished meanwhile (a group commit); and the courier, which sends
the replies nobody is sending any more."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from datetime import datetime

from bot.handlers.events import Outgoing
from bot.handlers.notify import delivered_card
from bot.runtime.delivery import Outcome
from bot.runtime.inbox.retries import DatabaseRetries
from bot.runtime.inbox.settings import InboxSettings
from bot.runtime.inbox.state import log, utc_now
from bot.runtime.replies import from_row
from storage.failures import brief
from storage.inbox import ClaimedReply
from storage.leave_cards import DeliveredCard
from storage.unit_of_work import UnitOfWork


@dataclass
class Settlement:
    """What is written once one chat's replies are out: each reply's outcome and, for a
    worker, the hand-back of the update's claim. The settlements of every worker that
    finishes meanwhile are written in one transaction (a group commit): a burst costs a
    handful of commits, not one per reply plus one per update."""

    sent: list[tuple[int, int | None]] = field(default_factory=list)  # (reply, message id)
    failed: list[tuple[int, str]] = field(default_factory=list)  # (reply, blocked|rejected)
    retry: list[int] = field(default_factory=list)  # Telegram kept failing: a later round
    unsent: list[int] = field(default_factory=list)  # handed back untried, in order
    update_id: int | None = None  # the worker's update, whose chat is handed back
    cards: list[DeliveredCard] = field(default_factory=list)  # leave cards now delivered

    def apply(self, uow: UnitOfWork, token: str, now: datetime, settings: InboxSettings) -> None:
        uow.leave_cards.record(self.cards, now)
        if self.sent:
            marked = uow.replies.mark_sent_many(self.sent, token, now)
            if 0 <= marked < len(self.sent):  # -1: a driver that cannot count executemany
                log.warning(
                    "%d replies were sent after their claim lapsed", len(self.sent) - marked
                )
        for reply_id, reason in self.failed:
            uow.replies.mark_failed(reply_id, token, reason)
        for reply_id in self.retry:
            again = uow.replies.retry_later(
                reply_id, token, now + settings.reply_retry, settings.reply_rounds
            )
            if not again:
                log.error("reply %d given up after %d rounds", reply_id, settings.reply_rounds)
        uow.replies.release(self.unsent, token)
        if self.update_id is not None:
            uow.inbox.release(self.update_id, token)


class Settling(DatabaseRetries):
    """Sending replies, recording what became of them, and the courier."""

    async def _send_chat_groups(self, update_id: int, replies: list[tuple[int, Outgoing]]) -> None:
        """Send a handled update's replies (several chats at once, each chat's in order),
        then record their outcomes and hand the update's chat back in one settlement."""
        await self._send_and_settle(replies, Settlement(update_id=update_id))

    async def _send_and_settle(
        self, replies: list[tuple[int, Outgoing]], settlement: Settlement
    ) -> None:
        by_chat: dict[int, list[tuple[int, Outgoing]]] = {}
        for reply_id, message in replies:
            by_chat.setdefault(message.chat_id, []).append((reply_id, message))
        ids = [reply_id for reply_id, _ in replies]
        self._held_replies.update(ids)
        try:
            try:
                await asyncio.gather(
                    *(self._send_in_order(items, settlement) for items in by_chat.values())
                )
            except asyncio.CancelledError:  # a shutdown: record what went out, hand back the rest
                with contextlib.suppress(Exception):
                    await self._thread(self._apply_settlements, [settlement])
                raise
            await self._settle_together(settlement)
        finally:
            self._held_replies.difference_update(ids)
        if settlement.retry:
            self._courier_wake.set()

    async def _send_in_order(
        self, items: list[tuple[int, Outgoing]], settlement: Settlement
    ) -> None:
        """Send one chat's replies in order, noting each outcome in ``settlement``. If
        Telegram keeps failing, that reply waits for a later round and the ones after it
        wait behind it."""
        for index, (reply_id, message) in enumerate(items):
            rest = [i for i, _ in items[index + 1 :]]
            try:
                result = await self.pipeline.delivery.deliver(message)
            except asyncio.CancelledError:
                settlement.unsent += [reply_id, *rest]
                raise
            except Exception as exc:  # a failure Delivery does not know: try again later
                log.error("sending reply %d failed: %s", reply_id, brief(exc))
                settlement.retry.append(reply_id)
                settlement.unsent += rest
                return
            if result.outcome is Outcome.SENT:
                settlement.sent.append((reply_id, result.message_id))
                if (card := delivered_card(message, result.message_id)) is not None:
                    settlement.cards.append(card)
            elif result.outcome is Outcome.GAVE_UP:
                settlement.retry.append(reply_id)
                settlement.unsent += rest
                return
            else:
                settlement.failed.append((reply_id, result.outcome.value))

    async def _settle_together(self, settlement: Settlement) -> None:
        """Write ``settlement`` together with every other one that comes in meanwhile (one
        transaction while the previous one commits); returns once it is committed."""
        await self._settlements.submit(settlement)

    async def _write_settlements(self, settlements: list[Settlement]) -> None:
        await self._db(self._apply_settlements, settlements, forever=True)

    def _apply_settlements(self, settlements: list[Settlement]) -> None:
        now = utc_now()
        with self.uow_factory() as uow:
            for settlement in settlements:
                settlement.apply(uow, self.token, now, self.settings)
            uow.commit()

    async def _courier(self) -> None:
        """Send the replies nobody is sending: at start-up those a dead process left, later
        those whose retry fell due."""
        delay = 0.5
        while not self._stopping:
            self._courier_wake.clear()
            free = self.settings.workers - len(self._sending)
            claimed: list[ClaimedReply] = []
            if free > 0:
                try:
                    claimed = await self._thread(self._claim_orphans, free)
                except Exception as exc:
                    log.warning("cannot claim replies (%s); retrying in %.1fs", brief(exc), delay)
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 5.0)
                    continue
                delay = 0.5
            by_chat: dict[int, list[tuple[int, Outgoing]]] = {}
            for reply in claimed:
                message = from_row(reply.chat_id, reply.payload, reply.blob)
                by_chat.setdefault(reply.chat_id, []).append((reply.id, message))
            for chat_id, items in by_chat.items():
                self._sending.add(chat_id)
                self._spawn(self._courier_send(chat_id, items))
            if by_chat:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._courier_wake.wait(), self.settings.idle_poll * 2)

    async def _courier_send(self, chat_id: int, items: list[tuple[int, Outgoing]]) -> None:
        try:
            await self._send_and_settle(items, Settlement())
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("courier failed for a chat")
        finally:
            self._sending.discard(chat_id)
            self._courier_wake.set()
            self._may_claim = True  # the chat's next update may now be claimed
            self._wake.set()

    def _claim_orphans(self, limit: int) -> list[ClaimedReply]:
        now = utc_now()
        with self.uow_factory() as uow:
            claimed = uow.replies.claim_orphans(self.token, now, now + self.settings.lease, limit)
            uow.commit()
        return claimed
