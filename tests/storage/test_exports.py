"""Exports: every kind in every format parses back to the expected records, on SQLite and
PostgreSQL (the shared ``engine`` fixture)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from services.exports import (
    FIELDS,
    Export,
    ExportFormat,
    ExportKind,
    export_records,
    render,
    to_csv,
)
from storage.tables import (
    CheckIn,
    DiaryEntry,
    DiarySignoff,
    LeaveRequest,
    LeaveStep,
    Person,
    Township,
    Unit,
    Village,
)

ZONE = ZoneInfo("Asia/Shanghai")
CADRE = "+8613800138000"
#: The kinds of stored records (``days``, the ledger, is built per year: tested below).
RECORDS = [k for k in ExportKind if k is not ExportKind.DAYS]


@pytest.fixture
def seeded(uow_factory):
    with uow_factory() as uow:
        add = uow.places.add
        town = add(Township(name="城关镇"))
        village = add(Village(township_id=town.id, name="北村", lat=30.5, lon=114.3, radius_m=500))
        unit = add(Unit(name="区财政局"))
        cadre = add(
            Person(
                name="张三",
                phone=CADRE,
                role="first_secretary",
                telegram_user_id=5_000_000_001,
                township_id=town.id,
                village_id=village.id,
                unit_id=unit.id,
            )
        )
        secretary = add(
            Person(
                name="王五",
                phone="+8613700137000",
                role="village_secretary",
                township_id=town.id,
                village_id=village.id,
            )
        )
        boss = add(
            Person(
                name="赵六",
                phone="+8613600136000",
                role="township_secretary",
                township_id=town.id,
                active=False,
            )
        )
        add(Person(name="孙八", phone="+8615000150000", role="org_dept"))
        add(
            CheckIn(
                person_id=cadre.id,
                day=date(2026, 2, 2),
                at=datetime(2026, 2, 2, 9, 30, 15, tzinfo=ZONE),
                lat=30.5001,
                lon=114.3002,
                distance_m=23.5,
                on_site=True,
                source="location",
            )
        )
        add(
            CheckIn(
                person_id=cadre.id,
                day=date(2026, 2, 3),
                at=datetime(2026, 2, 3, 12, 0, tzinfo=ZONE),
                on_site=True,
                source="import",
            )
        )
        week = add(
            DiarySignoff(
                cadre_id=cadre.id,
                scope="week",
                period="2026-W06",
                signer_id=secretary.id,
                signed_at=datetime(2026, 2, 8, 18, 0, tzinfo=ZONE),
                entry_count=1,
            )
        )
        month = add(
            DiarySignoff(
                cadre_id=cadre.id,
                scope="month",
                period="2026-02",
                signer_id=boss.id,
                signed_at=datetime(2026, 2, 28, 18, 0, tzinfo=ZONE),
                entry_count=1,
            )
        )
        add(
            DiaryEntry(
                person_id=cadre.id,
                day=date(2026, 2, 2),
                written_at=datetime(2026, 2, 2, 20, 0, tzinfo=ZONE),
                text="走访贫困户, 了解\n就业情况",
                photo_file_ids=["photo-a", "photo-b"],
                week_signoff_id=week.id,
                month_signoff_id=month.id,
            )
        )
        add(
            DiaryEntry(
                person_id=cadre.id,
                day=date(2026, 2, 3),
                written_at=datetime(2026, 2, 3, 20, 0, tzinfo=ZONE),
                text="=1+1 不是公式",
            )
        )
        leave = add(
            LeaveRequest(
                applicant_id=cadre.id,
                start=date(2026, 2, 10),
                end=date(2026, 2, 11),
                days=2,
                combined_days=2,
                tier="short",
                reason="家中有事",
                status="approved",
                created_at=datetime(2026, 2, 9, 8, 0, tzinfo=ZONE),
            )
        )
        add(
            LeaveStep(
                request_id=leave.id,
                stage=2,
                kind="approve",
                role="township_secretary",
                assignee_id=boss.id,
                decision="approved",
                decided_at=datetime(2026, 2, 9, 11, 5, tzinfo=ZONE),
            )
        )
        add(
            LeaveStep(
                request_id=leave.id,
                stage=1,
                kind="comment",
                role="township_leader",
                assignee_id=secretary.id,
                decision="agreed",
                comment="同意",
                decided_at=datetime(2026, 2, 9, 10, 0, tzinfo=ZONE),
            )
        )
        leave_id = leave.id
        uow.commit()
    return uow_factory, leave_id


def expected(kind: ExportKind, leave_id: int) -> list[dict]:
    if kind is ExportKind.PEOPLE:
        return [
            {
                "name": "张三",
                "phone": CADRE,
                "role": "first_secretary",
                "township": "城关镇",
                "village": "北村",
                "unit": "区财政局",
                "bound": True,
                "active": True,
            },
            {
                "name": "王五",
                "phone": "+8613700137000",
                "role": "village_secretary",
                "township": "城关镇",
                "village": "北村",
                "unit": None,
                "bound": False,
                "active": True,
            },
            {
                "name": "赵六",
                "phone": "+8613600136000",
                "role": "township_secretary",
                "township": "城关镇",
                "village": None,
                "unit": None,
                "bound": False,
                "active": False,
            },
            {
                "name": "孙八",
                "phone": "+8615000150000",
                "role": "org_dept",
                "township": None,
                "village": None,
                "unit": None,
                "bound": False,
                "active": True,
            },
        ]
    if kind is ExportKind.CHECKINS:
        return [
            {
                "phone": CADRE,
                "date": "2026-02-02",
                "time": "09:30:15",
                "lat": 30.5001,
                "lon": 114.3002,
                "distance_m": 23.5,
                "on_site": True,
                "source": "location",
            },
            {
                "phone": CADRE,
                "date": "2026-02-03",
                "time": "12:00:00",
                "lat": None,
                "lon": None,
                "distance_m": None,
                "on_site": True,
                "source": "import",
            },
        ]
    if kind is ExportKind.DIARIES:
        return [
            {
                "phone": CADRE,
                "date": "2026-02-02",
                "text": "走访贫困户, 了解\n就业情况",
                "photos": "photo-a photo-b",
                "week_signed_by": "王五",
                "month_confirmed_by": "赵六",
            },
            {
                "phone": CADRE,
                "date": "2026-02-03",
                "text": "=1+1 不是公式",
                "photos": "",
                "week_signed_by": None,
                "month_confirmed_by": None,
            },
        ]
    return [
        {
            "id": leave_id,
            "applicant_phone": CADRE,
            "start": "2026-02-10",
            "end": "2026-02-11",
            "days": 2,
            "tier": "short",
            "status": "approved",
            "reason": "家中有事",
            "retroactive": False,
            "steps": [
                {
                    "stage": 1,
                    "role": "township_leader",
                    "kind": "comment",
                    "assignee_phone": "+8613700137000",
                    "decision": "agreed",
                    "comment": "同意",
                    "time": "2026-02-09T10:00:00+08:00",
                },
                {
                    "stage": 2,
                    "role": "township_secretary",
                    "kind": "approve",
                    "assignee_phone": "+8613600136000",
                    "decision": "approved",
                    "comment": None,
                    "time": "2026-02-09T11:05:00+08:00",
                },
            ],
        }
    ]


def as_cell(value):
    """What a record's value becomes in a spreadsheet cell."""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def as_csv(value) -> str:
    value = as_cell(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value == "=1+1 不是公式":  # the seeded diary a spreadsheet would run as a formula
        return "'=1+1 不是公式"
    return str(value)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ('=HYPERLINK("http://x","点击")', '\'=HYPERLINK("http://x","点击")'),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("\t=1", "'\t=1"),
        ("-12.5", "-12.5"),  # a signed number is a number
        ("+8613800000000", "+8613800000000"),
        ("走访 = 5 户", "走访 = 5 户"),
    ],
)
def test_csv_cells_never_start_a_formula(text: str, shown: str) -> None:
    export = Export(ExportKind.DIARIES, ("text",), [{"text": text}])
    rows = list(csv.reader(io.StringIO(to_csv(export).lstrip("\ufeff"), newline="")))
    assert rows == [["text"], [shown]]


