"""Replies first: while a push of reminders fills Telegram's 30 messages a second, a
person's reply takes the next slot instead of queueing behind the backlog, on both
runtimes, with the emulator enforcing the flood limits. The push still drains at the cap,
every message arrives exactly once, and nothing is answered 429."""

from __future__ import annotations

import asyncio

import pytest

from bot.handlers.events import Outgoing
from sandbox import BotApiEmulator
from tests.e2e.test_flood import started_chats, texts

pytestmark = pytest.mark.paced

CHATS = 100
PER_CHAT = 3  # the per-chat burst: the push is held back only by the overall limit
REPLIES = 8


async def test_a_reply_during_a_push_does_not_wait_behind_it(
    running_bot,
    emulator: BotApiEmulator,
) -> None:
    reminded = await started_chats(emulator, 60_000, CHATS)
    answered = await started_chats(emulator, 61_000, REPLIES)
    delivery = running_bot.delivery
    await asyncio.sleep(1.5)  # the answers above are out and the limiter has refilled
    emulator.enforce_flood_limits = True
    loop = asyncio.get_running_loop()

    async def remind(chat_id: int) -> list[int | None]:  # one chat's in order, as dispatched
        return [
            await delivery.send_reminder(Outgoing(chat_id, f"提醒 {k}")) for k in range(PER_CHAT)
        ]

    started = loop.time()
    pushing = asyncio.gather(*(remind(u.id) for u in reminded))

    waits: list[float] = []
    for user in answered:
        await asyncio.sleep(0.5)  # the backlog is several seconds deep by now
        asked = loop.time()
        assert await delivery.send(Outgoing(user.id, "回复")) is not None
        waits.append(loop.time() - asked)
    sent = [message_id for chat in await asyncio.wait_for(pushing, 60) for message_id in chat]
    assert len(sent) == CHATS * PER_CHAT and None not in sent
    elapsed = loop.time() - started

    # Behind the backlog a reply would have waited for the rest of the push (seconds);
    # ahead of it, for one slot. The bound is generous for a loaded machine.
    assert elapsed >= (len(sent) - 30) / 30 - 1, elapsed  # the push really was paced
    assert max(waits) < 2.0, waits
    for user in reminded:
        assert texts(emulator, user.id, "提醒 ") == [f"提醒 {k}" for k in range(PER_CHAT)]
    for user in answered:
        assert texts(emulator, user.id, "回复") == ["回复"]
    assert emulator.flood_rejections == 0
