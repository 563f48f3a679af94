"""The durable update loop both runtimes share: nothing confirmed before it is stored,
nothing handled twice, no reply lost, and one slow chat never holds up the others.

- **Fetching** (polling): the framework's Bot calls getUpdates; the raw updates are stored
  in the ``inbox`` table (a duplicate ``update_id`` is ignored) and committed, and only
  then is the offset moved past them, which the next getUpdates confirms to Telegram. If
  the database is down nothing is confirmed: Telegram keeps the updates (about a day) and
  the loop retries. Webhook mode stores the posted update the same way and answers 200
  only after the commit (503 otherwise, so Telegram posts it again).
- **Handling**: the oldest unhandled update of chats with nothing in flight is claimed
  (``storage.inbox``: row claims with a lease, ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so
  several processes share one inbox) in batches of up to twice ``workers``: in the store
  transaction itself when workers are free (at a trickle that saves a transaction per
  update), otherwise by the claimer, which runs only when something may be claimable (new
  updates, a chat with updates waiting handed back, a slot freed after a full claim, or
  ``idle_poll`` passed). Claimed updates go to at most ``workers`` workers at a time. A
  worker runs the conversations in one unit of work that also marks the update handled and
  stores the replies in the reply outbox; one commit holds all three, or none. A
  redelivered update is already handled and is never claimed again.
- **Replying**: after the commit the worker answers the button press (ephemeral: never
  stored) and sends the replies through the shared ``Delivery``; it keeps the chat's claim
  until then, so the chat's next update waits for them. Then the replies' outcomes and the
  chat's release are written as one ``Settlement``, together with those of every worker
  that finished meanwhile (a group commit: a burst costs a few commits, not one per reply).
  A courier sends the replies nobody is sending any more (a worker died between commit and
  send; Telegram kept failing and the retry is due), oldest first per chat.
- **Failures**: a database outage is retried with backoff (the process stays up); a bug
  in a handler marks that update failed, logs it and answers the press, as before; a
  conflict between two chats' transactions is retried a few times.

The only duplicate left is the one Telegram's API cannot rule out: a reply Telegram
accepted just before the process died, not yet marked sent (an update's replies are marked
together once the last is out), goes out again on restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, TypeVar

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from bot.handlers.events import Incoming, Outgoing, Response
from bot.handlers.notify import delivered_card
from bot.runtime.delivery import Outcome
from bot.runtime.group_commit import GroupCommit
from bot.runtime.pipeline import Pipeline
from bot.runtime.replies import from_row, to_row
from storage.inbox import ClaimedReply, ClaimedUpdate, NewUpdate
from storage.leave_cards import DeliveredCard
from storage.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Updates kept read (``Incoming``) between storing and handling them, at most.
READ_AHEAD = 10_000


class UpdateSource(Protocol):
    """One framework's part of the loop: its Bot makes the HTTP call, its models parse."""

    async def fetch(self, offset: int | None, timeout: int) -> list[dict[str, Any]]:
        """getUpdates from ``offset`` (None: from the oldest unconfirmed), as raw dicts."""
        ...

    def read(self, payload: dict[str, Any]) -> Incoming | None:
        """The ``Incoming`` of a raw update; None for a kind the bot does not handle.
        Raises if the payload is not a valid update."""
        ...

    def is_fatal(self, exc: Exception) -> bool:
        """True for an error no retry can cure (a bad token): the loop stops on it."""
        ...


@dataclass(frozen=True)
class InboxSettings:
    workers: int = 8  # updates (so chats) handled at the same time
    in_flight: int = 64  # chats with an update handled or its replies being sent
    lease: timedelta = timedelta(seconds=30)  # a dead process's claims lapse after this
    poll_timeout: int = 10  # seconds a getUpdates long poll may hang
    idle_poll: float = 0.5  # how often idle workers look for updates other processes stored
    keep: timedelta = timedelta(days=2)  # handled updates kept to recognise a redelivery
    reply_rounds: int = 5  # rounds of Delivery's retries before a reply is given up
    reply_retry: timedelta = timedelta(seconds=10)  # wait between those rounds
    handling_retries: int = 3  # tries of an update whose transaction conflicted


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


