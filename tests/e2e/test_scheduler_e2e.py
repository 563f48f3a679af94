"""The scheduler end to end: sweeps as of a chosen day, the outbox drained through the
running bot's ``Delivery``, and what the simulated people receive; the monthly review
confirmed with a tap and the sheet read back from the document org_dept receives."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from bot.i18n import Catalog
from scheduler.dispatch import Dispatcher, DispatchReport
from scheduler.monthly import sweep_monthly_review
from scheduler.nudge import sweep_daily_nudge
from scheduler.overdue import sweep_leave_overdue
from scheduler.weekly import sweep_weekly
from services import leave as leave_service
from storage.tables import CheckIn, DiaryEntry, Reminder
from tests.e2e.conftest import ZONE, District, assert_silent, tap


async def dispatch(district: District, running_bot) -> DispatchReport:
    dispatcher = Dispatcher(
        district.storage.uow, running_bot.delivery, Catalog("zh"), clock=district.clock
    )
    return await dispatcher.drain()


def person_id(district: District, key: str) -> int:
    with district.storage.uow() as uow:
        return uow.people.by_phone(district.phone(key)).id


def add_onsite(district: District, key: str, days: list[date]) -> None:
    pid = person_id(district, key)
    with district.storage.uow() as uow:
        uow.session.add_all(
            CheckIn(person_id=pid, day=d, at=datetime.combine(d, time(9), ZONE), on_site=True)
            for d in days
        )
        uow.commit()


def add_diaries(district: District, key: str, days: list[date]) -> None:
    pid = person_id(district, key)
    with district.storage.uow() as uow:
        uow.session.add_all(
            DiaryEntry(
                person_id=pid, day=d, written_at=datetime.combine(d, time(20), ZONE), text="走访"
            )
            for d in days
        )
        uow.commit()


def span(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


@pytest.mark.dingtalk
async def test_monday_pushes_reach_each_person_once(district: District, running_bot) -> None:
    cadre = await district.onboard("cadre")
    signer = await district.onboard("village_secretary")
    secretary = await district.onboard("township_secretary")
    # 张三: 201 on-site days Jan 1-Jul 20 (exactly the pace of Nov 30: 220 * 334 // 365),
    # and 4 diaries this month against a pace of 10.
    add_onsite(district, "cadre", span(date(2026, 1, 1), date(2026, 7, 20)))
    add_diaries(district, "cadre", span(date(2026, 11, 2), date(2026, 11, 5)))

    sweep_weekly(district.storage.uow, district.clock.now(), zone=ZONE)
    report = await dispatch(district, running_bot)
    assert report.sent == 3 and report.closed == {"unbound": 3}  # 李四, 王五, 周书记

    standing = await cadre.next_message()
    assert "本周提醒" in standing.text and "201/220" in standing.text
    assert f"截至 {district.clock.today().isoformat()}" in standing.text
    assert "民情日记落后进度 6 篇" in standing.text and "驻村天数落后" not in standing.text
    to_sign = await signer.next_message()
    assert "东店子村" in to_sign.text and "4 篇民情日记" in to_sign.text
    summary = await secretary.next_message()
    assert "城关街道" in summary.text and "张三（东店子村）日记 4/10" in summary.text
    assert f"截至 {district.clock.today().isoformat()}" in summary.text
    # The village secretary acts on it: /signoff lists the same four entries.
    signer.send_text("/signoff")
    batch = await signer.next_message()
    assert batch.text.count("走访") == 4

    sweep_weekly(district.storage.uow, district.clock.now(), zone=ZONE)  # a rerun: nothing
    assert (await dispatch(district, running_bot)).sent == 0
    for user in (cadre, secretary):
        await assert_silent(user)


async def test_the_monthly_review_is_confirmed_with_a_tap_and_the_sheet_arrives(
    district: District,
    running_bot,
) -> None:
    secretary = await district.onboard("township_secretary")
    org = await district.onboard("org_dept")
    bureau = await district.onboard("poverty_bureau", language="en")
    # November 2026: 21 working days. 张三 on site Nov 2-6 and 9-13 (10) and Sunday Nov 15.
    workdays = [d for d in span(date(2026, 11, 2), date(2026, 11, 13)) if d.weekday() < 5]
    add_onsite(district, "cadre", [*workdays, date(2026, 11, 15)])
    add_diaries(district, "cadre", span(date(2026, 11, 1), date(2026, 11, 12)))
    district.clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=ZONE))

    sweep_monthly_review(district.storage.uow, district.clock.now(), zone=ZONE)
    await dispatch(district, running_bot)
    prompt = await secretary.next_message()
    assert "请审核" in prompt.text and "2026-11" in prompt.text
    assert "张三（东店子村）驻村 11 天，请假 0 天，缺勤 11 个工作日，日记 12 篇" in prompt.text

    answer = await tap(secretary, prompt, "审核无误")
    assert answer.text == "已确认并报送"
    assert "已确认" in secretary.inbox[-1].text and not secretary.inbox[-1].buttons

    report = await dispatch(district, running_bot)
    assert report.sent == 2
    sheet = await org.next_message()
    assert sheet.kind == "document" and sheet.filename == "考勤表_城关街道_2026-11.xlsx"
    assert "孙书记" in sheet.text
    rows = list(load_workbook(io.BytesIO(sheet.document)).active.iter_rows(values_only=True))
    assert rows[0][:10] == (
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
    )
    zhang, li, total = rows[1], rows[2], rows[3]
    assert zhang[:14] == (
        "张三",
        "第一书记",
        "城关街道",
        "东店子村",
        "区财政局",
        11,
        0,
        0,
        11,
        440,
        12,
        0,
        0,
        zhang[13],
    )
    assert zhang[14] == "是"  # 11 absent working days in November
    assert li[0] == "李四" and li[5:9] == (0, 0, 0, 21)
    assert total[0] == "合计" and total[5:10] == (11, 0, 0, 32, 440)
    english = await bureau.next_message()
    assert english.kind == "document" and "Attendance sheet of 城关街道" in english.text
    assert english.filename == "attendance_城关街道_2026-11.xlsx"

    # A second tap (the button's data; the button itself is gone) sends nothing again.
    again = await tap(secretary, prompt.message_id, data="ar:2026-11")
    assert again.text == "已经报送过了"
    assert (await dispatch(district, running_bot)).sent == 0
    await assert_silent(org)


async def test_a_reminder_button_decides_and_a_blocked_person_is_recorded(
    district: District,
    running_bot,
) -> None:
    leader = await district.onboard("township_leader")
    cadre = await district.onboard("cadre")
    cadre2 = await district.onboard("cadre2")
    cadre2.block()
    submitted = district.clock.now() - timedelta(hours=26)
    with district.storage.uow() as uow:
        leave_service.submit(
            uow,
            uow.people.by_phone(district.phone("cadre")),
            start=date(2026, 12, 3),
            end=date(2026, 12, 4),
            reason="体检",
            now=submitted,
        )
        uow.commit()
    now = district.clock.now()
    sweep_leave_overdue(district.storage.uow, now, zone=ZONE)
    sweep_daily_nudge(district.storage.uow, now.replace(hour=20), zone=ZONE)
    report = await dispatch(district, running_bot)
    assert report.closed["blocked"] == 1  # 李四 blocked the bot: learned from the 403

    reminder = await leader.next_message()
    assert "已等待您填注意见" in reminder.text and "26 小时" in reminder.text
    answer = await tap(leader, reminder, "同意")
    assert "张三" in answer.text and "张三" in leader.inbox[-1].text
    with district.storage.uow() as uow:
        [request] = uow.leaves.for_applicant(person_id(district, "cadre"))
        assert [s.decision for s in uow.leaves.steps(request.id)][0] == "agreed"
        rows = {r.recipient_id: r for r in uow.session.exec(select(Reminder)).all()}
        assert rows[person_id(district, "cadre2")].failed == "blocked"
        assert rows[person_id(district, "cadre")].sent_at is not None
        assert uow.people.by_phone(district.phone("cadre2")).blocked_bot
    nudge = next(m for m in cadre.inbox if "还没有在" in m.text)
    assert "东店子村" in nudge.text
