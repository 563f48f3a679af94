"""/status, /help, /cancel and the English catalog, end to end."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from storage.tables import CheckIn, DiaryEntry
from tests.e2e.conftest import District

ZONE = ZoneInfo("Asia/Shanghai")


@pytest.mark.dingtalk
async def test_cadre_status_shows_figures_against_the_pace(district: District) -> None:
    with district.storage.uow() as uow:
        cadre = uow.people.by_phone(district.phone("cadre"))
        for day in (date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 27)):
            uow.checkins.add(
                CheckIn(person_id=cadre.id, day=day, at=district.clock.now(), on_site=True)
            )
        uow.diaries.add(
            DiaryEntry(
                person_id=cadre.id, day=date(2026, 11, 5), written_at=district.clock.now(), text="x"
            )
        )
        uow.commit()
    user = await district.onboard("cadre")
    user.send_text("/status")
    status = await user.next_message()
    # On 2026-11-30 (day 334 of 365): 220 × 334 // 365 = 201 on-site days expected.
    assert "驻村天数（今年）：3/220，按进度应达 201 — ⚠️ 落后" in status.text
    # 10 × 30 // 30 = 10 diaries expected by the 30th.
    assert "民情日记（本月）：1/10，按进度应达 10" in status.text
    # November 2026 has 21 working days; up to the 29th: 20, of which 3 on site.
    assert "本月缺勤工作日：17" in status.text
    assert status.text.startswith("📊 我的情况（截至 2026-11-30，含今天；缺勤算到昨天）")
    # The year: 224 working days from January 1 to November 29, 3 of them on site.
    assert "今年缺勤工作日：221（累计满90天将被免职）" in status.text
    # Today (not on site yet) and December: 32 days, so 35 at best, never 220.
    assert "今年还剩 32 天，即使天天在村，全年最多 35 天，已达不到 220 天的要求" in status.text


@pytest.mark.dingtalk
async def test_approver_status_lists_waiting_steps_with_buttons(district: District) -> None:
    cadre = await district.onboard("cadre")
    leader = await district.onboard("township_leader")
    cadre.send_text("/leave 2026-12-01 2026-12-01 看病")
    await cadre.next_message()
    await leader.next_message()
    leader.send_text("/status")
    summary = await leader.next_message()
    assert "请假申请 1 件" in summary.text
    waiting = await leader.next_message()
    assert "张三" in waiting.text and waiting.button_texts[:2] == ["同意", "不同意"]


@pytest.mark.dingtalk
async def test_help_depends_on_the_role(district: District) -> None:
    cadre = await district.onboard("cadre")
    org = await district.onboard("org_dept")
    cadre.send_text("/help")
    assert "/checkin" in (await cadre.next_message()).text
    org.send_text("/help")
    text = (await org.next_message()).text
    assert "/checkin" not in text and "批准" in text


async def test_a_leave_in_english_from_request_to_outcome(district: District) -> None:
    cadre = await district.onboard("cadre", language="en")
    leader = await district.onboard("township_leader", language="en")
    secretary = await district.onboard("township_secretary", language="en")
    cadre.send_text("/leave 2026-12-01 2026-12-02 doctor's appointment & <tests>")
    submitted = await cadre.next_message()
    assert "Leave request #1 sent: 2026-12-01 to 2026-12-02, 2 days" in submitted.text
    ask = await leader.next_message()
    assert "doctor's appointment & <tests>" in ask.text
    assert ask.button_texts[:2] == ["Agree", "Disagree"]
    leader.press(ask, "Agree")
    told = (await cadre.next_message()).text
    assert "gave their opinion: agree" in told
    assert "Next: approval by the township party secretary." in told
    final = await secretary.next_message()
    assert (
        "Opinions and decisions so far:" in final.text
        and "(township leader in charge): agree" in final.text
    )
    assert final.button_texts[:2] == ["Approve", "Reject"]
    secretary.press(final, "Reject")
    assert "type the reason" in (await secretary.next_message()).text
    secretary.send_text("Year-end inspection & <audit>")
    assert "You rejected" in (await secretary.next_message()).text
    assert "Reason: Year-end inspection & <audit>" in (await cadre.next_message()).text


async def test_a_recall_in_english_is_confirmed_first(district: District) -> None:
    cadre = await district.onboard("cadre", language="en")
    cadre.send_text("/leave 2026-12-29 2027-02-06 home for new year")
    confirm = await cadre.next_message()
    assert "continuous absence of 40 days" in confirm.text
    assert "not a leave" in confirm.text and "mistyped" in confirm.text
    assert confirm.button_texts == ["Confirm (recall)", "Cancel"]


async def test_diary_and_checkin_in_english(district: District) -> None:
    cadre = await district.onboard("cadre", language="en")
    cadre.send_text("/diary Visited the Li family")
    assert "Diary saved. This month: 1/10" in (await cadre.next_message()).text
    cadre.send_location(33.8702, 109.9405)
    assert "Checked in" in (await cadre.next_message()).text


@pytest.mark.dingtalk
async def test_status_in_a_year_without_an_official_calendar_is_provisional(
    district: District,
) -> None:
    """On the first Monday of 2027 (no official table yet) /status answers with figures
    marked provisional, not an error."""
    district.clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=ZONE))
    user = await district.onboard("cadre")
    user.send_text("/status")
    status = await user.next_message()
    assert "驻村天数（今年）：0/220" in status.text
    assert "本月缺勤工作日：1" in status.text  # Friday 1 January, Mon-Fri for now
    assert "2027 年法定节假日安排尚未导入" in status.text and "暂定" in status.text
    assert "已达不到" not in status.text  # 362 days left: 220 is still within reach


@pytest.mark.dingtalk
async def test_a_cadre_posted_on_1_july_owes_the_same_pro_rated_days_everywhere(
    district: District,
) -> None:
    """Posted 1 July: 184 days of 365 owe 220 × 184 / 365 = 110.9 → 111 on-site days, in
    /status and in the annual sheet alike."""
    from services.reports.annual_sheet import gather_annual

    with district.storage.uow() as uow:
        cadre = uow.people.by_phone(district.phone("cadre"))
        uow.assignments.current(cadre.id, date(2026, 11, 30)).start = date(2026, 7, 1)
        uow.commit()
    user = await district.onboard("cadre")
    user.send_text("/status")
    status = await user.next_message()
    # Jul 1 - Nov 30 = 153 days: 220 × 153 / 365 = 92.2 → 92 expected so far.
    assert "驻村天数（今年）：0/111，按进度应达 92" in status.text
    assert "全年最多 32 天，已达不到 111 天的要求" in status.text  # the pro-rated target
    with district.storage.uow() as uow:
        sheet = gather_annual(uow, 2026, as_of=date(2026, 12, 31), zone=ZONE)
        [row] = [r for r in sheet.rows if r.person_id == cadre.id]
        assert (row.onsite_required, row.onsite_short) == (111, 111)
