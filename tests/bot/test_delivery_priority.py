"""Delivery's overall limit serves replies first: with the bucket full, a reply asked for
after a queue of reminders still gets the next slot, and the reminders get every slot no
reply wants. Order is asserted, not timing."""

from __future__ import annotations

import asyncio

from bot.runtime.delivery import PriorityLimiter


async def test_a_reply_takes_the_next_slot_before_waiting_reminders() -> None:
    limiter = PriorityLimiter(20, 1.0)  # a burst of 20, then one every 50 ms
    for _ in range(20):
        await limiter.acquire(reply=False)  # a push has used the burst
    order: list[str] = []

    async def take(name: str, *, reply: bool) -> None:
        await limiter.acquire(reply=reply)
        order.append(name)

    reminders = [asyncio.create_task(take(f"reminder {i}", reply=False)) for i in range(5)]
    await asyncio.sleep(0)  # the reminders are waiting
    replies = [asyncio.create_task(take(f"reply {i}", reply=True)) for i in range(2)]
    await asyncio.wait_for(asyncio.gather(*reminders, *replies), 30)
    assert sorted(order[:2]) == ["reply 0", "reply 1"]  # one chat's order is the inbox's job
    assert sorted(order[2:]) == [f"reminder {i}" for i in range(5)]


async def test_reminders_get_the_burst_at_once_when_no_reply_waits() -> None:
    limiter = PriorityLimiter(10, 1.0)
    loop = asyncio.get_running_loop()
    started = loop.time()
    for _ in range(10):  # the burst goes at once
        await limiter.acquire(reply=False)
    assert loop.time() - started < 1.0
