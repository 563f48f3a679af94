"""The attendance sheet (考勤表) a township reports monthly to org_dept and poverty_bureau,
and the district sends quarterly to each dispatching unit (Art. 11, 21, 29).

One row per cadre posted during the period: on-site days, approved-leave days, absent
working days, the living allowance (40 yuan per on-site day, Art. 21), diaries written and
signed (Art. 12) and the removal-trigger flags (Art. 29.1); then a totals row. ``gather``
reads the records (set-based, via ``services.figures``); ``to_xlsx`` writes plain values,
never formulas, with the headers the caller supplies (the catalogs' words: services hold
no wording).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from domain.attendance import (
    ONSITE_DAYS_ONLY,
    AllowanceRule,
    Period,
    monthly_removal_triggered,
    yearly_removal_triggered,
)
from domain.calendar import WorkdayCalendar
from services.calendar import load_calendar
from services.figures import attendance_figures
from services.reports.workbook import cell, finish
from storage import sweeps as q
from storage.unit_of_work import UnitOfWork

#: Column keys in sheet order; the header of each is the catalog's ``sheet.<key>``.
COLUMNS: tuple[str, ...] = (
    "name",
    "role",
    "township",
    "village",
    "unit",
    "onsite_days",
    "leave_days",
    "duty_days",
    "absent_workdays",
    "allowance_yuan",
    "diaries_written",
    "diaries_week_signed",
    "diaries_month_signed",
    "absent_year",
    "removal_month",
    "removal_year",
    "note",
)
NUMBERS: tuple[str, ...] = COLUMNS[COLUMNS.index("onsite_days") : COLUMNS.index("removal_month")]
FLAGS: tuple[str, ...] = ("removal_month", "removal_year")


@dataclass(frozen=True)
class SheetRow:
    person_id: int
    name: str
    role: str
    township: str
    village: str
    unit: str
    onsite_days: int
    leave_days: int
    duty_days: int  # 公务: neither on site nor absent
    absent_workdays: int
    allowance_yuan: int
    diaries_written: int
    diaries_week_signed: int
    diaries_month_signed: int
    absent_year: int
    removal_month: bool
    removal_year: bool
    #: "" or the catalog key of the note: ``moved`` (posted to several villages in the
    #: period, all counted) or ``moved_elsewhere`` (only this scope's days are counted).
    note: str = ""


def note_for(moved: bool, elsewhere: bool) -> str:
    return "moved_elsewhere" if elsewhere else "moved" if moved else ""


@dataclass(frozen=True)
class AttendanceSheet:
    period: Period
    as_of: date
    rows: list[SheetRow]
    #: Some day counted lies in a year without an official calendar (Mon-Fri stand-in).
    provisional: bool = False

    def totals(self) -> dict[str, int]:
        """Sums of the figures; for the flags, how many cadres are flagged."""
        totals = {key: sum(getattr(r, key) for r in self.rows) for key in NUMBERS}
        totals.update({key: sum(1 for r in self.rows if getattr(r, key)) for key in FLAGS})
        return totals


def _months(period: Period) -> list[Period]:
    months, year, month = [], period.first.year, period.first.month
    while date(year, month, 1) <= period.last:
        months.append(Period.month(year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def gather(
    uow: UnitOfWork,
    period: Period,
    *,
    township_id: int | None = None,
    unit_id: int | None = None,
    as_of: date | None = None,
    calendar: WorkdayCalendar | None = None,
    allowance: AllowanceRule = ONSITE_DAYS_ONLY,
) -> AttendanceSheet:
    """The sheet of the cadres posted in the township (or for the unit) during ``period``.

    Figures count up to ``as_of`` (default: the whole period). A cadre is flagged for the
    month when any month of the period reached 10 absent working days, and for the year
    when absences from January 1 to the end of the period reached 90. The allowance column
    pays what the district's ``allowance`` rule pays (on-site days; duty days if it says)."""
    as_of = min(as_of or period.last, period.last)
    calendar = calendar or load_calendar(uow)
    cadres = uow.roster.postings(
        period.first, period.last, township_id=township_id, unit_id=unit_id
    )
    figures = attendance_figures(uow, cadres, period, as_of=as_of, calendar=calendar)
    worst_month = {pid: f.absent_workdays for pid, f in figures.items()}
    months = _months(period)
    if len(months) > 1:  # a quarter: the flag is about single months, not the total
        worst_month = dict.fromkeys(worst_month, 0)
        for month in months:
            for pid, f in attendance_figures(
                uow, cadres, month, as_of=as_of, calendar=calendar
            ).items():
                worst_month[pid] = max(worst_month.get(pid, 0), f.absent_workdays)
    year = Period.year(period.last.year)
    yearly = attendance_figures(uow, cadres, year, as_of=as_of, calendar=calendar)
    diaries = uow.diary_figures.counts(period.first, as_of)
    rows = []
    for c in sorted(cadres, key=lambda c: (c.township, c.village, c.person_id)):
        f = figures[c.person_id]
        d = diaries.get(c.person_id, q.DiaryCounts())
        absent_year = yearly[c.person_id].absent_workdays
        rows.append(
            SheetRow(
                person_id=c.person_id,
                name=c.name,
                role=c.role,
                township=c.township,
                village=c.village,
                unit=c.unit,
                onsite_days=f.onsite_days,
                leave_days=f.leave_days,
                duty_days=f.duty_days,
                absent_workdays=f.absent_workdays,
                allowance_yuan=allowance.yuan(f.onsite_days, f.duty_days),
                diaries_written=d.written,
                diaries_week_signed=d.week_signed,
                diaries_month_signed=d.month_signed,
                absent_year=absent_year,
                removal_month=monthly_removal_triggered(worst_month[c.person_id]),
                removal_year=yearly_removal_triggered(absent_year),
                note=note_for(c.moved, c.elsewhere),
            )
        )
    provisional = bool(calendar.provisional_years(period.first, as_of))
    return AttendanceSheet(period, as_of, rows, provisional)


