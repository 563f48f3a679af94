"""getUpdates queue semantics and webhook delivery, observed by raw HTTP clients."""

from __future__ import annotations

import asyncio
import time

from aiohttp import web

from sandbox import BotApiEmulator


def ids(updates: list[dict]) -> list[int]:
    return [update["update_id"] for update in updates]


async def test_offset_confirmation(api, emu: BotApiEmulator) -> None:
    user = emu.user(1001, "张三")
    for text in ("/start", "one", "two"):
        user.send_text(text)
    updates = await api.ok("getUpdates")
    assert ids(updates) == [1, 2, 3]
    first = updates[0]["message"]
    assert first["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert first["chat"] == {"id": 1001, "type": "private", "first_name": "张三"}
    assert ids(await api.ok("getUpdates")) == [1, 2, 3]  # nothing confirmed yet
    assert ids(await api.ok("getUpdates", offset=2, limit=1)) == [2]
    assert ids(await api.ok("getUpdates")) == [2, 3]  # 1 is gone for good
    assert await api.ok("getUpdates", offset=4) == []
    await emu.wait_idle(0.1)

    for text in ("a", "b", "c"):
        user.send_text(text)
    assert ids(await api.ok("getUpdates", offset=-1)) == [6]  # negative: last N only
    assert ids(await api.ok("getUpdates")) == [6]


async def test_long_poll(api, emu: BotApiEmulator) -> None:
    started = time.monotonic()
    assert await api.ok("getUpdates", timeout=1) == []
    assert 0.9 <= time.monotonic() - started < 3

    user = emu.user(1001, "张三")
    poll = asyncio.create_task(api.ok("getUpdates", timeout=5))
    await asyncio.sleep(0.1)
    started = time.monotonic()
    user.send_text("wake up")
    updates = await poll
    assert time.monotonic() - started < 1
    assert updates[0]["message"]["text"] == "wake up"


async def test_concurrent_get_updates_conflict(api, emu: BotApiEmulator) -> None:
    first = asyncio.create_task(api.call("getUpdates", timeout=3))
    await asyncio.sleep(0.1)
    status, body = await api.call("getUpdates", timeout=0)
    assert status == 200 and body["ok"]
    status, body = await first
    assert status == 409 and body["error_code"] == 409
    assert "terminated by other getUpdates request" in body["description"]


async def test_allowed_updates(api, emu: BotApiEmulator) -> None:
    await api.ok("getUpdates", allowed_updates=["callback_query"])
    user = emu.user(1001, "张三")
    user.send_text("ignored")
    assert await api.ok("getUpdates") == []
    await api.form("getUpdates", allowed_updates=[])  # back to the default set
    user.send_text("seen")
    assert [u["message"]["text"] for u in await api.ok("getUpdates")] == ["seen"]


async def test_webhook_delivery_and_retry(api, emu: BotApiEmulator) -> None:
    received: list[tuple[str | None, dict]] = []
    statuses = iter([500])

    async def receiver(request: web.Request) -> web.Response:
        received.append(
            (request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json())
        )
        return web.Response(status=next(statuses, 200))

    app = web.Application()
    app.router.add_post("/hook", receiver)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    try:
        user = emu.user(1001, "张三")
        user.send_text("before")
        assert await api.ok("setWebhook", url=url, secret_token="s3cr3t", drop_pending_updates=True)
        status, body = await api.call("getUpdates")
        assert status == 409 and "webhook is active" in body["description"]

        user.send_text("first")
        user.send_text("second")
        await emu.wait_idle(3)
        # "before" was dropped; "first" was refused once (500) and retried.
        texts = [update["message"]["text"] for _, update in received]
        assert texts == ["first", "first", "second"]
        assert {secret for secret, _ in received} == {"s3cr3t"}
        info = await api.ok("getWebhookInfo")
        assert info["url"] == url and info["pending_update_count"] == 0
        assert "500" in info["last_error_message"]

        assert await api.ok("deleteWebhook")
        assert (await api.ok("getWebhookInfo"))["url"] == ""
        user.send_text("polled")
        assert [u["message"]["text"] for u in await api.ok("getUpdates")] == ["polled"]
    finally:
        await runner.cleanup()


async def test_webhook_reply_method_is_executed(api, emu: BotApiEmulator) -> None:
    async def receiver(request: web.Request) -> web.Response:
        update = await request.json()
        chat_id = update["message"]["chat"]["id"]
        return web.json_response({"method": "sendMessage", "chat_id": chat_id, "text": "pong"})

    app = web.Application()
    app.router.add_post("/hook", receiver)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        await api.ok("setWebhook", url=f"http://127.0.0.1:{runner.addresses[0][1]}/hook")
        user = emu.user(1001, "张三")
        user.send_text("ping")
        assert (await user.next_message(3)).text == "pong"
    finally:
        await api.ok("deleteWebhook")
        await runner.cleanup()
