"""What one process's loop keeps in memory, shared by its parts (intake, workers,
settling, leases): the chats in flight, the claims in hand, the wake-ups."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bot.handlers.events import Incoming
from bot.runtime.group_commit import GroupCommit
from bot.runtime.inbox.settings import InboxSettings, UpdateSource
from bot.runtime.pipeline import Pipeline
from storage.failures import is_database_outage
from storage.inbox import ClaimedUpdate, NewUpdate
from storage.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from bot.runtime.inbox.settling import Settlement

#: One logger for the whole loop, named as before it was split into modules.
log = logging.getLogger("bot.runtime.inbox")


def utc_now() -> datetime:
    return datetime.now(UTC)


class ClaimLost(Exception):
    """The update's lease lapsed and another worker took it over: this worker's
    transaction is rolled back and the other one handles it."""


class InboxState:
    """The loop's state, shared by its parts: each part of ``Inbox`` is a subclass
    adding one job."""

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

    async def _write_settlements(self, settlements: list[Settlement]) -> None:
        """Commit ``settlements`` in one transaction: ``Settling``'s job."""
        raise NotImplementedError

    async def _store_posted(self, updates: list[NewUpdate]) -> None:
        """Store updates posted to the webhook in one transaction: ``Intake``'s job."""
        raise NotImplementedError

    def _spawn(self, coro: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