class ClaimLost(Exception):
    """The update's lease lapsed and another worker took it over: this worker's
    transaction is rolled back and the other one handles it."""


def is_database_outage(exc: BaseException) -> bool:
    """A database that is down, restarting or busy (worth waiting for), as opposed to a
    bug or a constraint violation."""
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


def brief(exc: BaseException) -> str:
    """A one-line description without the SQL and its parameters (they can hold people's
    data)."""
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        first = str(exc.orig).strip().splitlines()
        return f"{type(exc.orig).__name__}: {first[0] if first else ''}"
    return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"


def _now() -> datetime:
    return datetime.now(UTC)


class Inbox:
    """The loop of one process: a poller (or the webhook's ``accept``), a claimer feeding
    ``workers`` workers, a courier and a lease keeper."""

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        source: UpdateSource,
        pipeline: Pipeline,
        settings: InboxSettings | None = None,
    ) -> None:
        self.uow_factory = uow_factory
        self.source = source
        self.pipeline = pipeline
        self.settings = settings or InboxSettings()
        self.token = uuid.uuid4().hex  # this process's claims
        self._busy: set[int] = set()  # chats with an update of this process in flight
        self._handling = 0  # of which being handled (the rest: their replies being sent)
        self._held_updates: set[int] = set()  # claimed updates in hand (leases renewed)
        self._held_replies: set[int] = set()  # claimed replies being sent (leases renewed)
        self._sending: set[int] = set()  # chats the courier is sending to
        self._ready: deque[ClaimedUpdate] = deque()  # claimed, waiting for a free worker
        self._claim_lock = asyncio.Lock()  # one claim at a time: ``_busy`` stays exact
        self._may_claim = True  # something may be claimable (see ``_claimer``)
        self._more = False  # the last claim was full: more may be waiting
        self._waiting: dict[int, int] = {}  # chats with updates stored here, not yet claimed
        self._shared = False  # other processes may store updates too (PostgreSQL)
        self._read: dict[int, Incoming | None] = {}  # updates read when stored (no re-parse)
        self._settlements = GroupCommit(self._write_settlements)
        self._posted = GroupCommit(self._store_posted, alike=is_database_outage)
        self._tasks: set[asyncio.Task[None]] = set()
        self._loops: list[asyncio.Task[None]] = []
        self._wake = asyncio.Event()
        self._courier_wake = asyncio.Event()
        self._stopping = False
        self._executor: ThreadPoolExecutor | None = None
        self.handled = 0  # updates this process handled (tests, logs)

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Release claims left by a dead process (SQLite only: one process uses the file,
        so any claim found belongs to one that is gone), then start claiming."""
        self._stopping = False
        self._may_claim = True
        if self._executor is None:
            self._executor = ThreadPoolExecutor(
                max_workers=self.settings.workers + 8, thread_name_prefix="inbox"
            )
        released, waiting = await self._db(self._release_stale)
        if released:
            log.warning("released %d claims left by a previous run", released)
        for chat_id, count in waiting.items():
            self._waiting[chat_id] = self._waiting.get(chat_id, 0) + count
        self._loops = [
            asyncio.create_task(self._claimer(), name="inbox-claimer"),
            asyncio.create_task(self._courier(), name="inbox-courier"),
            asyncio.create_task(self._keeper(), name="inbox-keeper"),
        ]

    async def stop(self, grace: float = 10.0) -> None:
        """Stop claiming, let the workers in hand finish (up to ``grace`` seconds), then
        hand back whatever this process still holds."""
        self._stopping = True
        self._wake.set()
        self._courier_wake.set()
        loops, self._loops = self._loops, []
        for task in loops:
            task.cancel()
        await asyncio.gather(*loops, return_exceptions=True)
        if self._tasks:
            _done, pending = await asyncio.wait(set(self._tasks), timeout=grace)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        with contextlib.suppress(Exception):
            await self._thread(self._release_mine)
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False)

    def wake(self) -> None:
        self._may_claim = True
        self._wake.set()

    # -- storing -----------------------------------------------------------------------------

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
        now = _now()
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
                wait = delay * random.uniform(0.5, 1.0)  # noqa: S311 - jitter, not crypto
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

    # -- claiming and handling -------------------------------------------------------------

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
        now = _now()
        with self.uow_factory() as uow:
            claimed = uow.inbox.claim(
                self.token, now, now + self.settings.lease, limit, busy_chats=busy
            )
            uow.commit()
        return claimed

    def _spawn(self, coro: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

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
            if isinstance(exc, DBAPIError) and item.attempts < self.settings.handling_retries:
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
            now = _now()
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
            uow.inbox.mark_handled(update_id, self.token, _now(), outcome, error)
            uow.commit()

    def _release_update(self, update_id: int) -> None:
        with self.uow_factory() as uow:
            uow.inbox.release(update_id, self.token)
            uow.commit()

    # -- sending replies --------------------------------------------------------------------

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
        now = _now()
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
        now = _now()
        with self.uow_factory() as uow:
            claimed = uow.replies.claim_orphans(self.token, now, now + self.settings.lease, limit)
            uow.commit()
        return claimed

    # -- leases, housekeeping, idleness ----------------------------------------------------

    async def _keeper(self) -> None:
        """Renew this process's leases while it works; now and then forget old rows."""
        last_prune: datetime | None = None
        while not self._stopping:
            await asyncio.sleep(self.settings.lease.total_seconds() / 3)
            try:
                await self._thread(self._renew)
                if last_prune is None or _now() - last_prune > timedelta(hours=1):
                    removed = await self._thread(self._prune)
                    last_prune = _now()
                    if removed:
                        log.info("pruned %d old inbox and outbox rows", removed)
            except Exception as exc:
                log.warning("cannot renew leases (%s)", brief(exc))

    def _renew(self) -> None:
        updates, replies = set(self._held_updates), set(self._held_replies)
        with self.uow_factory() as uow:
            uow.inbox.renew(self.token, _now() + self.settings.lease, updates, replies)
            uow.commit()

    def _prune(self) -> int:
        with self.uow_factory() as uow:
            removed = uow.inbox.prune(_now() - self.settings.keep)
            uow.commit()
        return removed

    def _release_stale(self) -> tuple[int, dict[int, int]]:
        """On SQLite (one process): drop a dead run's claims and count the updates it left
        per chat, so that a chat's next one is claimed as soon as the one before is done
        (``_waiting`` otherwise knows only what this process stored)."""
        with self.uow_factory() as uow:
            if uow.session.get_bind().dialect.name != "sqlite":
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
            uow.inbox.lapse(self.token, _now() - timedelta(seconds=1))
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

    # -- the database, patiently -----------------------------------------------------------

    async def _thread(self, fn: Callable[..., T], *args: Any) -> T:
        """Run blocking database work on the inbox's own threads: the loop's default pool
        has only ``cpu + 4`` threads, shared with everything else, which would cap the
        workers on a small machine."""
        if self._executor is None:
            return await asyncio.to_thread(fn, *args)
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    async def _db(self, fn: Callable[..., T], *args: Any, forever: bool = False) -> T:
        """Run a database step in a thread; while the database is down, wait and try again
        (until the loop stops, or ``forever``), so an outage delays work but loses none."""
        delay = 0.2
        while True:
            try:
                return await self._thread(fn, *args)
            except Exception as exc:
                if not is_database_outage(exc) or (self._stopping and not forever):
                    raise
                log.warning("database unavailable (%s); retrying in %.1fs", brief(exc), delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
