"""/myleave end to end: whose turn it is, withdrawn steps, the withdrawal confirmed, 销假
(an approved leave ended early) and the cards whose buttons no longer apply, on both
runtimes and in both languages."""

from __future__ import annotations

import asyncio
import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from bot.i18n import Catalog
from scheduler.dispatch import Dispatcher
from scheduler.overdue import sweep_leave_overdue
from tests.e2e.conftest import ZONE, District, assert_silent, bound_deputy_leader, tap

INSIDE = (33.8702, 109.9405)  # ~50 m from 东店子村's centre (radius 800 m)


def leave_row(district: District) -> tuple[str, date, date, int, date | None]:
    with district.storage.uow() as uow:
        row = uow.leaves.all_rows()[-1]
        return row.status, row.start, row.end, row.days, row.approved_end


def audit_actions(district: District, request_id: int = 1) -> list[str]:
    with district.storage.uow() as uow:
        return [h.action for h in uow.audit.for_subject(f"leave:{request_id}")]


async def test_myleave_names_whose_turn_it_is_and_shows_withdrawn_steps(
    district: District,
) -> None:
    cadre = await district.onboard("cadre", "en")
    secretary, unit = await district.onboard_all("township_secretary", "unit_leader")
    cadre.send_text("/leave 2026-12-01 2026-12-07 surgery")  # 7 days: 会签, then the district
    await cadre.next_message()
    await tap(secretary, await secretary.next_message(), "同意")
    unit_ask = await unit.next_message()
    assert "gave their opinion: agree" in (await cadre.next_message()).text
    cadre.send_text("/myleave")
    listing = await cadre.next_message()
    lines = listing.text.splitlines()
    assert any("孙书记" in line and "agree" in line for line in lines), listing.text
    assert "▶ comment — now: 吴局长 (dispatching unit)" in listing.text
    district_lines = [line for line in lines if "district" in line]
    assert len(district_lines) == 2 and all("not yet" in line for line in district_lines)
    assert "pending" not in listing.text.split("\n", 1)[1]  # no step shows as merely pending
    assert listing.button_texts == ["Withdraw"]

    await tap(cadre, listing, "Withdraw")
    confirm = await cadre.next_message()
    assert "Withdraw leave request #1" in confirm.text and "cannot be undone" in confirm.text
    assert confirm.button_texts == ["Yes, withdraw it", "Keep it"]
    await tap(cadre, confirm, "Keep it")  # changed their mind: nothing happens
    await cadre.wait_until_quiet()
    assert "Nothing changed" in confirm.text and confirm.buttons == []
    assert leave_row(district)[0] == "pending" and listing.button_texts == ["Withdraw"]
    await assert_silent(unit)

    await tap(cadre, listing, "Withdraw")
    confirm = await cadre.next_message()
    await tap(cadre, confirm, "Yes, withdraw it")
    await cadre.wait_until_quiet()
    assert "withdrawn" in confirm.text and confirm.buttons == []
    assert listing.buttons == [] and "was withdrawn" in listing.text
    assert leave_row(district)[0] == "withdrawn"
    assert "撤回" in (await unit.next_message()).text
    assert unit_ask.buttons == [] and "已撤回" in unit_ask.text  # in the holder's language
    cadre.send_text("/myleave")
    after = await cadre.next_message()
    lines = after.text.splitlines()
    assert any("孙书记" in line and "agree" in line for line in lines)
    assert any("吴局长" in line and "withdrawn" in line for line in lines)
    assert all("withdrawn" in line for line in lines if "district" in line)
    assert "now:" not in after.text and after.buttons == []
    assert audit_actions(district) == ["leave:submit", "leave:agreed", "leave:withdraw"]


