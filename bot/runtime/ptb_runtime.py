"""The python-telegram-bot 22 runtime: translation only, like the aiogram one.

Updates become the same ``Incoming`` events and go through the shared ``Pipeline`` (the
conversations in a worker thread, the press always answered, the replies through the one
``Delivery``). What is PTB-specific lives here:

- PTB must not fight ``Delivery``: no ``AIORateLimiter`` is installed (``Delivery`` already
  keeps the overall and the per-chat limits, which that limiter does not), and PTB's bot
  methods do not retry on their own; the only retry loop PTB runs is the one around
  getUpdates, which is not a reply.
- Updates are handled one at a time (``concurrent_updates(False)``, blocking handler), so
  the replies to one chat keep their order.
- Webhook mode: PTB's own webhook server needs tornado (the ``webhooks`` extra, not
  installed) and answers Telegram before the update is handled; here an aiohttp endpoint
  feeds ``Application.process_update`` and answers 200 only once the update is handled.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import warnings
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from urllib.parse import urlsplit

from aiohttp import web
from telegram import (
    BotCommand,
    CallbackQuery,
    InlineKeyboardMarkup,
    InputFile,
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
from telegram.ext import Application, ApplicationBuilder, ContextTypes, ExtBot, TypeHandler
from telegram.warnings import PTBDeprecationWarning

from bot.handlers.events import Contact, Incoming, Location, Outgoing, Press, Response
from bot.runtime.delivery import Blocked, Rejected, RetryAfter, TransientFailure
from bot.runtime.markup import reply_markup
from bot.runtime.menu import MenuEntry
from bot.runtime.pipeline import Pipeline

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
POLL_TIMEOUT = 10  # seconds a getUpdates long poll may hang


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


def incoming_from_message(update_id: int, message: Message, *, edited: bool) -> Incoming:
    user = message.from_user
    photo = message.photo[-1].file_id if message.photo else None
    other = None
    if not any((message.text, message.contact, message.location, photo)):
        other = _kind(message)
    location = message.location
    live_period = None
    if location is not None:
        seconds = _seconds(lambda: location.live_period)
        live_period = None if seconds is None else int(seconds)
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
        location=Location(location.latitude, location.longitude, live_period) if location else None,
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


def incoming_from_update(update: Update) -> Incoming | None:
    """The ``Incoming`` of an update of the kinds we asked for; None for any other kind."""
    if update.message is not None:
        return incoming_from_message(update.update_id, update.message, edited=False)
    if update.edited_message is not None:
        return incoming_from_message(update.update_id, update.edited_message, edited=True)
    if update.callback_query is not None:
        return incoming_from_callback(update.update_id, update.callback_query)
    return None


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

    def __init__(self, bot: ExtBot) -> None:
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

    async def send_photo(self, message: Outgoing) -> int:
        assert message.photo is not None
        sent = await self.bot.send_photo(
            message.chat_id,
            InputFile(message.photo, filename="chart.png"),
            caption=message.text or None,
            parse_mode="HTML",
        )
        return sent.message_id

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
        if isinstance(exc.__cause__, RuntimeError):  # "HTTPXRequest is not initialized":
            return None  # a send after stop(); retrying cannot help
        if isinstance(exc, TelegramError):  # NetworkError, TimedOut, a 200 that is not JSON
            return TransientFailure(str(exc))
        return None


class PtbRuntime:
    """The same public surface as ``AiogramRuntime`` (``delivery``, ``run_polling``,
    ``run_webhook``, ``stop``, ``set_menu``), so ``CADREBOT_FRAMEWORK`` picks either."""

    def __init__(
        self,
        *,
        token: str,
        api_url: str,
        handle: Callable[[Incoming], Response],
        menu: list[MenuEntry],
        on_blocked: Callable[[int], None] | None = None,
    ) -> None:
        api_url = api_url.rstrip("/")
        self.application: Application = (
            ApplicationBuilder()
            .token(token)
            .base_url(api_url + "/bot")
            .base_file_url(api_url + "/file/bot")
            .concurrent_updates(False)  # one update at a time: replies keep their order
            .job_queue(None)  # reminders are the scheduler's job, not PTB's
            .build()
        )
        self.application.add_handler(TypeHandler(Update, self._on_update))
        self.application.add_error_handler(self._on_error)
        self.bot = self.application.bot
        self.handle = handle
        self.menu = menu
        self.pipeline = Pipeline(handle=handle, calls=PtbCalls(self.bot), on_blocked=on_blocked)
        self.delivery = self.pipeline.delivery
        self._stop = asyncio.Event()
        self._finished: asyncio.Event | None = None  # set while run_* is running
        self._webhook_lock = asyncio.Lock()
        self._webhook_secret: str | None = None

    async def _on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        event = incoming_from_update(update)
        if event is not None:
            await self.pipeline.process(event)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log and carry on: one bad update must not stop the bot."""
        update_id = update.update_id if isinstance(update, Update) else None
        log.error("error handling update %s", update_id, exc_info=context.error)

    async def set_menu(self) -> None:
        for entry in self.menu:
            await self.bot.set_my_commands(
                [BotCommand(c, d) for c, d in entry.commands],
                language_code=entry.language_code,
            )

    @contextlib.asynccontextmanager
    async def _running(self) -> AsyncIterator[None]:
        """Initialise the application and set the menu; on the way out (``stop()``, a
        cancellation, an error) shut everything down, then let ``stop()`` return."""
        if self._finished is not None:
            raise RuntimeError("the runtime is already running")
        finished = self._finished = asyncio.Event()
        try:
            await self.application.initialize()
            await self.set_menu()
            yield
        finally:
            try:
                updater = self.application.updater
                if updater is not None and updater.running:
                    await updater.stop()
                if self.application.running:
                    await self.application.stop()  # handles what the updater had queued
                await self.application.shutdown()
            finally:
                self._stop.clear()  # a stop() that came before the run ended it at once
                self._finished = None
                finished.set()

    async def run_polling(self) -> None:
        """Long polling until ``stop()``. The updater deletes any webhook first and keeps
        pending updates; fetched updates are handled one after another."""
        async with self._running():
            await self.application.start()
            assert self.application.updater is not None
            await self.application.updater.start_polling(
                timeout=POLL_TIMEOUT,
                allowed_updates=ALLOWED_UPDATES,
                drop_pending_updates=False,
                bootstrap_retries=3,
            )
            await self._stop.wait()

    async def run_webhook(self, url: str, host: str, port: int, secret: str | None) -> None:
        """Serve the webhook on ``host:port`` until ``stop()``; answer 200 once handled."""
        self._webhook_secret = secret
        app = web.Application()
        app.router.add_post(urlsplit(url).path or "/", self._webhook)
        runner = web.AppRunner(app, access_log=None)
        async with self._running():
            await runner.setup()
            try:
                await web.TCPSite(runner, host, port).start()
                await self.bot.set_webhook(
                    url,
                    secret_token=secret,
                    allowed_updates=ALLOWED_UPDATES,
                    drop_pending_updates=False,
                )
                await self._stop.wait()
            finally:
                await runner.cleanup()

    async def _webhook(self, request: web.Request) -> web.Response:
        secret = self._webhook_secret
        if secret is not None and not hmac.compare_digest(
            request.headers.get(SECRET_HEADER, ""), secret
        ):
            return web.Response(status=403)
        try:
            update = Update.de_json(await request.json(), self.bot)
        except (ValueError, TypeError, KeyError):
            return web.Response(status=400)
        async with self._webhook_lock:  # one at a time, as in polling
            await self.application.process_update(update)  # errors go to _on_error
        return web.Response()

    async def stop(self) -> None:
        """End ``run_polling``/``run_webhook`` and wait until PTB has shut down."""
        self._stop.set()
        finished = self._finished
        if finished is not None:
            await finished.wait()
