"""What only the DingTalk runtime does, against the loopback DingTalk emulator: onboarding
from the organisation's directory, frames acknowledged only once stored, replies by the
session webhook or one to one, the connection kept alive (``disconnect``, silence, a
killed socket) and DingTalk's own throttling and outages.

The conversation scenarios themselves run on DingTalk as on aiogram and PTB (the tests
marked ``dingtalk`` in the other modules)."""

from __future__ import annotations

import asyncio

import pytest
from sqlmodel import func, select

from bot.handlers.events import Outgoing
from bot.runtime.dingtalk.attendance import DingTalkAttendance, accounts_of
from scheduler.attendance_records import sweep_attendance_records
from storage.repositories.messenger import ACCOUNT_BASE
from storage.tables import InboxUpdate
from tests.e2e.conftest import ZONE, District, assert_silent, tap
from tests.e2e.test_diary import distinct_png
from tests.e2e.test_reports_e2e import sheet_rows

pytestmark = pytest.mark.parametrize("framework", ["dingtalk"])


def stored_updates(uow) -> int:
    return uow.session.exec(select(func.count()).select_from(InboxUpdate)).one()


def bound_number(district: District, key: str) -> int | None:
    with district.storage.uow() as uow:
        return uow.people.by_phone(district.phone(key)).telegram_user_id


async def test_a_roster_member_is_bound_by_the_directory_mobile(district: District) -> None:
    cadre = district.user("cadre")
    cadre.send_text("你好")
    welcome = await cadre.next_message()
    assert "绑定成功" in welcome.text and "张三" in welcome.text
    await cadre.next_message()  # the commands
    number = bound_number(district, "cadre")
    assert number is not None and number > ACCOUNT_BASE
    with district.storage.uow() as uow:
        assert uow.messenger_accounts.external_id("dingtalk", number) == cadre.staff_id
    # Bound now: the next message is a conversation, not another binding.
    cadre.send_text("/diaries")
    assert "0/10" in (await cadre.next_message()).text
    lookups = [r for r in district.emulator.requests if r.path == "/topapi/v2/user/get"]
    assert len(lookups) == 1  # the directory is read only while the person is unbound


async def test_a_member_outside_the_roster_binds_nothing(district: District) -> None:
    stranger = district.emulator.add_member("staff-x", "外人", "13912345678")
    stranger.send_text("/status")
    refusal = await stranger.next_message()
    assert "花名册中没有这个手机号" in refusal.text
    stranger.send_text("/diary 想写日记")
    assert "花名册中没有这个手机号" in (await stranger.next_message()).text
    with district.storage.uow() as uow:
        assert uow.people.by_phone("+8613912345678") is None
        assert all(p.telegram_user_id is None or p.name != "外人" for p in uow.people.all())


async def test_a_frame_is_acknowledged_only_after_it_is_stored(
    district: District, running_bot, monkeypatch
) -> None:
    cadre = await district.onboard("cadre")
    original = running_bot.inbox.accept
    with district.storage.uow() as uow:
        before = stored_updates(uow)
    failures = []

    async def failing(payload):
        failures.append(payload["update_id"])
        raise OSError("database is down")

    monkeypatch.setattr(running_bot.inbox, "accept", failing)
    data = cadre.send_text("/diary 库坏了也不能丢")
    await asyncio.sleep(0.5)
    assert failures, "the frame never reached the inbox"
    [record] = [f for f in district.emulator.frames if f.data.get("msgId") == data["msgId"]]
    assert not record.acked  # not stored: not acknowledged
    with district.storage.uow() as uow:
        assert stored_updates(uow) == before
    monkeypatch.setattr(running_bot.inbox, "accept", original)
    cadre.send_text("/diary 库好了")
    assert "1/10" in (await cadre.next_message()).text


async def test_text_answers_go_by_the_session_webhook_then_one_to_one(
    district: District, running_bot
) -> None:
    cadre = await district.onboard("cadre")
    cadre.send_text("/diaries")
    assert (await cadre.next_message()).via == "session"
    # Each message brings a fresh webhook; a reminder later finds it expired.
    district.emulator.expire_session_webhooks()
    number = bound_number(district, "cadre")
    assert number is not None
    assert (
        await running_bot.delivery.send(Outgoing(chat_id=number, text="提醒：写日记")) is not None
    )
    reminder = await cadre.next_message()
    assert reminder.via == "otm" and "提醒：写日记" in reminder.text