async def test_a_cadre_back_early_ends_the_leave_and_the_days_count_again(
    district: District,
) -> None:
    cadre, unit, secretary, org, bureau, leader = await district.onboard_all(
        "cadre", "unit_leader", "township_secretary", "org_dept", "poverty_bureau",
        "township_leader",
    )  # fmt: skip
    cadre.send_text("/leave 2026-12-01 2026-12-04 回原单位述职")  # 4 days: filed with both
    await cadre.next_message()
    await tap(unit, await unit.next_message(), "同意")
    await tap(secretary, await secretary.next_message(), "批准")
    for filer in (org, bureau):
        await filer.next_message()
    await cadre.next_message()  # the unit agreed
    assert "已批准" in (await cadre.next_message()).text

    cadre.send_text("/myleave")  # before the leave: nothing to end yet
    before = await cadre.next_message()
    assert before.buttons == []
    district.clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=ZONE))  # Wednesday, on leave
    cadre.send_text("/myleave")
    listing = await cadre.next_message()
    assert listing.button_texts == ["🔙 销假（提前返岗）"]
    cadre.send_text("/myleave")
    second_listing = await cadre.next_message()
    await tap(cadre, listing, "🔙 销假（提前返岗）")
    ask = await cadre.next_message()
    assert "哪天返回驻村" in ask.text
    assert ask.button_texts == ["今天返岗（12-02）", "明天返岗（12-03）", "保持不变"]
    await tap(cadre, ask, "今天返岗（12-02）")
    await cadre.wait_until_quiet()
    assert "已销假：2026-12-02 返岗" in ask.text and "2026-12-01 至 2026-12-01" in ask.text
    assert ask.buttons == []
    for card in (listing, second_listing):  # every card with the 销假 button lost it
        assert card.buttons == [] and "已销假：2026-12-02 返岗" in card.text
    assert leave_row(district) == (
        "approved", date(2026, 12, 1), date(2026, 12, 1), 1, date(2026, 12, 4)
    )  # fmt: skip
    for person in (unit, secretary, org, bureau):  # who decided it and the filing departments
        told = await person.next_message()
        assert "销假" in told.text and "张三" in told.text and "2026-12-02 返岗" in told.text
        assert "原批准至 2026-12-04" in told.text
    await assert_silent(leader)
    assert audit_actions(district)[-1] == "leave:end"

    # back in the village today: the released day counts on site, nothing is leave after it
    cadre.send_location(*INSIDE)
    assert "签到成功" in (await cadre.next_message()).text
    cadre.send_text("/status")
    status = await cadre.next_message()
    assert "今年已批准请假：1 天" in status.text
    cadre.send_text("/myleave")
    shown = await cadre.next_message()
    assert "2026-12-01 至 2026-12-01（1 天" in shown.text
    assert "已销假：2026-12-02 返岗；原批准至 2026-12-04" in shown.text and shown.buttons == []
    # the stale 销假 button of an old card answers what happened and changes nothing
    end_data = "le:1"
    answer = await tap(cadre, before.message_id, data=end_data)
    assert "已销假" in answer.text
    district.clock.set(datetime(2026, 12, 3, 9, 0, tzinfo=ZONE))
    secretary.send_text("/report")
    menu = await secretary.next_message()
    await tap(secretary, menu, "城关街道")
    sheet = await secretary.next_message()
    assert "截至 2026-12-02" in sheet.text
    rows = list(load_workbook(io.BytesIO(sheet.document)).worksheets[0].iter_rows(values_only=True))
    zhang = next(r for r in rows if r[0] == "张三")
    assert zhang[5:10] == (1, 1, 0, 0, 40)  # Dec 1 leave, Dec 2 on site (was leave)


async def test_ending_a_leave_early_in_english_and_refusals(district: District) -> None:
    cadre = await district.onboard("cadre", "en")
    leader, secretary = await district.onboard_all("township_leader", "township_secretary")
    cadre.send_text("/leave 2026-11-30 2026-12-01 family matter")  # today and tomorrow
    await cadre.next_message()
    await tap(leader, await leader.next_message(), "同意")
    await tap(secretary, await secretary.next_message(), "批准")
    assert "gave their opinion: agree" in (await cadre.next_message()).text
    assert "approved" in (await cadre.next_message()).text
    cadre.send_text("/myleave")
    listing = await cadre.next_message()
    await tap(cadre, listing, "🔙 销假 (I am back)")
    ask = await cadre.next_message()
    # today is the leave's first day: only tomorrow can be the day back
    assert ask.button_texts == ["Back tomorrow (12-01)", "Keep it"]
    forged = await tap(cadre, ask.message_id, data="lo:1:20261130")
    assert "must be today or tomorrow" in forged.text
    assert leave_row(district)[2] == date(2026, 12, 1)
    await tap(cadre, ask, "Back tomorrow (12-01)")
    await cadre.wait_until_quiet()
    assert "Leave #1 ended (销假): you are back on 2026-12-01" in ask.text
    assert leave_row(district)[2:4] == (date(2026, 11, 30), 1)
    for person in (leader, secretary):
        assert "销假" in (await person.next_message()).text


