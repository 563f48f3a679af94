"""Webhook mode on both runtimes: the emulator POSTs updates to the bot's own HTTP endpoint
(as Telegram does after ``setWebhook``) and the bot answers through the Bot API as usual.

Each runtime's ``run_webhook`` listens on a free loopback port; an onboarding and a check-in
walk through it, and every update ends up confirmed (answered 2xx)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.app import build_runtime
from bot.composition import Storage
from bot.settings import Settings
from sandbox import BotApiEmulator
from services.clock import FixedClock
from tests.e2e.conftest import District

INSIDE = (33.8702, 109.9405)  # ~50 m from 东店子村's centre
SECRET = "e2e-webhook-secret"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
async def webhook_bot(
    framework: str,
    settings: Settings,
    storage: Storage,
    emulator: BotApiEmulator,
    clock: FixedClock,
) -> AsyncIterator[object]:
    """The bot in webhook mode; yields once the emulator knows the webhook URL."""
    live = settings.model_copy(update={"api_url": emulator.base_url, "framework": framework})
    runtime = build_runtime(live, storage, clock)
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/webhook"
    task = asyncio.create_task(runtime.run_webhook(url, "127.0.0.1", port, SECRET))
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    while emulator.webhook.url != url:
        assert not task.done(), task.exception()
        assert loop.time() < deadline, "the runtime never called setWebhook"
        await asyncio.sleep(0.02)
    yield runtime
    # Stop the emulator's delivery first: on Python 3.11 BotApiEmulator.stop() can hang with
    # a webhook still set (its delivery task swallows the cancellation; see the report).
    await emulator.execute("deleteWebhook", {})
    task.cancel()  # aiogram's run_webhook runs until cancelled
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.wait_for(task, 10)
    await runtime.stop()


async def test_onboarding_and_checkin_over_the_webhook(
    webhook_bot: object, emulator: BotApiEmulator, storage: Storage, clock: FixedClock
) -> None:
    district = District(emulator, storage, clock)
    assert emulator.webhook.secret_token == SECRET
    cadre = await district.onboard("cadre")
    cadre.send_text("/checkin")
    ask = await cadre.next_message()
    assert ask.reply_markup["keyboard"][0][0]["request_location"] is True
    cadre.send_location(*INSIDE)
    done = await cadre.next_message()
    assert "签到成功" in done.text and "东店子村" in done.text
    await emulator.wait_idle(5)
    assert emulator.calls_to("getUpdates") == []  # nothing went through polling
    assert emulator.webhook.last_error_message is None
    with storage.uow() as uow:
        [row] = uow.checkins.all_rows()
        assert row.on_site is True


async def test_a_wrong_secret_is_refused(webhook_bot: object, emulator: BotApiEmulator) -> None:
    """Only Telegram (which knows the secret) may feed the webhook."""
    url = emulator.webhook.url
    session = emulator.http_session()
    async with session.post(url, json={"update_id": 1}) as response:
        assert response.status in (401, 403)


async def test_updates_posted_at_once_are_stored_together_and_each_answered(
    webhook_bot: object, emulator: BotApiEmulator
) -> None:
    """Telegram posts up to ``max_connections`` (40) updates at once; the emulator posts one
    at a time, so here they are posted by hand, all at once, over real HTTP. Each post is
    answered 200 once its update is stored, in far fewer transactions than posts, and
    every sender gets the bot's answer."""
    await emulator.webhook.stop()  # pause its own delivery; the webhook stays set
    users = [emulator.user(80_000 + i, f"访客{i}") for i in range(40)]
    for user in users:
        user.send_text("/start")
    payloads = [update.to_json() for update in emulator.state.pending]
    emulator.state.drop_pending()
    url = emulator.webhook.url
    async with aiohttp.ClientSession() as http:

        async def post(payload: dict) -> int:
            headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            async with http.post(url, json=payload, headers=headers) as response:
                return response.status

        statuses = await asyncio.gather(*(post(p) for p in payloads))
    assert statuses == [200] * len(payloads)
    batches = webhook_bot.inbox._posted.batches  # type: ignore[attr-defined]
    assert batches < len(payloads) // 2, f"{batches} transactions for {len(payloads)} posts"
    replies = await asyncio.gather(*(user.next_message(timeout=15) for user in users))
    assert all("手机号" in r.text or "绑定" in r.text for r in replies), replies[0].text
