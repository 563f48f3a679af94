"""Reading a StandardCard's ``cardData``: its title, markdown and buttons (contract section 5).

The bot renders a card as JSON; the emulator only needs what a person sees (title and
text) and what they can press (each button's label and action id), and must refuse what
DingTalk refuses: cardData that is not a JSON object, or a card without readable content.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


class CardDataError(ValueError):
    """cardData that DingTalk would not render."""


@dataclass
class CardView:
    """What a card shows: header title, markdown body and buttons row by row."""

    title: str
    markdown: str
    rows: list[list[dict[str, str]]] = field(default_factory=list)

    @property
    def buttons(self) -> list[dict[str, str]]:
        """Every button, ``{"text": label, "callback_data": action id}`` like Telegram's."""
        return [button for row in self.rows for button in row]


def _text_of(node: Any) -> str:
    if isinstance(node, dict):
        return str(node.get("text") or "")
    return str(node or "")


def parse_card_data(raw: Any) -> CardView:
    """Parse the ``cardData`` JSON string of a StandardCard; raises :class:`CardDataError`."""
    if not isinstance(raw, str):
        raise CardDataError("cardData must be a JSON string")
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as error:
        raise CardDataError(f"cardData is not JSON: {error}") from None
    if not isinstance(data, dict):
        raise CardDataError("cardData must be a JSON object")
    header = data.get("header") or {}
    if not isinstance(header, dict):
        raise CardDataError("cardData.header must be an object")
    title = _text_of(header.get("title"))
    contents = data.get("contents", [])
    if not isinstance(contents, list):
        raise CardDataError("cardData.contents must be a list")
    texts: list[str] = []
    rows: list[list[dict[str, str]]] = []
    for block in contents:
        if not isinstance(block, dict):
            raise CardDataError("every cardData.contents item must be an object")
        kind = block.get("type")
        if kind in ("markdown", "text"):
            texts.append(str(block.get("text") or ""))
        elif kind == "action":
            rows.append(_buttons(block.get("actions")))
    if not title and not texts and not rows:
        raise CardDataError("the card has no title, text or buttons")
    return CardView(title=title, markdown="\n".join(texts), rows=[r for r in rows if r])


def _buttons(actions: Any) -> list[dict[str, str]]:
    if not isinstance(actions, list):
        raise CardDataError("an action block needs a list of actions")
    row = []
    for action in actions:
        if not isinstance(action, dict) or action.get("type") != "button":
            continue
        action_id = action.get("id")
        if not isinstance(action_id, str) or not action_id:
            raise CardDataError("every button needs a string id (its action id)")
        row.append({"text": _text_of(action.get("label")), "callback_data": action_id})
    return row
