"""The aiogram 3 runtime: translation only. Updates become ``Incoming`` events, the
conversations run in a worker thread (they use a synchronous database session), and the
replies go out through the shared ``Delivery`` path."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)

from bot.handlers.events import Contact, Incoming, Location, Outgoing, Press, Response
from bot.runtime.delivery import Blocked, Rejected, RetryAfter, TransientFailure
from bot.runtime.markup import reply_markup
from bot.runtime.menu import MenuEntry
from bot.runtime.pipeline import Pipeline

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]


def incoming_from_message(update_id: int, message: Message, *, edited: bool) -> Incoming:
    user = message.from_user
    photo = message.photo[-1].file_id if message.photo else None
    other = None
    if not any((message.text, message.contact, message.location, photo)):
        other = message.content_type
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
        location=Location(
            message.location.latitude, message.location.longitude, message.location.live_period
        )
        if message.location
        else None,
        photo_file_id=photo,
        forwarded=message.forward_origin is not None,
        edited=edited,
        other=other,
    )


def incoming_from_callback(update_id: int, query: CallbackQuery) -> Incoming:
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


def _markup(message: Outgoing):  # noqa: ANN202 - one of aiogram's markup types
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

    async def send_photo(self, message: Outgoing) -> int:
        assert message.photo is not None
        sent = await self.bot.send_photo(
            message.chat_id,
            BufferedInputFile(message.photo, "chart.png"),
            caption=message.text or None,
        )
        return sent.message_id

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


class AiogramRuntime:
    def __init__(
        self,
        *,
        token: str,
        api_url: str,
        handle: Callable[[Incoming], Response],
        menu: list[MenuEntry],
        on_blocked: Callable[[int], None] | None = None,
    ) -> None:
        session = AiohttpSession(api=TelegramAPIServer.from_base(api_url))
        self.bot = Bot(token, session=session, default=DefaultBotProperties(parse_mode="HTML"))
        self.handle = handle
        self.menu = menu
        self.pipeline = Pipeline(handle=handle, calls=AiogramCalls(self.bot), on_blocked=on_blocked)
        self.delivery = self.pipeline.delivery
        self.dispatcher = Dispatcher()
        self.dispatcher.message.register(self._on_message)
        self.dispatcher.edited_message.register(self._on_edited)
        self.dispatcher.callback_query.register(self._on_callback)

    async def _on_message(self, message: Message, event_update: Update) -> None:
        await self.pipeline.process(
            incoming_from_message(event_update.update_id, message, edited=False)
        )

    async def _on_edited(self, edited_message: Message, event_update: Update) -> None:
        await self.pipeline.process(
            incoming_from_message(event_update.update_id, edited_message, edited=True)
        )

    async def _on_callback(self, callback_query: CallbackQuery, event_update: Update) -> None:
        await self.pipeline.process(incoming_from_callback(event_update.update_id, callback_query))

    async def set_menu(self) -> None:
        for entry in self.menu:
            await self.bot.set_my_commands(
                [BotCommand(command=c, description=d) for c, d in entry.commands],
                language_code=entry.language_code,
            )

    async def run_polling(self) -> None:
        """Long polling; updates are handled one after another (``handle_as_tasks=False``)
        so an update is confirmed to the Bot API only after it has been handled."""
        await self.bot.delete_webhook(drop_pending_updates=False)
        await self.set_menu()
        await self.dispatcher.start_polling(
            self.bot,
            handle_as_tasks=False,
            handle_signals=False,
            allowed_updates=ALLOWED_UPDATES,
            polling_timeout=10,
        )

    async def stop(self) -> None:
        with contextlib.suppress(RuntimeError):  # polling had not started
            await self.dispatcher.stop_polling()
        await self.bot.session.close()

    async def run_webhook(self, url: str, host: str, port: int, secret: str | None) -> None:
        from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
        from aiohttp import web

        app = web.Application()
        SimpleRequestHandler(
            dispatcher=self.dispatcher,
            bot=self.bot,
            secret_token=secret,
            handle_in_background=False,
        ).register(app, path=urlsplit(url).path or "/")
        setup_application(app, self.dispatcher, bot=self.bot)
        await self.set_menu()
        await self.bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, host, port).start()
        try:
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()
