"""Exports of the records for the district's own spreadsheets and archives.

Each kind is built with a handful of set-based queries (never one per row) into plain
records: ``people``, ``checkins``, ``diaries`` and ``leaves``. Dates are ISO strings and
times are in the district's time zone. Formats:

- json: a list of objects (``ensure_ascii=False``); a leave's ``steps`` is a list;
- csv: UTF-8 with a BOM so Excel shows Chinese; booleans ``true``/``false``, nothing
  as an empty cell, a leave's ``steps`` as a JSON string; a text a spreadsheet would run
  as a formula (``=``, ``@``, a tab or a return first, or ``+``/``-`` not starting a
  number) gets a leading ``'``, so a diary that starts with ``=HYPERLINK(...)`` cannot
  act when an official opens the file;
- xlsx: one sheet, header row, plain values (text that starts with ``=`` stays text).
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from domain.errors import DomainError
from services.day_export import day_records
from services.reports.workbook import cell
from storage.unit_of_work import UnitOfWork, UnitOfWorkFactory


class ExportKind(StrEnum):
    PEOPLE = "people"
    CHECKINS = "checkins"
    DIARIES = "diaries"
    LEAVES = "leaves"
    DAYS = "days"  # the day ledger: one row per cadre-day of a year


class ExportFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"


FIELDS: dict[ExportKind, tuple[str, ...]] = {
    ExportKind.PEOPLE: ("name", "phone", "role", "township", "village", "unit", "bound", "active"),
    ExportKind.CHECKINS: (
        "phone",
        "date",
        "time",
        "lat",
        "lon",
        "distance_m",
        "on_site",
        "source",
    ),
    ExportKind.DIARIES: (
        "phone",
        "date",
        "text",
        "photos",
        "week_signed_by",
        "month_confirmed_by",
    ),
    ExportKind.LEAVES: (
        "id",
        "applicant_phone",
        "start",
        "end",
        "days",
        "tier",
        "status",
        "reason",
        "retroactive",
        "steps",
    ),
    ExportKind.DAYS: ("phone", "name", "date", "status", "evidence", "township", "village"),
}

#: The keys of each step in a leave's ``steps``, in route order.
STEP_FIELDS = ("stage", "role", "kind", "assignee_phone", "decision", "comment", "time")


@dataclass(frozen=True)
class Export:
    kind: ExportKind
    fields: tuple[str, ...]
    records: list[dict[str, Any]]


def _local(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    return None if moment is None else moment.astimezone(zone)


def _people(uow: UnitOfWork, zone: ZoneInfo) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "phone": phone,
            "role": role,
            "township": township,
            "village": village,
            "unit": unit,
            "bound": telegram_id is not None,
            "active": bool(active),
        }
        for name, phone, role, township, village, unit, telegram_id, active in uow.exports.people()
    ]


def _checkins(uow: UnitOfWork, zone: ZoneInfo) -> list[dict[str, Any]]:
    records = []
    for checkin, phone in uow.exports.checkins():
        records.append(
            {
                "phone": phone,
                "date": checkin.day.isoformat(),
                "time": checkin.at.astimezone(zone).time().replace(microsecond=0).isoformat(),
                "lat": checkin.lat,
                "lon": checkin.lon,
                "distance_m": checkin.distance_m,
                "on_site": bool(checkin.on_site),
                "source": checkin.source,
            }
        )
    return records


def _diaries(uow: UnitOfWork, zone: ZoneInfo) -> list[dict[str, Any]]:
    return [
        {
            "phone": phone,
            "date": entry.day.isoformat(),
            "text": entry.text,
            "photos": " ".join(entry.photo_file_ids or []),
            "week_signed_by": week_name,
            "month_confirmed_by": month_name,
        }
        for entry, phone, week_name, month_name in uow.exports.diaries()
    ]


def _leaves(uow: UnitOfWork, zone: ZoneInfo) -> list[dict[str, Any]]:
    steps: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for step, phone in uow.exports.leave_steps():
        decided = _local(step.decided_at, zone)
        steps[step.request_id].append(
            {
                "stage": step.stage,
                "role": step.role,
                "kind": step.kind,
                "assignee_phone": phone,
                "decision": step.decision,
                "comment": step.comment,
                "time": decided.isoformat() if decided else None,
            }
        )
    return [
        {
            "id": request.id,
            "applicant_phone": phone,
            "start": request.start.isoformat(),
            "end": request.end.isoformat(),
            "days": request.days,
            "tier": request.tier,
            "status": request.status,
            "reason": request.reason,
            "retroactive": request.retroactive,
            "steps": steps.get(request.id, []) if request.id is not None else [],
        }
        for request, phone in uow.exports.leave_requests()
    ]


_BUILDERS = {
    ExportKind.PEOPLE: _people,
    ExportKind.CHECKINS: _checkins,
    ExportKind.DIARIES: _diaries,
    ExportKind.LEAVES: _leaves,
}


def collect(
    uow: UnitOfWork,
    kind: ExportKind,
    zone: ZoneInfo,
    *,
    year: int | None = None,
    township: str | None = None,
    as_of: date | None = None,
) -> Export:
    """The records of one kind, read in the caller's unit of work. ``days`` needs the
    ``year`` and may be narrowed to a ``township`` (the days its villages hosted cadres);
    it runs to ``as_of`` (a day that has not happened has no status yet)."""
    kind = ExportKind(kind)
    if kind is ExportKind.DAYS:
        if year is None:
            raise DomainError("export.days_need_year")
        return Export(kind, FIELDS[kind], day_records(uow, year, township, as_of=as_of))
    return Export(kind, FIELDS[kind], _BUILDERS[kind](uow, zone))


def export_records(
    uow_factory: UnitOfWorkFactory,
    kind: ExportKind,
    zone: ZoneInfo,
    *,
    year: int | None = None,
    township: str | None = None,
    as_of: date | None = None,
) -> Export:
    """The records of one kind, read in a unit of work of their own (nothing written)."""
    with uow_factory() as uow:
        return collect(uow, kind, zone, year=year, township=township, as_of=as_of)


def to_json(export: Export) -> str:
    return json.dumps(export.records, ensure_ascii=False, indent=2) + "\n"


def _flat(value: Any) -> Any:
    """A value for one spreadsheet cell: lists and objects as JSON text."""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


_FORMULA_START = ("=", "@", "\t", "\r", "+", "-")


def _inert(text: str) -> str:
    """``text`` as a spreadsheet will only ever show it (CSV has no "this is text" mark:
    Excel and WPS run a cell that starts like a formula). Signed numbers stay as they are."""
    if not text.startswith(_FORMULA_START):
        return text
    if text[0] in "+-":
        try:
            float(text)
        except ValueError:
            return "'" + text
        return text
    return "'" + text


def to_csv(export: Export) -> str:
    """CSV text starting with a BOM (write it as UTF-8)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(export.fields)
    for record in export.records:
        cells = []
        for name in export.fields:
            value = _flat(record.get(name))
            if value is None:
                value = ""
            elif isinstance(value, bool):
                value = "true" if value else "false"
            elif isinstance(value, str):
                value = _inert(value)
            cells.append(value)
        writer.writerow(cells)
    return out.getvalue()


def to_xlsx(export: Export) -> bytes:
    """An XLSX workbook with one sheet named after the kind."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook has its one sheet
    sheet.title = export.kind.value
    sheet.append(list(export.fields))
    for record in export.records:
        sheet.append([cell(_flat(record.get(name))) for name in export.fields])
    for row in sheet.iter_rows(min_row=2):
        for c in row:
            if c.data_type == "f":  # text that looks like a formula stays text
                c.data_type = "s"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def render(export: Export, fmt: ExportFormat) -> bytes:
    """The export in ``fmt`` as bytes ready for a file (or a document sent by the bot)."""
    fmt = ExportFormat(fmt)
    if fmt is ExportFormat.JSON:
        return to_json(export).encode("utf-8")
    if fmt is ExportFormat.CSV:
        return to_csv(export).encode("utf-8")
    return to_xlsx(export)
