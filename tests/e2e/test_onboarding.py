"""Onboarding: only one's own contact whose phone is on the roster binds an account."""

from __future__ import annotations

from tests.e2e.conftest import District


async def test_start_offers_the_share_contact_button(district: District) -> None:
    user = district.user("cadre")
    user.send_text("/start")
    reply = await user.next_message()
    assert "发送我的手机号" in reply.text
    keyboard = reply.reply_markup["keyboard"]
    assert keyboard[0][0]["request_contact"] is True


async def test_own_contact_on_roster_binds_and_greets_by_name_and_role(district: District) -> None:
    user = district.user("cadre")
    user.share_contact("+86 139-0000-0001")
    welcome = await user.next_message()
    assert "张三" in welcome.text and "第一书记" in welcome.text
    # The share-contact button gives way to the cadre's own keyboard, kept after use.
    assert welcome.reply_markup["is_persistent"] is True
    assert [b["text"] for row in welcome.reply_markup["keyboard"] for b in row] == [
        "📍 签到",
        "📝 日记",
        "🗓 请假",
        "📊 我的情况",
    ]
    help_text = await user.next_message()
    assert "/checkin" in help_text.text and "/leave" in help_text.text
    with district.storage.uow() as uow:
        assert uow.people.by_phone("+8613900000001").telegram_user_id == user.id


async def test_someone_elses_contact_binds_nothing(district: District) -> None:
    user = district.user("cadre")
    user.share_contact(district.phone("cadre"), contact_user_id=999_999)
    reply = await user.next_message()
    assert "本人" in reply.text
    with district.storage.uow() as uow:
        assert uow.people.by_phone(district.phone("cadre")).telegram_user_id is None


async def test_phone_not_on_roster_binds_nothing(district: District) -> None:
    user = district.user("cadre")
    user.share_contact("+8613812345678")
    reply = await user.next_message()
    assert "花名册中没有" in reply.text
    with district.storage.uow() as uow:
        assert uow.people.by_telegram_id(user.id) is None


async def test_unbound_people_get_only_the_onboarding_answer(district: District) -> None:
    user = district.user("cadre")
    for action in (
        lambda: user.send_text("/leave 2026-12-01 2026-12-02 看病"),
        lambda: user.send_location(33.87, 109.94),
        lambda: user.send_text("你好"),
        lambda: user.send_sticker(),
    ):
        action()
        reply = await user.next_message()
        assert "发送我的手机号" in reply.text, reply.text
    with district.storage.uow() as uow:
        assert uow.checkins.all_rows() == []
        assert uow.leaves.all_rows() == []


async def test_english_speakers_are_answered_in_english(district: District) -> None:
    user = district.user("cadre", language="en")
    user.send_text("/start")
    reply = await user.next_message()
    assert "Share my phone number" in reply.text
    user.share_contact(district.phone("cadre"))
    welcome = await user.next_message()
    assert "You are registered: 张三 (First Secretary)" in welcome.text