@pytest.mark.parametrize("kind", RECORDS)
def test_json_round_trip(seeded, kind):
    uow_factory, leave_id = seeded
    data = render(export_records(uow_factory, kind, ZONE), ExportFormat.JSON)
    text = data.decode("utf-8")
    assert "\\u" not in text  # Chinese stays readable
    records = json.loads(text)
    assert records == expected(kind, leave_id)
    assert all(tuple(r) == FIELDS[kind] for r in records)


@pytest.mark.parametrize("kind", RECORDS)
def test_csv_round_trip(seeded, kind):
    uow_factory, leave_id = seeded
    data = render(export_records(uow_factory, kind, ZONE), ExportFormat.CSV)
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads it as UTF-8
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    header, *rows = list(reader)
    assert tuple(header) == FIELDS[kind]
    want = [[as_csv(r[f]) for f in FIELDS[kind]] for r in expected(kind, leave_id)]
    assert rows == want
    if kind is ExportKind.LEAVES:
        steps = json.loads(rows[0][header.index("steps")])
        assert [s["role"] for s in steps] == ["township_leader", "township_secretary"]


@pytest.mark.parametrize("kind", RECORDS)
def test_xlsx_round_trip(seeded, kind):
    uow_factory, leave_id = seeded
    data = render(export_records(uow_factory, kind, ZONE), ExportFormat.XLSX)
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    assert sheet.title == kind.value
    header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert tuple(header) == FIELDS[kind]
    # an empty text is an empty cell, which reads back as None
    want = [
        [as_cell(r[f]) if r[f] != "" else None for f in FIELDS[kind]]
        for r in expected(kind, leave_id)
    ]
    assert rows == want
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f"  # values, never formulas


