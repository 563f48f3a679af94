"""Check-in by location, work records and 补卡 claims, over the real runtime."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.conftest import District, tap

INSIDE = (33.8702, 109.9405)  # ~50 m from 东店子村's centre (radius 800 m)
OUTSIDE = (33.9000, 109.9400)  # ~3.3 km north
ZONE = ZoneInfo("Asia/Shanghai")


def onsite_days(district: District, key: str) -> int:
    with district.storage.uow() as uow:
        person = uow.people.by_phone(district.phone(key))
        return len(uow.checkins.onsite_days(person.id, date(2026, 1, 1), date(2026, 12, 31)))


async def test_checkin_inside_the_geofence_counts_once(district: District) -> None:
    cadre = await district.onboard("cadre")
    cadre.send_text("/checkin")
    ask = await cadre.next_message()
    assert ask.reply_markup["keyboard"][0][0]["request_location"] is True
    cadre.send_location(*INSIDE)
    done = await cadre.next_message()
    assert "签到成功" in done.text and "东店子村" in done.text and "1" in done.text
    assert "工作纪实" in done.text  # one answer: the day counted and the work-record prompt
    assert done.button_texts == ["✅ 完成"]
    cadre.send_location(*INSIDE)
    again = await cadre.next_message()
    assert "不重复计数" in again.text
    assert onsite_days(district, "cadre") == 1
    # later the same day, from outside: the morning's check-in still counts, and it says so
    cadre.send_location(*OUTSIDE)
    outside = await cadre.next_message()
    assert "仍计为" in outside.text and "不计" not in outside.text and "1" in outside.text
    assert onsite_days(district, "cadre") == 1


async def test_checkin_outside_is_recorded_with_distance_and_not_counted(
    district: District,
) -> None:
    cadre = await district.onboard("cadre")
    cadre.send_location(*OUTSIDE)
    reply = await cadre.next_message()
    assert "不计" in reply.text and "米" in reply.text
    # duty is the township's record, /claim only for a day in the village without a fix
    assert "登记公务" in reply.text and "/leave" in reply.text and "人在村里" in reply.text
    assert onsite_days(district, "cadre") == 0
    with district.storage.uow() as uow:
        [row] = uow.checkins.all_rows()
        assert row.on_site is False and 3000 < row.distance_m < 3600


async def test_forwarded_location_is_refused(district: District) -> None:
    cadre = await district.onboard("cadre")
    cadre.send_location(*INSIDE, forwarded=True)
    reply = await cadre.next_message()
    assert "转发的位置" in reply.text
    with district.storage.uow() as uow:
        assert uow.checkins.all_rows() == []


async def test_live_location_updates_are_kept_and_count_on_entering(district: District) -> None:
    cadre = await district.onboard("cadre")
    sent = cadre.send_location(*OUTSIDE, live_period=3600)
    await cadre.next_message()  # off site
    cadre.update_live_location(sent["message_id"], 33.880, 109.940)
    cadre.update_live_location(sent["message_id"], *INSIDE)
    entered = await cadre.next_message()
    assert "实时位置已进入" in entered.text
    await cadre.wait_until_quiet()
    with district.storage.uow() as uow:
        rows = uow.checkins.all_rows()
    assert [r.on_site for r in rows] == [False, False, True]
    assert {r.source for r in rows} == {"live"}
    assert onsite_days(district, "cadre") == 1


async def test_work_record_photo_and_note(district: District) -> None:
    cadre = await district.onboard("cadre")
    cadre.send_location(*INSIDE)
    hint = await cadre.next_message()
    assert "签到成功" in hint.text and "工作纪实" in hint.text
    cadre.send_text("走访了五户贫困户 <重点> & 核实收入")
    saved = await cadre.next_message()
    assert "已记入" in saved.text
    cadre.send_photo(caption=None)
    await cadre.next_message()
    await tap(cadre, saved, "✅ 完成")
    await cadre.wait_until_quiet()
    with district.storage.uow() as uow:
        person = uow.people.by_phone(district.phone("cadre"))
        records = uow.work_records.for_day(person.id, district.clock.today())
    assert [r.note for r in records] == ["走访了五户贫困户 <重点> & 核实收入", None]
    assert records[1].photo_file_id


async def test_a_sticker_where_a_location_is_asked(district: District) -> None:
    cadre = await district.onboard("cadre")
    cadre.send_text("/checkin")
    await cadre.next_message()
    cadre.send_sticker()
    reply = await cadre.next_message()
    assert "位置" in reply.text
    assert reply.reply_markup["keyboard"][0][0]["request_location"] is True


@pytest.mark.dingtalk
async def test_claim_counts_only_once_the_township_secretary_approves(district: District) -> None:
    cadre = await district.onboard("cadre")
    secretary = await district.onboard("township_secretary")
    yesterday = district.clock.today() - timedelta(days=1)
    cadre.send_text(f"/claim {yesterday} 进山入户，手机无信号")
    assert "已提交" in (await cadre.next_message()).text
    request = await secretary.next_message()
    assert "张三" in request.text and "进山入户" in request.text
    assert onsite_days(district, "cadre") == 0
    await tap(secretary, request, "批准")
    approved = await cadre.next_message()
    assert "已批准" in approved.text
    assert onsite_days(district, "cadre") == 1
    await secretary.wait_until_quiet()
    assert "已批准" in secretary.inbox[-1].text  # the request message was edited


@pytest.mark.dingtalk
async def test_claim_outside_the_window_is_refused(district: District) -> None:
    cadre = await district.onboard("cadre")
    too_old = district.clock.today() - timedelta(days=4)
    cadre.send_text(f"/claim {too_old} 忘记签到")
    reply = await cadre.next_message()
    assert "3 天" in reply.text
    cadre.send_text(f"/claim {district.clock.today()} 今天")
    assert "3 天" in (await cadre.next_message()).text
    cadre.send_text("/claim 昨天 忘记")
    assert "/claim 日期 事由" in (await cadre.next_message()).text
    with district.storage.uow() as uow:
        assert uow.claims.pending_for(0) == []


async def test_a_checkin_counts_on_the_day_it_was_sent_however_late_it_is_handled(
    district: District,
) -> None:
    """The bot (or its database) was down across midnight: the location sent at 23:50 is
    handled at 00:10 and still counts for the day it was sent (Telegram's message date)."""
    cadre = await district.onboard("cadre")
    sent = datetime(2026, 11, 30, 23, 50, tzinfo=ZONE)
    district.emulator.state.clock = sent.timestamp  # Telegram dates the message
    district.clock.set(datetime(2026, 12, 1, 0, 10, tzinfo=ZONE))  # the bot handles it
    cadre.send_location(*INSIDE)
    done = await cadre.next_message()
    assert "签到成功" in done.text
    with district.storage.uow() as uow:
        [row] = uow.checkins.all_rows()
        assert row.day == date(2026, 11, 30)
    assert onsite_days(district, "cadre") == 1
