"""A misbehaving Bot API, end to end through the inbox, on both frameworks.

- During a burst Telegram answers 5xx (JSON and a proxy's HTML page), drops connections,
  throttles with 429 and fails getUpdates: every reply still arrives, exactly once (a
  failed call was never executed), including replies ``Delivery`` gave up on for a while
  and the reply outbox sent in a later round.
- One chat waiting out a long 429 (or its flood limit) does not hold up the others: they
  are answered at once, and that chat's own replies keep their order.
- After an outage of sendMessage (dropped connections, then 502s for 20 s) replies resume
  within 5 s of Telegram's recovery, with Delivery's limits as shipped: the backoff is
  bounded and one send a second probes (a doubling backoff slept 8-16 s past recovery).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app import build_runtime
from bot.composition import build_storage
from bot.settings import Settings
from sandbox import BotApiEmulator
from services.clock import SystemClock
from storage.tables import ReplyOutbox
from tests.faults.conftest import TOKEN, cadre_users, prepare_database, read_counts, until

SAVED = re.compile(r"本月已写 (\d+)/10")


def saved(user) -> list[int]:
    return [int(m.group(1)) for s in user.inbox if (m := SAVED.search(s.text or ""))]


@contextlib.asynccontextmanager
async def serving(
    framework: str, emulator: BotApiEmulator, tmp_path: Path
) -> AsyncIterator[object]:
    """The runtime in this process (same composition root as ``cadrebot run``), polling,
    with 30 bound cadres."""
    url = f"sqlite:///{tmp_path}/district.db"
    prepare_database(url, 30)
    settings = Settings(
        token=TOKEN, api_url=emulator.base_url, database_url=url, framework=framework
    )
    storage = build_storage(settings)
    runtime = build_runtime(settings, storage, SystemClock(settings.zone))
    task = asyncio.create_task(runtime.run_polling())
    try:
        yield runtime
    finally:
        await runtime.stop()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 10)
        storage.engine.dispose()


@pytest.fixture
async def bot(framework: str, emulator: BotApiEmulator, tmp_path: Path) -> AsyncIterator[object]:
    """``serving``, with ``Delivery`` giving up after 2 tries so the outbox's later rounds
    (0.3 s apart) are exercised."""
    async with serving(framework, emulator, tmp_path) as runtime:
        runtime.delivery.limits = replace(
            runtime.delivery.limits, max_attempts=2, first_backoff=0.1
        )
        runtime.inbox.settings = replace(runtime.inbox.settings, reply_retry=timedelta(seconds=0.3))
        yield runtime


async def test_a_flaky_bot_api_during_a_burst_loses_and_repeats_nothing(
    bot,
    emulator: BotApiEmulator,
    tmp_path: Path,
) -> None:
    users = cadre_users(emulator, 20)
    faults = emulator.faults
    faults.fail_next(3, status=502, html=True, method="getUpdates")
    faults.fail_next(25, status=502, html=True, method="sendMessage")
    faults.drop_next(15, method="sendMessage")
    faults.fail_next(10, status=500, method="sendMessage")
    faults.throttle_next(5, retry_after=1, method="sendMessage")
    for k in range(3):
        for user in users:
            user.send_text(f"/diary u{user.id}-n{k}")

    await until(lambda: all(len(saved(u)) >= 3 for u in users), 60, "every reply")
    await bot.idle(15)
    await asyncio.gather(*(u.wait_until_quiet(0.2) for u in users))

    assert faults.armed == 0  # every fault was served
    for user in users:
        assert Counter(saved(user)) == Counter([1, 2, 3]), user.transcript()  # once each
    counts = read_counts(f"sqlite:///{tmp_path}/district.db")
    expected = {f"u{u.id}-n{k}" for u in users for k in range(3)}
    assert {t: counts.diaries.get(t, 0) for t in expected} == dict.fromkeys(expected, 1)
    assert counts.unhandled == 0 and counts.unsent == 0
    with bot.inbox.uow_factory() as uow:
        rounds = uow.session.execute(select(func.max(ReplyOutbox.attempts))).scalar_one()
    assert rounds >= 2, "no reply needed the outbox's later round"
    assert bot.delivery.retried_429 >= 1


async def test_a_chat_waiting_out_a_429_does_not_hold_up_the_others(
    bot,
    emulator: BotApiEmulator,
) -> None:
    slow, *others = cadre_users(emulator, 6)
    emulator.faults.throttle_next(1, retry_after=4, method="sendMessage")
    slow.send_text("/diary 第一篇")
    await until(lambda: emulator.faults.armed == 0, 10, "the 429")
    slow.send_text("/diary 第二篇")  # queued behind the first reply: order is kept
    loop = asyncio.get_running_loop()
    started = loop.time()
    for user in others:
        user.send_text("/status")
    await asyncio.gather(*(user.next_message(timeout=3) for user in others))
    others_done = loop.time() - started
    assert others_done < 2.0, f"the other chats waited {others_done:.1f}s"
    assert saved(slow) == []  # still waiting out its 429
    await until(lambda: len(saved(slow)) == 2, 15, "the slow chat's replies")
    assert saved(slow) == [1, 2]
    assert loop.time() - started >= 3.0


async def test_replies_resume_within_5_s_of_the_bot_api_recovering(
    framework: str, emulator: BotApiEmulator, tmp_path: Path
) -> None:
    users = cadre_users(emulator, 10)
    async with serving(framework, emulator, tmp_path) as runtime:
        faults = emulator.faults
        faults.drop_next(3, method="sendMessage")
        faults.fail_next(1_000_000, status=502, html=True, method="sendMessage")
        for user in users:
            user.send_text(f"/diary 停电前{user.id}")
        await until(lambda: len(faults.injected) >= 10, 30, "replies to fail")
        await asyncio.sleep(20)  # long enough for a doubling backoff to reach 16 s
        assert all(saved(u) == [] for u in users)
        failed_calls = len(faults.injected)
        faults.clear()  # Telegram is back
        loop = asyncio.get_running_loop()
        recovered = loop.time()
        await until(lambda: any(saved(u) for u in users), 15, "the first reply")
        first_reply = loop.time() - recovered
        await until(lambda: all(saved(u) for u in users), 60, "every reply")
        await runtime.idle(15)
    assert first_reply < 5.0, f"the first reply came {first_reply:.1f}s after recovery"
    for user in users:
        assert saved(user) == [1], user.transcript()  # once each
    # The probe: about one failed call a second over the 20 s, not ten sends each retrying
    # (a doubling backoff: about six calls each).
    assert failed_calls < 13 + 30 + 5, failed_calls
