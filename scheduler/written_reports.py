"""The half-year written report's reminders (Art. 15): 15 and 3 days before 30 June and
31 December, each cadre posted then who has not filed the half year's report is reminded.

A run that missed a reminder day sends it on the next run, once (the outbox's period key
is the half year and the reminder: ``2026-H2:15``); one that missed both days sends only
the 3-day reminder. A cadre whose posting ends before the deadline owes no half-year
report (the term summary stands for it, ``domain.posting_term.reports_due``); one who
has filed is not reminded.

The 期满书面总结 is due on the term's last day (``services.posting_term.posting_term``:
a change of unit in the same village continues the term): 15 and 3 days before it, a
cadre who has not filed it is reminded the same way (period key ``term:<last day>:15``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from domain.errors import DomainError
from domain.filings import FilingKind, half_year_deadline_of, half_year_key, report_reminder_due
from domain.posting_term import WrittenReport, reports_due
from domain.roles import Role
from scheduler.common import DEFAULT_ZONE, UowFactory, day_of, end_of_day, run_sweep
from scheduler.payload import JSON, Part, Payload
from services.outbox import Draft
from services.posting_term import posting_term
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


def term_summary_payload(last_day: date, days: int) -> JSON:
    """The 期满书面总结's reminder, as stored in the outbox."""
    params = {"last_day": last_day.isoformat(), "days": days}
    return Payload("filings.reminder_term_summary", params).to_json()


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
        payload = ReportReminder(
            today.year, int(period[-1]), deadline, (deadline - today).days
        ).payload()
        stored = payload.to_json()
        for batch in uow.roster.posting_batches(today, today):
            ids = [c.person_id for c in batch]
            filed = uow.filings.filed(ids, FilingKind.HALF_YEAR, period)
            summaries = uow.filings.filed(ids, FilingKind.TERM_SUMMARY, "term")
            history = uow.assignments.for_people(ids)
            for c in batch:
                postings = history.get(c.person_id, [])
                current = next((a for a in postings if a.id == c.assignment_id), None)
                if current is None:
                    continue
                try:
                    start, last_day = posting_term(Role(c.role), postings, current)
                except DomainError:  # an end before the start: the import refuses those
                    continue
                if last_day is not None and c.person_id not in summaries:
                    left = report_reminder_due(last_day, today)
                    if left is not None:
                        yield Draft(
                            c.person_id,
                            KIND,
                            f"term:{last_day.isoformat()}:{left}",
                            term_summary_payload(last_day, (last_day - today).days),
                            not_after=end_of_day(last_day, zone),
                        )
                if reminder is None or c.person_id in filed:
                    continue
                due = reports_due(start, last_day, today)
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
