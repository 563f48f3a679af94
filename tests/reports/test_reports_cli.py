"""``cadrebot report|chart|grade`` through the real app on a SQLite file database.

Periods are in 2025, over whatever day the tests run, so the files count whole periods."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from bot.cli import _register_subcommands, app
from services.sample_district import seed_sample_district
from storage.engine import make_engine, session_factory
from storage.tables import CheckIn, DutyRecord
from storage.unit_of_work import UnitOfWork

_register_subcommands()
_register_subcommands()  # twice changes nothing

runner = CliRunner()
ZONE = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path}/cadrebot.db"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CADREBOT_DATABASE_URL", url)
    monkeypatch.setenv("CADREBOT_TIMEZONE", "Asia/Shanghai")
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    engine = make_engine(url)
    with UnitOfWork(session_factory(engine)) as uow:
        people = seed_sample_district(uow, posted_from=date(2025, 1, 1))
        for day in (3, 4, 5):  # March 3-5, 2025: Monday to Wednesday
            uow.checkins.add(
                CheckIn(
                    person_id=people["cadre"].id,
                    day=date(2025, 3, day),
                    at=datetime(2025, 3, day, 10, tzinfo=ZONE),
                    on_site=True,
                )
            )
        uow.commit()
    engine.dispose()
    return url


def rows(path: Path, sheet: int = 0) -> list[tuple]:
    return list(
        load_workbook(io.BytesIO(path.read_bytes())).worksheets[sheet].iter_rows(values_only=True)
    )


def test_attendance_unit_and_annual_sheets(database: str, tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    result = runner.invoke(
        app,
        ["report", "attendance", "--month", "2025-03", "--township", "城关街道", "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert "2025-03-31" in result.output
    table = rows(out)
    assert table[0][:3] == ("姓名", "职务", "镇(办)")
    # March 2025: 21 working days; 张三 on site 3 of them
    # name, role, township, village, unit, on site, leave, duty, absent, yuan
    assert table[1][:10] == (
        "张三",
        "第一书记",
        "城关街道",
        "东店子村",
        "区财政局",
        3,
        0,
        0,
        18,
        120,
    )
    assert [r[0] for r in table] == ["姓名", "张三", "李四", "合计"]

    district = tmp_path / "d.xlsx"
    result = runner.invoke(
        app, ["report", "attendance", "--quarter", "2025-Q1", "--out", str(district)]
    )
    assert result.exit_code == 0, result.output
    assert [r[0] for r in rows(district)] == ["姓名", "王五", "张三", "李四", "合计"]

    unit = tmp_path / "u.xlsx"
    result = runner.invoke(
        app,
        ["report", "unit", "--quarter", "2025-Q1", "--unit", "区农业农村局", "--out", str(unit)],
    )
    assert result.exit_code == 0, result.output
    assert [r[0] for r in rows(unit)] == ["姓名", "王五", "合计"]

    annual = tmp_path / "a.xlsx"
    result = runner.invoke(app, ["report", "annual", "--year", "2025", "--out", str(annual)])
    assert result.exit_code == 0, result.output
    assert rows(annual)[0][-2:] == ("年度考核等次", "备注")
    assert dict(rows(annual, 1))["参加考核人数"] == 3


def test_charts(database: str, tmp_path: Path) -> None:
    for args in (
        ["chart", "township", "--month", "2025-03", "--township", "城关街道"],
        ["chart", "district", "--year", "2025"],
    ):
        out = tmp_path / f"{args[1]}.png"
        result = runner.invoke(app, [*args, "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert out.read_bytes()[:4] == b"\x89PNG"


def test_bad_options_are_one_clear_line(database: str, tmp_path: Path) -> None:
    out = str(tmp_path / "x.xlsx")
    for args, expected in (
        (["report", "attendance", "--month", "2025-13", "--out", out], "not a valid period"),
        (
            ["report", "attendance", "--month", "2025-03", "--quarter", "2025-Q1", "--out", out],
            "exactly one",
        ),
        (
            ["report", "unit", "--quarter", "2025-Q1", "--unit", "没有", "--out", out],
            "no dispatching unit",
        ),
        (["chart", "township", "--month", "2025-03", "--out", out], "township"),
        (
            ["report", "attendance", "--month", "2025-03", "--township", "没有", "--out", out],
            "no township",
        ),
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert expected in result.output, (args, result.output)
    result = runner.invoke(app, ["report", "annual", "--year", "2999", "--out", out])
    assert result.exit_code == 1
    assert "cadrebot: 2999 has not begun yet: no report." in result.output


def test_grade_import(database: str, tmp_path: Path) -> None:
    good = tmp_path / "grades.csv"
    good.write_text(
        "手机号,年度,等次\n13900000001,2025,称职\n13900000003,2025,不称职\n", "utf-8-sig"
    )
    result = runner.invoke(app, ["grade", "import", str(good)])
    assert result.exit_code == 0, result.output
    assert "imported 2 grades (2 new, 0 updated)" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("phone,year,grade\n13900000002,2025,优秀\n", "utf-8")
    result = runner.invoke(app, ["grade", "import", str(bad)])
    assert result.exit_code == 1
    assert "2025: 1 rated 优秀 but at most 0 may be" in result.output
    assert "refused, nothing imported" in result.output


@pytest.mark.parametrize(("setting", "yuan"), [(None, 120), ("false", 120), ("true", 200)])
def test_the_district_decides_whether_duty_days_earn_the_allowance(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setting: str | None, yuan: int
) -> None:
    """张三: 3 days on site and 2 at the district's training (March 10-11, 2025)."""
    engine = make_engine(database)
    with UnitOfWork(session_factory(engine)) as uow:
        cadre = uow.people.by_phone("+8613900000001")
        uow.session.add(
            DutyRecord(
                person_id=cadre.id,
                start=date(2025, 3, 10),
                end=date(2025, 3, 11),
                kind="training",
                recorded_at=datetime(2025, 3, 12, tzinfo=ZONE),
            )
        )
        uow.commit()
    engine.dispose()
    if setting is not None:
        monkeypatch.setenv("CADREBOT_DUTY_DAYS_EARN_ALLOWANCE", setting)
    for command in (["attendance", "--month", "2025-03"], ["annual", "--year", "2025"]):
        out = tmp_path / f"{command[0]}.xlsx"
        result = runner.invoke(app, ["report", *command, "--out", str(out)])
        assert result.exit_code == 0, result.output
        header, *body = rows(out)
        zhang = next(r for r in body if r[0] == "张三")
        values = dict(zip(header, zhang, strict=True))
        assert (values["驻村天数"], values["公务天数"], values["生活补助(元)"]) == (3, 2, yuan)
