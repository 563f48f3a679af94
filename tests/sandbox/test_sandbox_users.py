"""Simulated-user actions and the /sandbox control API."""

from __future__ import annotations

import base64

import pytest

from sandbox import TINY_PNG, BotApiEmulator


async def test_contact_location_sticker_updates(api, emu: BotApiEmulator) -> None:
    user = emu.user(1001, "张三", last_name="丰", language_code="zh")
    contact = user.share_contact("+8613800138000")["contact"]
    assert contact == {
        "phone_number": "+8613800138000",
        "first_name": "张三",
        "last_name": "丰",
        "user_id": 1001,
    }
    live = user.send_location(30.5, 114.3, live_period=900)
    forwarded = user.send_location(1.0, 2.0, forwarded=True)
    assert forwarded["forward_origin"]["type"] == "user" and "forward_date" in forwarded
    edited = user.update_live_location(live["message_id"], 30.6, 114.4)
    assert edited["location"] == {"latitude": 30.6, "longitude": 114.4, "live_period": 900}
    user.send_sticker()
    updates = await api.ok("getUpdates")
    kinds = [next(k for k in u if k != "update_id") for u in updates]
    assert kinds == ["message", "message", "message", "edited_message", "message"]
    assert updates[-1]["message"]["sticker"]["type"] == "regular"
    with pytest.raises(ValueError):
        user.update_live_location(forwarded["message_id"], 0, 0)


async def test_block_emits_my_chat_member(api, emu: BotApiEmulator) -> None:
    user = emu.user(1001, "张三")
    user.send_text("hi")
    user.block()
    with pytest.raises(RuntimeError):
        user.send_text("blocked users cannot write")
    updates = await api.ok("getUpdates", offset=2)
    member = updates[0]["my_chat_member"]
    assert (member["old_chat_member"]["status"], member["new_chat_member"]["status"]) == (
        "member",
        "kicked",
    )


async def test_press_errors(api, emu: BotApiEmulator) -> None:
    user = emu.user(1001, "张三")
    user.send_text("hi")
    markup = {"inline_keyboard": [[{"text": "官网", "url": "https://example.org"}]]}
    await api.ok("sendMessage", chat_id=1001, text="links", reply_markup=markup)
    sent = user.inbox[-1]
    with pytest.raises(ValueError, match="not a callback button"):
        user.press(sent, "官网")
    with pytest.raises(ValueError, match="no button"):
        user.press(sent, "nope")
    forged = user.press(sent.message_id, data="forged:1")
    assert forged["data"] == "forged:1" and forged["message"]["text"] == "links"


async def test_next_message_timeout_shows_transcript(emu: BotApiEmulator) -> None:
    user = emu.user(1001, "张三")
    user.send_text("anyone there?")
    with pytest.raises(AssertionError, match="anyone there"):
        await user.next_message(timeout=0.05)


async def test_control_api(api, emu: BotApiEmulator) -> None:
    base = f"{emu.base_url}/sandbox/chats/3003"
    async with api.session.post(
        f"{base}/send", json={"kind": "text", "text": "/start", "first_name": "王五"}
    ) as r:
        assert r.status == 200 and (await r.json())["result"]["text"] == "/start"
    markup = {"inline_keyboard": [[{"text": "签到", "callback_data": "checkin"}]]}
    sent = await api.ok(
        "sendMessage", chat_id=3003, text="<b>你好</b>", parse_mode="HTML", reply_markup=markup
    )
    photo = base64.b64encode(TINY_PNG).decode()
    for body in (
        {"kind": "press", "message_id": sent["message_id"], "button_text": "签到"},
        {"kind": "contact", "phone": "13800138000"},
        {"kind": "location", "latitude": 30.1, "longitude": 114.2},
        {"kind": "photo", "data_base64": photo, "caption": "现场"},
    ):
        async with api.session.post(f"{base}/send", json=body) as r:
            assert r.status == 200, await r.text()
    async with api.session.post(f"{base}/send", json={"kind": "dance"}) as r:
        assert r.status == 400
    async with api.session.get(f"{base}/messages", params={"after": "1"}) as r:
        messages = (await r.json())["result"]
    assert [m["direction"] for m in messages] == ["out", "in", "in", "in"]
    assert messages[0]["text"] == "你好" and messages[0]["html"] == "<b>你好</b>"
    async with api.session.get(emu.base_url + messages[-1]["file_url"]) as r:
        assert await r.read() == TINY_PNG
    updates = await api.ok("getUpdates")
    assert updates[1]["callback_query"]["data"] == "checkin"
