"""五必访五必问 (Art. 10.1): a cadre tags their own diary entries with whom they visited,
and the year's count per kind is shown in /status and the annual sheet.

A tag belongs to the entry it describes: only its author tags it, and not once a
signature has verified the entry (签字核实 covers what it says, whom it visited
included). A press asks for a state (tagged or not), not a flip, so a repeated tap on a
weak connection changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from domain.attendance import Period
from domain.errors import DomainError
from domain.visits import VisitKind, missing_kinds, visit_counts
from storage.ids import id_of
from storage.tables import Person
from storage.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Tagged:
    """An entry's kinds after a press, its day, and whether the press changed them."""

    entry_id: int
    day: date
    kinds: frozenset[VisitKind]
    changed: bool


_CODES = frozenset(kind.value for kind in VisitKind)


def _kinds(codes: Iterable[str]) -> frozenset[VisitKind]:
    return frozenset(VisitKind(code) for code in codes if code in _CODES)


def set_visit(
    uow: UnitOfWork, person: Person, *, entry_id: int, kind: VisitKind, on: bool, now: datetime
) -> Tagged:
    """Tag (``on``) or untag the person's own entry with ``kind``; an entry already in
    that state is left as it is (``changed`` False)."""
    entry = uow.diaries.get(entry_id)
    if entry is None or entry.person_id != person.id:
        raise DomainError("visits.not_yours")
    kinds = _kinds(uow.visits.kinds_of(entry_id))
    if (kind in kinds) == on:
        return Tagged(entry_id, entry.day, kinds, False)
    if entry.week_signoff_id or entry.month_signoff_id:
        raise DomainError("visits.locked", day=entry.day)
    if on:
        uow.visits.tag(entry_id, kind.value)
        kinds = kinds | {kind}
    else:
        uow.visits.untag(entry_id, kind.value)
        kinds = kinds - {kind}
    action = "diary:visit_tag" if on else "diary:visit_untag"
    uow.audit.record(now, person.id, action, f"diary:{entry_id}", kind=kind.value)
    return Tagged(entry_id, entry.day, kinds, True)


@dataclass(frozen=True)
class YearVisits:
    """A cadre's entries of the year per kind, and the kinds nobody was visited for."""

    counts: dict[VisitKind, int]
    missing: list[VisitKind]


def year_visits(uow: UnitOfWork, person: Person, year: int) -> YearVisits:
    period = Period.year(year)
    tags = uow.visits.tags_between([id_of(person)], period.first, period.last).get(
        id_of(person), []
    )
    entries = [_kinds(kinds) for kinds in tags]
    return YearVisits(visit_counts(entries), missing_kinds(entries))


def counts_by_cadre(
    uow: UnitOfWork, person_ids: Iterable[int], period: Period
) -> dict[int, dict[VisitKind, int]]:
    """Entries per kind of each cadre dated in ``period`` (every kind, zero included;
    a cadre without a tagged entry is absent from the result)."""
    tags = uow.visits.tags_between(person_ids, period.first, period.last)
    return {
        person_id: visit_counts(_kinds(kinds) for kinds in entries)
        for person_id, entries in tags.items()
    }


def entry_kinds(uow: UnitOfWork, person: Person, entry_id: int) -> frozenset[VisitKind]:
    """The kinds of the person's own entry (none for someone else's)."""
    entry = uow.diaries.get(entry_id)
    if entry is None or entry.person_id != person.id:
        return frozenset()
    return _kinds(uow.visits.kinds_of(entry_id))
