"""Telegram's flood limits enforced by the emulator, on both runtimes: a burst of 60
messages to one chat and 300 across 100 chats, sent at once through the runtime's
``Delivery``, all arrive exactly once and in order per chat; any 429 the emulator served
was waited out by the delivery and retried.

The limits are real (about one message a second per chat after a burst of three), so the
60-message burst takes about a minute per runtime; both bursts run concurrently."""

from __future__ import annotations

import asyncio

import pytest

from bot.handlers.events import Outgoing
from sandbox import BotApiEmulator, SimulatedUser

pytestmark = pytest.mark.paced

BURST = 60
CHATS = 100
PER_CHAT = 3


async def started_chats(emulator: BotApiEmulator, first_id: int, count: int) -> list[SimulatedUser]:
    """Users who have written to the bot (a bot cannot start a chat) and got its answer."""
    users = [emulator.user(first_id + i, f"用户{i}") for i in range(count)]
    for user in users:
        user.send_text("/start")
    for user in users:
        await user.next_message(timeout=30)
    return users


def texts(emulator: BotApiEmulator, chat_id: int, prefix: str) -> list[str]:
    return [m.text for m in emulator.sent_messages(chat_id) if m.text.startswith(prefix)]


async def test_bursts_arrive_exactly_once_in_order(
    running_bot,
    emulator: BotApiEmulator,
) -> None:
    [burst_user] = await started_chats(emulator, 70_000, 1)
    users = await started_chats(emulator, 80_000, CHATS)
    delivery = running_bot.delivery
    await asyncio.sleep(0.5)  # let the replies above settle

    emulator.enforce_flood_limits = True
    sent_before, retried_before = delivery.sent, delivery.retried_429
    calls_before = len(emulator.calls_to("sendMessage"))
    burst = [Outgoing(burst_user.id, f"burst {n}") for n in range(BURST)]
    spread = [Outgoing(u.id, f"spread {k}") for k in range(PER_CHAT) for u in users]

    loop = asyncio.get_running_loop()
    started = loop.time()
    await asyncio.wait_for(asyncio.gather(delivery.send_all(burst), delivery.send_all(spread)), 150)
    elapsed = loop.time() - started

    assert texts(emulator, burst_user.id, "burst ") == [m.text for m in burst]
    for user in users:
        assert texts(emulator, user.id, "spread ") == [f"spread {k}" for k in range(PER_CHAT)]

    total = BURST + CHATS * PER_CHAT
    retried = delivery.retried_429 - retried_before
    calls = len(emulator.calls_to("sendMessage")) - calls_before
    assert delivery.sent - sent_before == total
    assert emulator.flood_rejections == retried  # every 429 was seen and waited out
    assert calls == total + retried  # every other call delivered, each message once
    # Delivery paces itself; a 429 is only the odd timing slip, not the mechanism.
    assert retried <= total // 10, f"{retried} flood rejections"
    # One chat sustains about a message a second after a burst of three.
    assert elapsed >= BURST - 3 - 2, elapsed
