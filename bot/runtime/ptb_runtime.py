"""The python-telegram-bot 22 runtime: translation only, like the aiogram one.

Raw updates become the same ``Incoming`` events with PTB's models and go through the
shared inbox loop (stored before confirmed, handled once, replies from the outbox). What is
PTB-specific lives here:

- PTB must not fight ``Delivery``: no ``AIORateLimiter`` is installed (``Delivery`` already
  keeps the overall and the per-chat limits, which that limiter does not), and PTB's bot
  methods do not retry on their own.
- No ``Updater``: it confirms updates as soon as it has fetched them, so a crash would
  lose those queued in memory; the inbox loop calls ``get_updates`` itself.
- Webhook mode: PTB's own webhook server needs tornado (the ``webhooks`` extra, not
  installed) and answers Telegram before the update is handled; the shared aiohttp
  endpoint answers 200 once the update is stored.
"""

from __future__ import annotations

import json
import logging
import warnings
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any

from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardMarkup,
    InputFile,
    InputMediaPhoto,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import MessageAttachmentType, MessageType
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    TelegramError,
)
from telegram.error import RetryAfter as PtbRetryAfter
from telegram.warnings import PTBDeprecationWarning

from bot.handlers.events import Incoming, Outgoing
from bot.runtime.base import ALLOWED_UPDATES, InboxRuntime
from bot.runtime.delivery import Blocked, Rejected, RetryAfter, TransientFailure
from bot.runtime.inbox import InboxSettings
from bot.runtime.markup import reply_markup
from bot.runtime.menu import MenuEntry
from bot.runtime.pipeline import Handle
from bot.runtime.ptb_request import AiohttpRequest
from bot.runtime.translate import Reading, incoming_from_update
from storage.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)


def _seconds(read: Callable[[], int | float | timedelta | None]) -> float | None:
    """A PTB 22 time period as seconds. PTB is moving these attributes (``live_period``,
    ``retry_after``) from ints to timedeltas and warns on every read until one opts in
    process-wide (``PTB_TIMEDELTA``); accept both and keep the warning out of the logs."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = read()
    if isinstance(value, timedelta):
        return value.total_seconds()
    return None if value is None else float(value)


def _kind(message: Message) -> str:
    """What a message carries, as aiogram's ``content_type`` names it ("sticker", ...)."""
    for kind in (*MessageAttachmentType, *MessageType):
        if getattr(message, kind.value, None):
            return kind.value
    return "unknown"


def _live_period(location: Any) -> int | None:
    seconds = _seconds(lambda: location.live_period)
    return None if seconds is None else int(seconds)


#: PTB has no ``content_type`` (``_kind`` finds it) and is moving periods to timedeltas.
READING = Reading(kind=_kind, live_period=_live_period)


def _markup(
    message: Outgoing,
) -> InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None:
    """PTB's markup objects from the shared JSON-shaped dicts."""
    data = reply_markup(message)
    if data is None:
        return None
    if "inline_keyboard" in data:
        return InlineKeyboardMarkup.de_json(data, None)
    if "keyboard" in data:
        return ReplyKeyboardMarkup.de_json(data, None)
    return ReplyKeyboardRemove()