async def test_a_disconnect_opens_the_next_connection_before_the_old_one_closes(
    district: District, running_bot
) -> None:
    cadre = await district.onboard("cadre")
    [first] = [c for c in district.emulator.connections if not c.closed]
    district.emulator.send_disconnect()
    cadre.send_text("/diary 断线重连之间写的")
    # The new connection comes up while the old one still stands (draining, not closed).
    both = False
    for _ in range(100):
        live = [c for c in district.emulator.connections if not c.closed]
        if len(live) == 2 and first in live:
            both = True
            break
        await asyncio.sleep(0.02)
    assert both, "the old connection closed before the next one was up"
    assert "1/10" in (await cadre.next_message(timeout=10)).text
    assert running_bot.stream.opened == 2 and first.draining


async def test_a_silent_connection_is_taken_for_dead_and_replaced(
    district: District, running_bot
) -> None:
    cadre = await district.onboard("cadre")
    running_bot.stream.silence = 1.0
    district.emulator.go_silent(True)  # pings answered, nothing delivered
    cadre.send_text("/diary 静默的连接")
    saved = await cadre.next_message(timeout=10)
    assert "1/10" in saved.text
    assert running_bot.stream.opened >= 2


async def test_a_killed_connection_is_reopened_and_nothing_acknowledged_is_lost(
    district: District, running_bot
) -> None:
    cadre = await district.onboard("cadre")
    district.emulator.kill_connections()
    cadre.send_text("/diary 连接被掐断之后")
    assert "1/10" in (await cadre.next_message(timeout=15)).text
    assert running_bot.stream.opened >= 2


async def test_an_api_outage_delays_the_replies_and_loses_none(district: District) -> None:
    cadre = await district.onboard("cadre")
    district.emulator.expire_session_webhooks()  # every reply one to one, through the outage
    district.emulator.outage(True)
    cadre.send_text("/diary 停电期间写的")
    await asyncio.sleep(1.5)
    assert not [m for m in cadre.inbox if "1/10" in m.text]
    district.emulator.outage(False)
    assert "1/10" in (await cadre.next_message(timeout=15)).text
    with district.storage.uow() as uow:
        person = uow.people.by_phone(district.phone("cadre"))
        today = district.clock.today()
        assert len(list(uow.diaries.between(person.id, today, today))) == 1


async def test_throttling_is_waited_out(district: District) -> None:
    cadre = await district.onboard("cadre")
    district.emulator.expire_session_webhooks()
    district.emulator.fail_api(403, times=3)  # QpsLimitForApi
    cadre.send_text("/diaries")
    assert "0/10" in (await cadre.next_message(timeout=15)).text


async def test_a_member_who_left_the_organisation_is_marked_and_not_retried(
    district: District, running_bot
) -> None:
    cadre = await district.onboard("cadre")
    district.emulator.expire_session_webhooks()
    cadre.block()  # removed from the directory: sends to them are refused
    number = bound_number(district, "cadre")
    assert number is not None
    assert await running_bot.delivery.send(Outgoing(chat_id=number, text="提醒")) is None
    with district.storage.uow() as uow:
        assert uow.people.by_phone(district.phone("cadre")).blocked_bot


async def test_a_leave_card_is_decided_in_one_tap_and_loses_its_buttons(
    district: District,
) -> None:
    cadre, leader, secretary = await district.onboard_all(
        "cadre", "township_leader", "township_secretary"
    )
    cadre.send_text("/leave 2026-12-01 2026-12-02 孩子生病")
    assert "已提交" in (await cadre.next_message()).text
    ask = await leader.next_message()
    assert ask.kind == "card" and ask.button_texts[:2] == ["同意", "不同意"]
    await tap(leader, ask, "同意")
    assert "同意" in (await cadre.next_message()).text  # the opinion, on its way up
    final = await secretary.next_message()
    await tap(secretary, final, "批准")
    assert "已批准" in (await cadre.next_message()).text
    await secretary.wait_until_quiet()
    card = next(m for m in secretary.inbox if m.message_id == final.message_id)
    assert card.edited and card.buttons == []
    await assert_silent(leader)


