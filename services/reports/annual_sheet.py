"""The annual sheet (年度考核表) org_dept and poverty_bureau assess the cadres from at year end
(Art. 26, 30): one row per cadre posted during the year.

Each row carries the year's attendance as the monthly sheet counts it
(``services.reports.attendance_sheet.gather`` over the year: on-site days against the 220
required, approved-leave days, absent working days, the living allowance, diaries written
and signed, the removal-trigger flags of Art. 29.1), the spot checks of the year (how many
found the cadre present, on leave, unexcused, or got no answer, and the sanction the
unexcused ones reached, Art. 26.3) and the grade recorded. A second worksheet sets the
year's 优秀 against the 20% cap (``domain.assessment.excellent_cap``) over every cadre posted
that year, district-wide whatever the filter, since the cap is the district's.
Values are plain numbers and words, never formulas; the words come from the caller.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, tzinfo
from typing import Any

from domain.assessment import Sanction, SpotCheckResult, sanction_for
from domain.attendance import ONSITE_DAYS_ONLY, AllowanceRule, Period
from domain.calendar import WorkdayCalendar
from domain.duty import DutyKind, DutyRecord, TrainingDays, training_days
from domain.ledger import required_for_year
from domain.visits import VisitKind
from services import grades as grade_service
from services import visits as visit_service
from services.reports.attendance_sheet import SheetRow, gather
from services.reports.plans_sheet import PlanRow, gather_plans, write_plans
from services.reports.workbook import cell, finish
from storage.unit_of_work import UnitOfWork

#: 五必访 (Art. 10.1): the year's diary entries per kind of visit, a column each.
VISIT_COLUMNS: tuple[str, ...] = tuple(f"visits_{kind.value}" for kind in VisitKind)
#: Column keys in sheet order; ``label(key)`` gives each header.
COLUMNS: tuple[str, ...] = (
    "name",
    "role",
    "township",
    "village",
    "unit",
    "onsite_days",
    "onsite_required",
    "onsite_short",
    "leave_days",
    "duty_days",
    "pre_training_days",
    "training_days",
    "training_met",
    "absent_workdays",
    "allowance_yuan",
    "diaries_written",
    "diaries_week_signed",
    "diaries_month_signed",
    *VISIT_COLUMNS,
    "removal_month",
    "removal_year",
    "checks_total",
    "checks_present",
    "checks_on_leave",
    "checks_unexcused",
    "checks_no_answer",
    "checks_not_counted",
    "sanction",
    "grade",
    "note",
)
#: Columns summed in the totals row.
SUMMED: tuple[str, ...] = (
    "onsite_days",
    "onsite_short",
    "leave_days",
    "duty_days",
    "pre_training_days",
    "training_days",
    "absent_workdays",
    "allowance_yuan",
    "diaries_written",
    "diaries_week_signed",
    "diaries_month_signed",
    *VISIT_COLUMNS,
    "checks_total",
    "checks_present",
    "checks_on_leave",
    "checks_unexcused",
    "checks_no_answer",
    "checks_not_counted",
)
#: Yes/no columns: the totals row counts the cadres flagged.
FLAGS: tuple[str, ...] = ("training_met", "removal_month", "removal_year")
#: Keys of the summary worksheet, in order.
SUMMARY: tuple[str, ...] = (
    "total_cadres",
    "graded_excellent",
    "excellent_cap",
    "excellent_percent",
    "within_cap",
    "graded_competent",
    "graded_incompetent",
    "ungraded",
)


@dataclass(frozen=True)
class AnnualRow:
    person_id: int
    name: str
    role: str
    township: str
    village: str
    unit: str
    onsite_days: int
    onsite_required: int
    onsite_short: int
    leave_days: int
    duty_days: int
    pre_training_days: int  # 岗前培训 (Art. 13: at least 2)
    training_days: int  # 岗位培训 (Art. 13: at least 3)
    training_met: bool
    absent_workdays: int
    allowance_yuan: int
    diaries_written: int
    diaries_week_signed: int
    diaries_month_signed: int
    removal_month: bool
    removal_year: bool
    checks_total: int
    checks_present: int
    checks_on_leave: int
    checks_unexcused: int
    checks_no_answer: int
    checks_not_counted: int
    sanction: Sanction | None
    grade: str | None
    note: str = ""  # the attendance sheet's note key (a move during the year)
    # 五必访 (Art. 10.1): the year's diary entries tagged with each kind (VISIT_COLUMNS)
    visits_party_cadres: int = 0
    visits_villager_representatives: int = 0
    visits_entrepreneurs: int = 0
    visits_poor_families: int = 0
    visits_petitioners: int = 0


@dataclass(frozen=True)
class AnnualSheet:
    year: int
    as_of: date
    rows: list[AnnualRow]
    grades: grade_service.GradeSummary
    provisional: bool = False
    #: Each cadre's plans and written reports of the year, filed on which day (Art. 14-15).
    plans: tuple[PlanRow, ...] = ()

    def totals(self) -> dict[str, int]:
        totals = {key: sum(getattr(r, key) for r in self.rows) for key in SUMMED}
        totals.update({key: sum(1 for r in self.rows if getattr(r, key)) for key in FLAGS})
        return totals


def _checks_by_cadre(uow: UnitOfWork, year: int, zone: tzinfo) -> dict[int, Counter[str | None]]:
    first = datetime(year, 1, 1, tzinfo=zone)
    last = datetime(year + 1, 1, 1, tzinfo=zone)
    counts: dict[int, Counter[str | None]] = {}
    for check in uow.spot_checks.between(first, last):
        counts.setdefault(check.cadre_id, Counter())[check.result] += 1
    return counts


def _row(
    base: SheetRow,
    checks: Counter[str | None],
    grade: str | None,
    required: int,
    training: TrainingDays,
) -> AnnualRow:
    unexcused = checks[SpotCheckResult.UNEXCUSED]
    return AnnualRow(
        person_id=base.person_id,
        name=base.name,
        role=base.role,
        township=base.township,
        village=base.village,
        unit=base.unit,
        onsite_days=base.onsite_days,
        onsite_required=required,
        onsite_short=max(0, required - base.onsite_days),
        leave_days=base.leave_days,
        duty_days=base.duty_days,
        pre_training_days=training.pre_training,
        training_days=training.training,
        training_met=training.met,
        absent_workdays=base.absent_workdays,
        allowance_yuan=base.allowance_yuan,
        diaries_written=base.diaries_written,
        diaries_week_signed=base.diaries_week_signed,
        diaries_month_signed=base.diaries_month_signed,
        removal_month=base.removal_month,
        removal_year=base.removal_year,
        checks_total=sum(checks.values()),
        checks_present=checks[SpotCheckResult.PRESENT],
        checks_on_leave=checks[SpotCheckResult.ON_LEAVE],
        checks_unexcused=unexcused,
        checks_no_answer=checks[SpotCheckResult.NO_ANSWER],
        checks_not_counted=checks[SpotCheckResult.NOT_COUNTED],
        sanction=sanction_for(unexcused),
        grade=grade,
        note=base.note,
    )


def gather_annual(
    uow: UnitOfWork,
    year: int,
    *,
    as_of: date,
    zone: tzinfo,
    township_id: int | None = None,
    calendar: WorkdayCalendar | None = None,
    allowance: AllowanceRule = ONSITE_DAYS_ONLY,
) -> AnnualSheet:
    """The year's sheet counted up to ``as_of`` (at most December 31; a day that has not
    happened is not an absence), for one township or the whole district."""
    period = Period.year(year)
    as_of = min(as_of, period.last)
    base = gather(
        uow, period, township_id=township_id, as_of=as_of, calendar=calendar, allowance=allowance
    )
    checks = _checks_by_cadre(uow, year, zone)
    grades = uow.grades.for_year(year)
    # Each cadre owes 220 pro-rated to the days of the year they were posted, anywhere
    # (the same figure /status and the weekly standing show).
    ids = [r.person_id for r in base.rows]
    posted = uow.roster.postings(period.first, period.last, person_ids=ids)
    spans = {p.person_id: p.spans for p in posted}
    duty = {
        pid: [DutyRecord(d.start, d.end, DutyKind(d.kind)) for d in records]
        for pid, records in uow.absences.duty_spans(period.first, period.last, ids).items()
    }
    rows = [
        _row(
            r,
            checks.get(r.person_id, Counter()),
            grades[r.person_id].grade if r.person_id in grades else None,
            required_for_year(year, spans.get(r.person_id, ())),
            training_days(duty.get(r.person_id, []), year),
        )
        for r in base.rows
    ]
    visits = visit_service.counts_by_cadre(uow, ids, Period(period.first, as_of))  # Art. 10.1
    rows = [_with_visits(r, visits.get(r.person_id, {})) for r in rows]
    summary = grade_service.summary(uow, year)
    plans = tuple(gather_plans(uow, year, rows, zone))
    return AnnualSheet(year, as_of, rows, summary, base.provisional, plans)


def _with_visits(row: AnnualRow, counts: dict[VisitKind, int]) -> AnnualRow:
    """The row with the cadre's 五必访 counts in its ``visits_<kind>`` fields."""
    return replace(
        row,
        visits_party_cadres=counts.get(VisitKind.PARTY_CADRES, 0),
        visits_villager_representatives=counts.get(VisitKind.VILLAGER_REPRESENTATIVES, 0),
        visits_entrepreneurs=counts.get(VisitKind.ENTREPRENEURS, 0),
        visits_poor_families=counts.get(VisitKind.POOR_FAMILIES, 0),
        visits_petitioners=counts.get(VisitKind.PETITIONERS, 0),
    )


