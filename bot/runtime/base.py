"""What the aiogram and the PTB runtimes share around the inbox: the two ways of running
(long polling, webhook), stopping, and the sync point tests wait on.

A framework runtime subclasses ``InboxRuntime`` and supplies its Bot's calls (getUpdates,
setWebhook, deleteWebhook, the command menu, the replies in ``BotCalls``) and the parsing
of a raw update with its models; everything else (storing, claiming, handling, sending)
is the shared ``Inbox``, so both frameworks keep the same guarantees.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from bot.handlers.events import Incoming
from bot.runtime.delivery import DeliveryLimits
from bot.runtime.inbox import Inbox, InboxSettings, brief
from bot.runtime.menu import MenuEntry
from bot.runtime.pipeline import BotCalls, Handle, Pipeline
from bot.settings import SettingsError
from storage.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def token_rejected() -> SettingsError:
    """The Bot API refused the token. Said in one line without the exception: PTB puts the
    token itself into its ``InvalidToken`` message, and a traceback bypasses the log's
    redaction."""
    return SettingsError("CADREBOT_TOKEN: rejected by the Bot API (check it with @BotFather)")


class InboxRuntime:
    """The public surface both runtimes share (``delivery``, ``run_polling``,
    ``run_webhook``, ``stop``, ``idle``, ``set_menu``), so ``CADREBOT_FRAMEWORK`` picks
    either."""

    def __init__(
        self,
        *,
        calls: BotCalls,
        handle: Handle,
        menu: list[MenuEntry],
        uow_factory: Callable[[], UnitOfWork],
        on_blocked: Callable[[int], None] | None = None,
        inbox: InboxSettings | None = None,
        limits: DeliveryLimits | None = None,
    ) -> None:
        self.menu = menu
        self.pipeline = Pipeline(handle=handle, calls=calls, on_blocked=on_blocked, limits=limits)
        self.delivery = self.pipeline.delivery
        self.inbox = Inbox(uow_factory, self, self.pipeline, inbox)
        self._stop = asyncio.Event()
        self._finished: asyncio.Event | None = None  # set while run_* is running
        self._webhook_secret: str | None = None
        self._fetched: dict[int, Incoming | None] = {}  # the last getUpdates batch, read

    # -- what a framework supplies -----------------------------------------------------------

    async def open(self) -> None:
        """Prepare the framework's Bot before the first call."""

    async def close(self) -> None:
        """Release the framework's HTTP client (safe to call twice or without ``open``)."""

    async def fetch(self, offset: int | None, timeout: int) -> list[dict[str, Any]]:
        raise NotImplementedError

    def read(self, payload: dict[str, Any]) -> Incoming | None:
        """The ``Incoming`` of a raw update: for an update of the last getUpdates batch the
        one read from the framework's models already (parsing an update twice cost as
        much as the rest of storing it), otherwise ``parse``."""
        update_id = payload.get("update_id")
        if update_id in self._fetched:
            return self._fetched.pop(update_id)
        return self.parse(payload)

    def parse(self, payload: dict[str, Any]) -> Incoming | None:
        """The ``Incoming`` of a raw update; None for a kind the bot does not handle.
        Raises if the payload is not a valid update."""
        raise NotImplementedError

    def remember(self, update_id: int, read: Callable[[], Incoming | None]) -> None:
        """Keep the ``Incoming`` of a fetched update for ``read``; one the framework parsed
        but we cannot read is left for ``parse`` to fail on (and the inbox to record)."""
        try:
            self._fetched[update_id] = read()
        except Exception:
            self._fetched.pop(update_id, None)

    def is_fatal(self, exc: Exception) -> bool:
        return False

    def rejected(self) -> SettingsError:
        """What to say when ``is_fatal``: the messenger refused the credentials."""
        return token_rejected()

    async def set_menu(self) -> None:
        raise NotImplementedError

    async def set_webhook(self, url: str, secret: str | None) -> None:
        raise NotImplementedError

    async def delete_webhook(self) -> None:
        raise NotImplementedError

    # -- running -------------------------------------------------------------------------------

    async def patiently(self, step: Callable[[], Awaitable[None]]) -> None:
        """A start-up call to the Bot API, retried while Telegram is unreachable or failing
        (a restart must not die of a short outage); an error no retry can cure (a bad
        token) is raised at once."""
        delay = 0.5
        while True:
            try:
                await step()
                return
            except Exception as exc:
                if self.is_fatal(exc):
                    raise self.rejected() from None
                log.warning(
                    "Bot API call failed at start-up (%s); retrying in %.1fs", brief(exc), delay
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)

    @contextlib.asynccontextmanager
    async def _running(self) -> AsyncIterator[None]:
        """Open the Bot, set the menu and start the inbox's workers; on the way out
        (``stop()``, a cancellation, an error) stop them, close the Bot, then let
        ``stop()`` return."""
        if self._finished is not None:
            raise RuntimeError("the runtime is already running")
        finished = self._finished = asyncio.Event()
        try:
            await self.patiently(self.open)
            await self.patiently(self.set_menu)
            await self.inbox.start()
            yield
        finally:
            try:
                await self.inbox.stop()
                await self.close()
            finally:
                self._stop.clear()  # a stop() that came before the run ended it at once
                self._finished = None
                finished.set()

    async def run_polling(self) -> None:
        """Long polling until ``stop()``: any webhook is deleted first (pending updates
        kept), then the inbox's poller stores and confirms, the workers handle."""
        async with self._running():
            await self.patiently(self.delete_webhook)
            poller = asyncio.create_task(self.inbox.poll(), name="inbox-poller")
            stopped = asyncio.create_task(self._stop.wait())
            try:
                await asyncio.wait({poller, stopped}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for task in (poller, stopped):
                    task.cancel()
                await asyncio.gather(poller, stopped, return_exceptions=True)
            if not poller.cancelled() and (error := poller.exception()) is not None:
                # A bad token: one clear line, no traceback.
                if isinstance(error, Exception) and self.is_fatal(error):
                    raise self.rejected() from None
                raise error

    async def run_webhook(self, url: str, host: str, port: int, secret: str | None) -> None:
        """Serve the webhook on ``host:port`` until ``stop()``: each posted update is
        stored and answered 200 after the commit; the workers do the rest."""
        self._webhook_secret = secret
        app = web.Application()
        app.router.add_post(urlsplit(url).path or "/", self._webhook)
        runner = web.AppRunner(app, access_log=None)
        async with self._running():
            await runner.setup()
            try:
                await web.TCPSite(runner, host, port).start()
                await self.patiently(lambda: self.set_webhook(url, secret))
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
            payload = await request.json()
        except ValueError:
            return web.Response(status=400)
        if not isinstance(payload, dict) or not isinstance(payload.get("update_id"), int):
            return web.Response(status=400)
        try:
            await self.inbox.accept(payload)
        except Exception as exc:
            # Not stored: an error status makes Telegram post it again later.
            log.warning("could not store webhook update %s (%s)", payload["update_id"], brief(exc))
            return web.Response(status=503)
        return web.Response()

    async def stop(self) -> None:
        """End ``run_polling``/``run_webhook`` and wait until everything has shut down; a
        runtime that never ran (used only for its ``delivery``) just closes its Bot."""
        self._stop.set()
        finished = self._finished
        if finished is not None:
            await finished.wait()
        else:
            self._stop.clear()
            await self.close()

    async def idle(self, timeout: float = 10.0) -> None:
        """Wait until every stored update is handled and its replies are sent."""
        await self.inbox.idle(timeout)
