"""A posting's term as a cadre's /status shows it (Art. 6 定期选派轮换): when it began,
its last day (``domain.posting_term.term_last_day``: the roster's end, else two years for
a First Secretary, none for a work-team member) and, for a change of village or unit
before the previous term was up, the consent recorded with it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from domain.posting_term import PostingSpan, term_last_day, term_start
from domain.roles import CADRE_ROLES, Role
from storage.ids import id_of
from storage.tables import Assignment, Person
from storage.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class CurrentTerm:
    start: date
    last_day: date | None
    approval: str | None

    def days_left(self, today: date) -> int | None:
        return None if self.last_day is None else (self.last_day - today).days


def span(posting: Assignment) -> PostingSpan:
    return PostingSpan(posting.start, posting.end, posting.village_id)


def posting_term(
    role: Role, postings: Iterable[Assignment], posting: Assignment
) -> tuple[date, date | None]:
    """The first and last day of the term ``posting`` belongs to, given the cadre's
    postings: a change of unit in the same village continues the term
    (``domain.posting_term.term_start``); raises ``DomainError`` for an end before the
    start."""
    start = term_start((span(p) for p in postings), span(posting))
    return start, term_last_day(role, start, posting.end)


def current_term(uow: UnitOfWork, person: Person, today: date) -> CurrentTerm | None:
    """The term of the cadre's posting in force ``today`` (None when not posted)."""
    if person.role not in CADRE_ROLES:
        return None
    posting = uow.assignments.current(id_of(person), today)
    if posting is None:
        return None
    start, last_day = posting_term(
        Role(person.role), uow.assignments.for_person(id_of(person)), posting
    )
    return CurrentTerm(start, last_day, posting.change_approval)
