"""The DingTalk runtime's pure translations: frames → ``Incoming``, replies → markdown
and cards. The wire itself is exercised in tests/e2e/test_dingtalk.py."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.handlers.events import Button, KeyButton, Outgoing
from bot.runtime.dingtalk import frames
from bot.runtime.dingtalk.cards import (
    TYPED,
    button_rows,
    card_biz_id,
    card_data,
    message_id_of,
    pressed_action,
)
from bot.runtime.dingtalk.markdown import to_markdown
from bot.settings import Settings, SettingsError

CHAT = 10**15 + 7


def robot(data: dict, mobile: str | None = None) -> dict:
    base = {"conversationType": "1", "senderStaffId": "s1", "senderNick": "张三", "createAt": 1}
    return frames.stored(frames.ROBOT_TOPIC, "frame-1", base | data, CHAT, mobile)


def test_text_picture_file_and_rich_text_are_read() -> None:
    text = frames.incoming(robot({"msgtype": "text", "text": {"content": " /diary 走访 "}}))
    assert text is not None and text.text == "/diary 走访" and text.chat_id == CHAT
    picture = frames.incoming(robot({"msgtype": "picture", "content": {"downloadCode": "c1"}}))
    assert picture is not None and picture.photo_file_id == "c1" and picture.text is None
    document = frames.incoming(
        robot({"msgtype": "file", "content": {"downloadCode": "c2", "fileName": "汇报.docx"}})
    )
    assert document is not None
    assert (document.document_file_id, document.document_name) == ("c2", "汇报.docx")
    rich = frames.incoming(
        robot(
            {
                "msgtype": "richText",
                "content": {"richText": [{"text": "走访"}, {"downloadCode": "c3"}]},
            }
        )
    )
    assert rich is not None and (rich.text, rich.photo_file_id) == ("走访", "c3")
    audio = frames.incoming(robot({"msgtype": "audio", "content": {}}))
    assert audio is not None and audio.other == "audio"


def test_an_unbound_sender_arrives_as_their_own_contact() -> None:
    event = frames.incoming(
        robot({"msgtype": "text", "text": {"content": "你好"}}, "+8613900000001")
    )
    assert event is not None and event.text is None
    assert event.contact is not None and event.contact.phone == "+8613900000001"
    assert event.contact.user_id == event.user_id == CHAT  # their own


def test_a_group_message_is_not_a_conversation() -> None:
    assert frames.incoming(robot({"conversationType": "2", "msgtype": "text", "text": {}})) is None


def test_a_card_press_carries_the_callback_data_and_the_card() -> None:
    content = json.dumps({"cardPrivateData": {"actionIds": ["lv:3:ok"], "params": {}}})
    data = {"userId": "s1", "outTrackId": card_biz_id(1234), "content": content}
    event = frames.incoming(frames.stored(frames.CARD_TOPIC, "f9", data, CHAT, None))
    assert event is not None and event.press is not None
    assert (event.press.data, event.press.query_id, event.message_id) == ("lv:3:ok", "f9", 1234)
    typed = data | {"content": json.dumps({"cardPrivateData": {"actionIds": [TYPED + "📝 日记"]}})}
    keyed = frames.incoming(frames.stored(frames.CARD_TOPIC, "f10", typed, CHAT, None))
    assert keyed is not None and keyed.press is None and keyed.text == "📝 日记"
    assert pressed_action("not json") is None


@given(st.text(min_size=1, max_size=40))
def test_a_frame_id_is_one_positive_63_bit_key(frame_id: str) -> None:
    key = frames.update_id_of(frame_id)
    assert 0 < key < 2**63 and key == frames.update_id_of(frame_id)


def test_markdown_keeps_the_markup_and_shows_typed_text_as_typed() -> None:
    assert to_markdown("<b>张三</b> &lt;孩子&gt;\n第二行") == "**张三** <孩子>  \n第二行"
    assert to_markdown("# 不是标题\n1. 不是列表") == "\\# 不是标题  \n1\\. 不是列表"
    assert to_markdown('<a href="https://x.cn">看</a>') == "[看](https://x.cn)"


def test_a_card_has_its_buttons_and_a_title_only_when_there_is_more_than_a_line() -> None:
    message = Outgoing(chat_id=CHAT, text="<b>请假</b>\n张三 2 天", buttons=[[Button("批准", "a")]])
    card = card_data(message, button_rows(message))
    assert card["header"]["title"]["text"] == "请假"
    assert card["contents"][0]["text"] == "张三 2 天"
    assert card["contents"][1]["actions"][0]["id"] == "a"
    one_line = Outgoing(chat_id=CHAT, text="已保存", buttons=[[Button("完成", "d")]])
    assert "header" not in card_data(one_line, button_rows(one_line))
    assert message_id_of(card_biz_id(99)) == 99 and message_id_of("other-99") is None


def test_a_keyboard_keeps_what_dingtalk_can_carry() -> None:
    message = Outgoing(
        chat_id=CHAT,
        text="欢迎",
        keyboard=[[KeyButton("📍 签到", request_location=True)], [KeyButton("📝 日记")]],
    )
    assert button_rows(message) == [[("📝 日记", TYPED + "📝 日记")]]


def test_dingtalk_settings_name_what_is_missing() -> None:
    settings = Settings(framework="dingtalk", dingtalk_client_id="app", _env_file=None)
    with pytest.raises(SettingsError, match="CADREBOT_DINGTALK_CLIENT_SECRET"):
        settings.require_secrets()
    full = settings.model_copy(update={"dingtalk_robot_code": "r"})
    full = Settings.model_validate(full.model_dump() | {"dingtalk_client_secret": "s"})
    assert full.require_secrets() == ["s"]
