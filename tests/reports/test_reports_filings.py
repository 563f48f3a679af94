"""The annual sheet's 「规划与目标」 worksheet, opened with openpyxl: each cadre's
three-year plan, the year's goals and both half-year reports by the day filed (the local
day: a filing at 00:30 Beijing time on 1 July is that day's, not UTC's 30 June), 未报
where missing, a replaced filing dated by the one that counts."""

from __future__ import annotations

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from bot.i18n import Catalog
from bot.reporting import sheet_label
from domain.filings import FilingKind
from services import filings
from services.reports.annual_sheet import gather_annual, to_xlsx

ZONE = ZoneInfo("Asia/Shanghai")


def file(uow_factory, person_id: int, kind: FilingKind, at: datetime, text: str = "内容") -> None:
    with uow_factory() as uow:
        filings.submit(uow, uow.people.get(person_id), kind, now=at, text=text)
        uow.commit()


def test_the_annual_sheet_lists_plans_and_reports_by_day_filed(uow_factory, people) -> None:
    zhang, li = people["cadre"].id, people["cadre2"].id
    file(uow_factory, zhang, FilingKind.THREE_YEAR_PLAN, datetime(2026, 3, 2, 10, tzinfo=ZONE))
    file(uow_factory, zhang, FilingKind.YEAR_GOALS, datetime(2026, 3, 5, 10, tzinfo=ZONE))
    file(uow_factory, zhang, FilingKind.HALF_YEAR, datetime(2026, 6, 20, 10, tzinfo=ZONE))
    file(uow_factory, li, FilingKind.HALF_YEAR, datetime(2026, 7, 1, 0, 30, tzinfo=ZONE))
    file(uow_factory, zhang, FilingKind.YEAR_GOALS, datetime(2026, 4, 1, 9, tzinfo=ZONE), "改")
    with uow_factory() as uow:
        sheet = gather_annual(uow, 2026, as_of=date(2026, 11, 30), zone=ZONE)
    data = to_xlsx(sheet, sheet_label(Catalog("zh")))
    workbook = load_workbook(io.BytesIO(data))
    ws = workbook["规划与目标"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0] == [
        "姓名",
        "镇(办)",
        "村(社区)",
        "三年规划",
        "年度目标",
        "上半年书面汇报",
        "下半年书面汇报",
    ]
    by_name = {r[0]: r for r in rows[1:]}
    assert set(by_name) == {"张三", "李四", "王五"}
    assert by_name["张三"][3:] == ["2026-03-02", "2026-04-01", "2026-06-20", "未报"]
    assert by_name["李四"][3:] == ["未报", "未报", "未报", "2026-07-01"]  # H2: 1 July local
    assert by_name["王五"][3:] == ["未报"] * 4
    assert len(workbook.sheetnames) == 3 and workbook.sheetnames[-1] == "规划与目标"
