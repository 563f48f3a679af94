"""A reply (``Outgoing``) as a row of the reply outbox and back.

The storage layer knows nothing of ``Outgoing``; the row holds plain JSON (text, buttons,
keyboard, the message to edit, a document's name, the file ids of an album) and the bytes
of a document or a photo apart, so a report sheet survives a restart as well as a
one-line answer.
"""

from __future__ import annotations

from typing import Any

from bot.handlers.events import Button, KeyButton, Outgoing
from services.notices import CardRef


def to_row(message: Outgoing) -> tuple[dict[str, Any], bytes | None]:
    """The JSON payload and the file bytes (if any) of a reply."""
    payload: dict[str, Any] = {"text": message.text}
    if message.buttons is not None:
        payload["buttons"] = [[[b.text, b.data] for b in row] for row in message.buttons]
    if message.keyboard is not None:
        payload["keyboard"] = [
            [[k.text, k.request_contact, k.request_location] for k in row]
            for row in message.keyboard
        ]
    if message.persistent_keyboard:
        payload["persistent_keyboard"] = True
    if message.remove_keyboard:
        payload["remove_keyboard"] = True
    if message.edit_message_id is not None:
        payload["edit_message_id"] = message.edit_message_id
    if message.photo_ids:
        payload["photo_ids"] = list(message.photo_ids)
    if message.document_id is not None:
        payload["document_id"] = message.document_id
    if message.card is not None:
        card = message.card
        payload["card"] = [card.request_id, card.kind, card.step_id]
    blob = None
    if message.document is not None:
        payload["document"], blob = message.document
    elif message.photo is not None:
        payload["photo"] = True
        blob = message.photo
    return payload, blob


def from_row(chat_id: int, payload: dict[str, Any], blob: bytes | None) -> Outgoing:
    """The reply a row stands for (the inverse of ``to_row``)."""
    buttons = payload.get("buttons")
    keyboard = payload.get("keyboard")
    document = payload.get("document")
    card = payload.get("card")
    return Outgoing(
        chat_id=chat_id,
        text=payload.get("text", ""),
        buttons=[[Button(t, d) for t, d in row] for row in buttons]
        if buttons is not None
        else None,
        keyboard=[[KeyButton(t, bool(c), bool(loc)) for t, c, loc in row] for row in keyboard]
        if keyboard is not None
        else None,
        persistent_keyboard=bool(payload.get("persistent_keyboard")),
        remove_keyboard=bool(payload.get("remove_keyboard")),
        edit_message_id=payload.get("edit_message_id"),
        document=(str(document), blob or b"") if document is not None else None,
        photo=(blob or b"") if payload.get("photo") else None,
        photo_ids=[str(file_id) for file_id in payload["photo_ids"]]
        if payload.get("photo_ids")
        else None,
        document_id=payload.get("document_id"),
        card=CardRef(int(card[0]), str(card[1]), card[2]) if card else None,
    )
