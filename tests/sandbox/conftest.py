"""Shared fixtures: a running emulator and a raw HTTP client for its Bot API."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from sandbox import BotApiEmulator

TOKEN = "123456:TEST-token"


class RawApi:
    """Calls Bot API methods over plain HTTP, returning (status, decoded JSON body)."""

    def __init__(self, session: aiohttp.ClientSession, emulator: BotApiEmulator) -> None:
        self.session = session
        self.emu = emulator

    def url(self, method: str, token: str | None = None) -> str:
        return f"{self.emu.base_url}/bot{token or self.emu.token}/{method}"

    async def call(self, method: str, **params: Any) -> tuple[int, dict[str, Any]]:
        """POST a JSON body."""
        async with self.session.post(self.url(method), json=params) as response:
            return response.status, await response.json()

    async def form(self, method: str, **params: Any) -> tuple[int, dict[str, Any]]:
        """POST urlencoded form fields, JSON-encoding non-strings (like python-telegram-bot)."""
        fields = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
        async with self.session.post(self.url(method), data=fields) as response:
            return response.status, await response.json()

    async def ok(self, method: str, **params: Any) -> Any:
        status, body = await self.call(method, **params)
        assert status == 200 and body["ok"], (method, status, body)
        return body["result"]


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(TOKEN) as emulator:
        yield emulator


@pytest.fixture
async def api(emu: BotApiEmulator) -> AsyncIterator[RawApi]:
    async with aiohttp.ClientSession() as session:
        yield RawApi(session, emu)