async def test_a_hand_over_edits_the_first_holders_card(district: District) -> None:
    cadre, leader = await district.onboard_all("cadre", "township_leader")
    deputy = await bound_deputy_leader(district)
    cadre.send_text("/leave 2026-12-01 2026-12-01 看病")
    await cadre.next_message()
    ask = await leader.next_message()
    approve_data = ask.buttons[0]["callback_data"]
    await tap(leader, ask, "↪️ 转交")
    choose = await leader.next_message()
    await tap(leader, choose, "副职李")
    await leader.wait_until_quiet()
    assert "已将申请 #1 转交 副职李" in choose.text and choose.buttons == []
    assert ask.buttons == [] and "已转交 副职李" in ask.text
    stale = await tap(leader, ask.message_id, data=approve_data)
    assert "已转交 副职李" in stale.text
    assert "转交 副职李" in (await cadre.next_message()).text
    cadre.send_text("/myleave")
    assert "当前：副职李（镇党委分管领导）" in (await cadre.next_message()).text
    handed = await deputy.next_message()
    await tap(deputy, handed, "同意")
    await deputy.wait_until_quiet()
    assert handed.buttons == []


@pytest.mark.dingtalk
async def test_a_rejection_by_one_district_department_edits_the_others_card(
    district: District,
) -> None:
    cadre, secretary, unit, org, bureau = await district.onboard_all(
        "cadre", "township_secretary", "unit_leader", "org_dept", "poverty_bureau"
    )
    cadre.send_text("/leave 2026-12-01 2026-12-07 住院手术")
    await cadre.next_message()
    await tap(secretary, await secretary.next_message(), "同意")
    await tap(unit, await unit.next_message(), "同意")
    org_ask, bureau_ask = await org.next_message(), await bureau.next_message()
    for _ in range(2):  # the township and the unit agreed
        assert "同意" in (await cadre.next_message()).text
    cadre.send_text("/myleave")
    listing = await cadre.next_message()
    assert "当前：组织部王科长（区委组织部）" in listing.text
    assert "当前：扶贫局冯科长（区扶贫局）" in listing.text
    bureau.send_text("/status")
    await bureau.next_message()  # the count
    waiting = await bureau.next_message()
    if "派出单位" in waiting.text:  # the units behind on their duties (Art. 15) come first
        waiting = await bureau.next_message()
    # the step, with its buttons
    assert "住院手术" in waiting.text and waiting.button_texts[:2] == ["批准", "驳回"]
    await tap(org, org_ask, "驳回")
    assert "理由" in (await org.next_message()).text  # a rejection asks why first
    org.send_text("手术后需静养，请改派他人")
    await bureau.wait_until_quiet()
    for _ in range(50):  # the edits follow the rejection's other messages
        if not bureau_ask.buttons and not waiting.buttons:
            break
        await asyncio.sleep(0.1)
    for card in (bureau_ask, waiting):
        assert card.buttons == []
        assert "已被 组织部王科长（区委组织部）驳回" in card.text
    assert listing.buttons == [] and "驳回" in listing.text.splitlines()[-1]
    assert "驳回" in (await cadre.next_message()).text
    cadre.send_text("/myleave")
    after = await cadre.next_message()
    assert any("扶贫局冯科长" in line and "无需处理" in line for line in after.text.splitlines())


@pytest.mark.dingtalk
async def test_a_pending_step_reminder_loses_its_buttons_once_decided(
    district: District,
    running_bot,
) -> None:
    cadre, leader = await district.onboard_all("cadre", "township_leader")
    cadre.send_text("/leave 2026-12-08 2026-12-08 办证")
    await cadre.next_message()
    ask = await leader.next_message()
    district.clock.set(datetime(2026, 12, 1, 10, 0, tzinfo=ZONE))  # 25 hours later
    sweep_leave_overdue(district.storage.uow, district.clock.now(), zone=ZONE)
    dispatcher = Dispatcher(
        district.storage.uow, running_bot.delivery, Catalog("zh"), clock=district.clock
    )
    assert (await dispatcher.drain()).sent == 1
    reminder = await leader.next_message()
    assert "小时" in reminder.text and reminder.button_texts[:2] == ["同意", "不同意"]
    await tap(leader, ask, "同意")  # decided from the first card
    await leader.wait_until_quiet()
    assert reminder.buttons == []
    assert "钱分管（镇党委分管领导）同意，此处无需再处理" in reminder.text
