"""Malformed spreadsheets against the importers (hypothesis).

Officials import whatever their office software saved: wrong headers, cells of 100,000
characters, formulas, NaN and infinite coordinates, GBK, UTF-16, truncated workbooks,
random bytes. Whatever the file, the reader and every importer either succeed or raise
their own ``ImportRejected`` (the documented refusal, also for an unreadable file):
no other exception escapes, and a refused file changes nothing in the database.
"""

from __future__ import annotations

import io
import math
import random
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy import Engine, select
from sqlmodel import SQLModel

from services.imports import (
    ImportRejected,
    Table,
    import_attendance,
    import_calendar,
    import_duties,
    import_roster,
    import_villages,
    read_bytes,
    read_table,
)
from services.imports.grades import import_grades
from services.sample_district import seed_sample_district
from storage.engine import make_engine, session_factory
from storage.migrations import upgrade
from storage.unit_of_work import UnitOfWork

ZONE = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 11, 30)
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

HEADERS = [
    "township", "village", "lat", "lon", "radius_m", "crs", "name", "phone", "role", "unit",
    "start", "end", "date", "kind", "year", "grade", "乡镇", "村", "纬度", "经度", "半径",
    "姓名", "手机号", "职务", "派出单位", "日期", "类型", "等次", "", " ",
    "LAT", "Phone ", "note", "备注",
]  # fmt: skip
TRICKY = [
    "", " ", "nan", "NaN", "inf", "-inf", "1e309", "-0", "0x1F", "１２３", "=1+1",
    "=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "@SUM(A1)", "-2+3", "\t=1",
    "33.87", "109.94", "800", "wgs84", "gcj02", "bd09", "GCJ-02", "+8613900000001",
    "13900000001", "139 0000 0001", "8613900000099", "first_secretary", "第一书记",
    "team_member", "township_leader", "城关街道", "东店子村", "区财政局", "2026-11-30",
    "2026/2/30", "2027-01-01", "1900-01-01", "9999-12-31", "holiday", "workday", "休", "班",
    "2026", "优秀", "称职", "不称职", "excellent", "training", "岗位培训", "2026-12-31",
    "\x00", "\u202e", "😀", "<b>x</b>",
    "a\nb", '"quoted"', "x" * 5000,
]  # fmt: skip

cells = st.one_of(
    st.sampled_from(TRICKY),
    st.text(max_size=30),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.just("y" * 100_000),
)
#: Each importer's columns, so that many files get past the header to the rows.
COLUMNS = [
    ["township", "village", "lat", "lon", "radius_m", "crs"],
    ["name", "phone", "role", "township", "village", "unit", "start", "end"],
    ["phone", "date"],
    ["date", "kind"],
    ["phone", "year", "grade"],
    ["phone", "start", "end", "kind", "note"],
]
headers = st.one_of(
    st.sampled_from(COLUMNS).flatmap(st.permutations).map(list),
    st.lists(st.sampled_from(HEADERS) | st.text(max_size=12), min_size=0, max_size=9),
)
rows = st.lists(st.lists(cells, max_size=10), max_size=8)
encodings = st.sampled_from(["utf-8"] * 3 + ["utf-8-sig", "gb18030", "utf-16", "latin-1", "cp1252"])


def csv_bytes(header: list[str], body: list[list[str]], encoding: str, delimiter: str) -> bytes:
    out = io.StringIO()
    import csv

    writer = csv.writer(out, delimiter=delimiter)
    for line in [header, *body]:
        writer.writerow(line)
    return out.getvalue().encode(encoding, errors="replace")


