"""The township owns attendance, end to end on both runtimes: a secretary corrects a day
from the monthly review and the cadre is told; with ``CADREBOT_ATTENDANCE_SOURCE=township``
the scheduler nudges nobody and Monday's grid reaches the secretary, who marks an
exception and confirms the week."""

from __future__ import annotations

import asyncio
from datetime import date, datetime

from sqlmodel import select

from bot.i18n import Catalog
from domain.township_attendance import AttendanceSource
from sandbox import SimulatedUser
from sandbox.state import SentMessage
from scheduler.dispatch import Dispatcher
from scheduler.monthly import sweep_monthly_review
from scheduler.service import build_scheduler
from storage.tables import Reminder
from tests.e2e.conftest import ZONE, District, tap


def person_id(district: District, key: str) -> int:
    with district.storage.uow() as uow:
        return uow.people.by_phone(district.phone(key)).id


async def message_with(user: SimulatedUser, text: str) -> SentMessage:
    """The newest message to ``user`` containing ``text``, waiting for it to arrive."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    while loop.time() < deadline:
        found = [m for m in user.inbox if text in m.text]
        if found:
            return found[-1]
        await asyncio.sleep(0.02)
    raise AssertionError(f"no message with {text!r}.\n{user.transcript()}")


async def test_a_secretary_corrects_a_day_from_the_review_and_the_cadre_is_told(
    district: District,
    running_bot,
) -> None:
    secretary, cadre = await district.onboard_all("township_secretary", "cadre")
    district.clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=ZONE))
    sweep_monthly_review(district.storage.uow, district.clock.now(), zone=ZONE)
    dispatcher = Dispatcher(
        district.storage.uow, running_bot.delivery, Catalog("zh"), clock=district.clock
    )
    await dispatcher.drain()
    prompt = await secretary.next_message()
    assert "请审核" in prompt.text

    await tap(secretary, prompt, "更正某日考勤")
    picker = await secretary.next_message()
    assert "请选择驻村干部" in picker.text and "王五（广东坪村）" not in picker.button_texts
    await tap(secretary, picker, "张三（东店子村）")
    assert "张三" in picker.text and "2026年11月" in picker.button_texts
    await tap(secretary, picker, "12")
    assert "2026-11-12" in picker.text
    await tap(secretary, picker, "公务")
    assert await secretary.next_message()  # the reason, please (at most 200)

    secretary.send_text("长" * 201)
    refused = await secretary.next_message()
    # kept, not refused and lost: its length and the limit said, a shorter one replaces it
    assert "超过 200 字的上限" in refused.text and "201" in refused.text and "留着" in refused.text
    assert refused.button_texts == ["✂️ 保留前 200 字"]
    secretary.send_text("区委组织部岗位培训")
    confirm = await secretary.next_message()
    assert "公务" in confirm.text and "区委组织部岗位培训" in confirm.text
    answer = await tap(secretary, confirm, "确认")
    assert answer.text == "已更正"
    assert "已将 张三 2026-11-12 的考勤更正为 公务" in confirm.text and not confirm.buttons

    told = await cadre.next_message()
    assert told.text == "镇党委书记已将您 11月12日 的考勤更正为：公务（原因：区委组织部岗位培训）"
    with district.storage.uow() as uow:
        [entry] = uow.attendance_entries.for_person(
            person_id(district, "cadre"), date(2026, 11, 1), date(2026, 11, 30)
        )
        assert (entry.day, entry.status, entry.source) == (date(2026, 11, 12), "duty", "correction")
        assert uow.audit.for_subject(f"attendance:{entry.person_id}:2026-11-12")


async def test_with_the_township_source_monday_brings_the_grid_and_no_nudge(
    district: District,
    running_bot,
    settings,
) -> None:
    secretary, cadre, cadre2 = await district.onboard_all("township_secretary", "cadre", "cadre2")
    township = settings.model_copy(update={"attendance_source": AttendanceSource.TOWNSHIP})
    district.clock.set(datetime(2026, 11, 30, 20, 5, tzinfo=ZONE))  # after the 20:00 nudge
    scheduler = build_scheduler(
        township, district.storage.uow, district.clock, running_bot.delivery
    )
    await scheduler.catch_up()  # every sweep due today, then the outbox drained

    await cadre.wait_until_quiet()
    assert not [m for m in cadre.inbox if "还没有在" in m.text]  # no nudge to check in
    with district.storage.uow() as uow:
        kinds = [r.kind for r in uow.session.exec(select(Reminder)).all()]
    assert "weekly_standing" in kinds and "checkin_nudge" not in kinds  # the evening's sweeps ran
    grid = next(m for m in secretary.inbox if "上周考勤" in m.text)
    assert "11月23日—11月29日" in grid.text
    assert "✗✗✗✗✗·· 张三（东店子村）" in grid.text

    await tap(secretary, grid, "标记例外")
    picker = secretary.inbox[-1]
    await tap(secretary, picker, "李四（西关社区）")
    assert picker.button_texts[:7] == [
        "一 23",
        "二 24",
        "三 25",
        "四 26",
        "五 27",
        "六 28",
        "日 29",
    ]
    await tap(secretary, picker, "五 27")
    await tap(secretary, picker, "到岗")
    secretary.send_text("入户走访，村里手机没信号")
    await tap(secretary, await message_with(secretary, "请确认"), "确认")
    told = await message_with(cadre2, "镇党委书记已将您")
    assert (
        told.text
        == "镇党委书记已将您 11月27日 的考勤更正为：到岗（原因：入户走访，村里手机没信号）"
    )

    answer = await tap(secretary, grid, "确认本周考勤")
    assert answer.text == "已确认本周考勤"
    assert "已确认 城关街道 11月23日—11月29日 这一周的考勤" in secretary.inbox[-1].text
    again = await tap(secretary, grid, "确认本周考勤")
    assert "已经确认过了" in again.text
    with district.storage.uow() as uow:
        statuses = uow.attendance_entries.statuses(date(2026, 11, 23), date(2026, 11, 29))
        assert statuses == {person_id(district, "cadre2"): {date(2026, 11, 27): "on_site"}}
        [entry] = uow.attendance_entries.for_person(
            person_id(district, "cadre2"), date(2026, 11, 27), date(2026, 11, 27)
        )
        assert entry.source == "grid"
    await cadre2.wait_until_quiet()
    assert [m.text for m in cadre2.inbox].count(told.text) == 1
