"""A restart on SQLite with a backlog the dead run left: several updates per chat stored
but not handled, some still claimed by the dead run. Each chat's next update must be
taken as soon as the one before it is done, not when the claimer's idle look comes round
(here set to two minutes, so a wake-up missed shows as a stall).

This is the state a SIGKILL in the middle of a burst leaves behind; the restarted process
knows only what it stored itself unless it counts what it found.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app import build_runtime
from bot.composition import build_storage
from bot.settings import Settings
from sandbox import BotApiEmulator
from services.clock import SystemClock
from storage.inbox import NewUpdate
from tests.faults.conftest import TOKEN, cadre_users, prepare_database, read_counts, until

SAVED = re.compile(r"本月已写 (\d+)/10")
USERS = 8
PER_USER = 4


def saved(user) -> list[int]:
    return [int(m.group(1)) for s in user.inbox if (m := SAVED.search(s.text or ""))]


async def test_a_backlog_left_by_a_dead_run_is_worked_through_without_waiting(
    framework: str, emulator: BotApiEmulator, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path}/district.db"
    prepare_database(url, USERS)
    users = cadre_users(emulator, USERS)
    for k in range(PER_USER):
        for user in users:
            user.send_text(f"/diary u{user.id}-n{k}")
    settings = Settings(
        token=TOKEN, api_url=emulator.base_url, database_url=url, framework=framework
    )
    storage = build_storage(settings)

    # The dead run: it stored every update, confirmed them to Telegram, claimed a few.
    raw = [update.to_json() for update in emulator.state.pending]
    now = datetime.now(UTC)
    with storage.uow() as uow:
        chat = {u.id: u.id for u in users}
        batch = [NewUpdate(p["update_id"], chat[p["message"]["chat"]["id"]], p) for p in raw]
        assert len(uow.inbox.store(batch, now)) == USERS * PER_USER
        assert len(uow.inbox.claim("dead-run", now, now + timedelta(hours=1), 3)) == 3
        uow.commit()
    emulator.state.confirm_below(max(p["update_id"] for p in raw) + 1)

    runtime = build_runtime(settings, storage, SystemClock(settings.zone))
    runtime.inbox.settings = replace(runtime.inbox.settings, idle_poll=120.0)
    task = asyncio.create_task(runtime.run_polling())
    try:
        await until(
            lambda: all(len(saved(u)) >= PER_USER for u in users), 20, "the backlog's replies"
        )
        await runtime.idle(10)
    finally:
        await runtime.stop()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 10)
        storage.engine.dispose()

    for user in users:
        assert Counter(saved(user)) == Counter(range(1, PER_USER + 1)), user.transcript()
    counts = read_counts(url)
    expected = {f"u{u.id}-n{k}" for u in users for k in range(PER_USER)}
    assert {t: counts.diaries.get(t, 0) for t in expected} == dict.fromkeys(expected, 1)
    assert counts.unhandled == 0 and counts.unsent == 0