def test_empty_database_exports_empty_lists(uow_factory):
    for kind in ExportKind:
        export = export_records(uow_factory, kind, ZONE, year=2026)
        assert json.loads(render(export, ExportFormat.JSON)) == []
        header = render(export, ExportFormat.CSV).decode("utf-8-sig").strip()
        assert header == ",".join(FIELDS[kind])


def test_each_export_is_a_handful_of_queries(seeded, migrated_engine):
    from sqlalchemy import event

    uow_factory, _ = seeded
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(migrated_engine, "before_cursor_execute", count)
    try:
        for kind in RECORDS:
            statements.clear()
            export_records(uow_factory, kind, ZONE)
            assert len(statements) <= 2, (kind, statements)
    finally:
        event.remove(migrated_engine, "before_cursor_execute", count)


def test_the_day_ledger_follows_a_transfer_and_says_why(uow_factory):
    """One row per cadre-day: a move from 北村 (城关镇) to 南村 (南镇) on 1 July 2026, a
    day on site, a day of leave, a working day absent, a weekend at rest; a township's
    export has only the days its villages hosted the cadre."""
    from storage.tables import Assignment

    with uow_factory() as uow:
        add = uow.places.add
        north = add(Township(name="城关镇"))
        south = add(Township(name="南镇"))
        a = add(Village(township_id=north.id, name="北村", lat=30.5, lon=114.3, radius_m=500))
        b = add(Village(township_id=south.id, name="南村", lat=30.6, lon=114.3, radius_m=500))
        unit = add(Unit(name="区财政局"))
        cadre = add(Person(name="张三", phone=CADRE, role="first_secretary"))
        uow.assignments.add(
            Assignment(
                person_id=cadre.id,
                village_id=a.id,
                unit_id=unit.id,
                start=date(2026, 6, 29),
                end=date(2026, 6, 30),
            )
        )
        uow.assignments.add(
            Assignment(person_id=cadre.id, village_id=b.id, unit_id=unit.id, start=date(2026, 7, 1))
        )
        at = datetime(2026, 6, 29, 9, tzinfo=ZONE)
        uow.checkins.add(CheckIn(person_id=cadre.id, day=date(2026, 6, 29), at=at, on_site=True))
        uow.leaves.add(
            LeaveRequest(
                applicant_id=cadre.id,
                start=date(2026, 7, 1),
                end=date(2026, 7, 1),
                days=1,
                combined_days=1,
                tier="short",
                reason="看病",
                status="approved",
                created_at=at,
            )
        )
        uow.commit()
    export = export_records(uow_factory, ExportKind.DAYS, ZONE, year=2026, as_of=date(2026, 7, 5))
    rows = [(r["date"], r["status"], r["evidence"], r["village"]) for r in export.records]
    assert rows == [
        ("2026-06-29", "on_site", "checkin", "北村"),
        ("2026-06-30", "absent", "calendar", "北村"),
        ("2026-07-01", "leave", "leave", "南村"),
        ("2026-07-02", "absent", "calendar", "南村"),
        ("2026-07-03", "absent", "calendar", "南村"),
        ("2026-07-04", "rest", "calendar", "南村"),
        ("2026-07-05", "rest", "calendar", "南村"),
    ]
    assert {r["phone"] for r in export.records} == {CADRE}
    north_only = export_records(
        uow_factory, ExportKind.DAYS, ZONE, year=2026, township="城关镇", as_of=date(2026, 7, 5)
    )
    assert [r["date"] for r in north_only.records] == ["2026-06-29", "2026-06-30"]
    csv_text = render(north_only, ExportFormat.CSV).decode("utf-8-sig")
    assert csv_text.splitlines()[0] == "phone,name,date,status,evidence,township,village"
