"""Telegram's validations as served over HTTP, and the HTML entity parser itself."""

from __future__ import annotations

import json

import aiohttp
import pytest

from sandbox import BotApiEmulator
from sandbox.errors import ApiError
from sandbox.validation import parse_html


@pytest.fixture
def user(emu: BotApiEmulator):
    user = emu.user(1001, "张三", language_code="zh")
    user.send_text("/start")
    return user


async def expect_error(api, method: str, status: int, fragment: str, **params) -> dict:
    code, body = await api.call(method, **params)
    assert code == status and body["ok"] is False and body["error_code"] == status, body
    assert fragment in body["description"], body
    return body


async def test_text_length_limits(api, user) -> None:
    await expect_error(
        api, "sendMessage", 400, "message is too long", chat_id=1001, text="x" * 4097
    )
    await api.ok("sendMessage", chat_id=1001, text="字" * 4096)
    body = await expect_error(api, "sendMessage", 400, "", chat_id=1001, text="")
    assert body["description"] == "Bad Request: message text is empty"
    await expect_error(api, "sendMessage", 400, "message text is empty", chat_id=1001, text=" \n")
    await expect_error(
        api,
        "sendMessage",
        400,
        "message text is empty",
        chat_id=1001,
        text="<b></b>",
        parse_mode="HTML",
    )


async def test_html_parse_mode(api, user, emu: BotApiEmulator) -> None:
    body = await expect_error(
        api,
        "sendMessage",
        400,
        "can't parse entities",
        chat_id=1001,
        text="a < b",
        parse_mode="HTML",
    )
    assert body["description"].startswith("Bad Request: can't parse entities: ")
    for bad in ("<b>x", "<b><i>x</b></i>", "x</b>", "<span>x</span>", "<div>x</div>", "R&D", "<"):
        await expect_error(
            api,
            "sendMessage",
            400,
            "can't parse entities",
            chat_id=1001,
            text=bad,
            parse_mode="HTML",
        )
    result = await api.ok("sendMessage", chat_id=1001, text="a &lt; b", parse_mode="HTML")
    assert result["text"] == "a < b"
    sent = emu.sent_messages(1001)[-1]
    assert (sent.text, sent.html) == ("a < b", "a &lt; b")


def test_html_entities_and_offsets() -> None:
    parsed = parse_html(
        '😀 <b>粗 <i>斜</i></b> &amp; <a href="https://example.org/?a=1&amp;b=2">链接</a>'
        '<tg-spoiler>s</tg-spoiler><pre><code class="language-python">x</code></pre>&#35;&#x41;'
    )
    assert parsed.text == "😀 粗 斜 & 链接sx#A"
    by_type = {e["type"]: e for e in parsed.entities}
    assert by_type["bold"] == {"type": "bold", "offset": 3, "length": 3}  # 😀 is 2 UTF-16 units
    assert by_type["italic"] == {"type": "italic", "offset": 5, "length": 1}
    assert by_type["text_link"]["url"] == "https://example.org/?a=1&b=2"
    assert by_type["pre"]["language"] == "python"
    assert by_type["spoiler"]["length"] == 1
    with pytest.raises(ApiError, match="Unmatched end tag"):
        parse_html("<b><i>x</b></i>")


async def test_chat_checks(api, emu: BotApiEmulator) -> None:
    await expect_error(api, "sendMessage", 400, "chat not found", chat_id=42, text="hi")
    stranger = emu.user(2002, "李四")
    await expect_error(api, "sendMessage", 400, "chat not found", chat_id=2002, text="hi")
    stranger.send_text("hello")
    await api.ok("sendMessage", chat_id=2002, text="hi")
    stranger.block()
    body = await expect_error(api, "sendMessage", 403, "", chat_id=2002, text="hi")
    assert body["description"] == "Forbidden: bot was blocked by the user"
    stranger.unblock()
    await api.ok("sendMessage", chat_id=2002, text="welcome back")


