"""Drain the outbox: claim unsent rows, render each in its recipient's language, send it
through the shared ``Delivery`` (flood limits, 429s, retries), and record the outcome.

Nothing lost, nothing repeated:

- a row is claimed (token + time) by a guarded ``UPDATE`` before it is sent, so two
  dispatchers (two schedulers started by mistake) never send the same row;
- ``sent_at`` is committed right after each successful send, one row at a time, so a
  dispatcher stopped halfway leaves the sent rows marked and the rest unsent;
- when the transport fails in a way ``Delivery`` does not handle, or the dispatcher is
  cancelled, the rows it still holds are handed back at once for the next dispatcher;
- if the process dies outright, its claims lapse after ``lease`` and another dispatcher
  takes them over. Only the one message in flight at the moment of death can then go
  out twice: Telegram has no idempotency key to make that window disappear;
- people who blocked the bot are skipped and the row closed with the reason (``failed``);
  a row for someone who has not bound their Telegram account yet is closed as
  ``unbound`` but only held: when they bind, the rows still within their period are
  handed back (``storage.sweeps.reopen_held_for_binding``) and go out at the next drain,
  which binding starts at once. A reminder past its ``not_after`` is closed as
  ``expired``, and one about a leave step (``open_step`` in its payload) that is no
  longer waiting, or no longer for this person, as ``decided``: between the sweep and
  the send an approver may have acted;
- a row ``Delivery`` could not deliver is retried after the lease, up to
  ``max_attempts``.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from bot.handlers.events import Outgoing
from bot.handlers.notify import delivered_card
from bot.i18n import Catalog
from domain.attendance import ONSITE_DAYS_ONLY, AllowanceRule
from scheduler.render import render
from services.clock import Clock
from storage import sweeps as q
from storage.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)


class Sender(Protocol):
    """What the dispatcher needs of ``bot.runtime.delivery.Delivery``: reminders go as
    ``send_reminder``, after any reply waiting for Telegram's overall limit."""

    def send_reminder(self, message: Outgoing) -> Awaitable[int | None]: ...


class DispatchInterrupted(Exception):
    """The transport failed in a way ``Delivery`` does not handle; the rows not sent were
    handed back to the outbox."""

    def __init__(self, report: DispatchReport) -> None:
        super().__init__(f"dispatch interrupted after {report.sent} sent: {report.errors[0]!r}")
        self.report = report


@dataclass
class DispatchReport:
    sent: int = 0
    closed: Counter[str] = field(default_factory=Counter)  # reason → rows never to be sent
    retry_later: int = 0
    lost_claims: int = 0
    errors: list[BaseException] = field(default_factory=list)


@dataclass(frozen=True)
class _Recipient:
    id: int
    chat_id: int | None
    language: str | None
    blocked: bool
    active: bool


@dataclass(frozen=True)
class _Row:
    id: int
    kind: str
    payload: dict[str, Any]
    not_after: datetime | None
    recipient: _Recipient | None
    settled: bool = False  # about a leave step that no longer waits for the recipient


