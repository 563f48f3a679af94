"""Binding late, /lang and the cadre's keyboard, end to end on both runtimes.

Late binding catches up: a reminder that came due while its recipient had no account
bound waits until its period ends and goes out when they bind (the runtime starts a drain
of the in-process scheduler right after the welcome); an approver who binds sees what
waits for them. /lang keeps a person's language. A bound cadre's keyboard (签到 / 日记 /
请假 / 我的情况) stays under the input field.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.i18n import Catalog
from scheduler.dispatch import Dispatcher
from scheduler.monthly import sweep_monthly_review
from scheduler.service import SchedulerService
from scheduler.weekly import sweep_weekly
from tests.e2e.conftest import ZONE, District, assert_silent, tap

INSIDE = (33.8702, 109.9405)  # ~50 m from 东店子村's centre (radius 800 m)
OUTSIDE = (33.9000, 109.9400)  # ~3.3 km north
KEYBOARD_ZH = ["📍 签到", "📝 日记", "🗓 请假", "📊 我的情况"]
KEYBOARD_EN = ["📍 Check in", "📝 Diary", "🗓 Leave", "📊 My standing"]


@pytest.fixture
def scheduler(district: District, running_bot) -> SchedulerService:
    """The scheduler as ``cadrebot run`` wires it: same Delivery, drained after a binding."""
    dispatcher = Dispatcher(
        district.storage.uow, running_bot.delivery, Catalog("zh"), clock=district.clock
    )
    service = SchedulerService(district.storage.uow, dispatcher, [], district.clock)
    running_bot.pipeline.on_outbox_waiting = service.drain_soon
    return service


def labels(keyboard: dict | None) -> list[str]:
    assert keyboard is not None, "no reply keyboard shown"
    return [button["text"] for row in keyboard["keyboard"] for button in row]


def language_of(district: District, key: str) -> str | None:
    with district.storage.uow() as uow:
        return uow.people.by_phone(district.phone(key)).language


@pytest.mark.dingtalk
async def test_a_cadre_binding_on_tuesday_gets_that_weeks_standing(
    district: District, scheduler: SchedulerService
) -> None:
    sweep_weekly(district.storage.uow, district.clock.now(), zone=ZONE)  # Monday 30 Nov
    report = await scheduler.drain()
    assert report is not None and report.sent == 0 and report.closed["unbound"] >= 1
    district.clock.set(datetime(2026, 12, 1, 10, 0, tzinfo=ZONE))

    cadre = await district.onboard("cadre")  # the welcome and the help
    standing = await cadre.next_message()
    assert "本周提醒" in standing.text and "驻村天数" in standing.text
    await assert_silent(cadre)


@pytest.mark.dingtalk
async def test_a_standing_whose_week_ended_is_not_sent_late(
    district: District, scheduler: SchedulerService
) -> None:
    sweep_weekly(district.storage.uow, district.clock.now(), zone=ZONE)
    await scheduler.drain()
    district.clock.set(datetime(2026, 12, 7, 10, 0, tzinfo=ZONE))  # the next Monday

    cadre = await district.onboard("cadre", language="en")
    await assert_silent(cadre)


async def test_a_township_secretary_binding_after_the_1st_gets_the_monthly_review(
    district: District, scheduler: SchedulerService
) -> None:
    district.clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=ZONE))
    sweep_monthly_review(district.storage.uow, district.clock.now(), zone=ZONE)
    await scheduler.drain()
    district.clock.set(datetime(2026, 12, 2, 15, 0, tzinfo=ZONE))

    secretary = await district.onboard("township_secretary", language="en")
    prompt = await secretary.next_message()
    assert "2026-11" in prompt.text and "张三" in prompt.text
    answer = await tap(secretary, prompt, prompt.button_texts[0])
    assert answer.text  # confirmed with the reminder's own button


@pytest.mark.dingtalk
async def test_an_approver_binding_late_sees_the_waiting_request_and_decides_it(
    district: District,
) -> None:
    cadre = await district.onboard("cadre")
    cadre.send_text("/leave 2026-12-01 2026-12-01 看病")
    assert "已提交" in (await cadre.next_message()).text

    leader = await district.onboard("township_leader")
    summary = await leader.next_message()
    assert "您绑定之前" in summary.text and "请假申请 1 件" in summary.text
    card = await leader.next_message()
    assert "张三" in card.text and "看病" in card.text
    assert card.button_texts[:2] == ["同意", "不同意"]  # the leader's step is an opinion
    await tap(leader, card, "同意")
    assert "同意" in (await cadre.next_message()).text


async def test_a_village_secretary_binding_late_gets_the_diaries_to_sign(
    district: District,
) -> None:
    cadre = await district.onboard("cadre")
    cadre.send_text("/diary 走访了李大爷家，了解医保报销情况")
    assert "日记已保存" in (await cadre.next_message()).text

    signer = await district.onboard("village_secretary", language="en")
    summary = await signer.next_message()
    assert "before you registered" in summary.text and "1 diary batches" in summary.text
    batch = await signer.next_message()
    assert "张三" in batch.text and "李大爷" in batch.text
    assert batch.button_texts[0] == "📖 1"  # read it whole first, if they like
    await tap(signer, batch, "✍️ Verify this week")
    with district.storage.uow() as uow:
        [entry] = uow.diaries.all_rows()
        assert entry.week_signoff_id is not None


@pytest.mark.dingtalk
async def test_someone_with_nothing_waiting_hears_only_the_welcome_and_help(
    district: District,
) -> None:
    org = await district.onboard("org_dept")
    await assert_silent(org)


async def test_lang_switches_with_a_button_and_the_choice_is_kept(
    district: District, scheduler: SchedulerService
) -> None:
    cadre = await district.onboard("cadre")
    assert language_of(district, "cadre") == "zh"
    cadre.send_text("/lang")
    ask = await cadre.next_message()
    assert "当前语言：中文" in ask.text and ask.button_texts == ["中文", "English"]
    await tap(cadre, ask, "English")
    assert "Switched to English" in ask.text and ask.buttons == []  # the picker, edited
    updated = await cadre.next_message()
    assert "buttons below" in updated.text
    assert labels(cadre.reply_keyboard) == KEYBOARD_EN
    assert language_of(district, "cadre") == "en"

    cadre.send_text("/status")
    assert "On-site days this year" in (await cadre.next_message()).text
    sweep_weekly(district.storage.uow, district.clock.now(), zone=ZONE)
    await scheduler.drain()
    assert "Weekly reminder" in (await cadre.next_message()).text  # reminders follow it too

    cadre.send_text("/lang zh")
    switched = await cadre.next_message()
    assert "已切换为中文" in switched.text and labels(switched.reply_markup) == KEYBOARD_ZH
    cadre.send_text("/lang fr")
    assert "/lang en" in (await cadre.next_message()).text
    assert language_of(district, "cadre") == "zh"


async def test_an_approver_switches_to_english(district: District) -> None:
    leader = await district.onboard("township_leader")
    leader.send_text("/lang en")
    switched = await leader.next_message()
    assert "Switched to English" in switched.text and switched.reply_markup is None
    leader.send_text("/help")
    assert "/lang switch the language" in (await leader.next_message()).text


async def test_the_cadre_keyboard_checks_in_in_two_taps_and_stays(district: District) -> None:
    cadre = await district.onboard("cadre")
    assert labels(cadre.reply_keyboard) == KEYBOARD_ZH
    assert cadre.reply_keyboard["keyboard"][0][0]["request_location"] is True
    assert cadre.reply_keyboard.get("is_persistent") is True

    cadre.send_location(*INSIDE)  # 签到: the button itself shares the location
    done = await cadre.next_message()
    assert "签到成功" in done.text
    await tap(cadre, done, "✅ 完成")
    assert labels(cadre.reply_keyboard) == KEYBOARD_ZH  # still there

    cadre.send_location(*OUTSIDE)
    off = await cadre.next_message()
    # the morning's on-site check-in still counts, and the keyboard stays
    assert "仍计为" in off.text and labels(off.reply_markup) == KEYBOARD_ZH

    cadre.send_text("📝 日记")
    assert "请发送日记内容" in (await cadre.next_message()).text
    cadre.send_text("走访五保户")
    assert "日记已保存" in (await cadre.next_message()).text

    cadre.send_text("🗓 请假")
    assert "开始" in (await cadre.next_message()).text
    cadre.send_text("📊 我的情况")
    assert "驻村天数（今年）：1/220" in (await cadre.next_message()).text

    cadre.send_text("/cancel")
    cancelled = await cadre.next_message()
    assert labels(cancelled.reply_markup) == KEYBOARD_ZH  # /cancel keeps a cadre's keyboard
    assert labels(cadre.reply_keyboard) == KEYBOARD_ZH


async def test_the_keyboard_in_english_and_for_approvers(district: District) -> None:
    cadre = await district.onboard("cadre", language="en")
    assert labels(cadre.reply_keyboard) == KEYBOARD_EN
    cadre.send_text("📊 My standing")
    assert "On-site days this year" in (await cadre.next_message()).text
    cadre.send_text("/checkin")
    ask = await cadre.next_message()
    assert "«📍 Check in»" in ask.text and labels(ask.reply_markup) == KEYBOARD_EN

    leader = district.user("township_leader")
    leader.share_contact(district.phone("township_leader"))
    welcome = await leader.next_message()
    assert welcome.reply_markup == {"remove_keyboard": True}  # approvers have none
    await leader.next_message()  # help
    leader.send_text("📝 日记")  # typed by someone without the keyboard: a refusal
    assert "职务不能使用" in (await leader.next_message()).text