class PtbCalls:
    """The Bot API calls of a reply, and PTB's errors in ``Delivery`` terms."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send_text(self, message: Outgoing) -> int:
        sent = await self.bot.send_message(
            message.chat_id, message.text, parse_mode="HTML", reply_markup=_markup(message)
        )
        return sent.message_id

    async def edit_text(self, message: Outgoing) -> None:
        markup = _markup(message)
        await self.bot.edit_message_text(
            message.text,
            chat_id=message.chat_id,
            message_id=message.edit_message_id,
            parse_mode="HTML",
            # editMessageText takes only an inline keyboard
            reply_markup=markup if isinstance(markup, InlineKeyboardMarkup) else None,
        )

    async def send_document(self, message: Outgoing) -> int:
        assert message.document is not None
        name, data = message.document
        sent = await self.bot.send_document(
            message.chat_id,
            InputFile(data, filename=name),
            caption=message.text or None,
            parse_mode="HTML",
        )
        return sent.message_id

    async def send_stored_document(self, message: Outgoing) -> int:
        assert message.document_id is not None
        sent = await self.bot.send_document(
            message.chat_id,
            message.document_id,
            caption=message.text or None,
            parse_mode="HTML",
        )
        return sent.message_id

    async def send_photo(self, message: Outgoing) -> int:
        assert message.photo is not None
        sent = await self.bot.send_photo(
            message.chat_id,
            InputFile(message.photo, filename="chart.png"),
            caption=message.text or None,
            parse_mode="HTML",
        )
        return sent.message_id

    async def send_album(self, message: Outgoing) -> int:
        assert message.photo_ids
        if len(message.photo_ids) == 1:
            sent = await self.bot.send_photo(message.chat_id, message.photo_ids[0])
            return sent.message_id
        album = await self.bot.send_media_group(
            message.chat_id, [InputMediaPhoto(file_id) for file_id in message.photo_ids]
        )
        return album[0].message_id

    async def answer_press(self, query_id: str, text: str | None, alert: bool) -> None:
        await self.bot.answer_callback_query(query_id, text=text, show_alert=alert)

    def delivery_error(self, exc: Exception) -> Exception | None:
        """PTB raises ``NetworkError`` for every 5xx (JSON or a proxy's HTML page) and for a
        dropped connection; ``BadRequest`` and ``TimedOut`` are subclasses of it, so the 400
        is told apart first. A bad token or a 409 is a configuration error, a send after
        ``stop()`` a bug: those propagate."""
        if isinstance(exc, PtbRetryAfter):
            return RetryAfter(_seconds(lambda: exc.retry_after) or 1.0)
        if isinstance(exc, Forbidden):
            return Blocked(str(exc))
        if isinstance(exc, BadRequest | ChatMigrated | EndPointNotFound):
            return Rejected(str(exc))
        if isinstance(exc, InvalidToken | Conflict):
            return None
        if isinstance(exc.__cause__, RuntimeError):  # "AiohttpRequest is not initialized":
            return None  # a send after stop(); retrying cannot help
        if isinstance(exc, TelegramError):  # NetworkError, TimedOut, a 200 that is not JSON
            return TransientFailure(str(exc))
        return None


class PtbRuntime(InboxRuntime):
    """PTB's ``Bot`` for every HTTP call and its models to parse; no ``Updater`` and no
    ``Application`` processing: the shared inbox loop fetches, stores, confirms and
    handles (PTB's Updater confirms updates as soon as it has fetched them)."""

    def __init__(
        self,
        *,
        token: str,
        api_url: str,
        handle: Handle,
        menu: list[MenuEntry],
        uow_factory: Callable[[], UnitOfWork],
        on_blocked: Callable[[int], None] | None = None,
        inbox: InboxSettings | None = None,
    ) -> None:
        api_url = api_url.rstrip("/")
        # A plain Bot (no Application: the shared inbox fetches and handles; ExtBot's
        # callback-data cache and rate-limiter hooks cost CPU on every call and are not
        # used), on aiohttp (``ptb_request``): one pool for the replies, as large as the
        # chats in flight, and one connection for getUpdates, which keeps the raw answer.
        self._updates_request = AiohttpRequest(1, keep_last=True)
        self.bot = Bot(
            token,
            base_url=api_url + "/bot",
            base_file_url=api_url + "/file/bot",
            request=AiohttpRequest((inbox or InboxSettings()).in_flight),
            get_updates_request=self._updates_request,
        )
        super().__init__(
            calls=PtbCalls(self.bot),
            handle=handle,
            menu=menu,
            uow_factory=uow_factory,
            on_blocked=on_blocked,
            inbox=inbox,
        )

    async def open(self) -> None:
        await self.bot.initialize()

    async def close(self) -> None:
        await self.bot.shutdown()

    async def fetch(self, offset: int | None, timeout: int) -> list[dict[str, Any]]:
        """getUpdates (PTB adds the long poll's timeout to the read timeout itself)."""
        updates = await self.bot.get_updates(
            offset=offset, timeout=timeout, allowed_updates=ALLOWED_UPDATES
        )
        self._fetched.clear()
        for update in updates:
            self.remember(update.update_id, partial(incoming_from_update, update, READING))
        return self._raw(updates)

    def _raw(self, updates: tuple[Update, ...]) -> list[dict[str, Any]]:
        """The updates as Telegram sent them (the body getUpdates answered); PTB's own
        re-serialisation only if that body does not hold exactly these updates."""
        body = self._updates_request.last_body
        try:
            raw = json.loads(body)["result"] if body else None
        except (ValueError, KeyError, TypeError):
            raw = None
        if not isinstance(raw, list) or [u.get("update_id") for u in raw] != [
            u.update_id for u in updates
        ]:
            return [json.loads(u.to_json()) for u in updates]
        return raw

    def parse(self, payload: dict[str, Any]) -> Incoming | None:
        return incoming_from_update(Update.de_json(payload, self.bot), READING)

    def is_fatal(self, exc: Exception) -> bool:
        return isinstance(exc, InvalidToken)

    async def set_menu(self) -> None:
        for entry in self.menu:
            await self.bot.set_my_commands(
                [BotCommand(c, d) for c, d in entry.commands],
                language_code=entry.language_code,
            )

    async def set_webhook(self, url: str, secret: str | None) -> None:
        await self.bot.set_webhook(
            url,
            secret_token=secret,
            allowed_updates=ALLOWED_UPDATES,
            drop_pending_updates=False,
        )

    async def delete_webhook(self) -> None:
        await self.bot.delete_webhook(drop_pending_updates=False)
