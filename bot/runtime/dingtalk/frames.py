"""DingTalk's frames as the inbox stores them, and as ``Incoming`` events.

A frame is stored as ``{"update_id", "topic", "frame_id", "data", "account"}``: the
frame's JSON ``data`` read once, its id as the inbox's integer key (the same frame
delivered twice has the same key, so the inbox keeps it once), and ``account``: the
sender's chat number (``storage.repositories.messenger``) and, while the person is not
bound yet, their mobile from the organisation's directory. DingTalk shares no contact:
the directory's mobile, matched to the roster, is what the Telegram runtimes get when a
person shares their own contact, and the conversations bind on it the same way.

The robot messages are read with the SDK's ``ChatbotMessage`` (text, picture, rich text)
and the card presses with its ``CardCallbackMessage``; a file message, which the SDK does
not read, from its documented JSON.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from dingtalk_stream import ChatbotMessage
from dingtalk_stream.card_callback import CardCallbackMessage

from bot.handlers.events import Contact, Incoming, Press
from bot.runtime.dingtalk.cards import TYPED, message_id_of, pressed_action

ROBOT_TOPIC = ChatbotMessage.TOPIC  # /v1.0/im/bot/messages/get
CARD_TOPIC = "/v1.0/card/instances/callback"
TOPICS = (ROBOT_TOPIC, CARD_TOPIC)


def update_id_of(frame_id: str) -> int:
    """A frame id (a string) as a positive 62-bit integer: the inbox's key."""
    return int.from_bytes(hashlib.sha256(frame_id.encode()).digest()[:8], "big") >> 2


def sender_of(topic: str, data: dict[str, Any]) -> str | None:
    """The staff id (userid in the organisation) of whoever sent the frame."""
    if topic == ROBOT_TOPIC:
        return data.get("senderStaffId") or None
    if topic == CARD_TOPIC:
        return data.get("userId") or None
    return None


def stored(
    topic: str, frame_id: str, data: dict[str, Any], chat: int, mobile: str | None
) -> dict[str, Any]:
    account: dict[str, Any] = {"chat": chat}
    if mobile:
        account["mobile"] = mobile
    return {
        "update_id": update_id_of(frame_id),
        "topic": topic,
        "frame_id": frame_id,
        "data": data,
        "account": account,
    }


def incoming(payload: dict[str, Any]) -> Incoming | None:
    """The event a stored frame stands for; None for a kind the bot does not handle."""
    topic = payload["topic"]
    data = payload["data"]
    account = payload["account"]
    chat = int(account["chat"])
    if topic == CARD_TOPIC:
        return _press(payload, data, chat)
    if topic != ROBOT_TOPIC:
        return None
    message = ChatbotMessage.from_dict(data)
    if message.conversation_type != "1":
        return None  # a group chat: the conversations are one to one
    base: dict[str, Any] = {
        "update_id": int(payload["update_id"]),
        "user_id": chat,
        "chat_id": chat,
        "first_name": message.sender_nick or "",
        "sent_at": datetime.fromtimestamp(message.create_at / 1000, UTC)
        if message.create_at
        else None,
    }
    if account.get("mobile"):  # not bound yet: their own number, as a shared contact
        return Incoming(**base, contact=Contact(str(account["mobile"]), chat))
    return Incoming(**base, **_content(message, data))


def _content(message: ChatbotMessage, data: dict[str, Any]) -> dict[str, Any]:
    kind = message.message_type
    if kind == "text" and message.text is not None:
        return {"text": (message.text.content or "").strip() or None}
    if kind == "picture" and message.image_content is not None:
        return {"photo_file_id": message.image_content.download_code}
    if kind == "richText" and message.rich_text_content is not None:
        texts = [p["text"] for p in message.rich_text_content.rich_text_list if "text" in p]
        codes = [
            p["downloadCode"]
            for p in message.rich_text_content.rich_text_list
            if "downloadCode" in p
        ]
        return {
            "text": "\n".join(t.strip() for t in texts if t.strip()) or None,
            "photo_file_id": codes[0] if codes else None,
        }
    content = data.get("content") or {}
    if kind == "file" and isinstance(content, dict) and content.get("downloadCode"):
        return {
            "document_file_id": str(content["downloadCode"]),
            "document_name": str(content.get("fileName") or "file"),
        }
    return {"other": kind or "unknown"}


def _press(payload: dict[str, Any], data: dict[str, Any], chat: int) -> Incoming | None:
    callback = CardCallbackMessage.from_dict(data)
    action = pressed_action(callback.content)
    if action is None:
        return None
    base: dict[str, Any] = {
        "update_id": int(payload["update_id"]),
        "user_id": chat,
        "chat_id": chat,
    }
    if action.startswith(TYPED):  # a reply-keyboard button: its text, as if typed
        return Incoming(**base, text=action[len(TYPED) :])
    return Incoming(
        **base,
        message_id=message_id_of(callback.card_instance_id),
        press=Press(str(payload["frame_id"]), action),
    )
