"""Stream connections and frame delivery: the queue, the choice of connection, the acks.

DingTalk's gateway pushes each frame to one live connection of the app and waits for its
ack; a frame a connection never acknowledged is gone with it (contract section 1). The hub
keeps that behaviour observable for tests: every frame is a
:class:`~sandbox.dingtalk.frames.FrameRecord` that says where it went and whether it was
acknowledged, and :meth:`StreamHub.wait_idle` is the sync point a test waits on.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import secrets
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from sandbox.dingtalk.frames import FrameRecord, FrameType
from sandbox.state import Signal


@dataclass
class Connection:
    """One open ``/connect`` WebSocket and what the emulator is doing with it."""

    connection_id: str
    opened_at: float
    topics: frozenset[str]
    ws: web.WebSocketResponse = field(repr=False)
    request: web.Request = field(repr=False)
    draining: bool = False
    silent: bool = False
    closed: bool = False
    delivered: list[FrameRecord] = field(default_factory=list, repr=False)

    @property
    def usable(self) -> bool:
        """Whether new frames may go to it."""
        return not (self.closed or self.draining or self.silent or self.ws.closed)

    def abort(self) -> None:
        """Drop the TCP connection without a close handshake (the client sees 1006)."""
        self.closed = True
        transport = self.request.transport
        if transport is not None:
            transport.abort()


class StreamHub:
    """Tickets, live connections, the frame queue and acknowledgements of one emulator."""

    def __init__(
        self,
        app_id: str,
        clock: Callable[[], float],
        *,
        redeliver_unacked: bool,
        disconnect_grace: float,
    ) -> None:
        self.app_id = app_id
        self._clock = clock
        self.redeliver_unacked = redeliver_unacked
        self.disconnect_grace = disconnect_grace
        self.tickets: dict[str, frozenset[str]] = {}
        self.live: list[Connection] = []
        self.frames: list[FrameRecord] = []
        self.on_ack: Callable[[FrameRecord], None] = lambda record: None
        self._queue: deque[FrameRecord] = deque()
        self._by_id: dict[str, FrameRecord] = {}
        self._ids = itertools.count(1)
        self._conn_ids = itertools.count(1)
        self._wake = asyncio.Event()
        self._signal = Signal()
        self._pump_task: asyncio.Task[None] | None = None
        self._closers: set[asyncio.Task[None]] = set()

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> None:
        self._pump_task = asyncio.get_running_loop().create_task(self._pump())

    async def stop(self) -> None:
        if self._pump_task is not None:
            self._pump_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pump_task
            self._pump_task = None
        for task in list(self._closers):
            task.cancel()
        for connection in list(self.live):
            connection.abort()

    # -- tickets and connections ----------------------------------------------------------

    def issue_ticket(self, topics: frozenset[str]) -> str:
        ticket = secrets.token_urlsafe(16)
        self.tickets[ticket] = topics
        return ticket

    def redeem(self, ticket: str) -> frozenset[str] | None:
        """The ticket's subscribed topics; a ticket is good once."""
        return self.tickets.pop(ticket, None)

    def opened(
        self, ws: web.WebSocketResponse, request: web.Request, topics: frozenset[str]
    ) -> Connection:
        connection = Connection(
            f"conn-{next(self._conn_ids)}-{secrets.token_hex(4)}",
            self._clock(),
            topics,
            ws,
            request,
        )
        self.live.append(connection)
        self._wake.set()
        return connection

    def closed(self, connection: Connection) -> None:
        """Forget a closed connection; its unacknowledged frames are lost or requeued."""
        connection.closed = True
        if connection in self.live:
            self.live.remove(connection)
        unacked = [
            r
            for r in connection.delivered
            if not r.acked and r.connection_id == connection.connection_id
        ]
        callbacks = [r for r in unacked if r.type == "CALLBACK"]
        if self.redeliver_unacked:
            self._queue.extendleft(reversed(callbacks))
            for record in callbacks:
                record.connection_id = None
        else:
            for record in callbacks:
                record.lost = True
        self._signal.notify()
        self._wake.set()

    def newest(self) -> Connection | None:
        """The newest connection that is open and not draining (silent or not)."""
        candidates = [c for c in self.live if not c.closed and not c.draining]
        return candidates[-1] if candidates else None

    def _target(self, topic: str) -> Connection | None:
        for connection in reversed(self.live):
            if connection.usable and topic in connection.topics:
                return connection
        return None

    # -- frames ---------------------------------------------------------------------------

    def new_record(
        self, frame_type: FrameType, topic: str, data: dict[str, Any], staff_id: str | None
    ) -> FrameRecord:
        message_id = f"{self.app_id}-{next(self._ids):06d}-{secrets.token_hex(3)}"
        record = FrameRecord(message_id, frame_type, topic, data, staff_id=staff_id)
        self.frames.append(record)
        self._by_id[message_id] = record
        return record

    def enqueue(self, topic: str, data: dict[str, Any], staff_id: str | None) -> FrameRecord:
        """Queue a CALLBACK frame for the next usable connection subscribed to ``topic``."""
        record = self.new_record("CALLBACK", topic, data, staff_id)
        self._queue.append(record)
        self._wake.set()
        return record

    async def send_system(
        self, connection: Connection, topic: str, data: dict[str, Any]
    ) -> FrameRecord:
        """Write a SYSTEM frame (``ping``, ``disconnect``) directly on ``connection``."""
        record = self.new_record("SYSTEM", topic, data, None)
        await self._write(connection, record)
        return record

    async def _write(self, connection: Connection, record: FrameRecord) -> None:
        envelope = record.envelope(self.app_id, connection.connection_id, int(self._clock() * 1000))
        await connection.ws.send_str(json.dumps(envelope, ensure_ascii=False))
        record.connection_id = connection.connection_id
        record.deliveries.append(connection.connection_id)
        connection.delivered.append(record)

    async def _pump(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            for record in list(self._queue):
                connection = self._target(record.topic)
                if connection is None:
                    continue
                try:
                    await self._write(connection, record)
                except Exception:  # a socket that died under us: the frame waits
                    connection.closed = True
                    continue
                if record in self._queue:
                    self._queue.remove(record)
                self._signal.notify()

    def received(self, connection: Connection, raw: str) -> None:
        """Handle a text message from a client: an ack is recorded against its frame."""
        try:
            message = json.loads(raw)
            message_id = message["headers"]["messageId"]
        except (ValueError, KeyError, TypeError):
            return
        record = self._by_id.get(message_id)
        if record is None or record.acked:
            return
        record.acked = True
        record.ack_code = int(message.get("code") or 0)
        record.ack_connection_id = connection.connection_id
        data = message.get("data")
        record.ack_data = data if isinstance(data, str) else json.dumps(data)
        self.on_ack(record)
        self._signal.notify()

    # -- faults that act on connections ---------------------------------------------------

    def disconnect(self, connection: Connection) -> FrameRecord:
        """Send ``disconnect``, then close ``connection`` after the grace period."""
        connection.draining = True
        record = self.new_record("SYSTEM", "disconnect", {"reason": "server is restarting"}, None)

        async def run() -> None:
            with contextlib.suppress(Exception):
                await self._write(connection, record)
            await asyncio.sleep(self.disconnect_grace)
            with contextlib.suppress(Exception):
                await connection.ws.close(code=1000, message=b"disconnect")

        task = asyncio.get_running_loop().create_task(run())
        self._closers.add(task)
        task.add_done_callback(self._closers.discard)
        self._wake.set()
        return record

    def set_silent(self, silent: bool) -> None:
        for connection in self.live:
            connection.silent = silent
        self._wake.set()

    def kill_all(self) -> None:
        for connection in list(self.live):
            connection.abort()
        self._wake.set()

    # -- observation ----------------------------------------------------------------------

    @property
    def acked(self) -> set[str]:
        return {record.message_id for record in self.frames if record.acked}

    @property
    def unsettled(self) -> list[FrameRecord]:
        return [r for r in self.frames if r.type == "CALLBACK" and not r.settled]

    async def wait_acked(self, record: FrameRecord, timeout: float = 5.0) -> None:
        """Wait for the ack of one frame (SYSTEM frames too, which wait_idle ignores)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not record.acked:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"frame {record.message_id} not acknowledged in {timeout}s")
            await self._signal.wait(remaining)

    async def wait_idle(self, timeout: float = 5.0) -> None:
        """Wait until every queued frame was delivered and acknowledged (or lost)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while pending := self.unsettled:
            remaining = deadline - loop.time()
            if remaining <= 0:
                states = [
                    f"{r.message_id} {r.topic} "
                    + (f"on {r.connection_id}, unacked" if r.connection_id else "queued")
                    for r in pending
                ]
                raise AssertionError(f"frames not acknowledged after {timeout}s: {states}")
            await self._signal.wait(remaining)
