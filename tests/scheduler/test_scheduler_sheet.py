"""The attendance sheet, every figure checked against a hand-computed October 2026
(National Day: Oct 1-7 off, Saturday Oct 10 a 调休 working day: 18 working days), the
monthly review that sends it, and the quarterly sheets to the dispatching units."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from bot.i18n import Catalog
from domain.attendance import Period
from domain.errors import DomainError
from scheduler.monthly import sweep_monthly_review, sweep_quarterly_sheets
from scheduler.render import document_for, render_text, sheet_label
from services.attendance_review import confirm_review
from services.reports.attendance_sheet import COLUMNS, gather, to_xlsx
from storage.tables import Assignment
from tests.scheduler.conftest import (
    ZONE,
    add_checkins,
    add_diaries,
    add_leave,
    days,
    outbox,
)

OCT = Period.month(2026, 10)


def _october(uow_factory, ids) -> None:
    zhang, li = ids["cadre"], ids["cadre2"]
    # 张三: on site Oct 1, 2 (holidays) and six working days; a second check-in on Oct 8;
    # an off-site one on Oct 15. Approved leave Oct 14-16 (he was on site on the 14th).
    on_site = [date(2026, 10, d) for d in (1, 2, 8, 9, 10, 12, 13, 14)]
    add_checkins(uow_factory, zhang, on_site)
    add_checkins(uow_factory, zhang, [date(2026, 10, 8)])
    add_checkins(uow_factory, zhang, [date(2026, 10, 15)], on_site=False)
    add_leave(uow_factory, zhang, date(2026, 10, 14), date(2026, 10, 16))
    add_leave(uow_factory, zhang, date(2026, 10, 20), date(2026, 10, 21), "pending")
    add_leave(uow_factory, zhang, date(2026, 10, 22), date(2026, 10, 22), "rejected")
    october_diaries = [date(2026, 10, d) for d in (3, 8, 12, 19, 26)]
    add_diaries(uow_factory, zhang, october_diaries, week_signed=3, month_signed=1)
    add_diaries(uow_factory, zhang, [date(2026, 9, 30), date(2026, 11, 1)])
    # 李四: a new posting from Oct 20 (the old one ended Oct 19). On site Oct 12 (old
    # posting), Oct 21, 22 and Saturday Oct 24; approved leave Oct 26-Nov 2; 12 diaries.
    with uow_factory() as uow:
        old = uow.assignments.latest(li)
        old.end = date(2026, 10, 19)
        uow.assignments.add(
            Assignment(
                person_id=li,
                village_id=old.village_id,
                unit_id=old.unit_id,
                start=date(2026, 10, 20),
            )
        )
        uow.commit()
    add_checkins(uow_factory, li, [date(2026, 10, d) for d in (12, 21, 22, 24)])
    add_leave(uow_factory, li, date(2026, 10, 26), date(2026, 11, 2))
    add_diaries(uow_factory, li, days(date(2026, 10, 1), date(2026, 10, 12)))
    # 王五 (another township) has a check-in that must not show on 城关街道's sheet.
    add_checkins(uow_factory, ids["cadre3"], [date(2026, 10, 9)])


# Working days Jan 1-Oct 31, 2026: 204 (chinese_calendar). 张三: 204 - 6 on site - 2 leave
# approved - 2 leave still pending (Oct 20-21: asked, never decided, so not absences).
EXPECTED_ROWS = [
    # name, role, township, village, unit, onsite, leave, duty, absent, yuan, written, week, month,
    # absent in the year, month flag, year flag
    [
        "张三",
        "第一书记",
        "城关街道",
        "东店子村",
        "区财政局",
        8,
        4,
        0,
        8,
        320,
        5,
        3,
        1,
        194,
        "",
        "是",
        "",
    ],
    # 李四's figures follow him across the move on Oct 20 (both postings count): 18 working
    # days; on site on 12, 21, 22 (and Saturday 24); leave Oct 26-31 = 6 days, 5 of them
    # working days: 18 - 3 - 5 = 10. The year: 204 - 3 - 5 = 196.
    [
        "李四",
        "驻村工作队员",
        "城关街道",
        "西关社区",
        "区财政局",
        4,
        6,
        0,
        10,
        160,
        12,
        0,
        0,
        196,
        "是",
        "是",
        "",
    ],
]
EXPECTED_TOTALS = ["合计", "", "", "", "", 12, 10, 0, 18, 480, 17, 3, 1, 390, 1, 2, ""]


def test_october_sheet_every_figure(uow_factory, ids) -> None:
    _october(uow_factory, ids)
    catalog = Catalog()
    with uow_factory() as uow:
        township = uow.places.township("城关街道")
        sheet = gather(uow, OCT, township_id=township.id)
        data = to_xlsx(sheet, sheet_label(catalog))
    workbook = load_workbook(io.BytesIO(data))
    ws = workbook.active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0] == [
        "姓名",
        "职务",
        "镇(办)",
        "村(社区)",
        "派出单位",
        "驻村天数",
        "请假天数",
        "公务天数",
        "缺勤工作日",
        "生活补助(元)",
        "民情日记(篇)",
        "村支书已签字(篇)",
        "镇党委书记已确认(篇)",
        "年累计缺勤(天)",
        "月缺勤满10个工作日",
        "年累计缺勤满90天",
        "备注",
    ]
    assert len(rows[0]) == len(COLUMNS)
    # openpyxl reads empty cells back as None
    assert [[v if v is not None else "" for v in r] for r in rows[1:]] == [
        *EXPECTED_ROWS,
        EXPECTED_TOTALS,
    ]
    assert all(c.data_type != "f" for r in ws.iter_rows() for c in r)  # values, not formulas


def test_a_name_that_looks_like_a_formula_stays_text(uow_factory, ids) -> None:
    from storage.tables import Person

    with uow_factory() as uow:
        uow.session.get(Person, ids["cadre"]).name = "=SUM(A1:A9)"
        uow.commit()
        sheet = gather(uow, OCT, township_id=uow.places.township("城关街道").id)
        ws = load_workbook(io.BytesIO(to_xlsx(sheet, sheet_label(Catalog())))).active
    assert ws["A2"].value == "=SUM(A1:A9)" and ws["A2"].data_type == "s"


def test_monthly_review_prompt_and_confirmation(uow_factory, ids) -> None:
    _october(uow_factory, ids)
    drafts = sweep_monthly_review(uow_factory, date(2026, 11, 1), zone=ZONE)
    assert sorted(d.recipient_id for d in drafts) == sorted(
        [ids["township_secretary"], ids["township_secretary_b"]]
    )
    sun = next(d for d in drafts if d.recipient_id == ids["township_secretary"])
    assert (sun.kind, sun.period) == ("attendance_review", "2026-10")
    assert sun.payload["params"] == {
        "township": "城关街道",
        "month": "2026-10",
        "cadres": 2,
        "onsite": 12,
        "absent": 18,
    }
    assert [
        (i["name"], i["onsite"], i["leave"], i["absent"], i["diaries"])
        for i in sun.payload["lines"][0]["items"]
    ] == [("张三", 8, 4, 8, 5), ("李四", 4, 6, 10, 12)]  # 李四's move on Oct 20 resets nothing
    text, buttons = render_text(Catalog(), "zh", sun.payload)
    assert "城关街道" in text and "张三" in text
    assert buttons[0][0].data == "ar:2026-10"
    assert (buttons[1][0].text, buttons[1][0].data) == ("📝 更正某日考勤", "fs:2026-10")
    assert sweep_monthly_review(uow_factory, date(2026, 11, 20), zone=ZONE) == []

    now = datetime(2026, 11, 2, 10, 0, tzinfo=ZONE)
    with uow_factory() as uow:
        secretary = uow.people.get(ids["township_secretary"])
        outcome = confirm_review(uow, secretary, month="2026-10", now=now)
        uow.commit()
    assert (outcome.recipients, outcome.new, outcome.already) == (2, 2, False)
    with uow_factory() as uow:  # a second tap queues nothing
        secretary = uow.people.get(ids["township_secretary"])
        again = confirm_review(uow, secretary, month="2026-10", now=now)
        uow.commit()
        assert again.already
        audit = uow.audit.for_subject(f"attendance:{secretary.township_id}:2026-10")
        assert len(audit) == 2
    sheets = [r for r in outbox(uow_factory) if r.kind == "attendance_sheet"]
    assert sorted(r.recipient_id for r in sheets) == sorted(
        [ids["org_dept"], ids["poverty_bureau"]]
    )
    with uow_factory() as uow:
        name, data = document_for(uow, Catalog(), "zh", sheets[0].payload["document"])
    assert name == "考勤表_城关街道_2026-10.xlsx"
    ws = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in ws[2]][:9] == EXPECTED_ROWS[0][:9]


def test_review_refusals(uow_factory, ids) -> None:
    now = datetime(2026, 11, 2, 10, 0, tzinfo=ZONE)
    with uow_factory() as uow:
        secretary = uow.people.get(ids["township_secretary"])
        cadre = uow.people.get(ids["cadre"])
        with pytest.raises(DomainError) as refused:
            confirm_review(uow, secretary, month="2026-11", now=now)
        assert refused.value.key == "review.month_not_over"
        with pytest.raises(DomainError) as bad:
            confirm_review(uow, secretary, month="2026-13", now=now)
        assert bad.value.key == "review.bad_month"
        with pytest.raises(DomainError) as role:
            confirm_review(uow, cadre, month="2026-10", now=now)
        assert role.value.key == "error.role_cannot"


def test_quarterly_sheet_flags_the_worst_month_not_the_quarter(uow_factory, ids) -> None:
    import chinese_calendar

    wang = ids["cadre3"]
    with uow_factory() as uow:  # posted afresh from Jul 1
        old = uow.assignments.latest(wang)
        old.end = date(2026, 6, 30)
        uow.assignments.add(
            Assignment(
                person_id=wang,
                village_id=old.village_id,
                unit_id=old.unit_id,
                start=date(2026, 7, 1),
            )
        )
        uow.commit()

    def workdays(first: date, last: date) -> list[date]:
        return [d for d in days(first, last) if chinese_calendar.is_workday(d)]

    july, august = (
        workdays(date(2026, 7, 1), date(2026, 7, 31)),
        workdays(date(2026, 8, 1), date(2026, 8, 31)),
    )
    september = workdays(date(2026, 9, 1), date(2026, 9, 30))
    assert (len(july), len(august), len(september)) == (23, 21, 22)
    # Absent the first 6 working days of July and of August: 12 in the quarter, at most 6
    # in a month: no removal flag.
    add_checkins(uow_factory, wang, july[6:] + august[6:] + september)

    drafts = sweep_quarterly_sheets(uow_factory, date(2026, 10, 1), zone=ZONE)
    assert sorted((d.recipient_id, d.period) for d in drafts) == sorted(
        [(ids["unit_leader"], "2026-Q3"), (ids["unit_leader_b"], "2026-Q3")]
    )
    zheng = next(d for d in drafts if d.recipient_id == ids["unit_leader_b"])
    assert zheng.payload["params"] == {"unit": "区农业农村局", "quarter": "2026-Q3", "cadres": 1}
    with uow_factory() as uow:
        name, data = document_for(uow, Catalog(), "zh", zheng.payload["document"])
    assert name == "考勤表_区农业农村局_2026-Q3.xlsx"
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert rows[1] == (
        "王五",
        "第一书记",
        "北宽坪镇",
        "广东坪村",
        "区农业农村局",
        54,
        0,
        0,
        12,
        2160,
        0,
        0,
        0,
        12,
        None,
        None,
        None,
    )
    assert rows[2][0] == "合计" and len(rows) == 3
    assert sweep_quarterly_sheets(uow_factory, date(2026, 11, 1), zone=ZONE) == []
