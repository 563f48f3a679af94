"""The work funds statement (工作经费收支表, Art. 20) opened with openpyxl: each fund's
allocation, expenses and balance computed by hand, the township filter, a new year
starting a new allocation (last year's expenses not counted), a transfer naming both
holders; ``cadrebot funds allocate`` and ``cadrebot report funds`` through the real app."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from bot import reporting
from bot.cli import app
from bot.i18n import Catalog
from domain.work_funds import Fund
from services import work_funds
from services.reports.scope import Scope, ScopeKind
from storage.tables import Person
from storage.unit_of_work import UnitOfWork
from tests.reports.test_reports_cli import database  # noqa: F401  the CLI's database fixture

runner = CliRunner()
NOW = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
FS, TEAM = Fund.FIRST_SECRETARY, Fund.TEAM


def spend(
    uow: UnitOfWork,
    person: Person,
    fen: int,
    day: date,
    *,
    fund: Fund = FS,
    receipt: str | None = None,
    purpose: str = "党员活动",
) -> None:
    now = datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)
    work_funds.record_expense(
        uow,
        person,
        fund,
        day=day,
        amount_fen=fen,
        purpose=purpose,
        receipt_file_id=receipt,
        now=now,
    )


def sheets(data: bytes) -> tuple[list[tuple], list[tuple]]:
    book = load_workbook(io.BytesIO(data))
    assert [ws.title for ws in book.worksheets] == ["经费收支", "支出明细"]
    funds, detail = book.worksheets
    return list(funds.iter_rows(values_only=True)), list(detail.iter_rows(values_only=True))


@pytest.fixture
def spent(uow_factory, people: dict[str, Person]) -> None:
    """Posted since 2025. 2025: 张三's fund had 10,000 yuan and spent 9,000 (not counted
    in 2026). 2026: every fund 10,000 yuan; 张三 spends 1,280.50 (receipt) and 300
    (none); 王五 100."""
    with uow_factory() as uow:
        cadre, cadre3 = (uow.people.get(people[k].id) for k in ("cadre", "cadre3"))
        for key in ("cadre", "cadre2", "cadre3"):  # posted since 2025
            for posting in uow.assignments.for_person(people[key].id):
                posting.start = date(2025, 1, 1)
        work_funds.allocate_year(uow, 2025, datetime(2025, 1, 2, 1, 0, tzinfo=UTC))
        spend(uow, cadre, 900_000, date(2025, 12, 30))
        work_funds.allocate_year(uow, 2026, NOW)
        spend(uow, cadre, 128_050, date(2026, 3, 5), receipt="r-1", purpose="购买桌椅")
        spend(uow, cadre, 30_000, date(2026, 11, 2), purpose="村道维修")
        spend(uow, cadre3, 10_000, date(2026, 5, 1), purpose="宣传资料")
        uow.commit()


def test_the_district_statement_figures(uow_factory, spent) -> None:
    with uow_factory() as uow:
        file = reporting.funds_file(uow, Catalog("zh"), "zh", 2026)
    assert file.filename == "工作经费收支表_全区_2026.xlsx"
    assert "3 项经费" in file.caption and "支出 1,680.50 元" in file.caption
    funds, detail = sheets(file.data)
    assert funds[0] == (
        "镇(办)",
        "村(社区)",
        "经费",
        "第一书记/工作队员",
        "拨付(元)",
        "支出笔数",
        "已支出(元)",
        "余额(元)",
    )
    assert funds[1:] == [
        ("北宽坪镇", "广东坪村", "第一书记经费", "王五", 10000, 1, 100, 9900),
        ("城关街道", "东店子村", "第一书记经费", "张三", 10000, 2, 1580.5, 8419.5),
        ("城关街道", "西关社区", "驻村工作队经费", "李四", 10000, 0, 0, 10000),
        ("合计", None, None, None, 30000, 3, 1680.5, 28319.5),
    ]
    assert detail[1:] == [
        ("北宽坪镇", "广东坪村", "第一书记经费", "2026-05-01", "宣传资料", 100, "无"),
        ("城关街道", "东店子村", "第一书记经费", "2026-03-05", "购买桌椅", 1280.5, "有"),
        ("城关街道", "东店子村", "第一书记经费", "2026-11-02", "村道维修", 300, "无"),
        ("合计", None, None, None, None, 1680.5, None),
    ]


def test_the_caption_says_the_totals(uow_factory, spent) -> None:
    with uow_factory() as uow:
        file = reporting.funds_file(uow, Catalog("zh"), "en", 2026)
    assert "allocated 30,000.00 yuan, spent 1,680.50 yuan, balance 28,319.50 yuan" in file.caption


def test_last_year_is_its_own_statement(uow_factory, spent) -> None:
    with uow_factory() as uow:
        funds, detail = sheets(reporting.funds_file(uow, Catalog("zh"), "zh", 2025).data)
    east = [r for r in funds if r[1] == "东店子村"]
    assert east == [("城关街道", "东店子村", "第一书记经费", "张三", 10000, 1, 9000, 1000)]
    assert [r[3] for r in detail[1:-1]] == ["2025-12-30"]
    with uow_factory() as uow:  # a year with nothing allocated: an empty statement
        funds, detail = sheets(reporting.funds_file(uow, Catalog("zh"), "zh", 2024).data)
    assert funds[1:] == [("合计", None, None, None, 0, 0, 0, 0)]


def test_one_township(uow_factory, spent) -> None:
    with uow_factory() as uow:
        township = uow.places.township("城关街道")
        scope = Scope(ScopeKind.TOWNSHIP, township.id, township.name)
        file = reporting.funds_file(uow, Catalog("zh"), "zh", 2026, scope)
    assert file.filename == "工作经费收支表_城关街道_2026.xlsx"
    funds, detail = sheets(file.data)
    assert [r[1] for r in funds[1:]] == ["东店子村", "西关社区", None]
    assert funds[-1][4:] == (20000, 2, 1580.5, 18419.5)
    assert {r[0] for r in detail[1:-1]} == {"城关街道"}


def test_a_transfer_names_both_holders(uow_factory, people) -> None:
    from storage.tables import Assignment

    with uow_factory() as uow:
        work_funds.allocate_year(uow, 2026, NOW)
        old = uow.people.get(people["cadre"].id)
        spend(uow, old, 100_000, date(2026, 6, 1))
        [posting] = uow.assignments.for_person(old.id)
        posting.end = date(2026, 6, 30)
        new = uow.people.add(Person(name="钱新", phone="+8613900000098", role="first_secretary"))
        uow.assignments.add(
            Assignment(
                person_id=new.id,
                village_id=posting.village_id,
                unit_id=posting.unit_id,
                start=date(2026, 7, 1),
            )
        )
        spend(uow, new, 50_000, date(2026, 11, 30))
        funds, _detail = sheets(reporting.funds_file(uow, Catalog("zh"), "zh", 2026).data)
    [row] = [r for r in funds if r[1] == "东店子村"]
    assert row == ("城关街道", "东店子村", "第一书记经费", "张三、钱新", 10000, 2, 1500, 8500)


def test_the_cli_allocates_and_writes_the_statement(database: str, tmp_path: Path) -> None:  # noqa: F811
    done = runner.invoke(app, ["funds", "allocate", "--year", "2025"])
    assert done.exit_code == 0, done.output
    assert "allocated 3 funds for 2025, 10,000.00 yuan each" in done.output
    again = runner.invoke(app, ["funds", "allocate", "--year", "2025"])
    assert "allocated 0 funds" in again.output  # a rerun adds nothing
    manual = ["funds", "allocate", "--year", "2025", "--township", "城关街道"]
    manual += ["--village", "西关社区", "--fund", "team", "--amount", "5,000"]
    done = runner.invoke(app, manual)
    assert done.exit_code == 0 and "to 5,000.00 yuan" in done.output, done.output
    bad = runner.invoke(app, [*manual[:-1], "五千"])
    assert bad.exit_code == 1 and "is not an amount" in bad.output
    out = tmp_path / "funds.xlsx"
    done = runner.invoke(
        app, ["report", "funds", "--year", "2025", "--township", "城关街道", "--out", str(out)]
    )
    assert done.exit_code == 0 and "the 2025 work funds statement" in done.output, done.output
    funds, _detail = sheets(out.read_bytes())
    assert funds[1:] == [
        ("城关街道", "东店子村", "第一书记经费", "张三", 10000, 0, 0, 10000),
        ("城关街道", "西关社区", "驻村工作队经费", "李四", 5000, 0, 0, 5000),
        ("合计", None, None, None, 15000, 0, 0, 15000),
    ]
    nowhere = runner.invoke(
        app, ["report", "funds", "--year", "2025", "--township", "无此镇", "--out", str(out)]
    )
    assert nowhere.exit_code != 0 and "no township" in nowhere.output
