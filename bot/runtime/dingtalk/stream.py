"""Stream mode's connections, kept by the runtime rather than by the SDK's ``start()``.

The SDK's loop (0.24.3) opens the gateway with a blocking ``requests.post`` without a
timeout (the whole event loop stands still while DingTalk is slow), closes the old socket
before opening the next on a ``disconnect`` frame, and never notices a connection that
went silent while its pings still succeed. Users report that the server delivers nothing
more on a connection after ``disconnect`` and does not redeliver robot messages, and that
connections go silent (open-dingtalk/dingtalk-stream-sdk-python#65,
soimy/openclaw-channel-dingtalk#308, HKUDS/nanobot#1769). So here:

- the gateway is opened with an async POST with a timeout, retried with a bounded backoff;
- on ``disconnect`` the next connection is opened at once, and the old one is only left
  to close (the server closes it) after the new one is up: frames in flight on it are
  still read and acknowledged on it;
- a connection without any frame (DingTalk pings every few seconds) for ``silence``
  seconds is taken for dead, replaced and closed;
- each frame is acknowledged on the socket it came on, after its handler returned
  (the SDK's ``CallbackHandler.raw_process``: for us, after the frame is stored).

The SDK still does what it is good at: the frame classes and the handler interface.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote_plus

import aiohttp
import websockets
from dingtalk_stream import CallbackHandler
from dingtalk_stream.frames import CallbackMessage, SystemMessage
from dingtalk_stream.handlers import SystemHandler
from dingtalk_stream.version import VERSION_STRING

from bot.runtime.dingtalk.openapi import TIMEOUT, CredentialsRejected
from storage.failures import brief

log = logging.getLogger(__name__)

OPEN_PATH = "/v1.0/gateway/connections/open"


@dataclass(eq=False)  # kept in a set: by identity
class Connection:
    number: int
    socket: Any  # a websockets client connection
    last_frame: float
    disconnected: asyncio.Event = field(default_factory=asyncio.Event)
    reader: asyncio.Task[None] | None = None


class Stream:
    def __init__(
        self,
        *,
        api_url: str,
        client_id: str,
        client_secret: str,
        handlers: dict[str, CallbackHandler],
        silence: float = 60.0,
        on_connected: Callable[[], None] | None = None,
    ) -> None:
        self._open_url = api_url.rstrip("/") + OPEN_PATH
        self._client_id = client_id
        self._secret = client_secret
        self._handlers = handlers
        self._system = SystemHandler()
        self.silence = silence
        self._on_connected = on_connected
        self._numbers = 0
        self.live: set[Connection] = set()
        self.opened = 0  # connections opened so far (the tests read it)
        self._frames: set[asyncio.Task[None]] = set()

    async def run(self) -> None:
        """Keep one connection receiving until cancelled."""
        try:
            while True:
                connection = await self._connect()
                why = await self._watch(connection)
                if why == "silent":
                    log.warning(
                        "DingTalk connection %d silent for %.0fs: replacing it",
                        connection.number,
                        self.silence,
                    )
                    self._close_later(connection, grace=0)
                elif why == "disconnect":
                    log.info(
                        "DingTalk asked connection %d to go: opening the next", connection.number
                    )
                    self._close_later(connection, grace=30)
                else:
                    log.warning("DingTalk connection %d closed: reconnecting", connection.number)
        finally:
            for connection in list(self.live):
                await self._close(connection)
            for task in list(self._frames):
                task.cancel()

    # -- opening -----------------------------------------------------------------------------

    async def _connect(self) -> Connection:
        delay = 0.5
        while True:
            try:
                ticket = await self._open_gateway()
                uri = f"{ticket['endpoint']}?ticket={quote_plus(ticket['ticket'])}"
                ws = await websockets.connect(uri, open_timeout=10, ping_interval=20)
            except CredentialsRejected:
                raise
            except Exception as exc:
                wait = delay * random.uniform(0.5, 1.0)
                log.warning("DingTalk gateway failed (%s); retrying in %.1fs", brief(exc), wait)
                await asyncio.sleep(wait)
                delay = min(delay * 2, 10.0)
                continue
            self._numbers += 1
            self.opened += 1
            loop = asyncio.get_running_loop()
            connection = Connection(self._numbers, ws, loop.time())
            connection.reader = asyncio.create_task(self._read(connection))
            self.live.add(connection)
            if self._on_connected is not None:
                self._on_connected()
            return connection

    async def _open_gateway(self) -> dict[str, str]:
        body = {
            "clientId": self._client_id,
            "clientSecret": self._secret,
            "subscriptions": [{"type": "CALLBACK", "topic": t} for t in self._handlers],
            "ua": f"dingtalk-sdk-python/v{VERSION_STRING}-union cadrebot",
            "localIp": _local_ip(),
        }
        async with (
            aiohttp.ClientSession(timeout=TIMEOUT) as session,
            session.post(self._open_url, json=body) as response,
        ):
            if response.status in (400, 401, 403):
                raise CredentialsRejected(f"gateway: HTTP {response.status}")
            response.raise_for_status()
            data = await response.json(content_type=None)
        if not isinstance(data, dict) or "endpoint" not in data or "ticket" not in data:
            raise ValueError("gateway answered without endpoint and ticket")
        return {"endpoint": str(data["endpoint"]), "ticket": str(data["ticket"])}

    # -- watching ----------------------------------------------------------------------------

    async def _watch(self, connection: Connection) -> str:
        """Until the connection closes ("closed"), is asked to go ("disconnect"), or has
        been silent for ``silence`` seconds ("silent")."""
        assert connection.reader is not None
        loop = asyncio.get_running_loop()
        waiter = asyncio.create_task(connection.disconnected.wait())
        try:
            while True:
                left = connection.last_frame + self.silence - loop.time()
                if left <= 0:
                    return "silent"
                done, _ = await asyncio.wait(
                    {connection.reader, waiter},
                    timeout=min(left, 1.0),
                    return_when=asyncio.FIRST_COMPLETED,
                )
                if waiter in done:
                    return "disconnect"
                if connection.reader in done:
                    self.live.discard(connection)
                    return "closed"
        finally:
            waiter.cancel()

    async def _read(self, connection: Connection) -> None:
        loop = asyncio.get_running_loop()
        with contextlib.suppress(websockets.ConnectionClosed):
            async for raw in connection.socket:
                connection.last_frame = loop.time()
                try:
                    frame = json.loads(raw)
                except ValueError:
                    log.warning("unreadable DingTalk frame on connection %d", connection.number)
                    continue
                if frame.get("type") == SystemMessage.TYPE:
                    await self._system_frame(connection, frame)
                    continue
                task = asyncio.create_task(self._callback_frame(connection, frame))
                self._frames.add(task)
                task.add_done_callback(self._frames.discard)

    async def _system_frame(self, connection: Connection, frame: dict[str, Any]) -> None:
        message = SystemMessage.from_dict(frame)
        ack = await self._system.raw_process(message)
        await self._ack(connection, ack.to_dict())
        if message.headers.topic == SystemMessage.TOPIC_DISCONNECT:
            connection.disconnected.set()

    async def _callback_frame(self, connection: Connection, frame: dict[str, Any]) -> None:
        """Hand the frame to its topic's handler; acknowledge on this connection only
        once the handler has returned (an exception: no acknowledgement)."""
        if frame.get("type") != CallbackMessage.TYPE:
            return
        message = CallbackMessage.from_dict(frame)
        handler = self._handlers.get(message.headers.topic)
        if handler is None:
            log.warning("DingTalk frame of an unknown topic %s", message.headers.topic)
            return
        try:
            ack = await handler.raw_process(message)
        except Exception as exc:
            log.warning("DingTalk frame not stored (%s): not acknowledged", brief(exc))
            return
        await self._ack(connection, ack.to_dict())

    @staticmethod
    async def _ack(connection: Connection, ack: dict[str, Any]) -> None:
        try:
            await connection.socket.send(json.dumps(ack))
        except websockets.ConnectionClosed:
            log.warning("could not acknowledge a frame: connection %d closed", connection.number)

    # -- closing -----------------------------------------------------------------------------

    def _close_later(self, connection: Connection, grace: float) -> None:
        """Close a replaced connection after ``grace`` seconds (the server usually closes
        one it asked to go first), without holding up the new one."""

        async def close() -> None:
            if grace:
                assert connection.reader is not None
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(asyncio.shield(connection.reader), grace)
            await self._close(connection)

        task = asyncio.create_task(close())
        self._frames.add(task)
        task.add_done_callback(self._frames.discard)

    async def _close(self, connection: Connection) -> None:
        self.live.discard(connection)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(connection.socket.close(), 2)
        if connection.reader is not None:
            connection.reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await connection.reader


def _local_ip() -> str:
    """The address DingTalk's gateway asks for (informational), without sending anything."""
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("10.255.255.255", 1))
        return str(probe.getsockname()[0])
    return "127.0.0.1"
