"""Reminders to send later, through the outbox (``storage.tables.Reminder``).

A ``Draft`` names its recipient, a kind and a period key; the pair (kind, period) is what
makes it unique for that recipient, so enqueuing the same draft twice (a sweep run again
after a restart, a second scheduler, a double tap) stores it once. The payload is a
catalog key and its values, never wording:

``{"key": ..., "params": {...}, "lines": [...], "parts": [...], "actions": [...],
"document": {...}}`` (see ``scheduler.render`` for how each part is shown). Payloads are
stored as given, so they hold JSON values only (dates as ISO strings): a sweep of 100,000
cadres cannot afford to walk every payload converting values.

A sweep's drafts are stored in chunks (``enqueue_in_chunks``) as they are planned, so that
a process never holds a whole roster's drafts, outbox rows and encoded payloads at once: a
catch-up writing 400,000 reminders took the bot process from about 230 MB to over 900 MB.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from storage.unit_of_work import UnitOfWork

#: Drafts converted, encoded and inserted at a time by ``enqueue_in_chunks``: enough that
#: the per-statement costs vanish, few enough that a chunk's rows take a few megabytes.
CHUNK_SIZE = 5_000


@dataclass(frozen=True)
class Draft:
    recipient_id: int
    kind: str
    period: str
    payload: dict[str, Any] = field(default_factory=dict)
    not_after: datetime | None = None

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.recipient_id, self.kind, self.period)


def jsonable(value: Any) -> Any:
    """Dates as ISO strings: what a payload becomes once stored (for showing drafts)."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def enqueue(uow: UnitOfWork, drafts: Iterable[Draft], now: datetime | None = None) -> list[Draft]:
    """Store the drafts not stored before (in the caller's transaction); returns those
    that are new, in the order given."""
    created = now or datetime.now(UTC)
    unique: dict[tuple[int, str, str], Draft] = {}
    for draft in drafts:
        unique.setdefault(draft.key, draft)
    rows = [
        {
            "recipient_id": d.recipient_id,
            "kind": d.kind,
            "period": d.period,
            "payload": d.payload,
            "not_after": d.not_after,
            "attempts": 0,
        }
        for d in unique.values()
    ]
    inserted = uow.reminders.insert(rows, created)
    return [d for d in unique.values() if d.key in inserted]


def _weight(draft: Draft) -> int:
    """A draft's share of a chunk: one, plus the lines its payload lists (a township's
    summary carries up to 40 cadres' lines, as much as 40 cadres' own drafts)."""
    lines = draft.payload.get("lines")
    if not lines:
        return 1
    return 1 + sum(len(part.get("items", ())) for part in lines)


def enqueue_in_chunks(
    uow: UnitOfWork,
    drafts: Iterable[Draft],
    now: datetime | None = None,
    *,
    chunk_size: int = CHUNK_SIZE,
    keep: bool = True,
) -> tuple[int, list[Draft]]:
    """``enqueue`` for a long (or lazily planned) stream of drafts, a chunk at a time (a
    chunk: drafts weighing ``chunk_size``, see ``_weight``), all in the caller's
    transaction and stamped with the same ``now``; returns how many were new and, with
    ``keep``, which (else an empty list: a caller that only counts must not hold them all).

    The result is the same as one ``enqueue`` of the whole stream: within a chunk
    ``enqueue`` keeps the first of equal keys, and a key repeated in a later chunk meets
    the row the earlier chunk inserted and is skipped (``ON CONFLICT DO NOTHING``), so the
    first draft of a key wins either way, and rows get their ids in the order given."""
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    created = now or datetime.now(UTC)
    counted: list[int] = []
    new: list[Draft] = []

    def store(chunk: list[Draft]) -> None:
        stored = enqueue(uow, chunk, created)
        counted.append(len(stored))
        if keep:
            new.extend(stored)

    chunk: list[Draft] = []
    weight = 0
    for draft in drafts:
        chunk.append(draft)
        weight += _weight(draft)
        if weight >= chunk_size:
            store(chunk)
            chunk, weight = [], 0
    if chunk:
        store(chunk)
    return sum(counted), new
