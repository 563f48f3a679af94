"""PTB's HTTP on aiohttp (``bot.runtime.ptb_request``) over real loopback HTTP: what it
sends is what PTB's own ``HTTPXRequest`` sends, and its failures reach PTB (and so
``Delivery``) as PTB's errors, without the token in their message."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import Bot, InputFile
from telegram.error import NetworkError, TimedOut

from bot.runtime.ptb_request import AiohttpRequest

TOKEN = "424242:REQUEST-secret-TOKEN"


@pytest.fixture
async def api() -> AsyncIterator[tuple[str, list[dict]]]:
    """A Bot API stand-in that records each request's form and answers like Telegram;
    ``getChat`` answers after 2 s (for the timeout)."""
    seen: list[dict] = []

    async def method(request: web.Request) -> web.Response:
        name = request.match_info["method"]
        form = await request.post()
        fields = {
            k: (v.filename, v.file.read()) if isinstance(v, web.FileField) else v
            for k, v in form.items()
        }
        seen.append({"method": name, "fields": fields, "type": request.content_type})
        if name == "getChat":
            await asyncio.sleep(2)
        if name == "getMe":
            me = {"id": 424242, "is_bot": True, "first_name": "cadrebot", "username": "c_bot"}
            return web.json_response({"ok": True, "result": me})
        message = {"message_id": 7, "date": 0, "chat": {"id": 5, "type": "private"}}
        return web.json_response({"ok": True, "result": message})

    app = web.Application()
    app.router.add_post("/bot{token}/{method}", method)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}/bot", seen
    finally:
        await runner.cleanup()


async def test_text_and_files_arrive_as_ptb_sends_them(api: tuple[str, list[dict]]) -> None:
    base, seen = api
    async with Bot(TOKEN, base_url=base, request=AiohttpRequest(4)) as bot:
        sent = await bot._post(
            "sendMessage", {"chat_id": 5, "text": "到岗 ✓", "parse_mode": "HTML"}
        )
        await bot.send_document(5, InputFile(b"a,b\n1,2\n", filename="表.csv"), caption="月报")
    assert sent["message_id"] == 7
    _me, text, document = seen
    assert text["type"] == "application/x-www-form-urlencoded"
    assert text["fields"] == {"chat_id": "5", "text": "到岗 ✓", "parse_mode": "HTML"}
    assert document["type"] == "multipart/form-data"
    assert document["fields"]["document"] == ("表.csv", b"a,b\n1,2\n")
    assert document["fields"]["caption"] == "月报"


async def test_a_slow_answer_is_timed_out(api: tuple[str, list[dict]]) -> None:
    base, _ = api
    request = AiohttpRequest(1, read_timeout=0.3)
    await request.initialize()
    try:
        with pytest.raises(TimedOut):
            await request.post(f"{base}{TOKEN}/getChat")
    finally:
        await request.shutdown()


async def test_no_server_is_a_network_error_without_the_token() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    request = AiohttpRequest(1)
    await request.initialize()
    try:
        with pytest.raises(NetworkError) as caught:
            await request.post(f"http://127.0.0.1:{port}/bot{TOKEN}/sendMessage")
    finally:
        await request.shutdown()
    assert "aiohttp.ClientConnectorError" in str(caught.value)
    assert TOKEN not in str(caught.value) and "secret" not in str(caught.value)


async def test_the_updates_request_keeps_the_raw_answer(api: tuple[str, list[dict]]) -> None:
    base, _ = api
    request = AiohttpRequest(1, keep_last=True)
    await request.initialize()
    try:
        await request.post(f"{base}{TOKEN}/getUpdates")
    finally:
        await request.shutdown()
    assert request.last_body is not None
    assert json.loads(request.last_body)["result"]["message_id"] == 7


async def test_a_request_used_after_shutdown_says_so() -> None:
    request = AiohttpRequest(1)
    with pytest.raises(NetworkError) as caught:
        await request.post(f"http://127.0.0.1:9/bot{TOKEN}/sendMessage")
    assert isinstance(caught.value.__cause__, RuntimeError)  # what PtbCalls looks for
