"""Fixtures and helpers of the fault tests: the real bot as a subprocess (``python -m bot
run``) against the in-test Bot API emulator, a database prepared like a district's
(migrated, the sample district, extra cadres already bound to Telegram), and a private
PostgreSQL cluster a test may stop and start.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, func, select, text

from domain.roles import Role
from sandbox import BotApiEmulator, SimulatedUser
from services.sample_district import seed_sample_district
from storage.engine import make_engine, session_factory
from storage.migrations import upgrade
from storage.tables import Assignment, DiaryEntry, InboxUpdate, Person, ReplyOutbox
from storage.unit_of_work import UnitOfWork

TOKEN = "515151:FAULTS-very-secret-TOKEN"
ROOT = Path(__file__).resolve().parents[2]
FIRST_CADRE_ID = 90_000  # Telegram user ids of the extra cadres


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def cadre_phone(index: int) -> str:
    return f"+86137{index:08d}"


def prepare_database(url: str, cadres: int) -> None:
    """Migrate, seed the sample district and add ``cadres`` first secretaries posted to its
    first village and already bound to Telegram users ``FIRST_CADRE_ID + i``."""
    engine = make_engine(url)
    try:
        upgrade(engine)
        sessions = session_factory(engine)
        with UnitOfWork(sessions) as uow:
            people = seed_sample_district(uow, posted_from=date.today() - timedelta(days=60))
            cadre = people["cadre"]
            template = uow.assignments.latest(cadre.id)
            assert template is not None
            for i in range(cadres):
                person = uow.people.add(
                    Person(
                        name=f"干部{i:02d}",
                        phone=cadre_phone(i),
                        role=Role.FIRST_SECRETARY,
                        telegram_user_id=FIRST_CADRE_ID + i,
                        township_id=cadre.township_id,
                        village_id=cadre.village_id,
                        unit_id=cadre.unit_id,
                        language="zh",
                    )
                )
                uow.assignments.add(
                    Assignment(
                        person_id=person.id,
                        village_id=template.village_id,
                        unit_id=template.unit_id,
                        start=template.start,
                    )
                )
            uow.commit()
    finally:
        engine.dispose()


def cadre_users(emulator: BotApiEmulator, count: int) -> list[SimulatedUser]:
    return [
        emulator.user(FIRST_CADRE_ID + i, f"干部{i:02d}", language_code="zh") for i in range(count)
    ]


@dataclass
class Counts:
    """What the database holds after a run."""

    diaries: dict[str, int]
    unhandled: int
    unsent: int
    handled_by: dict[str, int] = field(default_factory=dict)


def read_counts(url: str) -> Counts:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            diaries = dict(
                conn.execute(select(DiaryEntry.text, func.count()).group_by(DiaryEntry.text)).all()
            )
            unhandled = conn.execute(
                select(func.count())
                .select_from(InboxUpdate)
                .where(InboxUpdate.handled_at.is_(None))
            ).scalar_one()
            unsent = conn.execute(
                select(func.count())
                .select_from(ReplyOutbox)
                .where(ReplyOutbox.sent_at.is_(None), ReplyOutbox.failed.is_(None))
            ).scalar_one()
            handled_by = dict(
                conn.execute(
                    select(InboxUpdate.handled_by, func.count())
                    .where(InboxUpdate.outcome == "handled")
                    .group_by(InboxUpdate.handled_by)
                ).all()
            )
    finally:
        engine.dispose()
    return Counts(diaries, unhandled, unsent, handled_by)


@dataclass
class BotProcess:
    """``python -m bot run`` in a subprocess, its output in ``log``."""

    env: dict[str, str]
    log: Path
    args: list[str] = field(default_factory=list)
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        assert self.proc is None or self.proc.poll() is not None
        out = self.log.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", *self.args],
            env=self.env,
            cwd=self.log.parent,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        out.close()

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, exactly like a crash or an OOM kill."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def bot_env(emulator: BotApiEmulator, url: str, framework: str, **extra: str) -> dict[str, str]:
    """A clean environment: no CADREBOT_* from the caller's shell leaks in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CADREBOT_")}
    env.update(
        {
            "CADREBOT_TOKEN": TOKEN,
            "CADREBOT_API_URL": emulator.base_url,
            "CADREBOT_DATABASE_URL": url,
            "CADREBOT_FRAMEWORK": framework,
            "CADREBOT_SCHEDULER_IN_RUN": "false",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra)
    return env


async def until(predicate, timeout: float, what: str, step: float = 0.02) -> None:
    """Wait until ``predicate()`` is true, or fail saying ``what`` did not happen."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(step)


async def until_polling(emulator: BotApiEmulator, bot: BotProcess, timeout: float = 20) -> None:
    """Wait until the (re)started process has called getUpdates."""
    before = len(emulator.calls_to("getUpdates"))

    def polling() -> bool:
        assert bot.alive, f"the bot exited:\n{bot.output()[-3000:]}"
        return len(emulator.calls_to("getUpdates")) > before

    await until(polling, timeout, "the bot to poll")


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(TOKEN) as emu:
        yield emu


@pytest.fixture(params=["aiogram", "ptb"])
def framework(request: pytest.FixtureRequest) -> str:
    return request.param


# -- a private PostgreSQL cluster ---------------------------------------------------------


def _pg_bin() -> Path | None:
    found = None
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin")):
        if all((candidate / name).exists() for name in ("initdb", "pg_ctl", "postgres")):
            found = candidate
    return found


@dataclass
class PgCluster:
    """A throwaway PostgreSQL cluster on loopback that the test can stop and start (the
    one ``scripts/test.sh`` starts is shared by every test and must stay up)."""

    bin: Path
    home: Path
    port: int

    @property
    def data(self) -> Path:
        return self.home / "data"

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/cadrebot"

    def _run(self, *args: str) -> None:
        command = [str(a) for a in args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, cwd=self.home, check=True, capture_output=True, timeout=60)

    def init(self) -> None:
        self._run(
            self.bin / "initdb",
            "-D",
            self.data,
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--auth=trust",  # loopback only, thrown away after the test
        )

    def start(self) -> None:
        # fsync off is safe here (the machine does not crash, only the server process),
        # but a commit must be in the WAL before it is acknowledged, as in production:
        # synchronous_commit stays on, or an immediate stop would lose acknowledged work.
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.home} -c fsync=off "
            "-c full_page_writes=off"
        )
        self._run(
            self.bin / "pg_ctl", "-D", self.data, "-l", self.home / "server.log", "-w", "-o",
            options, "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run(self.bin / "pg_ctl", "-D", self.data, "-m", mode, "-w", "stop")

    def create_database(self) -> None:
        admin = create_engine(
            f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres",
            isolation_level="AUTOCOMMIT",
        )
        try:
            with admin.connect() as conn:
                conn.execute(text("CREATE DATABASE cadrebot TEMPLATE template0 ENCODING 'UTF8'"))
        finally:
            admin.dispose()


@pytest.fixture
def pg_cluster() -> Iterator[PgCluster]:
    """A private cluster (a failure without PostgreSQL's server binaries)."""
    pg_bin = _pg_bin()
    if pg_bin is None:
        reason = "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin"
        pytest.fail(f"{reason}: run the suite with scripts/test.sh", pytrace=False)
    home = Path(tempfile.mkdtemp(prefix="cadrebot-faults-pg."))
    if os.geteuid() == 0:
        shutil.chown(home, "postgres")
    home.chmod(0o700)
    cluster = PgCluster(pg_bin, home, free_port())
    cluster.init()
    cluster.start()
    try:
        cluster.create_database()
        yield cluster
    finally:
        with contextlib.suppress(Exception):
            cluster.stop("immediate")
        shutil.rmtree(home, ignore_errors=True)


def engine_for(url: str) -> Engine:
    return make_engine(url)
