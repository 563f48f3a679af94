"""``DingTalkEmulator``: one loopback DingTalk (Stream gateway + OpenAPI) and its members.

The sibling of :class:`sandbox.emulator.BotApiEmulator` for DingTalk: the object tests and
the demo hold. It owns the directory, the Stream connections and their frames, the
OpenAPI's state, faults and attendance of one fake app, and serves them with aiohttp on an
ephemeral loopback port, so the real ``dingtalk-stream`` SDK and the bot's runtime can be
pointed at :attr:`base_url`. The wire protocol is docs/dingtalk_wire.md.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from types import TracebackType
from typing import Any, Literal

from aiohttp import web

from sandbox.dingtalk.auth import Tokens
from sandbox.dingtalk.connections import Connection, StreamHub
from sandbox.dingtalk.directory import Attendance, AttendanceRecord
from sandbox.dingtalk.faults import ApiFaults
from sandbox.dingtalk.frames import CARD_TOPIC, FrameRecord
from sandbox.dingtalk.server import ApiRequest, build_app
from sandbox.dingtalk.state import DingTalkState, Member
from sandbox.dingtalk.users import CallbackAnswer, DingTalkUser


class DingTalkEmulator:
    """A fake DingTalk app (clientId / clientSecret / robotCode) served over loopback."""

    def __init__(
        self,
        client_id: str = "ding-app",
        client_secret: str = "ding-secret",
        robot_code: str = "ding-robot",
        *,
        clock: Callable[[], float] | None = None,
        redeliver_unacked: bool = False,
        disconnect_grace: float = 2.0,
        qps: float = 20.0,
        ping_interval: float = 10.0,
    ) -> None:
        """``clock`` (Unix seconds) dates messages, session webhooks, tokens and attendance."""
        self.client_id = client_id
        self.client_secret = client_secret
        self.robot_code = robot_code
        self.state = DingTalkState(clock)
        self.tokens = Tokens(self.state.clock)
        self.faults = ApiFaults(qps)
        self.attendance = Attendance()
        self.hub = StreamHub(
            client_id,
            self.state.clock,
            redeliver_unacked=redeliver_unacked,
            disconnect_grace=disconnect_grace,
        )
        self.hub.on_ack = self._acked
        self.users: dict[str, DingTalkUser] = {}
        self.requests: list[ApiRequest] = []
        self.counts: Counter[str] = Counter()
        #: DingTalk pings each connection every few seconds (a SYSTEM frame): the client's
        #: silence watchdog counts on it. 0: only when a test calls ``send_ping``.
        self.ping_interval = ping_interval
        self._pinger: asyncio.Task[None] | None = None
        self._runner: web.AppRunner | None = None
        self._base_url: str | None = None

    # -- lifecycle ------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Serve on ``host:port`` (0 picks a free port); see :attr:`base_url`."""
        if self._runner is not None:
            raise RuntimeError("the emulator is already running")
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
        self._base_url = f"http://{host}:{runner.addresses[0][1]}"
        self.hub.start()
        if self.ping_interval > 0:
            self._pinger = asyncio.create_task(self._ping_forever(), name="dingtalk-pinger")

    async def _ping_forever(self) -> None:
        while True:
            await asyncio.sleep(self.ping_interval)
            for connection in [c for c in self.hub.live if c.usable]:
                with contextlib.suppress(Exception):
                    await self.hub.send_system(connection, "ping", {"opaque": "keepalive"})

    async def stop(self) -> None:
        """Close every connection and the server."""
        if self._pinger is not None:
            self._pinger.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pinger
            self._pinger = None
        await self.hub.stop()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()
        self._base_url = None

    async def __aenter__(self) -> DingTalkEmulator:
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
        """``http://127.0.0.1:PORT``: both hosts (api and oapi) and the gateway."""
        if self._base_url is None:
            raise RuntimeError("the emulator is not running; await start() first")
        return self._base_url

    # -- the directory --------------------------------------------------------------------

    def add_member(self, staff_id: str, name: str, mobile: str) -> DingTalkUser:
        """Put a person in the organisation (again, if they had left)."""
        member = self.state.members.get(staff_id)
        if member is None:
            member = self.state.members[staff_id] = Member(staff_id, name, mobile)
            self.users[staff_id] = DingTalkUser(self, member)
        else:
            member.name, member.mobile, member.in_directory = name, mobile, True
        return self.users[staff_id]

    def remove_member(self, staff_id: str) -> None:
        """The person left: user/get no longer finds them, sends list them as invalid."""
        self.state.members[staff_id].in_directory = False

    def user(self, staff_id: str) -> DingTalkUser:
        """The member's simulated person (the same object every time)."""
        if staff_id not in self.users:
            raise KeyError(f"no member {staff_id!r}: add_member() first")
        return self.users[staff_id]

    # -- attendance -----------------------------------------------------------------------

    def record_attendance(
        self,
        staff_id: str,
        when: datetime,
        *,
        inside: bool = True,
        check_type: Literal["OnDuty", "OffDuty"] = "OnDuty",
        source: str = "APP",
    ) -> AttendanceRecord:
        """A check-in at ``when`` (aware), inside or outside the allowed place."""
        return self.attendance.record(
            staff_id, when, inside=inside, check_type=check_type, source=source
        )

    # -- faults ---------------------------------------------------------------------------

    def send_disconnect(self) -> FrameRecord:
        """SYSTEM ``disconnect`` to the newest connection, closed ``disconnect_grace`` later."""
        connection = self.hub.newest()
        if connection is None:
            raise RuntimeError("no live connection to disconnect")
        return self.hub.disconnect(connection)

    async def send_ping(self, opaque: str = "x") -> FrameRecord:
        """SYSTEM ``ping`` to the newest connection; the client acks echoing its data."""
        connection = self.hub.newest()
        if connection is None:
            raise RuntimeError("no live connection to ping")
        return await self.hub.send_system(connection, "ping", {"opaque": opaque})

    def go_silent(self, silent: bool = True) -> None:
        """Live connections stay open (and answer pings) but get no frames while silent."""
        self.hub.set_silent(silent)

    def kill_connections(self) -> None:
        """Drop every connection abruptly (TCP abort, no close handshake)."""
        self.hub.kill_all()

    def fail_api(
        self,
        status: int = 503,
        times: int = 1,
        paths: list[str] | tuple[str, ...] | None = None,
        body: Any = None,
    ) -> None:
        """The next ``times`` calls to ``paths`` (prefixes; default the send/file
        endpoints) answer ``status``: 5xx an nginx page, 429/403 QpsLimitForApi, or ``body``."""
        self.faults.fail_api(status, times, paths, body)

    def outage(self, on: bool) -> None:
        """While on, every OpenAPI call and gateway open answers 503."""
        self.faults.outage(on)

    def expire_tokens(self) -> None:
        self.tokens.expire_all()

    def expire_session_webhooks(self) -> None:
        for session in self.state.sessions.values():
            session.revoked = True

    # -- observation ----------------------------------------------------------------------

    @property
    def frames(self) -> list[FrameRecord]:
        """Every frame pushed or queued, with its connection and ack."""
        return list(self.hub.frames)

    @property
    def acked(self) -> set[str]:
        return self.hub.acked

    @property
    def connections(self) -> list[Connection]:
        return list(self.hub.live)

    async def wait_idle(self, timeout: float = 5.0) -> None:
        """Wait until every frame queued so far was delivered and acknowledged."""
        await self.hub.wait_idle(timeout)

    async def wait_acked(self, record: FrameRecord, timeout: float = 5.0) -> None:
        """Wait until the client acknowledged ``record`` (a ping, a disconnect, any frame)."""
        await self.hub.wait_acked(record, timeout)

    def log_request(self, request: ApiRequest) -> None:
        self.requests.append(request)
        self.counts[request.endpoint] += 1

    def _acked(self, record: FrameRecord) -> None:
        if record.topic == CARD_TOPIC and record.staff_id and record.ack_code == 200:
            chat = self.state.chat(record.staff_id)
            chat.callback_answers.append(CallbackAnswer(record.message_id))
            chat.touched()
