"""The half-year written report's reminders (Art. 15): 15 and 3 days before 30 June and
31 December, each cadre posted then who has not filed the half year's report is reminded.

A run that missed a reminder day sends it on the next run, once (the outbox's period key
is the half year and the reminder: ``2026-H2:15``); one that missed both days sends only
the 3-day reminder. A cadre whose posting ends before the deadline owes no half-year
report (the term summary stands for it, ``domain.posting_term.reports_due``); one who
has filed is not reminded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from domain.filings import FilingKind, half_year_deadline_of, half_year_key, report_reminder_due
from domain.posting_term import WrittenReport, reports_due, term_last_day
from domain.roles import Role
from scheduler.common import DEFAULT_ZONE, UowFactory, day_of, end_of_day, run_sweep
from scheduler.payload import Part, Payload
from services.outbox import Draft
from storage.unit_of_work import UnitOfWork

KIND = "written_report"


@dataclass(frozen=True)
class ReportReminder:
    """What the reminder says: the half year, its deadline and the days left."""

    year: int
    half: int
    deadline: date
    days: int

    def payload(self) -> Payload:
        params = {"year": self.year, "deadline": self.deadline.isoformat(), "days": self.days}
        return Payload(f"filings.reminder_due_{self.half}", params)


def sweep_written_reports(
    uow_factory: UowFactory,
    as_of: date | datetime,
    *,
    zone: ZoneInfo = DEFAULT_ZONE,
    dry_run: bool = False,
    keep: bool = True,
) -> list[Draft]:
    today = day_of(as_of, zone)
    deadline = half_year_deadline_of(today)
    reminder = report_reminder_due(deadline, today)
    period = half_year_key(today)

    def plan(uow: UnitOfWork) -> Iterator[Draft]:
        if reminder is None:
            return
        payload = ReportReminder(
            today.year, int(period[-1]), deadline, (deadline - today).days
        ).payload()
        stored = payload.to_json()
        for batch in uow.roster.posting_batches(today, today):
            filed = uow.filings.filed([c.person_id for c in batch], FilingKind.HALF_YEAR, period)
            for c in batch:
                if c.person_id in filed:
                    continue
                last_day = term_last_day(Role(c.role), c.start, c.end)
                due = reports_due(c.start, last_day, today)
                if not any(d.kind is WrittenReport.HALF_YEAR for d in due):
                    continue
                yield Draft(
                    c.person_id,
                    KIND,
                    f"{period}:{reminder}",
                    stored,
                    not_after=end_of_day(deadline, zone),
                )

    return run_sweep(uow_factory, "written_reports", plan, dry_run=dry_run, keep=keep)


#: At most this many names of cadres without goals in the year-end reminder.
GOALS_NAMES_SHOWN = 20


def year_goals_parts(uow: UnitOfWork, today: date) -> Callable[[int | None], list[Part]]:
    """For the year-end assessment reminder (``scheduler.assessment``): the paragraphs
    saying how many cadres posted today (in a township, or the district for None) have
    filed the year's goals, who has not, and where the plans and goals are (Art. 14)."""
    cadres: list[tuple[int, str, int]] = []
    for batch in uow.roster.posting_batches(today, today):
        cadres += [(c.person_id, c.name, c.township_id) for c in batch]
    filed = uow.filings.filed([c[0] for c in cadres], FilingKind.YEAR_GOALS, str(today.year))

    def parts(township_id: int | None) -> list[Part]:
        scope = [c for c in cadres if township_id is None or c[2] == township_id]
        missing = [name for person_id, name, _t in scope if person_id not in filed]
        counts = {"year": today.year, "filed": len(scope) - len(missing), "cadres": len(scope)}
        found = [Part("filings.assessment_goals", counts)]
        if missing:
            names = "、".join(missing[:GOALS_NAMES_SHOWN])
            more = len(missing) - GOALS_NAMES_SHOWN
            names += f" (+{more})" if more > 0 else ""
            found.append(Part("filings.assessment_goals_missing", {"names": names}))
        return found

    return parts
