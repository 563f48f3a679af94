"""The aiogram 3 runtime: translation only. Raw updates become ``Incoming`` events with
aiogram's models, replies become aiogram's Bot calls and its errors the delivery's
outcomes; fetching, storing, handling and sending are the shared inbox loop's."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from bot.handlers.events import Incoming, Outgoing
from bot.runtime.aiogram_models import import_aiogram
from bot.runtime.base import ALLOWED_UPDATES, InboxRuntime
from bot.runtime.delivery import Blocked, Rejected, RetryAfter, TransientFailure
from bot.runtime.inbox import InboxSettings
from bot.runtime.markup import reply_markup
from bot.runtime.menu import MenuEntry
from bot.runtime.pipeline import Handle
from bot.runtime.translate import Reading, incoming_from_update
from storage.unit_of_work import UnitOfWork

# Before aiogram's first import: its models then build on first use, not all at import.
import_aiogram()

from aiogram import Bot, methods  # noqa: E402
from aiogram.client.default import DefaultBotProperties  # noqa: E402
from aiogram.client.session.aiohttp import AiohttpSession  # noqa: E402
from aiogram.client.telegram import TelegramAPIServer  # noqa: E402
from aiogram.exceptions import (  # noqa: E402
    ClientDecodeError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods.base import Response  # noqa: E402
from aiogram.types import (  # noqa: E402
    BotCommand,
    BufferedInputFile,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)

log = logging.getLogger(__name__)


#: aiogram names a message's kind itself and gives a live period in seconds.
READING = Reading(
    kind=lambda message: message.content_type, live_period=lambda loc: loc.live_period
)


def _markup(message: Outgoing):
    data = reply_markup(message)
    if data is None:
        return None
    if "inline_keyboard" in data:
        return InlineKeyboardMarkup.model_validate(data)
    if "keyboard" in data:
        return ReplyKeyboardMarkup.model_validate(data)
    return ReplyKeyboardRemove.model_validate(data)


class AiogramCalls:
    """The Bot API calls of a reply, and aiogram's errors in ``Delivery`` terms."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send_text(self, message: Outgoing) -> int:
        sent = await self.bot.send_message(
            message.chat_id, message.text, reply_markup=_markup(message)
        )
        return sent.message_id

    async def edit_text(self, message: Outgoing) -> None:
        await self.bot.edit_message_text(
            text=message.text,
            chat_id=message.chat_id,
            message_id=message.edit_message_id,
            reply_markup=_markup(message),
        )

    async def send_document(self, message: Outgoing) -> int:
        assert message.document is not None
        name, data = message.document
        sent = await self.bot.send_document(
            message.chat_id, BufferedInputFile(data, name), caption=message.text or None
        )
        return sent.message_id

    async def send_stored_document(self, message: Outgoing) -> int:
        assert message.document_id is not None
        sent = await self.bot.send_document(
            message.chat_id, message.document_id, caption=message.text or None
        )
        return sent.message_id

    async def send_photo(self, message: Outgoing) -> int:
        assert message.photo is not None
        sent = await self.bot.send_photo(
            message.chat_id,
            BufferedInputFile(message.photo, "chart.png"),
            caption=message.text or None,
        )
        return sent.message_id

    async def send_album(self, message: Outgoing) -> int:
        assert message.photo_ids
        if len(message.photo_ids) == 1:
            sent = await self.bot.send_photo(message.chat_id, message.photo_ids[0])
            return sent.message_id
        album = await self.bot.send_media_group(
            message.chat_id, [InputMediaPhoto(media=file_id) for file_id in message.photo_ids]
        )
        return album[0].message_id

    async def answer_press(self, query_id: str, text: str | None, alert: bool) -> None:
        await self.bot.answer_callback_query(query_id, text=text, show_alert=alert)

    def delivery_error(self, exc: Exception) -> Exception | None:
        """aiogram raises ``TelegramServerError`` for a JSON 5xx, ``ClientDecodeError`` for a
        proxy's HTML page and ``TelegramNetworkError`` for a dropped connection."""
        if isinstance(exc, TelegramRetryAfter):
            return RetryAfter(exc.retry_after)
        if isinstance(exc, TelegramServerError | TelegramNetworkError | ClientDecodeError):
            return TransientFailure(str(exc))
        if isinstance(exc, TelegramForbiddenError):
            return Blocked(str(exc))
        if isinstance(exc, TelegramBadRequest):
            return Rejected(str(exc))
        return None


#: The Bot API methods the runtime calls (each answer is parsed as ``Response[returning]``).
CALLED_METHODS = (
    methods.GetUpdates,
    methods.SendMessage,
    methods.EditMessageText,
    methods.SendDocument,
    methods.SendPhoto,
    methods.SendMediaGroup,
    methods.AnswerCallbackQuery,
    methods.SetMyCommands,
    methods.SetWebhook,
    methods.DeleteWebhook,
)


def response_types() -> tuple[type, ...]:
    """``Response[...]`` of every method the runtime calls, to be kept alive.

    aiogram parses each answer as ``Response[method.__returning__]``; pydantic keeps such
    parametrised classes only weakly, and a class sits in reference cycles, so after a
    garbage collection the next call rebuilds the class and its validator (about 2 ms: a
    quarter of the bot's CPU per update in the benchmark). A strong reference keeps the
    one built first."""
    return tuple(Response[m.__returning__] for m in CALLED_METHODS)  # type: ignore[name-defined]


class AiogramRuntime(InboxRuntime):
    """aiogram's ``Bot`` for every HTTP call and its models to parse; no ``Dispatcher``:
    the shared inbox loop fetches, stores, confirms and handles (aiogram's polling
    confirms a batch before handling it)."""

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
        self._response_types = response_types()
        session = AiohttpSession(api=TelegramAPIServer.from_base(api_url))
        self.bot = Bot(token, session=session, default=DefaultBotProperties(parse_mode="HTML"))
        super().__init__(
            calls=AiogramCalls(self.bot),
            handle=handle,
            menu=menu,
            uow_factory=uow_factory,
            on_blocked=on_blocked,
            inbox=inbox,
        )

    async def close(self) -> None:
        await self.bot.session.close()

    async def fetch(self, offset: int | None, timeout: int) -> list[dict[str, Any]]:
        """getUpdates; the HTTP timeout is the session's plus the long poll's, as aiogram's
        own polling sets it."""
        updates = await self.bot.get_updates(
            offset=offset,
            timeout=timeout,
            allowed_updates=ALLOWED_UPDATES,
            request_timeout=int(self.bot.session.timeout + timeout),
        )
        self._fetched.clear()
        for update in updates:
            self.remember(update.update_id, partial(incoming_from_update, update, READING))
        return [u.model_dump(mode="json", by_alias=True, exclude_none=True) for u in updates]

    def parse(self, payload: dict[str, Any]) -> Incoming | None:
        return incoming_from_update(
            Update.model_validate(payload, context={"bot": self.bot}), READING
        )

    def is_fatal(self, exc: Exception) -> bool:
        return isinstance(exc, TelegramUnauthorizedError)

    async def set_menu(self) -> None:
        for entry in self.menu:
            await self.bot.set_my_commands(
                [BotCommand(command=c, description=d) for c, d in entry.commands],
                language_code=entry.language_code,
            )

    async def set_webhook(self, url: str, secret: str | None) -> None:
        await self.bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)

    async def delete_webhook(self) -> None:
        await self.bot.delete_webhook(drop_pending_updates=False)
