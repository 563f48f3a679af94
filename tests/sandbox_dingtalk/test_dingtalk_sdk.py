"""The real dingtalk-stream 0.24.3 SDK against the emulator: frames reach its handlers as
``ChatbotMessage`` / ``CardCallbackMessage``, its replies and OpenAPI helpers work."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from typing import Any

import dingtalk_stream
import pytest
import requests
from dingtalk_stream import AckMessage, CallbackHandler, ChatbotHandler, ChatbotMessage
from dingtalk_stream.card_callback import CardCallbackMessage

from sandbox.dingtalk import DingTalkEmulator
from sandbox.media import TINY_PNG
from tests.sandbox_dingtalk.conftest import FakeClock, SdkThread

CARD = {
    "config": {"autoLayout": True, "enableForward": False},
    "header": {"title": {"type": "text", "text": "请假申请"}},
    "contents": [
        {"type": "markdown", "text": "**张三** 申请请假", "id": "text_1"},
        {
            "type": "action",
            "id": "row_0",
            "actions": [
                {
                    "type": "button",
                    "label": {"type": "text", "text": "同意"},
                    "actionType": "request",
                    "status": "primary",
                    "id": "leave:ok:7",
                },
                {
                    "type": "button",
                    "label": {"type": "text", "text": "驳回"},
                    "actionType": "request",
                    "status": "normal",
                    "id": "leave:no:7",
                },
            ],
        },
    ],
}


class EchoBot(ChatbotHandler):
    """Records every message; answers text with an echo through the session webhook."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[ChatbotMessage] = []
        self.seen = threading.Event()

    async def process(self, callback: dingtalk_stream.CallbackMessage) -> tuple[int, str]:
        message = ChatbotMessage.from_dict(callback.data)
        self.messages.append(message)
        if message.message_type == "text":
            self.reply_text(f"echo: {message.text.content}", message)
        self.seen.set()
        return AckMessage.STATUS_OK, "OK"


class CardPresses(CallbackHandler):
    def __init__(self) -> None:
        super().__init__()
        self.presses: list[CardCallbackMessage] = []

    async def process(self, callback: dingtalk_stream.CallbackMessage) -> tuple[int, str]:
        self.presses.append(CardCallbackMessage.from_dict(callback.data))
        return AckMessage.STATUS_OK, "OK"


@pytest.fixture
async def sdk(
    clock: FakeClock, sdk_endpoint: Any
) -> AsyncIterator[tuple[DingTalkEmulator, EchoBot, CardPresses]]:
    # The SDK sends its clientId as robotCode (reply_card, get_image_download_url).
    async with DingTalkEmulator(clock=clock, robot_code="ding-app") as emu:
        emu.add_member("staff1", "张三", "13800000001")
        sdk_endpoint(emu)
        client = dingtalk_stream.DingTalkStreamClient(
            dingtalk_stream.Credential(emu.client_id, emu.client_secret)
        )
        bot, cards = EchoBot(), CardPresses()
        client.register_callback_handler(ChatbotMessage.TOPIC, bot)
        client.register_callback_handler(CallbackHandler.TOPIC_CARD_CALLBACK, cards)
        thread = SdkThread(client)
        thread.start()
        try:
            yield emu, bot, cards
        finally:
            await thread.stop()


async def wait_for(predicate: Any, timeout: float = 3.0) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.02)


async def test_text_reaches_handler_and_echo_comes_back(sdk, clock: FakeClock) -> None:
    emu, bot, _ = sdk
    person = emu.user("staff1")
    person.send_text("你好")
    echo = await person.next_message()
    assert echo.text == "echo: 你好" and echo.via == "session" and echo.kind == "text"
    await emu.wait_idle(2)
    message = bot.messages[0]
    assert message.sender_staff_id == "staff1"
    assert message.sender_nick == "张三"
    assert message.conversation_type == "1"
    assert message.robot_code == "ding-app"
    assert message.text.content == "你好"
    assert message.create_at == int(clock.now * 1000)
    assert message.session_webhook_expired_time == message.create_at + 90 * 60 * 1000
    assert emu.frames[0].ack_code == 200


async def test_token_and_image_download_url(sdk) -> None:
    emu, bot, _ = sdk
    emu.user("staff1").send_photo(TINY_PNG)
    await emu.wait_idle(3)
    picture = bot.messages[0]
    assert picture.message_type == "picture"
    code = picture.image_content.download_code
    handler_client = bot.dingtalk_client
    token = await asyncio.to_thread(handler_client.get_access_token)
    assert token and emu.tokens.valid(token)
    url = await asyncio.to_thread(bot.get_image_download_url, code)
    assert url == f"{emu.base_url}/files/{code}"
    response = await asyncio.to_thread(requests.get, url, timeout=5)
    assert response.content == TINY_PNG


async def test_card_update_and_press(sdk) -> None:
    emu, bot, cards = sdk
    person = emu.user("staff1")
    person.send_text("申请")
    await person.next_message()  # the echo
    incoming = bot.messages[0]
    biz_id = await asyncio.to_thread(bot.reply_card, CARD, incoming)
    assert biz_id
    card = await person.next_message()
    assert card.kind == "card" and card.via == "card" and card.card_biz_id == biz_id
    assert card.text == "请假申请\n张三 申请请假"
    assert card.buttons == [
        {"text": "同意", "callback_data": "leave:ok:7"},
        {"text": "驳回", "callback_data": "leave:no:7"},
    ]
    pressed = person.press(card, "同意")
    await wait_for(lambda: cards.presses)
    press = cards.presses[0]
    assert press.card_instance_id == biz_id
    assert press.user_id == "staff1"
    assert press.content["cardPrivateData"]["actionIds"] == ["leave:ok:7"]
    await emu.wait_idle(2)
    assert [a.query_id for a in person.callback_answers] == [pressed["id"]]
    done = {**CARD, "contents": [{"type": "markdown", "text": "已同意", "id": "text_1"}]}
    result = await asyncio.to_thread(bot.update_card, biz_id, done)
    assert result == {"success": True, "result": True}
    assert card.edited and card.text == "请假申请\n已同意" and card.buttons == []
    assert person.inbox[-1] is card
