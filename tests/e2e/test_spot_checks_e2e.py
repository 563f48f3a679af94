"""明查暗访 over the real runtimes: an official picks a township and a cadre in a few taps;
the cadre's next location answers a remote check (at the moment it was sent, however late
the bot handles it); unexcused absences escalate and the right people are told; a check
nobody answers in 30 minutes is closed by the sweep; a visit is recorded for its own day
(today or up to 7 days back), and on a non-working day it does not count."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlmodel import select

from services.spot_checks import expire_spot_checks
from storage.tables import LeaveRequest, Reminder, SpotCheck
from tests.e2e.conftest import START, ZONE, District, assert_silent, tap

INSIDE = (33.8702, 109.9405)  # ~50 m from 东店子村's centre (radius 800 m)
OUTSIDE = (33.9000, 109.9400)  # ~3.3 km north


def checks(district: District) -> list[SpotCheck]:
    with district.storage.uow() as uow:
        return list(uow.session.exec(select(SpotCheck).order_by(SpotCheck.id)).all())


async def choose_cadre(official, name: str = "张三"):
    """/spotcheck → the township → the cadre: the message now offers the three ways."""
    official.send_text("/spotcheck")
    menu = await official.next_message()
    assert "城关街道" in menu.button_texts and "北宽坪镇" in menu.button_texts
    await tap(official, menu, "城关街道")
    await tap(official, menu, f"{name} · 东店子村" if name == "张三" else name)
    return menu


async def visit(official, menu, found: str = "❌ 实地：不在岗", day: str = "📅 今天"):
    """The visit's result, then its day (today is the first button)."""
    await tap(official, menu, found)
    [asked] = [m for m in official.inbox if m.message_id == menu.message_id]
    assert "哪一天" in asked.text
    return await tap(official, menu, day)


async def test_a_remote_check_answered_inside_the_village_is_present(district: District) -> None:
    org, cadre, secretary = await district.onboard_all("org_dept", "cadre", "township_secretary")
    menu = await choose_cadre(org)
    await tap(org, menu, "📍 远程核查位置（30分钟）")
    [started] = [m for m in org.inbox if m.message_id == menu.message_id]
    assert "张三" in started.text and "09:30" in started.text and started.buttons == []
    ask = await cadre.next_message()
    assert "30 分钟内" in ask.text
    assert ask.reply_markup["keyboard"][0][0]["request_location"] is True
    cadre.send_location(*INSIDE)
    assert "签到成功" in (await cadre.next_message()).text  # still an ordinary check-in
    assert "记录为在岗" in (await cadre.next_message()).text
    found = await org.next_message()
    assert "在岗" in found.text and "张三" in found.text
    assert [c.result for c in checks(district)] == ["present"]
    await assert_silent(secretary)


async def test_unexcused_absences_escalate_and_the_right_people_are_told(
    district: District,
) -> None:
    org, bureau, cadre, secretary, unit, other_secretary, other_unit = await district.onboard_all(
        "org_dept",
        "poverty_bureau",
        "cadre",
        "township_secretary",
        "unit_leader",
        "township_secretary_b",
        "unit_leader_b",
    )

    # 1st: a remote check answered from 3 km away, no leave
    menu = await choose_cadre(org)
    await tap(org, menu, "📍 远程核查位置（30分钟）")
    await cadre.next_message()
    cadre.send_location(*OUTSIDE)
    assert "不计" in (await cadre.next_message()).text  # the check-in, off site
    assert "没有已批准的请假" in (await cadre.next_message()).text
    assert "批评教育" in (await cadre.next_message()).text
    for official in (org, bureau, secretary, unit):
        told = await official.next_message()
        assert "张三" in told.text and "第 1 次" in told.text and "批评教育" in told.text

    # 2nd: found absent in person
    district.clock.advance(days=1)
    menu = await choose_cadre(bureau)
    await visit(bureau, menu)
    assert "全区通报" in (await cadre.next_message()).text
    for official in (org, bureau, secretary, unit):
        assert "第 2 次" in (await official.next_message()).text

    # 3rd: notice, and the year's grade 不称职 recorded by itself
    district.clock.advance(days=1)
    menu = await choose_cadre(org)
    await visit(org, menu)
    you = await cadre.next_message()
    assert "通报" in you.text and "不称职" in you.text
    for official in (org, bureau, secretary, unit):
        assert "不称职" in (await official.next_message()).text
    with district.storage.uow() as uow:
        grade = uow.grades.get(uow.people.by_phone(district.phone("cadre")).id, 2026)
        assert (grade.grade, grade.source) == ("incompetent", "spot_check")
    assert [c.result for c in checks(district)] == ["unexcused"] * 3
    # another township's secretary and another unit are not told
    await assert_silent(other_secretary)
    await assert_silent(other_unit)


@pytest.mark.dingtalk
async def test_absent_with_approved_leave_does_not_escalate(district: District) -> None:
    with district.storage.uow() as uow:
        cadre_id = uow.people.by_phone(district.phone("cadre")).id
        uow.leaves.add(
            LeaveRequest(
                applicant_id=cadre_id,
                start=START.date(),
                end=START.date(),
                days=1,
                combined_days=1,
                tier="short",
                reason="看病",
                status="approved",
                created_at=START - timedelta(days=2),
            )
        )
        uow.commit()
    org, cadre, secretary = await district.onboard_all("org_dept", "cadre", "township_secretary")
    menu = await choose_cadre(org)
    await visit(org, menu)
    found = await org.next_message()
    assert "已批准的请假" in found.text and "不作处理" in found.text
    assert [c.result for c in checks(district)] == ["on_leave"]
    await assert_silent(cadre)
    await assert_silent(secretary)


