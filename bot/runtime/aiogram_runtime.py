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
from bot.runtime.delivery import Blocked, Delivery, Rejected, RetryAfter, TransientFailure
from bot.runtime.markup import reply_markup
from bot.runtime.menu import MenuEntry

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
        self.delivery = Delivery(self._transport, on_blocked=self._blocked(on_blocked))
        self.dispatcher = Dispatcher()
        self.dispatcher.message.register(self._on_message)
        self.dispatcher.edited_message.register(self._on_edited)
        self.dispatcher.callback_query.register(self._on_callback)

    @staticmethod
    def _blocked(callback: Callable[[int], None] | None):  # noqa: ANN205
        if callback is None:
            return None

        async def on_blocked(chat_id: int) -> None:
            await asyncio.to_thread(callback, chat_id)

        return on_blocked

    async def _on_message(self, message: Message, event_update: Update) -> None:
        await self._process(incoming_from_message(event_update.update_id, message, edited=False))

    async def _on_edited(self, edited_message: Message, event_update: Update) -> None:
        await self._process(
            incoming_from_message(event_update.update_id, edited_message, edited=True)
        )

    async def _on_callback(self, callback_query: CallbackQuery, event_update: Update) -> None:
        response = await self._respond(
            incoming_from_callback(event_update.update_id, callback_query)
        )
        try:
            await callback_query.answer(response.answer, show_alert=response.alert)
        except TelegramBadRequest as exc:  # a query older than Telegram keeps them
            log.info("could not answer a callback: %s", exc)
        await self.delivery.send_all(response.messages)

    async def _process(self, event: Incoming) -> None:
        response = await self._respond(event)
        await self.delivery.send_all(response.messages)

    async def _respond(self, event: Incoming) -> Response:
        return await asyncio.to_thread(self.handle, event)

    async def _transport(self, message: Outgoing) -> int | None:
        try:
            if message.edit_message_id is not None:
                await self.bot.edit_message_text(
                    text=message.text,
                    chat_id=message.chat_id,
                    message_id=message.edit_message_id,
                    reply_markup=_markup(message),
                )
                return message.edit_message_id
            if message.document is not None:
                name, data = message.document
                sent = await self.bot.send_document(
                    message.chat_id, BufferedInputFile(data, name), caption=message.text or None
                )
            elif message.photo is not None:
                sent = await self.bot.send_photo(
                    message.chat_id,
                    BufferedInputFile(message.photo, "chart.png"),
                    caption=message.text or None,
                )
            else:
                sent = await self.bot.send_message(
                    message.chat_id, message.text, reply_markup=_markup(message)
                )
            return sent.message_id
        except TelegramRetryAfter as exc:
            raise RetryAfter(exc.retry_after) from exc
        except (TelegramServerError, TelegramNetworkError, ClientDecodeError) as exc:
            raise TransientFailure(str(exc)) from exc
        except TelegramForbiddenError as exc:
            raise Blocked(str(exc)) from exc
        except TelegramBadRequest as exc:
            if "message is not modified" in str(exc):
                return message.edit_message_id
            raise Rejected(str(exc)) from exc

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
