"""Who may see which report, and the periods reports cover.

The regulation gives each township's attendance to its own party committee (Art. 11), the
whole district's to org_dept and poverty_bureau, and each dispatching unit its own cadres'
quarterly attendance. A scope is checked here against the person asking, whatever a
button (or forged callback data) claims, so a township secretary can never pull another
township's sheet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from domain.attendance import Period
from domain.errors import DomainError, NotAllowed
from domain.roles import DISTRICT_ROLES, REPORT_ROLES, TOWNSHIP_ROLES, Role
from storage.ids import id_of
from storage.tables import Person
from storage.unit_of_work import UnitOfWork

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


class ScopeKind(StrEnum):
    TOWNSHIP = "t"
    DISTRICT = "d"
    UNIT = "u"
    ANNUAL = "a"  # the whole district's annual assessment sheet
    REWARDS = "w"  # a year's rewards list (Art. 30): ref 0 the district, else a unit


@dataclass(frozen=True)
class Scope:
    kind: ScopeKind
    ref: int  # the township's or unit's id; 0 for the district
    name: str  # the township's or unit's name; empty for the district


def scopes_for(uow: UnitOfWork, person: Person) -> list[Scope]:
    """What ``person`` may see, in the order the bot offers it."""
    role = person.role
    if role in DISTRICT_ROLES:
        townships = [Scope(ScopeKind.TOWNSHIP, id_of(t), t.name) for t in uow.places.townships()]
        return [*townships, Scope(ScopeKind.DISTRICT, 0, ""), Scope(ScopeKind.ANNUAL, 0, "")]
    if role in TOWNSHIP_ROLES and person.township_id is not None:
        township = uow.places.township_by_id(person.township_id)
        return [Scope(ScopeKind.TOWNSHIP, id_of(township), township.name)] if township else []
    if role == Role.UNIT_LEADER and person.unit_id is not None:
        unit = uow.places.unit_by_id(person.unit_id)
        return [Scope(ScopeKind.UNIT, id_of(unit), unit.name)] if unit else []
    return []


def resolve(uow: UnitOfWork, person: Person, kind: str, ref: int) -> Scope:
    """The scope named by a button, if ``person`` may see it; refuses anything else."""
    if person.role not in REPORT_ROLES:
        raise DomainError("error.role_cannot")
    for scope in scopes_for(uow, person):
        if scope.kind == kind and scope.ref == ref:
            return scope
    raise NotAllowed()


# -- periods ----------------------------------------------------------------------------------


def month_key(day: date) -> str:
    return f"{day.year}-{day.month:02d}"


def quarter_key(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def period_of(key: str) -> Period:
    """``2026-11`` (a month), ``2026-Q4`` (a quarter) or ``2026`` (a year)."""
    if match := _MONTH.match(key or ""):
        return Period.month(int(match[1]), int(match[2]))
    if match := _QUARTER.match(key or ""):
        return Period.quarter(int(match[1]), int(match[2]))
    if match := _YEAR.match(key or ""):
        return Period.year(int(match[1]))
    raise DomainError("report.bad_period", period=key)


def shift(key: str, steps: int) -> str:
    """The period ``steps`` months, quarters or years from ``key`` (the same kind)."""
    period = period_of(key)
    if _YEAR.match(key):
        return str(period.first.year + steps)
    months = 3 if _QUARTER.match(key) else 1
    index = period.first.year * 12 + period.first.month - 1 + steps * months
    first = date(index // 12, index % 12 + 1, 1)
    return quarter_key(first) if months == 3 else month_key(first)


def as_of_for(key: str, today: date) -> date:
    """The last whole day a report of ``key`` counts: the period's end once it is over,
    else yesterday (today is not over: a cadre may still check in). Refuses a period that
    has not begun."""
    period = period_of(key)
    if period.first > today:
        raise DomainError("report.future", period=key)
    return min(period.last, today - timedelta(days=1))