def xlsx_bytes(header: list[str], body: list[list[object]]) -> bytes:
    """A workbook as Excel would save it; formulas stay formulas, numbers numbers."""
    book = Workbook()
    sheet = book.active
    for line in [header, *body]:
        sheet.append([_xlsx_cell(v) for v in line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_cell(value: object) -> object:
    if isinstance(value, str):
        cleaned = "".join(ch for ch in value if ch >= " " or ch in "\t\n")[:32_000]
        try:
            number = float(cleaned)
        except ValueError:
            return cleaned
        return number if math.isfinite(number) else cleaned
    return value


# -- the database ---------------------------------------------------------------------------


@pytest.fixture
def uow_factory(tmp_path: Path) -> Iterator[Callable[[], UnitOfWork]]:
    engine = make_engine(f"sqlite:///{tmp_path}/fuzz.db")
    upgrade(engine)
    sessions = session_factory(engine)
    with UnitOfWork(sessions) as uow:
        seed_sample_district(uow, posted_from=date(2026, 1, 1))
        uow.commit()
    factory = lambda: UnitOfWork(sessions)  # noqa: E731
    factory.engine = engine  # type: ignore[attr-defined]
    yield factory
    engine.dispose()


def snapshot(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table, to compare before and after a refused import."""
    with engine.connect() as conn:
        return {
            name: sorted(map(tuple, conn.execute(select(table)).all()), key=repr)
            for name, table in SQLModel.metadata.tables.items()
        }


IMPORTERS: dict[str, Callable[[Callable[[], UnitOfWork], Table], object]] = {
    "villages": import_villages,
    "roster": lambda f, t: import_roster(f, t, today=TODAY),
    "attendance": lambda f, t: import_attendance(f, t, zone=ZONE, today=TODAY),
    "calendar": import_calendar,
    "grades": lambda f, t: import_grades(f, t, now=datetime(2026, 11, 30, 1, tzinfo=UTC)),
    "duty": lambda f, t: import_duties(f, t, now=datetime(2026, 11, 30, 1, tzinfo=UTC)),
}


def every_importer(uow_factory: Callable[[], UnitOfWork], table: Table) -> None:
    """Each importer accepts the table or refuses it with ``ImportRejected`` and no change."""
    engine: Engine = uow_factory.engine  # type: ignore[attr-defined]
    for name, importer in IMPORTERS.items():
        before = snapshot(engine)
        try:
            importer(uow_factory, table)
        except ImportRejected as refused:
            assert refused.problems, name
            assert snapshot(engine) == before, f"{name} stored something it refused"
            at_header = refused.problems[0].line == table.header_line
            event(f"{name}: refused at the {'header' if at_header else 'rows'}")
        else:
            event(f"{name}: stored")


def read(data: bytes, name: str) -> Table | None:
    try:
        return read_bytes(data, name)
    except ImportRejected as refused:
        assert refused.problems
        return None


# -- the tests ------------------------------------------------------------------------------


@FUZZ
@given(data=st.binary(max_size=4096), suffix=st.sampled_from([".csv", ".xlsx", ".xls", ".txt"]))
def test_random_bytes_are_read_or_refused(data: bytes, suffix: str, uow_factory) -> None:
    table = read(data, f"upload{suffix}")
    if table is not None:
        every_importer(uow_factory, table)


@settings(FUZZ, max_examples=120)
@given(header=headers, body=rows, encoding=encodings, delimiter=st.sampled_from(",,,\t;"))
def test_malformed_csv_is_imported_or_refused_whole(
    header: list[str],
    body: list[list[str]],
    encoding: str,
    delimiter: str,
    uow_factory,
) -> None:
    table = read(csv_bytes(header, body, encoding, delimiter), "sheet.csv")
    if table is not None:
        every_importer(uow_factory, table)


@settings(FUZZ, max_examples=100)
@given(header=headers, body=rows)
def test_malformed_xlsx_is_imported_or_refused_whole(
    header: list[str],
    body: list[list[str]],
    uow_factory,
) -> None:
    table = read(xlsx_bytes(header, body), "sheet.xlsx")
    if table is not None:
        every_importer(uow_factory, table)


@FUZZ
@given(
    seed=st.integers(0, 2**32 - 1),
    cut=st.just(1.0) | st.floats(0, 1),
    flips=st.just(0) | st.integers(0, 40),
)
def test_damaged_workbooks_are_refused(seed: int, cut: float, flips: int, uow_factory) -> None:
    """A real workbook truncated and with bytes flipped (a broken download)."""
    good = xlsx_bytes(
        ["township", "village", "lat", "lon", "radius_m"],
        [["城关街道", "新村", "33.9", "109.9", "500"]],
    )
    rng = random.Random(seed)
    damaged = bytearray(good[: max(4, int(len(good) * cut))] if cut < 1 else good)
    for _ in range(flips):
        damaged[rng.randrange(len(damaged))] = rng.randrange(256)
    table = read(bytes(damaged), "roster.xlsx")
    if table is not None:
        every_importer(uow_factory, table)


def test_an_unreadable_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportRejected):
        read_table(tmp_path / "missing.csv")
    with pytest.raises(ImportRejected):
        read_table(tmp_path)  # a directory


def test_nan_and_infinite_coordinates_are_refused_and_nothing_stored(uow_factory) -> None:
    engine: Engine = uow_factory.engine
    for lat, lon in [("nan", "109.9"), ("33.9", "inf"), ("1e309", "1"), ("NaN", "NaN")]:
        data = f"township,village,lat,lon,radius_m\n城关街道,新村,{lat},{lon},500\n".encode()
        before = snapshot(engine)
        with pytest.raises(ImportRejected):
            import_villages(uow_factory, read_bytes(data, "villages.csv"))
        assert snapshot(engine) == before
