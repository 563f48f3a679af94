"""A framework's update as an ``Incoming``, written once for both runtimes.

aiogram's and PTB's models name everything a conversation reads the same way (Telegram's
field names): ``message.from_user``, ``message.location.latitude``, ``query.data``... so
one translation serves both. Only two things differ, and each runtime passes them in as a
``Reading``: how a message names the kind of thing it carries (aiogram has
``content_type``; PTB does not), and how a live location's period is read (PTB 22 is
moving it from seconds to a timedelta)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.handlers.events import Contact, Incoming, Location, Press


@dataclass(frozen=True)
class Reading:
    kind: Callable[[Any], str]  # a message → "sticker", "voice", ... (content type)
    live_period: Callable[[Any], int | None]  # a location → seconds of live sharing


def incoming_from_message(
    update_id: int, message: Any, reading: Reading, *, edited: bool
) -> Incoming:
    user = message.from_user
    photo = message.photo[-1].file_id if message.photo else None
    document = message.document
    other = None
    if not any((message.text, message.contact, message.location, photo, document)):
        other = reading.kind(message)
    location = message.location
    return Incoming(
        update_id=update_id,
        user_id=user.id if user else message.chat.id,
        chat_id=message.chat.id,
        first_name=user.first_name if user else "",
        language_code=user.language_code if user else None,
        message_id=message.message_id,
        text=message.text or message.caption,
        contact=Contact(message.contact.phone_number, message.contact.user_id)
        if message.contact
        else None,
        location=Location(location.latitude, location.longitude, reading.live_period(location))
        if location
        else None,
        photo_file_id=photo,
        document_file_id=document.file_id if document else None,
        document_name=document.file_name if document else None,
        forwarded=message.forward_origin is not None,
        edited=edited,
        other=other,
        sent_at=_sent_at(message, edited=edited),
    )


def _sent_at(message: Any, *, edited: bool) -> datetime | None:
    """When the person sent it: an edit (a live location moving) at its ``edit_date``.
    Both frameworks give aware datetimes; a bare Unix time is read as one too."""
    moment = (message.edit_date if edited else None) or message.date
    if isinstance(moment, int | float):
        return datetime.fromtimestamp(moment, UTC)
    if isinstance(moment, datetime):
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return None


def incoming_from_callback(update_id: int, query: Any) -> Incoming:
    chat_id = query.message.chat.id if query.message else query.from_user.id
    return Incoming(
        update_id=update_id,
        user_id=query.from_user.id,
        chat_id=chat_id,
        first_name=query.from_user.first_name,
        language_code=query.from_user.language_code,
        message_id=query.message.message_id if query.message else None,
        press=Press(query.id, query.data or ""),
    )


def incoming_from_update(update: Any, reading: Reading) -> Incoming | None:
    """The ``Incoming`` of an update of the kinds we asked for; None for any other kind."""
    if update.message is not None:
        return incoming_from_message(update.update_id, update.message, reading, edited=False)
    if update.edited_message is not None:
        return incoming_from_message(update.update_id, update.edited_message, reading, edited=True)
    if update.callback_query is not None:
        return incoming_from_callback(update.update_id, update.callback_query)
    return None