class Dispatcher:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        delivery: Sender,
        catalog: Catalog,
        *,
        clock: Clock | None = None,
        batch_size: int = 50,
        lease: timedelta = timedelta(minutes=15),
        max_attempts: int = 5,
        allowance: AllowanceRule = ONSITE_DAYS_ONLY,
    ) -> None:
        self.uow_factory = uow_factory
        self.delivery = delivery
        self.catalog = catalog
        self.clock = clock
        self.batch_size = batch_size
        self.lease = lease
        self.max_attempts = max_attempts
        #: How the sheets sent as attachments pay the allowance (the district's setting).
        self.allowance = allowance
        self.stopping = False

    def _now(self) -> datetime:
        return self.clock.now() if self.clock is not None else datetime.now(UTC)

    async def drain(self) -> DispatchReport:
        """Send everything sendable now; returns what happened. Raises
        ``DispatchInterrupted`` (after handing the unsent rows back) if the transport
        failed unexpectedly."""
        token = uuid.uuid4().hex
        report = DispatchReport()
        try:
            while not self.stopping:
                rows = await asyncio.to_thread(self._claim, token)
                if not rows:
                    break
                await self._send_batch(rows, token, report)
                if report.errors:
                    break
        finally:
            # Synchronous on purpose: it must run even while the task is being cancelled.
            self._release(token)
        if report.errors:
            raise DispatchInterrupted(report) from report.errors[0]
        return report

    # -- database steps (each its own short transaction, run in a worker thread) ----------

    def _claim(self, token: str) -> list[_Row]:
        now = self._now()
        with self.uow_factory() as uow:
            claimed = uow.reminders.claim(token, now, self.lease, self.batch_size)
            people = uow.people.by_ids(r.recipient_id for r in claimed)
            steps = [(r.payload or {}).get("open_step") for r in claimed]
            waiting = uow.approvals.still_open_steps({s["id"] for s in steps if s})
            uow.commit()
            rows = []
            for r, step in zip(claimed, steps, strict=True):
                assert r.id is not None  # a claimed row was read back from the table
                p = people.get(r.recipient_id)
                recipient = (
                    _Recipient(
                        r.recipient_id, p.telegram_user_id, p.language, p.blocked_bot, p.active
                    )
                    if p is not None
                    else None
                )
                settled = False  # about a leave step no longer waiting for the recipient
                if step:
                    settled = step["id"] not in waiting or bool(
                        step.get("holder") and waiting[step["id"]] != r.recipient_id
                    )
                payload = dict(r.payload or {})
                rows.append(_Row(r.id, r.kind, payload, r.not_after, recipient, settled))
            return rows

    def _release(self, token: str) -> None:
        with self.uow_factory() as uow:
            released = uow.reminders.release(None, token)
            uow.commit()
        if released:
            log.warning("handed %d unsent reminders back to the outbox", released)

    def _close(self, row_id: int, token: str, reason: str) -> None:
        with self.uow_factory() as uow:
            if reason == q.UNBOUND:  # held, unless the person bound since the claim
                uow.reminders.hold_for_binding(row_id, token)
            else:
                uow.reminders.mark_failed(row_id, token, reason)
            uow.commit()

    def _sent(self, row_id: int, token: str, message: Outgoing, message_id: int) -> bool:
        """Mark the row sent; a leave card is recorded with it, to be edited once its
        buttons no longer apply."""
        with self.uow_factory() as uow:
            ok = uow.reminders.mark_sent(row_id, token, self._now())
            if (card := delivered_card(message, message_id)) is not None:
                uow.leave_cards.record([card], self._now())
            uow.commit()
        return ok

    def _undelivered(self, row: _Row, token: str) -> str:
        """After ``Delivery`` gave up: 'blocked' (it learned the person blocked the bot),
        'undelivered' (out of attempts) or 'retry'."""
        with self.uow_factory() as uow:
            person = uow.people.get(row.recipient.id) if row.recipient else None
            if person is not None and person.blocked_bot:
                uow.reminders.mark_failed(row.id, token, "blocked")
                outcome = "blocked"
            elif uow.reminders.record_undelivered(row.id, token, self._now(), self.max_attempts):
                outcome = "undelivered"
            else:
                outcome = "retry"
            uow.commit()
        return outcome

    def _render(self, row: _Row) -> Outgoing:
        assert row.recipient is not None and row.recipient.chat_id is not None
        lang = self.catalog.language_for(row.recipient.language, None)
        with self.uow_factory() as uow:
            return render(
                uow, self.catalog, lang, row.recipient.chat_id, row.payload, self.allowance
            )

    # -- sending ----------------------------------------------------------------------------

    def _skip_reason(self, row: _Row, now: datetime) -> str | None:
        recipient = row.recipient
        if row.not_after is not None and now > row.not_after:
            return "expired"
        if row.settled:
            return "decided"
        if recipient is None or not recipient.active:
            return "inactive"
        if recipient.blocked:
            return "blocked"
        if recipient.chat_id is None:
            return q.UNBOUND
        return None

    async def _send_batch(self, rows: list[_Row], token: str, report: DispatchReport) -> None:
        now = self._now()
        by_chat: dict[int, list[_Row]] = {}
        for row in rows:
            reason = self._skip_reason(row, now)
            if reason is not None:
                await asyncio.to_thread(self._close, row.id, token, reason)
                report.closed[reason] += 1
                continue
            # _skip_reason closed every row without a recipient bound to a chat
            assert row.recipient is not None and row.recipient.chat_id is not None
            by_chat.setdefault(row.recipient.chat_id, []).append(row)
        # One task per chat keeps each chat's reminders in order while different chats
        # share Delivery's limits; a failing database aborts the batch (TaskGroup cancels
        # the rest) and ``drain`` hands the unsent rows back.
        async with asyncio.TaskGroup() as group:
            for chat_rows in by_chat.values():
                group.create_task(self._send_chat(chat_rows, token, report))

    async def _send_chat(self, rows: list[_Row], token: str, report: DispatchReport) -> None:
        for row in rows:
            try:
                message = await asyncio.to_thread(self._render, row)
            except Exception as exc:  # a payload we cannot show will never show: close it
                log.exception("cannot render reminder %d (%s)", row.id, row.kind)
                await asyncio.to_thread(self._close, row.id, token, f"render: {exc!r}")
                report.closed["render"] += 1
                continue
            try:
                message_id = await self.delivery.send_reminder(message)
            except Exception as exc:
                # Not a failure Delivery knows (those it retries or reports as None): stop
                # this chat here; its unsent rows go back to the outbox.
                log.error("sending reminder %d failed: %r", row.id, exc)
                report.errors.append(exc)
                return
            if message_id is None:
                outcome = await asyncio.to_thread(self._undelivered, row, token)
                if outcome == "retry":
                    report.retry_later += 1
                else:
                    report.closed[outcome] += 1
                continue
            if await asyncio.to_thread(self._sent, row.id, token, message, message_id):
                report.sent += 1
            else:
                report.lost_claims += 1
                log.warning("reminder %d was sent after its claim lapsed", row.id)
