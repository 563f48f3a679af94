"""Bot API ``reply_markup`` objects for a reply, as plain JSON-shaped dicts both
frameworks can load (aiogram ``model_validate``, PTB ``de_json``)."""

from __future__ import annotations

from typing import Any

from bot.handlers.events import Outgoing


def reply_markup(message: Outgoing) -> dict[str, Any] | None:
    if message.buttons:
        return {
            "inline_keyboard": [
                [{"text": b.text, "callback_data": b.data} for b in row] for row in message.buttons
            ]
        }
    if message.keyboard:
        return {
            "keyboard": [
                [
                    {
                        "text": b.text,
                        **({"request_contact": True} if b.request_contact else {}),
                        **({"request_location": True} if b.request_location else {}),
                    }
                    for b in row
                ]
                for row in message.keyboard
            ],
            "resize_keyboard": True,
            # A persistent keyboard stays shown after a press (and when the letter keyboard
            # is hidden); any other hides once used.
            **(
                {"is_persistent": True}
                if message.persistent_keyboard
                else {"one_time_keyboard": True}
            ),
        }
    if message.remove_keyboard:
        return {"remove_keyboard": True}
    return None