async def test_attendance_records_become_on_site_days(district: District, running_bot) -> None:
    """DingTalk's 考勤打卡 inside the attendance group's fence is an on-site day; outside
    it is kept as evidence but counts nothing; a second sweep adds nothing."""
    cadre, other = await district.onboard_all("cadre", "cadre2")
    now = district.clock.now()
    district.emulator.record_attendance(cadre.staff_id, now.replace(hour=8, minute=55))
    district.emulator.record_attendance(
        cadre.staff_id, now.replace(hour=18, minute=5), check_type="OffDuty"
    )
    district.emulator.record_attendance(other.staff_id, now.replace(hour=9), inside=False)

    async def sweep():
        return await sweep_attendance_records(
            district.storage.uow,
            DingTalkAttendance(running_bot.api),
            day=district.clock.today(),
            zone=ZONE,
            accounts_of=accounts_of("dingtalk"),
        )

    first = await sweep()
    assert first.new == 3
    today = district.clock.today()
    with district.storage.uow() as uow:
        cadre_row = uow.people.by_phone(district.phone("cadre"))
        other_row = uow.people.by_phone(district.phone("cadre2"))
        assert today in uow.checkins.onsite_days(cadre_row.id, today, today)
        assert today not in uow.checkins.onsite_days(other_row.id, today, today)
    again = await sweep()
    assert again.new == 0 and again.already == 3


async def test_report_sheets_arrive_as_files_with_their_caption(district: District) -> None:
    """/report on DingTalk: the sheet is a file (uploaded as media, sent one to one), its
    caption the message after it (DingTalk files carry none), then the chart as a photo."""
    secretary = await district.onboard("township_secretary")
    secretary.send_text("/report")
    menu = await secretary.next_message()
    assert menu.kind == "card" and "城关街道" in menu.button_texts
    await tap(secretary, menu, "城关街道")
    sheet = await secretary.next_message()
    assert sheet.kind == "document" and sheet.filename == "考勤表_城关街道_2026-11.xlsx"
    assert sheet_rows(sheet.document)[0][:3] == ("姓名", "职务", "镇(办)")
    caption = await secretary.next_message()
    assert "城关街道" in caption.text and "截至 2026-11-29" in caption.text
    chart = await secretary.next_message()
    assert chart.kind == "photo" and chart.photo[:8] == b"\x89PNG\r\n\x1a\n"


async def test_a_signer_gets_the_diarys_photos_as_the_cadre_sent_them(district: District) -> None:
    cadre, signer = await district.onboard_all("cadre", "village_secretary")
    cadre.send_text("/diary 走访王大爷")
    saved = await cadre.next_message()
    photos = [distinct_png(n) for n in range(2)]
    for data in photos:
        cadre.send_photo(data)
        await cadre.next_message()
    await tap(cadre, saved, "✅ 完成")
    signer.send_text("/signoff")
    batch = await signer.next_message()
    await tap(signer, batch, "📖 1")
    full = await signer.next_message()
    assert "走访王大爷" in full.text
    album = [await signer.next_message() for _ in photos]
    assert [m.kind for m in album] == ["photo", "photo"]
    assert [m.photo for m in album] == photos  # by their download codes, unchanged


async def test_a_connection_that_dingtalk_keeps_pinging_is_kept(
    district: District, running_bot
) -> None:
    """The watchdog counts DingTalk's own SYSTEM pings as life: no needless reconnects."""
    await district.onboard("cadre")
    running_bot.stream.silence = 1.0
    for _ in range(10):
        await district.emulator.send_ping()
        await asyncio.sleep(0.3)
    assert running_bot.stream.opened == 1
    pinged = [f for f in district.emulator.frames if f.topic == "ping"]
    assert pinged and all(f.acked for f in pinged)  # each answered, echoing its data


async def test_asking_for_a_location_says_how_check_ins_work_on_dingtalk(
    district: District,
) -> None:
    """A robot message carries no location: the 签到 button is left out, and where a reply
    asks for a location it says plainly to check in with DingTalk's attendance app."""
    cadre = district.user("cadre")
    cadre.send_text("你好")
    welcome = await cadre.next_message()
    assert "📍 签到" not in welcome.button_texts and "📝 日记" in welcome.button_texts
    assert "考勤打卡" in welcome.text
    await cadre.next_message()
    cadre.send_text("/checkin")
    asked = await cadre.next_message()
    assert "考勤打卡" in asked.text and "/claim" in asked.text
