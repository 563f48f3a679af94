"""/report over the real runtimes: this month's attendance sheet (XLSX) and on-site days
chart (PNG) for what each person may see, and refusals for what they may not."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook

from storage.tables import CheckIn
from tests.e2e.conftest import ZONE, District, assert_silent, tap


def township_id(district: District, name: str) -> int:
    with district.storage.uow() as uow:
        return uow.places.township(name).id


def sheet_rows(document: bytes) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(document))
    return list(workbook.worksheets[0].iter_rows(values_only=True))


async def test_a_township_secretary_gets_their_townships_sheet_and_chart(
    district: District,
) -> None:
    with district.storage.uow() as uow:
        cadre = uow.people.by_phone(district.phone("cadre"))
        for i in range(3):  # Monday to Wednesday of last week
            day = date(2026, 11, 23) + timedelta(days=i)
            at = datetime(day.year, day.month, day.day, 9, tzinfo=ZONE)
            uow.checkins.add(CheckIn(person_id=cadre.id, day=day, at=at, on_site=True))
        uow.commit()
    secretary = await district.onboard("township_secretary")
    secretary.send_text("/report")
    menu = await secretary.next_message()
    assert "2026-11" in menu.text
    assert "城关街道" in menu.button_texts
    assert "北宽坪镇" not in menu.button_texts and "🏛 全区" not in menu.button_texts
    await tap(secretary, menu, "城关街道")
    sheet = await secretary.next_message()
    assert sheet.kind == "document" and sheet.filename == "考勤表_城关街道_2026-11.xlsx"
    assert "城关街道" in sheet.text and "截至 2026-11-29" in sheet.text
    # the month runs on: the sheet stops at yesterday, and says why /status differs
    assert "今天（2026-11-30）尚未结束，不计入" in sheet.text
    rows = sheet_rows(sheet.document)
    assert rows[0][:3] == ("姓名", "职务", "镇(办)")
    assert [r[0] for r in rows] == ["姓名", "张三", "李四", "合计"]
    # November 1-29: 20 working days; 张三 on site 3 of them
    assert rows[1][5:10] == (3, 0, 0, 17, 120)  # on site, leave, duty, absent, yuan
    chart = await secretary.next_message()
    assert chart.kind == "photo" and chart.photo[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(chart.photo) > 10_000
    await assert_silent(secretary)


async def test_district_roles_pick_any_township_or_the_whole_district(district: District) -> None:
    org = await district.onboard("org_dept")
    org.send_text("/report")
    menu = await org.next_message()
    assert {"北宽坪镇", "城关街道", "🏛 全区", "📋 2026 年度考核表"} <= set(menu.button_texts)
    await tap(org, menu, "🏛 全区")
    sheet = await org.next_message()
    assert sheet.filename == "考勤表_全区_2026-11.xlsx"
    assert [r[0] for r in sheet_rows(sheet.document)][1:] == ["王五", "张三", "李四", "合计"]
    assert (await org.next_message()).kind == "photo"
    await tap(org, menu, "📋 2026 年度考核表")
    annual = await org.next_message()
    assert annual.filename == "年度考核表_全区_2026.xlsx"
    workbook = load_workbook(io.BytesIO(annual.document))
    assert [ws.title for ws in workbook.worksheets] == ["驻村干部", "考核等次汇总", "规划与目标"]
    await assert_silent(org)  # one chart per request: the district's came with its sheet
    # the menu turns to last month in place
    await tap(org, menu, "◀ 上一期")
    [turned] = [m for m in org.inbox if m.message_id == menu.message_id]
    assert "2026-10" in turned.text and "下一期 ▶" in turned.button_texts
    await tap(org, turned, "城关街道")
    october = await org.next_message()
    assert october.filename == "考勤表_城关街道_2026-10.xlsx"
    assert "尚未结束" not in october.text  # a whole month: nothing left out


async def test_a_unit_leader_gets_the_quarter_of_their_own_cadres(district: District) -> None:
    unit = await district.onboard("unit_leader_b")
    unit.send_text("/report")
    menu = await unit.next_message()
    assert "2026-Q4" in menu.text and "区农业农村局" in menu.button_texts
    await tap(unit, menu, "区农业农村局")
    sheet = await unit.next_message()
    assert [r[0] for r in sheet_rows(sheet.document)] == ["姓名", "王五", "合计"]
    assert (await unit.next_message()).kind == "photo"


async def test_another_township_is_refused_even_with_forged_data(district: District) -> None:
    secretary = await district.onboard("township_secretary")
    secretary.send_text("/report")
    menu = await secretary.next_message()
    other = township_id(district, "北宽坪镇")
    for data in (f"rp:t:{other}:2026-11", "rp:d:0:2026-11", "rp:a:0:2026", "rp:u:1:2026-Q4"):
        answer = await tap(secretary, menu, data=data)
        assert answer.show_alert and "无权" in answer.text
    await assert_silent(secretary)


@pytest.mark.dingtalk
async def test_cadres_and_village_secretaries_cannot_ask_for_reports(district: District) -> None:
    for key in ("cadre", "village_secretary"):
        user = await district.onboard(key)
        user.send_text("/report")
        refusal = await user.next_message()
        assert "不能使用" in refusal.text
        await assert_silent(user)
