"""Fixtures: a running DingTalk emulator, raw Stream clients and the real SDK in a thread.

The SDK's ``open_connection`` (and every OpenAPI helper: ``reply_text``,
``get_access_token``...) is a blocking ``requests`` call. Run in the test's event loop it
would block the very loop the emulator's aiohttp server runs on and deadlock, so
:class:`SdkThread` runs ``DingTalkStreamClient.start()`` in a thread of its own with its own
loop; tests stay free to await the emulator. Raw protocol tests (disconnect, silence,
kills) use :class:`RawClient`, a websockets client in the test's loop that shows every
frame and acks only when told to.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections.abc import AsyncIterator, Iterator
from typing import Any

import aiohttp
import dingtalk_stream
import pytest
import websockets
from dingtalk_stream import stream as sdk_stream

from sandbox.dingtalk import DingTalkEmulator
from sandbox.dingtalk.frames import CARD_TOPIC, ROBOT_TOPIC

NOW = 1_717_200_000.0  # 2024-06-01 08:00 China time


class FakeClock:
    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def emu(clock: FakeClock) -> AsyncIterator[DingTalkEmulator]:
    async with DingTalkEmulator(clock=clock, disconnect_grace=0.2) as emulator:
        emulator.add_member("staff1", "张三", "13800000001")
        emulator.add_member("staff2", "李四", "13800000002")
        yield emulator


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def get_token(http: aiohttp.ClientSession, emu: DingTalkEmulator) -> str:
    async with http.post(
        emu.base_url + "/v1.0/oauth2/accessToken",
        json={"appKey": emu.client_id, "appSecret": emu.client_secret},
    ) as response:
        assert response.status == 200
        return str((await response.json())["accessToken"])


class RawClient:
    """A Stream client speaking the wire protocol directly (websockets, in the test loop)."""

    def __init__(
        self, emu: DingTalkEmulator, *, auto_ack: bool = True, topics: tuple[str, ...] = ()
    ) -> None:
        self.emu = emu
        self.auto_ack = auto_ack
        self.topics = topics or (ROBOT_TOPIC, CARD_TOPIC)
        self.frames: list[dict[str, Any]] = []
        self.ws: Any = None
        self.closed: BaseException | None = None
        self._arrived = asyncio.Condition()
        self._reader: asyncio.Task[None] | None = None
        self._consumed = 0

    async def open(self) -> dict[str, Any]:
        body = {
            "clientId": self.emu.client_id,
            "clientSecret": self.emu.client_secret,
            "subscriptions": [{"type": "CALLBACK", "topic": t} for t in self.topics],
            "ua": "raw-test",
            "localIp": "127.0.0.1",
        }
        async with aiohttp.ClientSession() as session:
            url = self.emu.base_url + "/v1.0/gateway/connections/open"
            async with session.post(url, json=body) as response:
                assert response.status == 200, await response.text()
                return dict(await response.json())

    async def connect(self) -> RawClient:
        opened = await self.open()
        self.ws = await websockets.connect(f"{opened['endpoint']}?ticket={opened['ticket']}")
        self._reader = asyncio.create_task(self._read())
        return self

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                frame = json.loads(raw)
                async with self._arrived:
                    self.frames.append(frame)
                    self._arrived.notify_all()
                if self.auto_ack:
                    await self.ack(frame)
        except websockets.ConnectionClosed as error:
            self.closed = error
        else:
            self.closed = RuntimeError("closed normally")
        async with self._arrived:
            self._arrived.notify_all()

    async def ack(self, frame: dict[str, Any], code: int = 200) -> None:
        data = frame["data"] if frame["type"] == "SYSTEM" else json.dumps({"response": "OK"})
        ack = {
            "code": code,
            "headers": {
                "messageId": frame["headers"]["messageId"],
                "contentType": "application/json",
            },
            "message": "OK",
            "data": data,
        }
        await self.ws.send(json.dumps(ack))

    async def next_frame(self, timeout: float = 2.0) -> dict[str, Any]:
        async with asyncio.timeout(timeout), self._arrived:
            await self._arrived.wait_for(lambda: len(self.frames) > self._consumed)
        self._consumed += 1
        return self.frames[self._consumed - 1]

    async def no_frame(self, wait: float = 0.3) -> None:
        with pytest.raises(TimeoutError):
            await self.next_frame(wait)

    async def wait_closed(self, timeout: float = 2.0) -> BaseException:
        async with asyncio.timeout(timeout), self._arrived:
            await self._arrived.wait_for(lambda: self.closed is not None)
        assert self.closed is not None
        return self.closed

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            await self._reader


@pytest.fixture
async def raw_clients(emu: DingTalkEmulator) -> AsyncIterator[list[RawClient]]:
    """Clients made by a test; all closed at the end."""
    clients: list[RawClient] = []
    yield clients
    for client in clients:
        await client.close()


class SdkThread:
    """``DingTalkStreamClient.start()`` in a daemon thread with its own event loop."""

    def __init__(self, client: dingtalk_stream.DingTalkStreamClient) -> None:
        self.client = client
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[Any] | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="dingtalk-sdk")

    def _run(self) -> None:
        async def main() -> None:
            self._loop = asyncio.get_running_loop()
            self._task = asyncio.current_task()
            self._ready.set()
            await self.client.start()

        with contextlib.suppress(asyncio.CancelledError, KeyboardInterrupt):
            asyncio.run(main())

    def start(self) -> None:
        self._thread.start()
        self._ready.wait(5)

    async def stop(self) -> None:
        """Cancel until it ends: 0.24.3's start() sleeps 10 s after a first CancelledError."""
        while self._thread.is_alive():
            if self._loop is not None and self._task is not None and not self._loop.is_closed():
                self._loop.call_soon_threadsafe(self._task.cancel)
            await asyncio.sleep(0.05)


@pytest.fixture
def sdk_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Point the SDK's module constants at an emulator (``point(emu)``); undone after."""

    def point(emu: DingTalkEmulator) -> None:
        monkeypatch.setattr(
            dingtalk_stream.DingTalkStreamClient,
            "OPEN_CONNECTION_API",
            emu.base_url + "/v1.0/gateway/connections/open",
        )
        monkeypatch.setattr(sdk_stream, "DINGTALK_OPENAPI_ENDPOINT", emu.base_url)
        monkeypatch.setattr(dingtalk_stream.chatbot, "DINGTALK_OPENAPI_ENDPOINT", emu.base_url)

    yield point
