"""Stream-mode frames as DingTalk's gateway writes them (contract sections 1-3).

Frames are built here, separately from their delivery, so the shapes the runtime is written
against sit in one place: the envelope, a robot message's ``data`` and a card callback's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

ROBOT_TOPIC = "/v1.0/im/bot/messages/get"
CARD_TOPIC = "/v1.0/card/instances/callback"
CORP_ID = "ding-corp"
BOT_SENDER_ID = "$:LWCP_v1:$bot"
SESSION_LIFETIME_MS = 90 * 60 * 1000

FrameType = Literal["CALLBACK", "SYSTEM", "EVENT"]


@dataclass
class FrameRecord:
    """One frame pushed (or waiting to be): where it went and whether it was acknowledged."""

    message_id: str
    type: FrameType
    topic: str
    data: dict[str, Any]
    staff_id: str | None = None
    connection_id: str | None = None
    acked: bool = False
    ack_code: int | None = None
    ack_connection_id: str | None = None
    ack_data: str | None = None
    lost: bool = False
    deliveries: list[str] = field(default_factory=list)

    def envelope(self, app_id: str, connection_id: str, time_ms: int) -> dict[str, Any]:
        """The JSON frame written on ``connection_id``."""
        return {
            "specVersion": "1.0",
            "type": self.type,
            "headers": {
                "appId": app_id,
                "connectionId": connection_id,
                "contentType": "application/json",
                "messageId": self.message_id,
                "time": str(time_ms),
                "topic": self.topic,
            },
            "data": json.dumps(self.data, ensure_ascii=False),
        }

    @property
    def settled(self) -> bool:
        """Nothing more will happen to it: acknowledged, or dropped with its connection."""
        return self.acked or self.lost


def robot_message_data(
    *,
    staff_id: str,
    name: str,
    msg_id: str,
    robot_code: str,
    create_at: int,
    session_webhook: str,
    body: dict[str, Any],
) -> dict[str, Any]:
    """A robot message's ``data``; ``body`` holds ``msgtype`` and its content key."""
    return {
        "conversationId": f"cid{staff_id}",
        "conversationType": "1",
        "msgId": msg_id,
        "senderId": f"$:LWCP_v1:${staff_id}",
        "senderStaffId": staff_id,
        "senderNick": name,
        "chatbotUserId": BOT_SENDER_ID,
        "robotCode": robot_code,
        "senderCorpId": CORP_ID,
        "chatbotCorpId": CORP_ID,
        "isAdmin": False,
        "createAt": create_at,
        "sessionWebhook": session_webhook,
        "sessionWebhookExpiredTime": create_at + SESSION_LIFETIME_MS,
        **body,
    }


def card_callback_data(*, staff_id: str, card_biz_id: str, action_id: str) -> dict[str, Any]:
    """A card press: the card (``outTrackId``), who pressed, and the pressed action's id."""
    content = {"cardPrivateData": {"actionIds": [action_id], "params": {}}}
    return {
        "extension": "{}",
        "corpId": CORP_ID,
        "type": "actionCallback",
        "userId": staff_id,
        "outTrackId": card_biz_id,
        "spaceType": "IM",
        "content": json.dumps(content, ensure_ascii=False),
    }