def to_xlsx(sheet: AttendanceSheet, label: Callable[[str], str]) -> bytes:
    """The sheet as an XLSX workbook: a header row, one row per cadre, a totals row.

    ``label(key)`` gives the words: ``label(column)`` for each header, ``label("total")``
    for the totals row, ``label("yes")`` for a raised flag and ``label(role)`` for a role
    code. Every cell holds a value; text that looks like a formula stays text."""
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    workbook = Workbook()
    ws = workbook.active
    assert isinstance(ws, Worksheet), "a new workbook opens on a worksheet"
    ws.title = f"{sheet.period.first:%Y%m%d}-{sheet.period.last:%Y%m%d}"
    ws.append([label(key) for key in COLUMNS])
    yes = label("yes")
    for row in sheet.rows:
        values = asdict(row)
        values["role"] = label(row.role)
        values["note"] = label(row.note) if row.note else ""
        for flag in FLAGS:
            values[flag] = yes if values[flag] else ""
        ws.append([cell(values[key]) for key in COLUMNS])
    totals: dict[str, Any] = {key: "" for key in COLUMNS}
    totals.update(sheet.totals())
    totals["name"] = label("total")
    ws.append([cell(totals[key]) for key in COLUMNS])
    if sheet.provisional:
        ws.append([label("provisional_note")])
    finish(ws, bold_rows=(len(sheet.rows) + 2,))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def document_spec(
    scope: str, scope_id: int, name: str, period: Period, label: str
) -> dict[str, Any]:
    """What an outbox row carries to have the dispatcher attach this sheet: the scope
    (``township`` or ``unit``), its id and name, the period and its label."""
    return {
        "sheet": scope,
        "id": scope_id,
        "name": name,
        "first": period.first.isoformat(),
        "last": period.last.isoformat(),
        "label": label,
    }


def build_from_spec(
    uow: UnitOfWork,
    spec: dict[str, Any],
    label: Callable[[str], str],
    allowance: AllowanceRule = ONSITE_DAYS_ONLY,
) -> bytes:
    """The XLSX an outbox row's ``document`` spec names, from the records as they are now."""
    period = Period(date.fromisoformat(spec["first"]), date.fromisoformat(spec["last"]))
    scope = {"township_id": spec["id"]} if spec["sheet"] == "township" else {"unit_id": spec["id"]}
    return to_xlsx(gather(uow, period, allowance=allowance, **scope), label)
