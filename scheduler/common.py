"""What every sweep shares: one transaction per sweep, the as-of moment, period keys.

A sweep is a plain function ``sweep_x(uow_factory, as_of, *, zone, dry_run, keep) ->
[Draft]``: it plans the reminders due as of that moment from a handful of roster-wide
queries and stores them in the outbox, where the unique (recipient, kind, period) key makes
running it again harmless. ``dry_run`` plans and inserts inside the transaction, returns
what would be new, and rolls back: it shows exactly what a real run would add.

Plans are generators: their drafts are stored ``SWEEP_CHUNK`` at a time as they are made
(``services.outbox.enqueue_in_chunks``), in the sweep's one transaction, so memory holds
the roster-wide figures and one chunk, never every draft, row and encoded payload of a
sweep at once (a 400,000-reminder catch-up otherwise took a bot process past 900 MB).
``keep=False`` (the scheduler process) returns no drafts, only logs how many were new.
"""

from __future__ import annotations

import gc
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from domain.diary import week_key as week_key  # the period key of weekly pushes
from services.outbox import CHUNK_SIZE, Draft, enqueue_in_chunks
from storage import sweeps as q
from storage.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)
T = TypeVar("T")
L = TypeVar("L", bound=tuple[Any, ...])

UowFactory = Callable[[], UnitOfWork]
DEFAULT_ZONE = ZoneInfo("Asia/Shanghai")
#: The longest list a message carries before "… and N more" (Telegram's 4096 characters).
MAX_LINES = 40
#: Drafts a sweep stores at a time (read when a sweep runs, so tests can shrink it).
SWEEP_CHUNK = CHUNK_SIZE


def run_sweep(
    uow_factory: UowFactory,
    name: str,
    plan: Callable[[UnitOfWork], Iterable[Draft]],
    *,
    dry_run: bool = False,
    keep: bool = True,
) -> list[Draft]:
    """Plan and store one sweep in one transaction, chunk by chunk as the plan yields its
    drafts; returns the drafts that were new (none with ``keep=False``)."""
    with uow_factory() as uow, collector_paused():
        if not uow.sweep_lock.try_acquire(name):
            log.info("sweep %s is running in another scheduler; skipped", name)
            return []
        with uow.sweep_lock.reads():
            count, new = enqueue_in_chunks(uow, plan(uow), chunk_size=SWEEP_CHUNK, keep=keep)
        if dry_run:
            uow.rollback()
        else:
            uow.commit()
    log.info("sweep %s: %d new reminders%s", name, count, " (dry run)" if dry_run else "")
    return new


@contextmanager
def collector_paused() -> Iterator[None]:
    """Keep Python's cyclic garbage collector from running while a sweep plans.

    A sweep of 100,000 cadres allocates millions of rows, figures and payloads, and every
    so many allocations the collector walks all live objects again: a quarter of the
    weekly sweep's time. What a sweep builds holds no reference cycles (plain reference
    counting frees it), so the collector has nothing to find there; it resumes afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def day_of(as_of: date | datetime, zone: ZoneInfo) -> date:
    if isinstance(as_of, datetime):
        return as_of.astimezone(zone).date() if as_of.tzinfo else as_of.date()
    return as_of


def end_of_day(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(23, 59, 59), zone)


def moment_of(as_of: date | datetime, zone: ZoneInfo) -> datetime:
    """A datetime as given (in ``zone`` if naive); a bare date means the end of that day."""
    if isinstance(as_of, datetime):
        return as_of if as_of.tzinfo else as_of.replace(tzinfo=zone)
    return end_of_day(as_of, zone)


def month_key(day: date) -> str:
    return f"{day.year}-{day.month:02d}"


def previous_month(day: date) -> date:
    """The first day of the month before ``day``'s."""
    last = day.replace(day=1) - timedelta(days=1)
    return last.replace(day=1)


def by_place(holders: Iterable[q.HolderRow], role: str, field: str) -> dict[int, list[int]]:
    """Holders of ``role`` grouped by their township/village/unit id."""
    grouped: dict[int, list[int]] = defaultdict(list)
    for h in holders:
        place = getattr(h, field)
        if h.role == role and place is not None:
            grouped[place].append(h.person_id)
    return grouped


def with_more(items: list[T], limit: int = MAX_LINES) -> tuple[list[T], int]:
    """At most ``limit`` items, and how many were left out."""
    return items[:limit], max(0, len(items) - limit)


class FirstLines(Generic[L]):
    """The ``limit`` smallest of a stream of lines (tuples whose first fields are their sort
    key and whose ties are broken by a unique field such as the person id), and how many
    there were: ``with_more`` of the sorted stream, without holding it all. A sweep going
    batch by batch through 100,000 cadres keeps a township's first lines this way."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.count = 0
        self._lines: list[L] = []

    def add(self, line: L) -> None:
        self.count += 1
        self._lines.append(line)
        if len(self._lines) >= 2 * self.limit:  # sorting now and then keeps this amortised
            self._cut()

    def _cut(self) -> None:
        self._lines.sort()
        del self._lines[self.limit :]

    def first(self) -> tuple[list[L], int]:
        """The first lines in order, and how many were left out."""
        self._cut()
        return list(self._lines), self.count - len(self._lines)
