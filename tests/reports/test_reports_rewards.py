"""The rewards list of Art. 30 (优秀 800, 称职 500 yuan, 不称职 none and recalled), opened
with openpyxl: per unit its cadres, grade and reward, a subtotal per unit and the total,
figures worked out by hand; ``--unit`` keeps one unit; the CLI writes the same file."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from bot import reporting
from bot.cli import _register_subcommands, app
from bot.i18n import Catalog
from domain.assessment import Grade
from services.grades import record_grade
from storage.engine import make_engine, session_factory
from storage.tables import AssessmentGrade, Person
from storage.unit_of_work import UnitOfWork
from tests.assessment_district import add_team_members
from tests.reports.test_reports_cli import database  # noqa: F401  (the CLI's database)

NOW = datetime(2026, 12, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
UowFactory = Callable[[], UnitOfWork]
HEADER = (
    "派出单位",
    "镇(办)",
    "村(社区)",
    "姓名",
    "身份",
    "年度考核等次",
    "一次性奖励(元)",
    "召回",
)
RECALLED = "不称职，召回并重新选派"

_register_subcommands()
runner = CliRunner()


def table(data: bytes) -> list[tuple]:
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    return [tuple(v if v != "" else None for v in row) for row in ws.iter_rows(values_only=True)]


@pytest.fixture
def graded(uow_factory: UowFactory, people: dict[str, Person]) -> dict[str, Person]:
    """Five cadres (one may be 优秀): the sample's three and two work-team members of
    区农业农村局 in 广东坪村, one of them not graded yet."""
    with uow_factory() as uow:
        add_team_members(uow, people, "member0", "member1")
        uow.flush()
        official = uow.people.get(people["org_dept"].id)
        for key, grade in (
            ("cadre", Grade.EXCELLENT),
            ("cadre2", Grade.COMPETENT),
            ("cadre3", Grade.INCOMPETENT),
            ("member0", Grade.COMPETENT),
        ):
            record_grade(uow, people[key].id, 2026, grade, by=official, now=NOW)
        uow.commit()
    return people


def test_the_districts_rewards_by_unit(uow_factory: UowFactory, graded) -> None:
    with uow_factory() as uow:
        file = reporting.rewards_file(uow, Catalog("zh"), "zh", 2026)
    assert file.filename == "年度考核奖励名单_全区_2026.xlsx"
    assert "5 人，奖励合计 1800 元，召回 1 人" in file.caption
    # 区农业农村局: 王五 不称职 (recalled, 0) + 队员0 称职 500 + 队员1 not graded = 500;
    # 区财政局: 张三 优秀 800 + 李四 称职 500 = 1300; the district 1800
    assert table(file.data) == [
        HEADER,
        ("区农业农村局", "北宽坪镇", "广东坪村", "王五", "第一书记", "不称职", 0, RECALLED),
        ("区农业农村局", "北宽坪镇", "广东坪村", "队员0", "驻村工作队员", "称职", 500, None),
        ("区农业农村局", "北宽坪镇", "广东坪村", "队员1", "驻村工作队员", "未评定", 0, None),
        ("区农业农村局", None, None, "单位小计", None, None, 500, None),
        ("区财政局", "城关街道", "东店子村", "张三", "第一书记", "优秀", 800, None),
        ("区财政局", "城关街道", "西关社区", "李四", "驻村工作队员", "称职", 500, None),
        ("区财政局", None, None, "单位小计", None, None, 1300, None),
        ("合计", None, None, None, None, None, 1800, None),
    ]


def test_one_units_rewards_in_english_words(uow_factory: UowFactory, graded) -> None:
    with uow_factory() as uow:
        unit = uow.places.unit("区财政局")
        file = reporting.rewards_file(uow, Catalog("zh"), "en", 2026, unit.id)
    assert file.filename == "年度考核奖励名单_区财政局_2026.xlsx"  # sheets are Chinese
    assert "rewards of 区财政局 for 2026 (2 cadres, 1300 yuan in all, 0 recalled" in file.caption
    rows = table(file.data)
    assert [r[3] for r in rows[1:-1]] == ["张三", "李四", "单位小计"]
    assert [r[6] for r in rows[1:]] == [800, 500, 1300, 1300]
    assert rows[-1][0] == "合计"


def test_a_year_without_grades(uow_factory: UowFactory, people) -> None:
    with uow_factory() as uow:
        rows = table(reporting.rewards_file(uow, Catalog("zh"), "zh", 2026).data)
    assert [r[5] for r in rows[1:] if r[4]] == ["未评定"] * 3
    assert rows[-1] == ("合计", None, None, None, None, None, 0, None)
    with uow_factory() as uow:  # nobody was posted in 2025
        assert table(reporting.rewards_file(uow, Catalog("zh"), "zh", 2025).data) == [
            HEADER,
            ("合计", None, None, None, None, None, 0, None),
        ]


def grade_2025(url: str) -> None:
    """The CLI test's sample district (posted from 2025) with grades for 2025, stored as an
    import would (no cap to check: no 优秀)."""
    engine = make_engine(url)
    with UnitOfWork(session_factory(engine)) as uow:
        ids = {p.name: p.id for p in uow.people.all()}
        for name, grade in (("张三", "competent"), ("李四", "incompetent"), ("王五", "competent")):
            uow.grades.add(
                AssessmentGrade(cadre_id=ids[name], year=2025, grade=grade, source="import", at=NOW)
            )
        uow.commit()
    engine.dispose()


def test_the_cli_writes_the_list_with_a_unit_filter(database: str, tmp_path: Path) -> None:  # noqa: F811
    grade_2025(database)
    out = tmp_path / "r.xlsx"
    result = runner.invoke(app, ["report", "rewards", "--year", "2025", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert [(r[3], r[6], r[7]) for r in table(out.read_bytes())[1:]] == [
        ("王五", 500, None),
        ("单位小计", 500, None),
        ("张三", 500, None),
        ("李四", 0, RECALLED),
        ("单位小计", 500, None),
        (None, 1000, None),  # the total row, named in its first column
    ]
    result = runner.invoke(
        app, ["report", "rewards", "--year", "2025", "--unit", "区财政局", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert [r[3] or r[0] for r in table(out.read_bytes())[1:]] == [
        "张三",
        "李四",
        "单位小计",
        "合计",
    ]
    result = runner.invoke(
        app, ["report", "rewards", "--year", "2025", "--unit", "区水利局", "--out", str(out)]
    )
    assert result.exit_code != 0 and "no dispatching unit named" in result.output
