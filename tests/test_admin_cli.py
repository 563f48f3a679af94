"""The admin commands through the real ``cadrebot`` app, on a SQLite file database."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func
from sqlmodel import select
from typer.testing import CliRunner

from bot.cli import _register_subcommands, app
from storage.engine import make_engine, session_factory
from storage.tables import CalendarDay, CheckIn, DutyRecord, Person, Village

_register_subcommands()
_register_subcommands()  # a second registration must not duplicate the commands

runner = CliRunner()

VILLAGES = (
    "township,village,lat,lon,radius_m\n城关镇,北村,30.5,114.3,500\n城关镇,南村,30.4,114.3,500\n"
)
ROSTER = (
    "name,phone,role,township,village,unit,start,end\n"
    "张三,138 0013 8000,第一书记,城关镇,北村,区财政局,2026-01-05,\n"
    "王五,13700137000,村党支部书记,城关镇,北村,,,\n"
)


@pytest.fixture
def db_url(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path}/cadrebot.db"
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("CADREBOT_DATABASE_URL", url)
    monkeypatch.setenv("CADREBOT_TIMEZONE", "Asia/Shanghai")
    return url


@pytest.fixture
def migrated(db_url) -> str:
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    return db_url


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8-sig")
    return path


def count(url: str, model) -> int:
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            return session.exec(select(func.count()).select_from(model)).one()
    finally:
        engine.dispose()


def test_commands_are_registered_once():
    names = [group.name for group in app.registered_groups]
    for name in ("villages", "roster", "attendance", "calendar", "duty"):
        assert names.count(name) == 1
    assert [c.name for c in app.registered_commands].count("export") == 1


def test_imports_print_a_one_line_summary(migrated, tmp_path):
    result = runner.invoke(app, ["villages", "import", str(write(tmp_path, "v.csv", VILLAGES))])
    assert result.exit_code == 0, result.output
    assert result.stdout == "imported 2 villages (2 new, 0 updated)\n"

    result = runner.invoke(app, ["roster", "import", str(write(tmp_path, "r.csv", ROSTER))])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("imported 2 people (2 new, 0 updated)")

    attendance = "phone,date\n13800138000,2026-01-06\n13800138000,2026-01-07\n"
    result = runner.invoke(app, ["attendance", "import", str(write(tmp_path, "a.csv", attendance))])
    assert result.exit_code == 0, result.output
    assert result.stdout == "imported 2 attendance days (2 new, 0 updated)\n"

    days = "date,kind\n2027-10-01,休\n2027-10-09,班\n"
    result = runner.invoke(app, ["calendar", "import", str(write(tmp_path, "c.csv", days))])
    assert result.exit_code == 0, result.output
    assert result.stdout == "imported 2 calendar days (2 new, 0 updated)\n"
    assert (count(migrated, Village), count(migrated, Person)) == (2, 2)
    assert (count(migrated, CheckIn), count(migrated, CalendarDay)) == (2, 2)


def test_bad_file_exits_non_zero_with_line_numbers_and_stores_nothing(migrated, tmp_path):
    runner.invoke(app, ["villages", "import", str(write(tmp_path, "v.csv", VILLAGES))])
    bad = (
        "name,phone,role,township,village,unit\n"
        "甲,13900139000,第一书记,城关镇,北村,区财政局\n"
        "乙,13900139001,第一书记,城关镇,西村,区财政局\n"
        "丙,139 0013 9000,admin,,,\n"
        "丁,13900139002,boss,,,\n"
    )
    result = runner.invoke(app, ["roster", "import", str(write(tmp_path, "bad.csv", bad))])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "line 3: unknown village 西村 in 城关镇",
        "line 4: duplicate phone +8613900139000 (also on line 2)",
        "line 5: unknown role 'boss'",
        "cadrebot: bad.csv refused, nothing imported (3 problems)",
    ]
    assert count(migrated, Person) == 0


def test_duty_import_stores_the_file_or_lists_every_bad_row(migrated, tmp_path):
    runner.invoke(app, ["villages", "import", str(write(tmp_path, "v.csv", VILLAGES))])
    runner.invoke(app, ["roster", "import", str(write(tmp_path, "r.csv", ROSTER))])
    bad = (
        "phone,start,end,kind\n"
        "13800138000,2026-12-08,2026-12-10,岗位培训\n"
        "13700137000,2026-12-08,2026-12-08,meeting\n"
        "13800138000,2025-12-30,2025-12-31,official\n"
    )
    result = runner.invoke(app, ["duty", "import", str(write(tmp_path, "bad.csv", bad))])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "line 3: +8613700137000 (王五) is a village_secretary, not a cadre",
        "line 4: 张三 is not posted on 2025-12-30",
        "cadrebot: bad.csv refused, nothing imported (2 problems)",
    ]
    assert count(migrated, DutyRecord) == 0
    good = "phone,start,end,kind,note\n13800138000,2026-12-08,2026-12-10,岗位培训,党校\n"
    result = runner.invoke(app, ["duty", "import", str(write(tmp_path, "duty.csv", good))])
    assert result.exit_code == 0, result.output
    assert result.stdout == "imported 1 duty record (1 new, 0 updated)\n"
    assert count(migrated, DutyRecord) == 1


def test_missing_column_and_empty_file_are_one_clear_line(migrated, tmp_path):
    no_radius = write(tmp_path, "v.csv", "township,village,lat,lon\n城关镇,北村,30.5,114.3\n")
    result = runner.invoke(app, ["villages", "import", str(no_radius)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith("line 1: missing required column radius_m")
    empty = write(tmp_path, "empty.csv", "")
    result = runner.invoke(app, ["calendar", "import", str(empty)])
    assert result.exit_code == 1
    assert "empty" in result.stderr.splitlines()[0]


def test_unmigrated_database_is_refused_with_the_upgrade_hint(db_url, tmp_path):
    result = runner.invoke(app, ["villages", "import", str(write(tmp_path, "v.csv", VILLAGES))])
    assert result.exit_code == 2
    assert "cadrebot db upgrade" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    result = runner.invoke(app, ["export", "people"])
    assert result.exit_code == 2
    assert "cadrebot db upgrade" in result.stderr


def test_export_to_stdout_and_files(migrated, tmp_path):
    runner.invoke(app, ["villages", "import", str(write(tmp_path, "v.csv", VILLAGES))])
    runner.invoke(app, ["roster", "import", str(write(tmp_path, "r.csv", ROSTER))])

    result = runner.invoke(app, ["export", "people", "--format", "json"])
    assert result.exit_code == 0, result.output
    people = json.loads(result.stdout)
    assert [(p["name"], p["phone"], p["village"]) for p in people] == [
        ("张三", "+8613800138000", "北村"),
        ("王五", "+8613700137000", "北村"),
    ]

    result = runner.invoke(app, ["export", "people", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout.removeprefix("\ufeff"))))
    assert rows[0]["name"] == "张三" and rows[0]["bound"] == "false"

    out = tmp_path / "people.xlsx"
    result = runner.invoke(app, ["export", "people", "--format", "xlsx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"exported 2 people records to {out}\n"
    sheet = load_workbook(out).worksheets[0]
    assert [c.value for c in sheet[2]][:2] == ["张三", "+8613800138000"]

    out_csv = tmp_path / "people.csv"
    result = runner.invoke(app, ["export", "people", "-f", "csv", "-o", str(out_csv)])
    assert result.exit_code == 0, result.output
    assert out_csv.read_bytes().startswith(b"\xef\xbb\xbf")


def test_xlsx_export_needs_out(migrated):
    result = runner.invoke(app, ["export", "leaves", "--format", "xlsx"])
    assert result.exit_code == 2
    assert "--out" in result.output
