"""Buttons as DingTalk interactive cards (the ``StandardCard`` template).

A reply with inline buttons becomes a card whose buttons carry the conversations' typed
callback data (≤ 64 bytes) as their action ids, so a press comes back as the same data a
Telegram press would. A reply keyboard (Telegram's buttons under the input field) has no
DingTalk counterpart: its buttons become card buttons too, whose press the runtime reads
as the button's text typed in. A button asking for the contact or the location is left
out: onboarding on DingTalk reads the directory, and a robot message carries no location
(check-ins come from DingTalk's attendance app).

A card is named by ``cardBizId``: ``cadrebot-<message id>``, with the message id the
runtime gave it, so an edit (``edit_message_id``) finds its card again after a restart.
"""

from __future__ import annotations

import json
from typing import Any

from bot.handlers.events import Outgoing
from bot.runtime.dingtalk.markdown import title_of, to_markdown, to_plain

CARD_PREFIX = "cadrebot-"
#: The action id of a reply-keyboard button: this prefix, then the button's text.
TYPED = "t:"
#: A card's title is the text's first line when it is no longer than this.
TITLE_LIMIT = 60


def card_biz_id(message_id: int) -> str:
    return f"{CARD_PREFIX}{message_id}"


def message_id_of(card_biz_id: str) -> int | None:
    head, _, number = card_biz_id.partition(CARD_PREFIX)
    return int(number) if not head and number.isdigit() else None


def button_rows(message: Outgoing) -> list[list[tuple[str, str]]]:
    """The card's buttons as rows of (label, action id); empty when there are none."""
    if message.buttons:
        return [[(b.text, b.data) for b in row] for row in message.buttons if row]
    if message.keyboard:
        rows = [
            [(k.text, TYPED + k.text) for k in row if not (k.request_contact or k.request_location)]
            for row in message.keyboard
        ]
        return [row for row in rows if row]
    return []


def card_data(message: Outgoing, rows: list[list[tuple[str, str]]]) -> dict[str, Any]:
    """The StandardCard JSON: the text's first line as the title, the rest as markdown,
    one action block per row of buttons. A one-line text, or one whose first line is too
    long for a title, is all markdown under no title (said once, not twice)."""
    head, _, rest = message.text.strip().partition("\n")
    titled = bool(rest.strip()) and len(to_plain(head)) <= TITLE_LIMIT
    if not titled:
        rest = message.text
    contents: list[dict[str, Any]] = [
        {"type": "markdown", "text": to_markdown(rest.strip()), "id": "text_1"}
    ]
    for index, row in enumerate(rows):
        contents.append(
            {
                "type": "action",
                "id": f"row_{index}",
                "actions": [
                    {
                        "type": "button",
                        "label": {"type": "text", "text": label},
                        "actionType": "request",
                        "status": "primary" if position == 0 else "normal",
                        "id": action,
                    }
                    for position, (label, action) in enumerate(row)
                ],
            }
        )
    card: dict[str, Any] = {"config": {"autoLayout": True, "enableForward": False}}
    if titled:
        card["header"] = {"title": {"type": "text", "text": title_of(head, limit=TITLE_LIMIT)}}
    card["contents"] = contents
    return card


def pressed_action(content: Any) -> str | None:
    """The action id of a card callback's ``content`` (a JSON string or already read)."""
    if isinstance(content, str):
        try:
            content = json.loads(content)
        except ValueError:
            return None
    if not isinstance(content, dict):
        return None
    private = content.get("cardPrivateData") or {}
    actions = private.get("actionIds") or []
    return str(actions[0]) if actions else None
