"""What a check found, judged for its day, and the closing of it: the result recorded,
an unexcused absence counted as the n-th of its calendar year with the sanction that brings
(the third locks the year's grade 不称职), and who is told."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from domain.assessment import (
    Sanction,
    SpotCheckResult,
    escalates,
    sanction_for,
    spot_check_result,
)
from domain.calendar import WorkdayCalendar
from domain.ledger import DayStatus
from domain.roles import Role
from services.calendar import load_calendar
from services.grades import Change, impose_incompetent
from services.ledger import read_evidence
from services.notices import Notice
from services.places import Posting, holders_for
from storage.ids import id_of
from storage.tables import Person, SpotCheck
from storage.unit_of_work import UnitOfWork

#: Outbox kind of the spot-check messages queued for the dispatcher (by the expiry sweep
#: and by the import of paper rounds).
OUTBOX_KIND = "spot_check"


@dataclass
class SpotCheckOutcome:
    """A closed check, the sanction it brought (if any) and who must be told."""

    check: SpotCheck
    cadre: Person
    village: str
    result: SpotCheckResult
    unexcused_this_year: int = 0
    sanction: Sanction | None = None
    notices: list[Notice] = field(default_factory=list)


def on_approved_leave(uow: UnitOfWork, cadre: Person, day: date) -> bool:
    """Whether the day ledger excuses the cadre's absence that day: approved leave, or
    official duty (公务: a duty record, or the township's entry of duty). A request still
    waiting for a decision does not excuse being found away."""
    evidence = read_evidence(uow, day, day, [id_of(cadre)])
    records = evidence.records(id_of(cadre), ((day, day),), ())
    return (
        day in records.leave
        or day in records.duty
        or ((records.township or {}).get(day) is DayStatus.DUTY)
    )


def judge(
    uow: UnitOfWork,
    cadre: Person,
    *,
    on_site: bool,
    day: date,
    calendar: WorkdayCalendar | None = None,
) -> SpotCheckResult:
    """What the check found, judged for ``day``: its calendar and the cadre's leave."""
    return spot_check_result(
        on_site=on_site,
        on_approved_leave=on_approved_leave(uow, cadre, day),
        working_day=(calendar or load_calendar(uow)).is_workday(day),
    )


def local_time(moment: datetime, now: datetime) -> str:
    return moment.astimezone(now.tzinfo).strftime("%Y-%m-%d %H:%M")


def _year_bounds(now: datetime) -> tuple[datetime, datetime]:
    return (
        datetime(now.year, 1, 1, tzinfo=now.tzinfo),
        datetime(now.year + 1, 1, 1, tzinfo=now.tzinfo),
    )


def close_check(
    uow: UnitOfWork,
    check: SpotCheck,
    cadre: Person,
    post: Posting,
    result: SpotCheckResult,
    now: datetime,
) -> SpotCheckOutcome:
    """Record the result; an unexcused absence is the n-th of its calendar year counting
    the year's unexcused checks up to its own moment (a visit recorded late takes its place
    by date). Three in the year lock the grade 不称职 whatever order they came in: when a
    visit recorded late is what brings the year to three, its sanction is the third's (the
    lock must be announced) and its count the year's."""
    replaced = check.result
    check.result, check.recorded_at = result, now
    uow.flush()
    outcome = SpotCheckOutcome(check, cadre, post.village.name, result)
    if escalates(result):
        first, last = _year_bounds(check.started_at.astimezone(now.tzinfo))
        outcome.unexcused_this_year = uow.spot_checks.ordinal(
            check, SpotCheckResult.UNEXCUSED, first
        )
        outcome.sanction = sanction_for(outcome.unexcused_this_year)
        in_year = uow.spot_checks.count_result(id_of(cadre), SpotCheckResult.UNEXCUSED, first, last)
        locks = sanction_for(in_year) is Sanction.NOTICE_AND_INCOMPETENT
        if locks and impose_incompetent(uow, cadre, first.year, now) is not Change.UNCHANGED:
            outcome.unexcused_this_year = max(outcome.unexcused_this_year, in_year)
            outcome.sanction = Sanction.NOTICE_AND_INCOMPETENT
    uow.audit.record(
        now,
        check.official_id,
        "spot_check.result",
        f"spotcheck:{check.id}",
        cadre=cadre.id,
        method=check.method,
        result=str(result),
        started_at=check.started_at.isoformat(),
        replaced=replaced,
        unexcused_this_year=outcome.unexcused_this_year,
        sanction=str(outcome.sanction) if outcome.sanction else None,
    )
    outcome.notices = _notices(uow, outcome, post, now)
    return outcome


def message_params(outcome: SpotCheckOutcome, now: datetime) -> dict[str, Any]:
    """Values for the messages, the time in the district's zone (``now``'s)."""
    local = outcome.check.started_at.astimezone(now.tzinfo)
    return {
        "name": outcome.cadre.name,
        "village": outcome.village,
        "at": local_time(local, now),
        "day": local.date().isoformat(),
        "count": outcome.unexcused_this_year,
        "year": local.year,
    }


def _notices(
    uow: UnitOfWork, outcome: SpotCheckOutcome, post: Posting, now: datetime
) -> list[Notice]:
    """The official hears the result; for an unexcused absence the official, the cadre,
    their township secretary, their dispatching unit, org_dept and poverty_bureau hear the
    sanction (the cadre in their own words)."""
    params = message_params(outcome, now)
    official_id = outcome.check.official_id
    if outcome.sanction is None:
        return [Notice(official_id, f"spotcheck.found_{outcome.result}", params)]
    holders = holders_for(uow, post)
    told: list[int] = [official_id]
    for role in (Role.TOWNSHIP_SECRETARY, Role.UNIT_LEADER, Role.ORG_DEPT, Role.POVERTY_BUREAU):
        told += [pid for pid in holders.get(role, []) if pid not in told]
    return [Notice(id_of(outcome.cadre), f"spotcheck.you_{outcome.sanction}", params)] + [
        Notice(pid, f"spotcheck.told_{outcome.sanction}", params)
        for pid in told
        if pid != outcome.cadre.id
    ]