def to_xlsx(sheet: AnnualSheet, label: Callable[[str], str]) -> bytes:
    """The workbook: the cadres' sheet (header, one row per cadre, totals) and the grades
    summary. ``label(key)`` gives every word: the column keys, ``total``, ``yes``/``no``,
    ``sheet_cadres``/``sheet_grades`` (worksheet titles), the summary keys, role codes,
    grade codes and sanction codes."""
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    workbook = Workbook()
    ws = workbook.active
    assert isinstance(ws, Worksheet), "a new workbook opens on a worksheet"
    ws.title = label("sheet_cadres")[:31]
    ws.append([label(key) for key in COLUMNS])
    yes = label("yes")
    for row in sheet.rows:
        values = asdict(row)
        values["role"] = label(row.role)
        values["grade"] = label(row.grade) if row.grade else ""
        values["sanction"] = label(row.sanction) if row.sanction else ""
        values["note"] = label(row.note) if row.note else ""
        for flag in FLAGS:
            values[flag] = yes if values[flag] else ""
        ws.append([cell(values[key]) for key in COLUMNS])
    totals: dict[str, Any] = dict.fromkeys(COLUMNS, "")
    totals.update(sheet.totals())
    totals["name"] = label("total")
    ws.append([cell(totals[key]) for key in COLUMNS])
    if sheet.provisional:
        ws.append([label("provisional_note")])
    finish(ws, bold_rows=(len(sheet.rows) + 2,))

    summary = workbook.create_sheet(label("sheet_grades")[:31])
    g = sheet.grades
    values = {
        "total_cadres": g.total,
        "graded_excellent": g.excellent,
        "excellent_cap": g.cap,
        "excellent_percent": g.excellent_percent,
        "within_cap": label("yes") if g.within_cap else label("no"),
        "graded_competent": g.competent,
        "graded_incompetent": g.incompetent,
        "ungraded": g.ungraded,
    }
    summary.append([label("year"), sheet.year])
    summary.append([label("as_of"), sheet.as_of.isoformat()])
    for key in SUMMARY:
        summary.append([label(key), values[key]])
    summary.column_dimensions["A"].width = 28
    write_plans(workbook, sheet.plans, label)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