async def test_reply_markup_validation(api, user, emu: BotApiEmulator) -> None:
    def inline(**button):
        return {"inline_keyboard": [[{"text": "b", **button}]]}

    await expect_error(
        api,
        "sendMessage",
        400,
        "BUTTON_DATA_INVALID",
        chat_id=1001,
        text="x",
        reply_markup=inline(callback_data="x" * 65),
    )
    # 22 CJK characters are 66 bytes in UTF-8
    await expect_error(
        api,
        "sendMessage",
        400,
        "BUTTON_DATA_INVALID",
        chat_id=1001,
        text="x",
        reply_markup=inline(callback_data="确" * 22),
    )
    await expect_error(
        api, "sendMessage", 400, "unallowed", chat_id=1001, text="x", reply_markup=inline()
    )
    await expect_error(
        api,
        "sendMessage",
        400,
        "reply keyboard markup",
        chat_id=1001,
        text="x",
        reply_markup={"nonsense": 1},
    )
    await api.ok("sendMessage", chat_id=1001, text="x", reply_markup=inline(callback_data="x" * 64))
    keyboard = {
        "keyboard": [[{"text": "分享手机号", "request_contact": True}], ["位置"]],
        "resize_keyboard": True,
        "one_time_keyboard": True,
    }
    result = await api.ok("sendMessage", chat_id=1001, text="share", reply_markup=keyboard)
    assert "reply_markup" not in result  # a Message only carries inline keyboards
    mid = result["message_id"]
    await api.ok("editMessageText", chat_id=1001, message_id=mid, text="share now")
    assert user.reply_keyboard["keyboard"][1] == [{"text": "位置"}]
    user.share_contact("+8613800000000")
    assert user.reply_keyboard is None  # one-time keyboard used up
    await api.ok("sendMessage", chat_id=1001, text="y", reply_markup={"remove_keyboard": True})
    await api.ok("sendMessage", chat_id=1001, text="z", reply_markup={"force_reply": True})


async def test_edit_delete_and_callback_checks(api, user, emu: BotApiEmulator) -> None:
    markup = {"inline_keyboard": [[{"text": "好", "callback_data": "ok"}]]}
    sent = await api.ok("sendMessage", chat_id=1001, text="q", reply_markup=markup)
    mid = sent["message_id"]
    await expect_error(
        api,
        "editMessageText",
        400,
        "message to edit not found",
        chat_id=1001,
        message_id=999,
        text="x",
    )
    await expect_error(
        api,
        "editMessageText",
        400,
        "message is not modified",
        chat_id=1001,
        message_id=mid,
        text="q",
        reply_markup=markup,
    )
    edited = await api.ok("editMessageText", chat_id=1001, message_id=mid, text="q2")
    assert edited["text"] == "q2" and "reply_markup" not in edited and "edit_date" in edited
    await expect_error(
        api,
        "editMessageReplyMarkup",
        400,
        "message is not modified",
        chat_id=1001,
        message_id=mid,
    )
    await api.ok("editMessageReplyMarkup", chat_id=1001, message_id=mid, reply_markup=markup)
    message = emu.sent_messages(1001)[-1]
    assert message.edited and message.text == "q2" and message.button_texts == ["好"]

    query = user.press(message, "好")
    await expect_error(api, "answerCallbackQuery", 400, "query is too old", callback_query_id="123")
    await api.ok("answerCallbackQuery", callback_query_id=query["id"], text="收到", show_alert=True)
    assert user.last_callback_answer.text == "收到" and user.last_callback_answer.show_alert
    await expect_error(
        api, "answerCallbackQuery", 400, "query ID is invalid", callback_query_id=query["id"]
    )

    assert await api.ok("deleteMessage", chat_id=1001, message_id=mid) is True
    assert message.deleted
    await expect_error(
        api, "deleteMessage", 400, "message to delete not found", chat_id=1001, message_id=mid
    )
    await expect_error(
        api,
        "editMessageText",
        400,
        "message to edit not found",
        chat_id=1001,
        message_id=mid,
        text="zzz",
    )


