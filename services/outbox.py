"""Reminders to send later, through the outbox (``storage.tables.Reminder``).

A ``Draft`` names its recipient, a kind and a period key; the pair (kind, period) is what
makes it unique for that recipient, so enqueuing the same draft twice (a sweep run again
after a restart, a second scheduler, a double tap) stores it once. The payload is a
catalog key and its values, never wording:

``{"key": ..., "params": {...}, "lines": [...], "parts": [...], "actions": [...],
"document": {...}}`` (see ``scheduler.render`` for how each part is shown). Payloads are
stored as given, so they hold JSON values only (dates as ISO strings): a sweep of 100,000
cadres cannot afford to walk every payload converting values.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from storage import sweeps
from storage.unit_of_work import UnitOfWork


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
    inserted = sweeps.insert_reminders(uow.session, rows, created)
    return [d for d in unique.values() if d.key in inserted]