async def test_no_answer_in_30_minutes_is_recorded_by_the_sweep(district: District) -> None:
    org, cadre = await district.onboard_all("org_dept", "cadre")
    menu = await choose_cadre(org)
    await tap(org, menu, "📍 远程核查位置（30分钟）")
    await cadre.next_message()
    district.clock.advance(minutes=20)
    assert expire_spot_checks(district.storage.uow, district.clock.now()) == []
    district.clock.advance(minutes=11)
    [closed] = expire_spot_checks(district.storage.uow, district.clock.now())
    [check] = checks(district)
    assert (check.id, check.result) == (closed, "no_answer")
    with district.storage.uow() as uow:
        queued = {r.payload["key"] for r in uow.session.exec(select(Reminder)).all()}
    assert queued == {
        "spotcheck.found_no_answer",
        "spotcheck.you_no_answer",
        "spotcheck.told_no_answer",
    }
    # a location after the window is an ordinary check-in, not an answer
    cadre.send_location(*OUTSIDE)
    assert "不计" in (await cadre.next_message()).text
    await assert_silent(cadre)
    assert [c.result for c in checks(district)] == ["no_answer"]


async def test_only_the_district_departments_make_spot_checks(district: District) -> None:
    secretary = await district.onboard("township_secretary")
    secretary.send_text("/spotcheck")
    assert "不能使用" in (await secretary.next_message()).text
    secretary.send_text("/status")
    status = await secretary.next_message()
    with district.storage.uow() as uow:
        cadre_id = uow.people.by_phone(district.phone("cadre")).id
    for data in (
        f"xr:{cadre_id}",
        f"xp:{cadre_id}:0",
        f"xv:{cadre_id}:0:20261130",
        "xt:1",
        f"xc:{cadre_id}",
    ):
        answer = await tap(secretary, status, data=data)
        assert answer.show_alert and "不能使用" in answer.text
    assert checks(district) == []
    await assert_silent(secretary)


async def test_a_visit_on_a_sunday_finding_the_cadre_away_does_not_count(
    district: District,
) -> None:
    """Sunday 2026-12-06: the visit is recorded and the official told it does not count; a
    remote check is refused with the reason before the cadre is asked anything."""
    district.clock.set(datetime(2026, 12, 6, 10, 0, tzinfo=ZONE))
    org, cadre, secretary = await district.onboard_all("org_dept", "cadre", "township_secretary")
    menu = await choose_cadre(org)
    await visit(org, menu)
    told = await org.next_message()
    assert "张三" in told.text and "2026-12-06" in told.text
    assert "不是工作日" in told.text and "不计入考核" in told.text
    assert [c.result for c in checks(district)] == ["not_counted"]
    menu = await choose_cadre(org)
    refused = await tap(org, menu, "📍 远程核查位置（30分钟）")
    assert refused.show_alert and "不是工作日" in refused.text
    assert [c.result for c in checks(district)] == ["not_counted"]
    await assert_silent(cadre)
    await assert_silent(secretary)


@pytest.mark.dingtalk
async def test_a_visit_recorded_for_the_previous_friday_counts_as_the_first(
    district: District,
) -> None:
    """On Monday the official records Friday's visit (one more tap): the 1st, criticism."""
    org, cadre, secretary = await district.onboard_all("org_dept", "cadre", "township_secretary")
    menu = await choose_cadre(org)
    await tap(org, menu, "❌ 实地：不在岗")
    [asked] = [m for m in org.inbox if m.message_id == menu.message_id]
    assert asked.button_texts[0] == "📅 今天"
    assert "11-29 日" in asked.button_texts and "11-23 一" in asked.button_texts
    assert "11-22 日" not in asked.button_texts  # 8 days back: the import's
    await tap(org, menu, "11-27 五")
    you = await cadre.next_message()
    assert "2026-11-27" in you.text and "第 1 次" in you.text and "批评教育" in you.text
    told = await secretary.next_message()
    assert "2026-11-27" in told.text and "第 1 次" in told.text
    [check] = checks(district)
    assert check.result == "unexcused"
    assert check.started_at == datetime(2026, 11, 27, 9, 0, tzinfo=ZONE)
    assert check.recorded_at == START


async def test_a_location_sent_inside_the_window_but_handled_after_it_answers(
    district: District,
) -> None:
    """The bot was down from 09:20 to 09:40: the sweep closed the check at 09:31, then the
    location the cadre sent at 09:25 arrives; it answers the check (present)."""
    org, cadre, secretary = await district.onboard_all("org_dept", "cadre", "township_secretary")
    menu = await choose_cadre(org)
    await tap(org, menu, "📍 远程核查位置（30分钟）")
    await cadre.next_message()
    assert expire_spot_checks(district.storage.uow, START + timedelta(minutes=31))
    assert [c.result for c in checks(district)] == ["no_answer"]
    sent = START + timedelta(minutes=25)
    district.emulator.state.clock = sent.timestamp  # Telegram dates the message
    district.clock.set(START + timedelta(minutes=40))  # the bot handles it
    cadre.send_location(*INSIDE)
    assert "签到成功" in (await cadre.next_message()).text  # with the work-record prompt
    assert "记录为在岗" in (await cadre.next_message()).text
    found = await org.next_message()
    assert "在岗" in found.text and "张三" in found.text
    # the township secretary, told "no answer" by the sweep, hears the result too
    assert "在岗" in (await secretary.next_message()).text
    [check] = checks(district)
    assert check.result == "present"