async def test_routing_auth_and_encodings(api, user, emu: BotApiEmulator) -> None:
    async with api.session.get(api.url("getMe", token="123456:WRONG")) as response:
        assert response.status == 401
        assert await response.json() == {
            "ok": False,
            "error_code": 401,
            "description": "Unauthorized",
        }
    async with api.session.post(api.url("fooBar")) as response:
        assert response.status == 404
        assert (await response.json())["description"] == "Not Found"
    me = await api.ok("GETME")
    assert me["id"] == 123456 and me["is_bot"] and me["username"] == "cadrebot_bot"

    # query string, urlencoded form, multipart form, JSON body
    async with api.session.get(api.url("sendMessage"), params={"chat_id": "1001", "text": "1"}):
        pass
    status, body = await api.form(
        "sendMessage",
        chat_id=1001,
        text="123",
        reply_markup={"inline_keyboard": [[{"text": "a", "callback_data": "1"}]]},
    )
    assert status == 200 and body["result"]["text"] == "123"
    form = aiohttp.FormData()
    form.add_field("chat_id", "1001")
    form.add_field("caption", "true")
    form.add_field(
        "reply_markup", json.dumps({"inline_keyboard": [[{"text": "x", "url": "https://a.b"}]]})
    )
    form.add_field(
        "document", b"%PDF-1.4 test", filename="报告.pdf", content_type="application/pdf"
    )
    async with api.session.post(api.url("sendDocument"), data=form) as response:
        body = await response.json()
    assert body["ok"], body
    assert body["result"]["document"]["file_name"] == "报告.pdf"
    texts = [m.text for m in emu.sent_messages(1001)]
    assert texts == ["1", "123", "true"]
    assert emu.sent_messages(1001)[-1].document == b"%PDF-1.4 test"
    assert [c.method for c in emu.calls][-3:] == ["sendMessage", "sendMessage", "sendDocument"]
    assert emu.calls[-1].params["caption"] == "true"  # a string field stays a string
    assert emu.calls[-1].params["document"].filename == "报告.pdf"

    file_id = body["result"]["document"]["file_id"]
    info = await api.ok("getFile", file_id=file_id)
    async with api.session.get(f"{emu.base_url}/file/bot{emu.token}/{info['file_path']}") as r:
        assert r.status == 200 and await r.read() == b"%PDF-1.4 test"
    async with api.session.get(f"{emu.base_url}/file/botWRONG:1/{info['file_path']}") as r:
        assert r.status == 401
    await expect_error(api, "getFile", 400, "invalid file_id", file_id="nope")


async def test_commands_and_misc(api, user) -> None:
    commands = [
        {"command": "start", "description": "开始"},
        {"command": "help", "description": "帮助"},
    ]
    assert await api.ok("setMyCommands", commands=commands) is True
    assert await api.ok("getMyCommands") == commands
    assert await api.ok("getMyCommands", language_code="en") == []
    await expect_error(
        api,
        "setMyCommands",
        400,
        "BOT_COMMAND_INVALID",
        commands=[{"command": "Bad-Cmd", "description": "x"}],
    )
    assert await api.ok("deleteMyCommands") is True
    assert await api.ok("getMyCommands") == []
    assert await api.ok("setChatMenuButton", menu_button={"type": "commands"}) is True
    assert await api.ok("sendChatAction", chat_id=1001, action="typing") is True
    await expect_error(api, "sendChatAction", 400, "action", chat_id=1001, action="dancing")
    assert user.chat_actions == ["typing"]
    assert await api.ok("logOut") is True and await api.ok("close") is True


async def test_send_media_group_sends_an_album(api, user) -> None:
    """2 to 10 photos by file id, each a message of one media group; the answer is the
    array of them, and the chat holds the photos' own bytes."""
    sent = [user.send_photo() for _ in range(3)]
    file_ids = [m["photo"][-1]["file_id"] for m in sent]
    media = [{"type": "photo", "media": file_id} for file_id in file_ids]
    album = await api.ok("sendMediaGroup", chat_id=1001, media=media)
    assert len(album) == 3 and len({m["media_group_id"] for m in album}) == 1
    assert [m["photo"][-1]["file_id"] for m in album] == file_ids
    assert [m.kind for m in user.inbox[-3:]] == ["photo"] * 3
    code, body = await api.form("sendMediaGroup", chat_id=1001, media=media[:2])  # PTB's way
    assert code == 200 and len(body["result"]) == 2
    await expect_error(api, "sendMediaGroup", 400, "media to send are not specified", chat_id=1001)
    await expect_error(
        api, "sendMediaGroup", 400, "wrong number of media", chat_id=1001, media=media[:1]
    )
    await expect_error(
        api, "sendMediaGroup", 400, "too much messages", chat_id=1001, media=media * 4
    )
    await expect_error(
        api,
        "sendMediaGroup",
        400,
        "wrong file identifier",
        chat_id=1001,
        media=[*media[:1], {"type": "photo", "media": "no-such-file"}],
    )
    assert len(user.inbox) == 5  # the refused albums sent nothing
