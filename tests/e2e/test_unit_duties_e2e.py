"""/unitduty over the real runtimes (Art. 15, 19): a unit leader records today's
驻村扶贫专题会议 in a few taps and it is stored; a cadre's insurance in three taps;
org_dept's /status lists the units behind; a cadre asking is told who records."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from storage.tables import CareRecord, UnitMeeting
from tests.e2e.conftest import District, assert_silent, tap


@pytest.mark.dingtalk
async def test_a_unit_leader_records_a_meeting_in_a_few_taps(district: District) -> None:
    leader, other = await district.onboard_all("unit_leader", "unit_leader_b")
    leader.send_text("/unitduty")
    menu = await leader.next_message()
    assert "区财政局" in menu.text
    assert menu.button_texts == ["📋 记会议", "🚗 记走访", "🩺 记体检", "🛡 记保险"]
    await tap(leader, menu, "📋 记会议")
    assert "哪天召开" in menu.text and menu.button_texts[0] == "📅 2026-11-30"
    await tap(leader, menu, "📅 2026-11-30")
    assert "会议日期：2026-11-30" in menu.text
    ask = await leader.next_message()
    assert ask.button_texts == ["不填备注"]
    leader.send_text("研究东店子村产业项目")
    done = await leader.next_message()
    assert "已记载 2026-11-30 驻村扶贫专题会议" in done.text
    with district.storage.uow() as uow:
        [meeting] = uow.session.exec(select(UnitMeeting)).all()
        unit = uow.places.unit("区财政局")
        leader_id = uow.people.by_phone(district.phone("unit_leader")).id
    assert (meeting.unit_id, meeting.day, meeting.note, meeting.recorded_by_id) == (
        unit.id,
        date(2026, 11, 30),
        "研究东店子村产业项目",
        leader_id,
    )
    await assert_silent(other)


async def test_a_unit_leader_records_an_insurance(district: District) -> None:
    leader = await district.onboard("unit_leader")
    leader.send_text("/unitduty")
    menu = await leader.next_message()
    await tap(leader, menu, "🛡 记保险")
    assert menu.button_texts == ["张三 · 东店子村", "李四 · 西关社区"]
    await tap(leader, menu, "李四 · 西关社区")
    assert menu.button_texts[0] == "📅 2027-11-29"
    answer = await tap(leader, menu, "📅 2027-11-29")
    assert answer.text == "已记载" and "有效期至 2027-11-29" in menu.text
    with district.storage.uow() as uow:
        [record] = uow.session.exec(select(CareRecord)).all()
    assert (record.kind, record.day) == ("insurance", date(2027, 11, 29))


@pytest.mark.dingtalk
async def test_org_dept_sees_the_units_behind(district: District) -> None:
    org, cadre = await district.onboard_all("org_dept", "cadre")
    org.send_text("/status")
    await org.next_message()  # the waiting work's counts
    behind = await org.next_message()
    assert "未按要求履行驻村职责的派出单位 2 个" in behind.text
    assert "区财政局：未开专题会议" in behind.text and "区农业农村局" in behind.text
    cadre.send_text("/unitduty")
    refused = await cadre.next_message()
    assert "由派出单位负责人办理" in refused.text
