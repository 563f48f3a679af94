"""PostgreSQL goes away under the running bot (``python -m bot run``) and comes back.

The test runs its own throwaway cluster so it can stop it: ``immediate`` mode, in the
middle of a burst, so transactions are cut off halfway. While the database is down:

- updates that arrive are not confirmed to the Bot API (they cannot be stored), so
  Telegram keeps them;
- the process stays up (no crash, no restart loop) and keeps retrying;

and once it is back, every message is handled exactly once, everyone gets their replies,
a dialog in progress goes on, and nothing half-written remains.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from pathlib import Path

import pytest

from sandbox import BotApiEmulator
from tests.faults.conftest import (
    BotProcess,
    PgCluster,
    bot_env,
    cadre_users,
    prepare_database,
    read_counts,
    until,
    until_polling,
)

pytestmark = pytest.mark.postgres

USERS = 10
SAVED = re.compile(r"本月已写 (\d+)/10")


def saved(user) -> list[int]:
    return [int(m.group(1)) for s in user.inbox if (m := SAVED.search(s.text or ""))]


async def test_the_database_going_away_delays_but_loses_nothing(
    emulator: BotApiEmulator, pg_cluster: PgCluster, framework: str, tmp_path: Path
) -> None:
    url = pg_cluster.url
    prepare_database(url, USERS + 1)
    users = cadre_users(emulator, USERS + 1)
    writer, crowd = users[-1], users[:-1]
    bot = BotProcess(bot_env(emulator, url, framework), tmp_path / "bot.log")
    bot.start()
    try:
        await until_polling(emulator, bot)
        writer.send_text("/diary")
        assert "日记内容" in (await writer.next_message(timeout=15)).text
        pid = bot.proc.pid

        # A burst, and the database killed while it is being handled.
        for user in crowd:
            for k in range(3):
                user.send_text(f"/diary u{user.id}-n{k}")
        await until(lambda: sum(len(saved(u)) for u in crowd) >= 5, 20, "the first replies")
        await asyncio.to_thread(pg_cluster.stop, "immediate")

        # While it is down: more messages; they stay unconfirmed; the bot stays up.
        for user in crowd:
            user.send_text(f"/diary u{user.id}-down")
        writer.send_text("停电期间写的日记")
        await asyncio.sleep(3)
        assert bot.alive and bot.proc.pid == pid, bot.output()[-3000:]
        assert len(emulator.state.pending) >= USERS + 1  # not confirmed: not stored

        await asyncio.to_thread(pg_cluster.start)
        await until(
            lambda: all(len(saved(u)) >= 4 for u in crowd) and saved(writer),
            60,
            "every reply once the database is back",
        )
        await emulator.wait_idle(10)
        await until(lambda: read_counts(url).unsent == 0, 20, "the outbox to drain")
        await asyncio.gather(*(u.wait_until_quiet(0.2) for u in users))
        assert bot.alive and bot.proc.pid == pid
    finally:
        bot.stop()

    counts = read_counts(url)
    expected = {f"u{u.id}-n{k}" for u in crowd for k in range(3)} | {f"u{u.id}-down" for u in crowd}
    assert {t: counts.diaries.get(t, 0) for t in expected} == dict.fromkeys(expected, 1)
    assert counts.diaries.get("停电期间写的日记") == 1  # the dialog went on
    assert counts.unhandled == 0 and counts.unsent == 0
    assert sum(counts.diaries.values()) == len(expected) + 1  # nothing half-written or extra
    for user in crowd:
        # Exactly once: a "sent" mark the database could not take is retried until it
        # can, so the outage makes no reply go out twice.
        assert Counter(saved(user)) == Counter([1, 2, 3, 4]), user.transcript()
    assert "Traceback" not in bot.output()
