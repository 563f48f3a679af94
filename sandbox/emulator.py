"""``BotApiEmulator``: one loopback Telegram Bot API server plus its simulated users.

This is the object tests and the demo hold. It owns the state, the method table, the update
delivery (polling and webhook), flood limits and fault injection of one fake bot, and runs
them on an aiohttp server bound to an ephemeral port, so real bot frameworks can be pointed
at ``base_url`` instead of api.telegram.org. Nothing is global: emulators are independent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from types import TracebackType
from typing import Any, NamedTuple

import aiohttp
from aiohttp import web

from sandbox.errors import ApiError
from sandbox.faults import FaultInjector
from sandbox.flood import FloodLimiter
from sandbox.methods import BotApiMethods
from sandbox.params import UploadedFile
from sandbox.polling import UpdatePoller
from sandbox.server import build_app
from sandbox.state import Chat, EmulatorState, SentMessage
from sandbox.users import SimulatedUser
from sandbox.webhook import WebhookDeliverer


class ApiCall(NamedTuple):
    """One Bot API call as received: the canonical method name and its decoded parameters.

    Uploaded files appear in ``params`` as :class:`~sandbox.params.UploadedFile` objects.
    """

    method: str
    params: dict[str, Any]


class BotApiEmulator:
    """A fake Telegram Bot API for one bot token, served over loopback HTTP."""

    def __init__(
        self,
        token: str = "123456:TEST",
        *,
        enforce_flood_limits: bool = False,
        bot_first_name: str = "cadrebot",
        bot_username: str = "cadrebot_bot",
        clock: Callable[[], float] | None = None,
    ) -> None:
        """``clock`` (Unix seconds) dates the simulated people's messages; the wall clock
        by default, a test's or the demo's clock to keep the two in step."""
        bot_id, separator, secret = token.partition(":")
        if not separator or not bot_id.isdigit() or not secret:
            raise ValueError("a bot token looks like '<bot id>:<secret>'")
        self.token = token
        self.bot_id = int(bot_id)
        self.state = EmulatorState(
            {
                "id": self.bot_id,
                "is_bot": True,
                "first_name": bot_first_name,
                "username": bot_username,
            },
            clock,
        )
        self.faults = FaultInjector()
        self.flood = FloodLimiter(enabled=enforce_flood_limits)
        self.calls: list[ApiCall] = []
        self.users: dict[int, SimulatedUser] = {}
        self.methods = BotApiMethods(self)
        self.webhook = WebhookDeliverer(self)
        self.poller = UpdatePoller(self.state, lambda: self.webhook.active)
        self._runner: web.AppRunner | None = None
        self._base_url: str | None = None
        self._session: aiohttp.ClientSession | None = None

    # -- lifecycle ------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Serve on ``host:port`` (0 picks a free port); see :attr:`base_url`."""
        if self._runner is not None:
            raise RuntimeError("the emulator is already running")
        self.poller.reopen()
        runner = web.AppRunner(
            build_app(self), handler_cancellation=True, access_log=None, shutdown_timeout=1.0
        )
        await runner.setup()
        try:
            site = web.TCPSite(runner, host, port)
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        bound_port = runner.addresses[0][1]
        shown_host = f"[{host}]" if ":" in host else host
        self._base_url = f"http://{shown_host}:{bound_port}"
        self.webhook.resume()

    async def stop(self) -> None:
        """Release long polls, stop webhook delivery and close the server."""
        self.poller.close()
        await self.webhook.stop()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()
        self._base_url = None

    async def __aenter__(self) -> BotApiEmulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """``http://host:port`` of the running server (aiogram: TelegramAPIServer.from_base)."""
        if self._base_url is None:
            raise RuntimeError("the emulator is not running; await start() first")
        return self._base_url

    def http_session(self) -> aiohttp.ClientSession:
        """The emulator's outgoing HTTP client (webhook deliveries, file URLs)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session

    # -- configuration --------------------------------------------------------------------

    @property
    def enforce_flood_limits(self) -> bool:
        return self.flood.enabled

    @enforce_flood_limits.setter
    def enforce_flood_limits(self, enabled: bool) -> None:
        self.flood.enabled = enabled

    @property
    def flood_rejections(self) -> int:
        """How many 429s the flood limiter has served (injected throttles not included)."""
        return len(self.flood.rejections)

    # -- simulated users ------------------------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str = "Test",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> SimulatedUser:
        """The simulated user with this id, created (with its private chat) on first use.

        The bot can write to the chat only after the user has sent it something, as on
        Telegram, where a bot cannot start a conversation.
        """
        existing = self.users.get(user_id)
        if existing is not None:
            return existing
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if last_name:
            user["last_name"] = last_name
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        chat = Chat(user=user, chat_instance=str(-(abs(user_id) * 7_919 + self.bot_id)))
        self.state.chats[user_id] = chat
        simulated = self.users[user_id] = SimulatedUser(self, chat)
        return simulated

    def sent_messages(self, chat_id: int) -> list[SentMessage]:
        """Messages the bot sent to ``chat_id``, in order, with edits applied."""
        chat = self.state.chats.get(chat_id)
        return chat.bot_messages() if chat else []

    # -- observation ----------------------------------------------------------------------

    def record_call(
        self, method: str, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> None:
        """Append to :attr:`calls`, with uploads substituted for their ``attach://`` refs."""
        recorded = dict(params)
        referenced = set()
        for key, value in params.items():
            if isinstance(value, str) and value.startswith("attach://"):
                name = value.removeprefix("attach://")
                if name in files:
                    recorded[key] = files[name]
                    referenced.add(name)
        for name, upload in files.items():
            if name not in referenced:
                recorded.setdefault(name, upload)
        self.calls.append(ApiCall(method, recorded))

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        """Parameters of every call to ``method`` (any letter case), in order."""
        wanted = method.lower()
        return [call.params for call in self.calls if call.method.lower() == wanted]

    async def execute(
        self, method: str, params: dict[str, Any], files: dict[str, UploadedFile] | None = None
    ) -> Any:
        """Run one Bot API method in-process (recorded, no faults); raises ApiError."""
        files = files or {}
        resolved = self.methods.resolve(method)
        self.record_call(resolved[0] if resolved else method, params, files)
        if resolved is None:
            raise ApiError(404, "Not Found")
        return await resolved[1](params, files)

    async def wait_idle(self, timeout: float = 5.0) -> None:
        """Wait until every queued update is confirmed (offset moved past it, or webhook 2xx)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.state.pending:
            remaining = deadline - loop.time()
            if remaining <= 0:
                kinds = [f"{u.update_id}:{u.kind}" for u in self.state.pending]
                raise AssertionError(f"updates still unconfirmed after {timeout}s: {kinds}")
            await self.state.updates_signal.wait(remaining)
