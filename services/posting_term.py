"""A posting's term as a cadre's /status shows it (Art. 6 定期选派轮换): when it began,
its last day (``domain.posting_term.term_last_day``: the roster's end, else two years for
a First Secretary, none for a work-team member) and, for a change of village or unit
before the previous term was up, the consent recorded with it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.posting_term import term_last_day
from domain.roles import CADRE_ROLES, Role
from storage.ids import id_of
from storage.tables import Person
from storage.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class CurrentTerm:
    start: date
    last_day: date | None
    approval: str | None

    def days_left(self, today: date) -> int | None:
        return None if self.last_day is None else (self.last_day - today).days


def current_term(uow: UnitOfWork, person: Person, today: date) -> CurrentTerm | None:
    """The term of the cadre's posting in force ``today`` (None when not posted)."""
    if person.role not in CADRE_ROLES:
        return None
    posting = uow.assignments.current(id_of(person), today)
    if posting is None:
        return None
    last_day = term_last_day(Role(person.role), posting.start, posting.end)
    return CurrentTerm(posting.start, last_day, posting.change_approval)
