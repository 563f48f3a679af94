"""Two ``cadrebot run --webhook`` workers on one PostgreSQL database, as a province runs
them behind a reverse proxy. The emulator posts every update to one URL, so a tiny
round-robin proxy in the test plays nginx and alternates between the two workers.

Each update is stored by the worker it reached and handled by whichever worker claims it
first: every update is handled exactly once, both workers take part, and a dialog whose
steps reach alternate workers goes on without losing a step.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, select, text

from sandbox import BotApiEmulator
from sandbox.proxy import RoundRobin, round_robin
from storage.tables import DiaryEntry, InboxUpdate
from tests.faults.conftest import (
    BotProcess,
    bot_env,
    cadre_users,
    prepare_database,
    read_counts,
    until,
)

pytestmark = pytest.mark.postgres

USERS = 10
SECRET = "faults-webhook-secret"
SAVED = re.compile(r"本月已写 (\d+)/10")


def saved(user) -> list[int]:
    return [int(m.group(1)) for s in user.inbox if (m := SAVED.search(s.text or ""))]


@pytest.fixture
def pg_url(pg_admin_engine: Engine) -> Iterator[str]:
    """A fresh database on the suite's PostgreSQL server (``CADREBOT_TEST_PG_URL``)."""
    name = f"faults_{uuid.uuid4().hex}"
    with pg_admin_engine.connect() as conn:
        conn.execute(text(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'"))
    try:
        yield pg_admin_engine.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with pg_admin_engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
async def proxy() -> AsyncIterator[tuple[str, RoundRobin]]:
    async with round_robin(2) as (hook, balancer):
        yield hook, balancer


def handled_by(url: str, update_ids: list[int]) -> dict[int, str | None]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(InboxUpdate.update_id, InboxUpdate.handled_by).where(
                    InboxUpdate.update_id.in_(update_ids)
                )
            ).all()
            return dict(rows)
    finally:
        engine.dispose()


def diary_photos(url: str, entry_text: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            [photos] = conn.execute(
                select(DiaryEntry.photo_file_ids).where(DiaryEntry.text == entry_text)
            ).one()
            return len(photos)
    finally:
        engine.dispose()


async def test_two_webhook_workers_handle_each_update_once(
    emulator: BotApiEmulator,
    pg_url: str,
    proxy: tuple[str, RoundRobin],
    framework: str,
    tmp_path: Path,
) -> None:
    hook, balancer = proxy
    prepare_database(pg_url, USERS + 1)
    users = cadre_users(emulator, USERS + 1)
    writer, crowd = users[-1], users[:-1]
    env = bot_env(emulator, pg_url, framework, CADREBOT_WEBHOOK_SECRET=SECRET)
    workers = [
        BotProcess(
            env, tmp_path / f"worker{i}.log", ["--webhook", hook, "--listen", f"127.0.0.1:{port}"]
        )
        for i, port in enumerate(balancer.ports)
    ]
    for worker in workers:
        worker.start()
    try:

        def both_ready() -> bool:
            for worker in workers:
                assert worker.alive, worker.output()[-3000:]
            return len(emulator.calls_to("setWebhook")) >= 2

        await until(both_ready, 30, "both workers to set the webhook")
        assert emulator.webhook.secret_token == SECRET

        # A guided diary: its steps reach alternate workers.
        writer.send_text("/diary")
        assert "日记内容" in (await writer.next_message(timeout=10)).text
        writer.send_text("两个进程之间的日记")
        saved_message = await writer.next_message(timeout=10)
        writer.send_photo()
        await writer.next_message(timeout=10)
        writer.press(saved_message, "✅ 完成")

        for k in range(3):
            for user in crowd:
                user.send_text(f"/diary u{user.id}-n{k}")
        await until(lambda: all(len(saved(u)) >= 3 for u in crowd), 30, "every reply")
        await emulator.wait_idle(10)
        await until(lambda: read_counts(pg_url).unsent == 0, 10, "the outbox to drain")
        await asyncio.gather(*(u.wait_until_quiet(0.2) for u in users))
    finally:
        await emulator.execute("deleteWebhook", {})
        for worker in workers:
            worker.stop()

    counts = read_counts(pg_url)
    expected = {f"u{u.id}-n{k}" for u in crowd for k in range(3)}
    assert {t: counts.diaries.get(t, 0) for t in expected} == dict.fromkeys(expected, 1)
    assert counts.diaries.get("两个进程之间的日记") == 1
    assert diary_photos(pg_url, "两个进程之间的日记") == 1
    assert counts.unhandled == 0 and counts.unsent == 0
    for user in crowd:
        assert Counter(saved(user)) == Counter([1, 2, 3]), user.transcript()  # once each
    assert len(counts.handled_by) == 2, counts.handled_by  # both workers handled updates
    assert sum(counts.handled_by.values()) == len(balancer.routed)  # each once
    assert set(balancer.routed.values()) == {0, 1}
    writer_updates = [u for u, _ in sorted(balancer.routed.items())][:4]
    assert {balancer.routed[u] for u in writer_updates} == {0, 1}  # the dialog moved
    assert all(handled_by(pg_url, writer_updates).values())
    for worker in workers:
        assert "Traceback" not in worker.output()
