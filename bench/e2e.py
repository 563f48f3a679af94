"""End-to-end benchmark of the bot against the loopback Bot API emulator (not a test).

Why: the tests show the bot does the right thing; this shows how much load one bot process
carries, what each update costs, and how far that is from the most a bare bot on the same
framework can do. The bot runs as ``cadrebot run`` (``python -m bot run``) in a subprocess,
so its CPU time is measured apart from the emulator and the load driver in this process;
the emulator is the one the e2e tests and the demo use (``sandbox.BotApiEmulator``).

The district is the sample one (``services.sample_district``) plus ``--cadres`` generated
cadres (two per village, each bound to a simulated Telegram user), bulk-loaded as
bench/sweeps.py does. Simulated cadres send check-ins (a location inside
their village's geofence; one answer: the day counted with the work-record prompt) and
one-line diaries (``/diary text``; one answer), round-robin over the cadres, in three
shapes:

- saturation: a burst of ``--burst`` updates queued at once; throughput is updates over
  the time from the first update queued to the last reply received;
- paced: ``--rate`` updates a second for ``--seconds`` seconds; latency from the update
  being queued in the emulator to the bot's first (and last) reply reaching it;
- light: ``--light`` updates from one cadre, each sent once the previous reply arrived
  (what one person feels on a quiet bot: a missed wake-up shows as a 0.5 s reply).

Each runtime (aiogram, PTB) on SQLite, and on PostgreSQL when ``CADREBOT_BENCH_PG_URL``
is set (a throwaway database: its ``public`` schema is dropped; ``bash bench/run.sh``
starts one), then bare echo bots (bench/echo.py) in the same two shapes.

Delivery's send limits: every reply goes through ``Delivery``, which keeps Telegram's
limits (30 messages/s overall; per chat a burst of 3, then one a second). The overall one
caps any bot at 30 replies/s, about 20 of our updates/s, so the shapes above are run with
the limiters replaced by no-ops (``--serve-bot-unlimited``: ``python -m bot run`` with
that one patch) to measure the bot's own capacity; a short burst with the limits as
shipped (``python -m bot run`` unchanged) shows the cap. The load is spread so that a
cadre's next update comes ``--cadres`` updates after the previous one, seconds apart at
these rates, so the per-chat limit is not what is measured even where it is on.

    .venv/bin/python bench/e2e.py                  # SQLite; about 4 minutes
    bash bench/run.sh e2e.py                       # and PostgreSQL (throwaway cluster)
    .venv/bin/python bench/e2e.py --quick          # a smoke run, about a minute
    .venv/bin/python bench/e2e.py --profile DIR    # py-spy on the bot during each shape
    .venv/bin/python bench/e2e.py --sql-stats      # the bot's SQL per update

Targets (issue 14, with bench/push.py's): paced 100 updates/s with p99 < 250 ms; at light
load the first reply's p99 under 50 ms on SQLite; start-up under 2 s on both runtimes; CPU
per update no more than 10 % above the figures in bench/README.md. (The echo bots stay as
a yardstick; the old target of half the echo bot's throughput is retired, see there.)
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import os
import platform
import re
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import psutil
from sqlalchemy import Engine, text
from sweeps import Loader, reset_pg

from sandbox import BotApiEmulator
from services.sample_district import seed_sample_district
from storage.engine import make_engine, session_factory
from storage.migrations import upgrade
from storage.unit_of_work import UnitOfWork

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
TOKEN = "777000:BENCH-TOKEN"
ZONE = ZoneInfo("Asia/Shanghai")
FIRST_USER_ID = 7_000_000  # simulated cadres' Telegram ids: FIRST_USER_ID + n
FRAMEWORKS = ("aiogram", "ptb")
#: Replies the bot sends per kind of update (a check-in: one, the day counted with the
#: work-record prompt).
OUR_REPLIES = {"location": 1, "diary": 1}
ECHO_REPLIES = {"location": 1, "diary": 1}
T = TypeVar("T")


# -- the machine -----------------------------------------------------------------------------


def load_average() -> str:
    """The 1-minute load average: other engineers' test runs share these CPUs."""
    return f"{os.getloadavg()[0]:.2f}"


def git_commit() -> str:
    """The commit benchmarked (read-only ``git rev-parse``); local edits are not in it."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def machine_lines() -> list[str]:
    """What the figures depend on, printed above every table."""
    model = "unknown CPU"
    with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = psutil.virtual_memory().total / 2**30
    return [
        f"- date: {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; commit {git_commit()} "
        "(plus uncommitted edits in the work tree, if any)",
        f"- machine: {os.cpu_count()} CPUs ({model}), {memory:.0f} GiB RAM, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}",
        f"- load average at start: {' / '.join(f'{x:.2f}' for x in os.getloadavg())} "
        "(1/5/15 min; each row has the 1-minute value at its end)",
    ]


def noisy(
    rows_load: list[str],
    effect: str = "throughput is pessimistic and latencies have outliers",
) -> str | None:
    """A warning when the machine was busy: the CPUs are shared with other test runs."""
    worst = max((float(x) for x in rows_load), default=0.0)
    if worst >= 1.0:
        return (
            f"**Noisy:** the 1-minute load average reached {worst:.2f} on {os.cpu_count()} "
            "CPUs during these runs (other engineers' test suites); the bot, the emulator and "
            f"those runs competed for the CPUs, so {effect}."
        )
    return None


# -- the district ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Cadre:
    """A generated cadre: their Telegram id and a point inside their village's geofence."""

    user_id: int
    lat: float
    lon: float


def _max_id(engine: Engine, table: str) -> int:
    """The highest id so far: generated rows follow the sample district's."""
    with engine.connect() as conn:
        return int(conn.scalar(text(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')) or 0)


def add_cadres(engine: Engine, count: int) -> list[Cadre]:
    """Bulk-insert ``count`` cadres with their postings (two cadres per village, 20 villages
    per township, 100 cadres per dispatching unit), each bound to a Telegram id.

    Bulk, not through the ORM, because the memory bench loads 100,000 of them."""
    if count <= 0:
        return []
    base = {t: _max_id(engine, t) for t in ("township", "village", "unit", "person", "assignment")}
    villages = max(1, count // 2)
    townships = max(1, villages // 20)
    units = max(1, count // 100)
    # On a grid 0.01° apart (about 1 km), valid coordinates even for 100,000 cadres.
    grid = [(30.0 + (v // 1000) * 0.01, 100.0 + (v % 1000) * 0.01) for v in range(villages)]
    started = datetime.now(ZONE).date() - timedelta(days=365)
    loader = Loader(engine)
    try:
        loader.rows(
            "township",
            ("id", "name"),
            ((base["township"] + t + 1, f"基准镇{t + 1}") for t in range(townships)),
        )
        loader.rows(
            "village",
            ("id", "township_id", "name", "lat", "lon", "radius_m"),
            (
                (base["village"] + v + 1, base["township"] + v % townships + 1, f"基准村{v + 1}")
                + grid[v]
                + (500.0,)
                for v in range(villages)
            ),
        )
        loader.rows(
            "unit",
            ("id", "name"),
            ((base["unit"] + u + 1, f"基准单位{u + 1}") for u in range(units)),
        )
        loader.rows(
            "person",
            (
                "id",
                "name",
                "phone",
                "role",
                "telegram_user_id",
                "village_id",
                "unit_id",
                "blocked_bot",
                "active",
            ),
            (
                (
                    base["person"] + n + 1,
                    f"干部{n + 1}",
                    f"+86152{n:08d}",
                    "first_secretary" if n % 3 else "team_member",
                    FIRST_USER_ID + n,
                    None,
                    base["unit"] + n % units + 1,
                    False,
                    True,
                )
                for n in range(count)
            ),
        )
        loader.rows(
            "assignment",
            ("id", "person_id", "village_id", "unit_id", "start"),
            (
                (
                    base["assignment"] + n + 1,
                    base["person"] + n + 1,
                    base["village"] + n % villages + 1,
                    base["unit"] + n % units + 1,
                    started,
                )
                for n in range(count)
            ),
        )
    finally:
        loader.close()
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for table in base:
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f'(SELECT COALESCE(MAX(id), 1) FROM "{table}"))'
                    )
                )
            conn.execute(text("ANALYZE"))
    # A point 100 m north of the village centre: inside the 500 m geofence.
    return [
        Cadre(FIRST_USER_ID + n, grid[n % villages][0] + 0.0009, grid[n % villages][1])
        for n in range(count)
    ]


def prepare_database(
    backend: str, workdir: Path, name: str, cadres: int
) -> tuple[str, list[Cadre]]:
    """A fresh migrated database (SQLite file, or the throwaway PostgreSQL emptied) with
    the sample district and ``cadres`` generated cadres; returns its URL and the cadres."""
    if backend == "sqlite":
        path = workdir / f"{name}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
        engine = make_engine(url)
    else:
        url = os.environ["CADREBOT_BENCH_PG_URL"]
        engine = reset_pg(url)
    upgrade(engine)
    with UnitOfWork(session_factory(engine)) as uow:
        seed_sample_district(uow, posted_from=date(2026, 1, 1))
        uow.commit()
    roster = add_cadres(engine, cadres)
    engine.dispose()
    return url, roster


# -- the bot process -------------------------------------------------------------------------


class _NoLimit:
    """Stands in for ``aiolimiter.AsyncLimiter`` and ``delivery.PriorityLimiter`` in the
    bot process: never waits."""

    def __init__(self, *_args: Any, **_kwargs: Any) -> None:
        pass

    async def acquire(self, _amount: float = 1, *, reply: bool = True) -> None:
        return None

    def has_capacity(self, _amount: float = 1) -> bool:
        return True

    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, *_exc: object) -> None:
        return None


def install_sql_stats(path: Path) -> None:
    """Count every SQL statement, commit and rollback of this process, with the wall and
    the thread CPU time spent in the database driver (SQLite's C code runs there with the
    GIL released, where py-spy's GIL view cannot see it); written to ``path`` as JSON at
    exit. Only in a profiled bot child: the events cost a little themselves."""
    import atexit
    import json
    import threading

    from sqlalchemy import event
    from sqlalchemy.engine import Engine as AnyEngine
    from sqlalchemy.engine.default import DefaultDialect

    stats: dict[str, list[float]] = collections.defaultdict(lambda: [0, 0.0, 0.0])
    local = threading.local()

    def record(key: str, wall0: float, cpu0: float) -> None:
        entry = stats[key]
        entry[0] += 1
        entry[1] += time.perf_counter() - wall0
        entry[2] += time.thread_time() - cpu0

    @event.listens_for(AnyEngine, "before_cursor_execute")
    def _before(*_args: Any) -> None:
        local.start = (time.perf_counter(), time.thread_time())

    @event.listens_for(AnyEngine, "after_cursor_execute")
    def _after(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        record(" ".join(statement.split())[:110], *local.start)

    def timed(name: str, original: Callable[..., None]) -> Callable[..., None]:
        def wrapper(self: DefaultDialect, dbapi_connection: Any) -> None:
            wall0, cpu0 = time.perf_counter(), time.thread_time()
            try:
                original(self, dbapi_connection)
            finally:
                record(name, wall0, cpu0)

        return wrapper

    DefaultDialect.do_commit = timed("COMMIT", DefaultDialect.do_commit)  # type: ignore[method-assign]
    DefaultDialect.do_rollback = timed("ROLLBACK", DefaultDialect.do_rollback)  # type: ignore[method-assign]
    atexit.register(lambda: path.write_text(json.dumps(stats), encoding="utf-8"))


def sql_stats_table(path: Path, updates: int, top: int = 15) -> list[str]:
    """Statements per update and where the driver's time goes, from ``install_sql_stats``."""
    import json

    stats = json.loads(path.read_text(encoding="utf-8"))
    count = sum(entry[0] for entry in stats.values())
    wall = sum(entry[1] for entry in stats.values())
    cpu = sum(entry[2] for entry in stats.values())
    commits = stats.get("COMMIT", [0, 0.0, 0.0])[0]
    lines = [
        f"SQL per update (over all {updates:,} updates of the run, warm-up included): "
        f"{count / updates:.1f} statements incl. {commits / updates:.1f} commits; in the "
        f"driver {wall / updates * 1000:.2f} ms wall, {cpu / updates * 1000:.2f} ms CPU of "
        "the calling thread.",
        "",
        "| statement (first 110 characters) | per update | ms wall/update | ms CPU/update |",
        "|---|---|---|---|",
    ]
    ranked = sorted(stats.items(), key=lambda item: item[1][2], reverse=True)[:top]
    for statement, (n, seconds, thread) in ranked:
        lines.append(
            f"| `{statement}` | {n / updates:.2f} | {seconds / updates * 1000:.2f} | "
            f"{thread / updates * 1000:.2f} |"
        )
    return [*lines, ""]


def serve_bot_unlimited() -> None:
    """``python -m bot run`` with Delivery's limiters replaced by no-ops (the child side of
    ``--serve-bot-unlimited``), to measure the bot rather than Telegram's 30 messages/s."""
    from bot.runtime import delivery

    if os.environ.get("CADREBOT_BENCH_SQL_STATS"):
        install_sql_stats(Path(os.environ["CADREBOT_BENCH_SQL_STATS"]))

    if not hasattr(delivery, "AsyncLimiter") or not hasattr(delivery, "PriorityLimiter"):
        raise SystemExit("bench: bot.runtime.delivery's limiters changed; fix the patch")
    delivery.AsyncLimiter = _NoLimit  # type: ignore[attr-defined,misc]
    delivery.PriorityLimiter = _NoLimit  # type: ignore[attr-defined,misc]
    from bot.cli import main

    sys.argv = ["cadrebot", "run", *sys.argv[2:]]  # bench/scaleout.py adds --webhook ...
    main()


class Child:
    """A bot in a subprocess: its CPU time, resident memory, and a clean stop."""

    def __init__(self, argv: list[str], env: dict[str, str], workdir: Path, name: str) -> None:
        self.log_path = workdir / f"{name}.log"
        self._log = open(self.log_path, "w", encoding="utf-8")  # noqa: SIM115 - closed in stop
        self.popen = subprocess.Popen(
            argv, env=env, cwd=workdir, stdout=self._log, stderr=subprocess.STDOUT
        )
        self.process = psutil.Process(self.popen.pid)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def check(self) -> None:
        """Fail with the end of its log if the process died."""
        if self.popen.poll() is not None:
            tail = self.log_path.read_text(encoding="utf-8", errors="replace")[-3000:]
            raise RuntimeError(f"bot process exited with {self.popen.returncode}:\n{tail}")

    def cpu(self) -> float:
        """User + system CPU seconds of every thread so far."""
        times = self.process.cpu_times()
        return times.user + times.system

    def loop_cpu(self) -> float:
        """CPU seconds of the main thread: the event loop (HTTP, the frameworks' parsing,
        Delivery); the rest is the worker threads (``asyncio.to_thread``: the handlers,
        SQLAlchemy and SQLite's C code)."""
        for thread in self.process.threads():
            if thread.id == self.pid:
                return thread.user_time + thread.system_time
        return 0.0

    def system_cpu(self) -> float:
        """The kernel's share (sockets, fsync, futexes of the thread pool)."""
        return self.process.cpu_times().system

    def rss_mb(self) -> float:
        return self.process.memory_info().rss / 2**20

    def peak_rss_mb(self) -> float:
        """VmHWM: the highest resident set size the process has had."""
        status = Path(f"/proc/{self.pid}/status").read_text(encoding="utf-8")
        match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
        return int(match.group(1)) / 1024 if match else float("nan")

    def stop(self, timeout: float = 20.0) -> None:
        """SIGINT (what Ctrl-C sends; ``cadrebot run`` shuts down cleanly), then SIGKILL."""
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGINT)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        self._log.close()


def bot_env(
    framework: str, api_url: str, database_url: str, scheduler: bool = False
) -> dict[str, str]:
    """``cadrebot run``'s settings: the emulator as the Bot API, and by default no
    scheduler (its sweeps are bench/sweeps.py's subject and would fire at wall-clock
    times during a run)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CADREBOT_")}
    env.update(
        CADREBOT_TOKEN=TOKEN,
        CADREBOT_API_URL=api_url,
        CADREBOT_DATABASE_URL=database_url,
        CADREBOT_FRAMEWORK=framework,
        CADREBOT_LANGUAGE="zh",
        CADREBOT_TIMEZONE="Asia/Shanghai",
        CADREBOT_SCHEDULER_IN_RUN="true" if scheduler else "false",
    )
    return env


def start_bot(
    kind: str,
    framework: str,
    emu: BotApiEmulator,
    database_url: str,
    workdir: Path,
    sql_stats: Path | None = None,
    scheduler: bool = False,
) -> Child:
    """``kind``: "ours" (limits as shipped), "ours-unlimited", "ours-push" (limits as
    shipped, the scheduler's dispatcher only: bench/push.py) or "echo"; ``sql_stats``:
    where an "ours-unlimited" child writes its SQL statistics at exit."""
    python = sys.executable
    if kind == "ours":
        argv = [python, "-m", "bot", "run"]
    elif kind == "ours-unlimited":
        argv = [python, str(Path(__file__).resolve()), "--serve-bot-unlimited"]
    elif kind == "ours-push":
        argv = [python, str(BENCH / "push.py"), "--serve-bot-push"]
    else:
        argv = [python, str(BENCH / "echo.py"), framework, emu.base_url, TOKEN]
    env = bot_env(framework, emu.base_url, database_url, scheduler)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    if sql_stats is not None:
        env["CADREBOT_BENCH_SQL_STATS"] = str(sql_stats)
    return Child(argv, env, workdir, f"{kind}-{framework}")


async def wait_ready(emu: BotApiEmulator, child: Child, timeout: float = 90.0) -> float:
    """Seconds until the bot's first getUpdates (it has started, set its menu, polls)."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    while not any(call.method == "getUpdates" for call in emu.calls):
        child.check()
        if loop.time() - start > timeout:
            raise RuntimeError(f"the bot did not poll within {timeout}s; see {child.log_path}")
        await asyncio.sleep(0.05)
    return loop.time() - start


def database_cpu() -> dict[int, float]:
    """CPU seconds of the PostgreSQL server's processes (postmaster and backends) by pid,
    when bench/run.sh started it (``CADREBOT_BENCH_PG_PID``): its work is the database's
    share of an update, which SQLite does inside the bot process."""
    pid = os.environ.get("CADREBOT_BENCH_PG_PID")
    if not pid:
        return {}
    try:
        root = psutil.Process(int(pid))
        seconds = {}
        for process in [root, *root.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):
                times = process.cpu_times()
                seconds[process.pid] = times.user + times.system
        return seconds
    except psutil.Error:
        return {}


# -- measuring -------------------------------------------------------------------------------


@dataclass
class _Sent:
    at: float
    replies: int
    remaining: int


class ReplyClock:
    """When each update was queued and when its replies reached the emulator.

    It wraps the emulator state's ``add_message`` (every message the bot sends lands
    there) rather than polling transcripts, so the timestamp is taken the moment the
    emulator handles the sendMessage. Replies are matched to updates per chat in order
    (the bot answers one chat's updates in order) by the number each kind gets."""

    def __init__(
        self, emu: BotApiEmulator, aside: Callable[[int, str], bool] | None = None
    ) -> None:
        """``aside(chat_id, text)``: True for a message that answers no update (a pushed
        reminder, bench/push.py), left out of the replies."""
        self._pending: dict[int, collections.deque[_Sent]] = collections.defaultdict(
            collections.deque
        )
        self.first: list[float] = []
        self.last: list[float] = []
        self.expected = 0
        self.received = 0
        self.unexpected = 0
        self.last_reply_at = 0.0
        self.texts: dict[int, str] = {}  # the latest reply per chat, to show what went wrong
        self._done = asyncio.Event()
        original = emu.state.add_message

        def add_message(chat: Any, direction: Any, message: Any, sent: Any = None) -> Any:
            entry = original(chat, direction, message, sent)
            if direction == "out":
                body = message.get("text", "")
                if aside is None or not aside(chat.id, body):
                    self._reply(chat.id, body)
            return entry

        emu.state.add_message = add_message  # type: ignore[method-assign]

    def reset(self) -> None:
        self.first, self.last = [], []
        self.expected = self.received = self.unexpected = 0
        self._done.clear()

    def expect(self, chat_id: int, replies: int) -> None:
        self._pending[chat_id].append(_Sent(time.perf_counter(), replies, replies))
        self.expected += replies
        self._done.clear()

    def _reply(self, chat_id: int, body: str) -> None:
        now = time.perf_counter()
        self.received += 1
        self.last_reply_at = now
        self.texts[chat_id] = body
        queue = self._pending.get(chat_id)
        if not queue:
            self.unexpected += 1
            return
        head = queue[0]
        if head.remaining == head.replies:
            self.first.append((now - head.at) * 1000)
        head.remaining -= 1
        if head.remaining == 0:
            self.last.append((now - head.at) * 1000)
            queue.popleft()
        if self.received >= self.expected:
            self._done.set()

    async def drained(self, timeout: float) -> bool:
        """Wait until every expected reply has arrived; False on timeout."""
        if self.received >= self.expected:
            return True
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._done.wait()
        return self.received >= self.expected


def plan(cadres: list[Cadre], updates: int) -> list[tuple[Cadre, str]]:
    """Round-robin over the cadres, a check-in then a diary and so on: one cadre's next
    update comes ``len(cadres)`` updates after its previous one."""
    n = len(cadres)
    return [(cadres[i % n], "location" if (i // n) % 2 == 0 else "diary") for i in range(updates)]


class Driver:
    """Queues simulated cadres' updates in the emulator, as the e2e tests' users do."""

    def __init__(self, emu: BotApiEmulator, clock: ReplyClock, replies: dict[str, int]) -> None:
        self.emu = emu
        self.clock = clock
        self.replies = replies
        self.sent = 0

    def send(self, cadre: Cadre, kind: str) -> None:
        """Queue one update ("location": a check-in; "diary": ``/diary`` with a line)."""
        user = self.emu.user(cadre.user_id, "干部", language_code="zh")
        self.clock.expect(cadre.user_id, self.replies[kind])
        self.sent += 1
        if kind == "location":
            user.send_location(cadre.lat, cadre.lon)
        else:
            user.send_text(f"/diary 入户走访第{self.sent}户，了解种植和务工情况。")


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0.5, 0.95, 0.99) of the latencies; NaN when there are none."""
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=1000, method="inclusive")[int(q * 1000) - 1]


@dataclass
class Phase:
    """One shape's figures."""

    shape: str
    updates: int
    replies: int
    expected: int
    seconds: float
    first_ms: list[float]
    last_ms: list[float]
    bot_cpu: float
    bot_system_cpu: float
    bot_loop_cpu: float
    driver_cpu: float
    database_cpu: float | None
    load: str
    offered: float | None = None
    complete: bool = True

    @property
    def throughput(self) -> float:
        return self.updates / self.seconds if self.seconds > 0 else float("nan")

    def cpu_ms(self, seconds: float) -> float:
        return seconds / self.updates * 1000 if self.updates else float("nan")


async def run_phase(
    driver: Driver,
    child: Child,
    work: list[tuple[Cadre, str]],
    *,
    rate: float | None,
    drain: float,
    backend: str = "sqlite",
    serial: bool = False,
) -> Phase:
    """Queue ``work`` (all at once, ``rate`` a second, or ``serial``: each update once the
    previous one's reply has arrived, light load) and wait for every reply."""
    clock = driver.clock
    clock.reset()
    cpu0, system0, driver0 = child.cpu(), child.system_cpu(), time.process_time()
    loop0 = child.loop_cpu()
    db0 = database_cpu() if backend == "postgresql" else None
    t0 = time.perf_counter()
    if serial:
        for cadre, kind in work:
            driver.send(cadre, kind)
            if not await clock.drained(drain):
                break
    elif rate is None:
        for cadre, kind in work:
            driver.send(cadre, kind)
    else:
        for i, (cadre, kind) in enumerate(work):
            delay = t0 + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            driver.send(cadre, kind)
    complete = await clock.drained(drain)
    end = clock.last_reply_at if complete else time.perf_counter()
    phase = Phase(
        shape="light" if serial else "burst" if rate is None else "paced",
        updates=len(work),
        replies=clock.received,
        expected=clock.expected,
        seconds=end - t0,
        first_ms=list(clock.first),
        last_ms=list(clock.last),
        bot_cpu=child.cpu() - cpu0,
        bot_system_cpu=child.system_cpu() - system0,
        bot_loop_cpu=child.loop_cpu() - loop0,
        driver_cpu=time.process_time() - driver0,
        database_cpu=None
        if db0 is None
        else sum(t - db0.get(pid, 0.0) for pid, t in database_cpu().items()),
        load=load_average(),
        offered=rate,
        complete=complete and clock.unexpected == 0,
    )
    await asyncio.sleep(0.5)  # the bot marks its last replies sent; not in the figures
    return phase


# -- profiling -------------------------------------------------------------------------------


PROFILE_MODES = {
    "wall": ([], "wall time of every non-idle thread"),
    "gil": (["--gil"], "only the thread holding the GIL: where the Python time goes"),
}


def start_profiler(pid: int, out: Path, mode: str) -> subprocess.Popen | None:
    """py-spy sampling the bot at 100 Hz until stopped with SIGINT, in one of
    ``PROFILE_MODES``. (``--native`` would show SQLite's C frames, but py-spy cannot read
    this pyenv build's native stacks; ``Child.loop_cpu`` splits the CPU by thread instead.)"""
    spy = Path(sys.executable).parent / "py-spy"
    if not spy.exists():
        print("py-spy is not installed (pip install -e '.[bench]'); no profile", file=sys.stderr)
        return None
    return subprocess.Popen(
        [str(spy), "record", "--pid", str(pid), "--rate", "100", "--format", "raw"]
        + ["--output", str(out), "--nonblocking"]
        + PROFILE_MODES[mode][0],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop_profiler(spy: subprocess.Popen | None) -> None:
    if spy is None:
        return
    spy.send_signal(signal.SIGINT)
    try:
        spy.wait(30)
    except subprocess.TimeoutExpired:
        spy.kill()
        spy.wait()


_FRAME = re.compile(r"^(?P<func>.*) \((?P<file>.*?)(?::\d+)?\)$")
PROJECT = ("bot/", "storage/", "services/", "domain/", "scheduler/", "sandbox/")


def _frame(frame: str) -> tuple[str, str]:
    """(``function (short path)``, path) of one py-spy frame."""
    match = _FRAME.match(frame.strip())
    if not match:
        return frame.strip(), ""
    path = match["file"]
    for marker in ("site-packages/", "/lib/python3.11/", str(ROOT) + "/"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{match['func']} ({path})", path


def _package(path: str) -> str:
    head = path.split("/", 1)[0]
    return head.removesuffix(".py") if head else "?"


def summarise_profile(path: Path, top: int = 20) -> list[str]:
    """From py-spy's raw collapsed stacks: samples by the package of the innermost frame
    (where the time is spent), the top functions by own samples, and our own functions by
    inclusive samples (what of ours it is spent for), as Markdown tables."""
    own: collections.Counter[str] = collections.Counter()
    ours: collections.Counter[str] = collections.Counter()
    packages: collections.Counter[str] = collections.Counter()
    total = 0
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        samples = int(count)
        frames = [
            _frame(f) for f in stack.split(";") if f and not f.startswith(("process ", "thread ("))
        ]
        if not frames:
            continue
        total += samples
        own[frames[-1][0]] += samples
        packages[_package(frames[-1][1])] += samples
        for name in {name for name, file in frames if file.startswith(PROJECT)}:
            ours[name] += samples
    lines = [f"{total:,} samples at 100 Hz", ""]
    tables = (
        ("package of the innermost frame", packages, 12),
        ("own time: function (file)", own, top),
        ("our code, inclusive: function (file)", ours, top),
    )
    for title, counter, limit in tables:
        lines += [f"| {title} | % of samples |", "|---|---|"]
        for name, samples in counter.most_common(limit):
            lines.append(f"| `{name}` | {samples / max(total, 1) * 100:.1f} |")
        lines.append("")
    return lines


# -- one bot's run ---------------------------------------------------------------------------


@dataclass
class Cell:
    """One bot (ours or echo, one runtime, one database) through the shapes."""

    framework: str
    backend: str
    kind: str
    startup: float = 0.0
    phases: list[Phase] = field(default_factory=list)
    sql: list[str] = field(default_factory=list)  # statement statistics, when profiled


async def run_cell(
    framework: str,
    backend: str,
    kind: str,
    database_url: str,
    cadres: list[Cadre],
    shapes: list[tuple[str, list[tuple[Cadre, str]], float | None, float]],
    workdir: Path,
    profile: Path | None = None,
    profile_mode: str = "wall",
    sql_stats: bool = False,
) -> Cell:
    """Start the emulator and the bot, warm up, run ``shapes`` (name, work, rate, drain)."""
    cell = Cell(framework, backend, kind)
    replies = ECHO_REPLIES if kind == "echo" else OUR_REPLIES
    async with BotApiEmulator(TOKEN) as emu:
        clock = ReplyClock(emu)
        driver = Driver(emu, clock, replies)
        stats = None
        if sql_stats and kind == "ours-unlimited":
            stats = workdir / f"sql-{framework}-{backend}.json"
        child = start_bot(kind, framework, emu, database_url, workdir, stats)
        try:
            cell.startup = await wait_ready(emu, child)
            # Warm-up (not measured): imports, connection pools, statement caches.
            await run_phase(driver, child, plan(cadres[:50], 100), rate=None, drain=60)
            for name, work, rate, drain in shapes:
                spy = None
                if profile is not None:
                    slug = name.replace("/", "-per-").replace(" ", "-")
                    out = profile / f"{kind}-{framework}-{backend}-{slug}.txt"
                    spy = start_profiler(child.pid, out, profile_mode)
                    await asyncio.sleep(1.0)  # py-spy attaches
                try:
                    phase = await run_phase(
                        driver,
                        child,
                        work,
                        rate=rate or None,
                        drain=drain,
                        backend=backend,
                        serial=rate == 0,
                    )
                finally:
                    stop_profiler(spy)
                phase.shape = name
                cell.phases.append(phase)
                print(
                    f"   {kind} {framework} {backend} {name}: {phase.updates} updates, "
                    f"{phase.throughput:.0f}/s, p99 {percentile(phase.first_ms, 0.99):.0f} ms"
                    f"{'' if phase.complete else ' INCOMPLETE'} (load {phase.load})",
                    file=sys.stderr,
                    flush=True,
                )
                if not phase.complete:
                    sample = list(clock.texts.values())[-3:]
                    print(f"   last replies: {sample}", file=sys.stderr)
                child.check()
        finally:
            child.stop()
        if stats is not None and stats.exists():
            cell.sql = sql_stats_table(stats, driver.sent)
    return cell


# -- tables ----------------------------------------------------------------------------------


def _ms(values: list[float], q: float) -> str:
    value = percentile(values, q)
    return "–" if value != value else f"{value:,.0f}"


def _cpu(p: Phase) -> str:
    """Total, then the event loop thread's and the kernel's shares."""
    return (
        f"{p.cpu_ms(p.bot_cpu):.1f} ({p.cpu_ms(p.bot_loop_cpu):.1f} / "
        f"{p.cpu_ms(p.bot_system_cpu):.1f})"
    )


def _db(p: Phase) -> str:
    return "–" if p.database_cpu is None else f"{p.cpu_ms(p.database_cpu):.1f}"


def _label(cell: Cell) -> str:
    return {
        "ours": "cadrebot, limits as shipped",
        "ours-unlimited": "cadrebot",
        "echo": "echo bot",
    }[cell.kind]


def tables(cells: list[Cell], args: argparse.Namespace) -> list[str]:
    out: list[str] = []
    loads = [p.load for c in cells for p in c.phases]
    out += [
        "",
        f"Saturation: a burst of updates queued at once, round-robin over {args.cadres:,} "
        "cadres (check-in, diary, check-in, ...). *s*: first update queued to last reply "
        "received. CPU: the bot process's user+system seconds over the phase per update; "
        "*emulator CPU*: this process (emulator and load driver).",
        "",
        "| runtime | database | bot | updates | replies | s | updates/s | replies/s | "
        "p50 ms | p99 ms | bot CPU ms/update (loop / kernel) | PostgreSQL CPU ms/update | "
        "emulator CPU ms/update | startup s | load |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for cell in cells:
        for p in cell.phases:
            if p.offered is not None or p.shape == "light":
                continue
            flag = "" if p.complete else f" (INCOMPLETE: {p.replies}/{p.expected} replies)"
            out.append(
                f"| {cell.framework} | {cell.backend} | {_label(cell)} | {p.updates:,}{flag} | "
                f"{p.replies:,} | {p.seconds:.1f} | {p.throughput:,.0f} | "
                f"{p.replies / p.seconds:,.0f} | {_ms(p.first_ms, 0.5)} | "
                f"{_ms(p.first_ms, 0.99)} | {_cpu(p)} | {_db(p)} | "
                f"{p.cpu_ms(p.driver_cpu):.1f} | {cell.startup:.1f} | {p.load} |"
            )
    out += [
        "",
        f"Paced: {' and '.join(f'{r:g}' for r in args.rate)} updates/s for {args.seconds:g} s "
        "each. Latency: from the update "
        "queued in the emulator to the bot's first reply reaching it (*last*: its last "
        "reply; every update gets one now). Target: p99 < 250 ms.",
        "",
        "| runtime | database | bot | offered/s | achieved/s | p50 ms | p95 ms | p99 ms | "
        "p99 last ms | max ms | bot CPU ms/update (loop / kernel) | bot CPU % of a core | "
        "PostgreSQL CPU ms/update | p99 < 250 ms | load |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for cell in cells:
        for p in cell.phases:
            if p.offered is None:
                continue
            p99 = percentile(p.first_ms, 0.99)
            met = "yes" if p.complete and p99 < 250 else "**no**"
            flag = "" if p.complete else f" (INCOMPLETE: {p.replies}/{p.expected} replies)"
            out.append(
                f"| {cell.framework} | {cell.backend} | {_label(cell)}{flag} | {p.offered:g} | "
                f"{p.throughput:,.0f} | {_ms(p.first_ms, 0.5)} | {_ms(p.first_ms, 0.95)} | "
                f"{_ms(p.first_ms, 0.99)} | {_ms(p.last_ms, 0.99)} | "
                f"{max(p.first_ms, default=float('nan')):,.0f} | {_cpu(p)} | "
                f"{p.bot_cpu / p.seconds * 100:.0f} | {_db(p)} | {met} | {p.load} |"
            )
    out += [
        "",
        "Light load: one cadre, one update at a time (a check-in, then a diary, ...), each "
        "sent once the previous one's reply arrived: no batching, every idle wait shows. "
        "*sends/update*: replies per update (a check-in answers once, so 1.0). Targets: "
        "first reply p99 < 50 ms on SQLite, start-up < 2 s.",
        "",
        "| runtime | database | bot | updates | sends/update | p50 ms | p99 ms | max ms | "
        "replies over 250 ms | bot CPU ms/update (loop / kernel) | startup s | p99 < 50 ms | "
        "startup < 2 s | load |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for cell in cells:
        for p in cell.phases:
            if p.shape != "light":
                continue
            p99 = percentile(p.first_ms, 0.99)
            met = "yes" if p.complete and p99 < 50 else "**no**"
            flag = "" if p.complete else f" (INCOMPLETE: {p.replies}/{p.expected} replies)"
            out.append(
                f"| {cell.framework} | {cell.backend} | {_label(cell)}{flag} | {p.updates} | "
                f"{p.replies / p.updates:.2f} | {_ms(p.first_ms, 0.5)} | "
                f"{_ms(p.first_ms, 0.99)} | {max(p.first_ms, default=float('nan')):,.0f} | "
                f"{sum(1 for v in p.first_ms if v > 250)} | {_cpu(p)} | {cell.startup:.1f} | "
                f"{met} | {'yes' if cell.startup < 2 else '**no**'} | {p.load} |"
            )
    warning = noisy(loads)
    if warning:
        out += ["", warning]
    return out


# -- main ------------------------------------------------------------------------------------


def bench_options(parser: argparse.ArgumentParser) -> None:
    """The options the benches of a bot process share (e2e, memory, push)."""
    parser.add_argument("--frameworks", nargs="+", default=list(FRAMEWORKS), choices=FRAMEWORKS)
    parser.add_argument("--workdir", type=Path, default=None, help="databases and bot logs")
    parser.add_argument("--append", type=Path, default=None, help="append the tables here")


def make_workdir(args: argparse.Namespace, prefix: str) -> None:
    """``--workdir``, or a fresh temporary folder: the databases and the bots' logs."""
    args.workdir = args.workdir or Path(tempfile.mkdtemp(prefix=prefix))
    args.workdir.mkdir(parents=True, exist_ok=True)


def run_bench(title: str, bench: Coroutine[Any, Any, T], workdir: Path) -> tuple[list[str], T]:
    """Run a bench's coroutine; returns its report's head (the title with the time, the
    machine as it was at the start, how long the run took) and the coroutine's result."""
    header = machine_lines()
    started = time.perf_counter()
    result = asyncio.run(bench)
    head = [
        f"### {title}, {datetime.now().astimezone():%Y-%m-%d %H:%M}",
        "",
        *header,
        f"- run took {time.perf_counter() - started:.0f} s; bot logs in {workdir}",
    ]
    return head, result


def publish(lines: list[str], append: Path | None) -> None:
    """Print a bench's report, and append it to ``append`` (bench/README.md) if given."""
    report = "\n".join(lines) + "\n"
    print(report)
    if append is not None:
        with open(append, "a", encoding="utf-8") as readme:
            readme.write("\n" + report)


def _shapes(
    cadres: list[Cadre], args: argparse.Namespace
) -> list[tuple[str, list[tuple[Cadre, str]], float | None, float]]:
    shapes: list[tuple[str, list[tuple[Cadre, str]], float | None, float]] = [
        ("burst", plan(cadres, args.burst), None, args.drain)
    ]
    for rate in args.rate:
        shapes.append(
            (f"paced {rate:g}/s", plan(cadres, int(rate * args.seconds)), rate, args.drain)
        )
    if args.light:  # rate 0: one update at a time, from one cadre (the 0.5 s idle waits)
        shapes.append(("light", plan(cadres[:1], args.light), 0.0, args.drain))
    return shapes


async def bench(args: argparse.Namespace) -> list[Cell]:
    workdir: Path = args.workdir
    backends = ["sqlite"] + (["postgresql"] if os.environ.get("CADREBOT_BENCH_PG_URL") else [])
    cells: list[Cell] = []
    roster: list[Cadre] = []
    for backend in backends:
        for framework in args.frameworks:
            print(f"== {framework} on {backend}", file=sys.stderr, flush=True)
            if args.shipped and backend == "sqlite":
                name = f"shipped-{framework}"
                url, roster = prepare_database(backend, workdir, name, args.cadres)
                # Fewer updates, from fewer cadres (two each: at most 3 replies, inside the
                # per-chat burst): Delivery's 30 replies/s makes a long run pointless.
                work = plan(roster[: args.shipped // 2], args.shipped)
                cells.append(
                    await run_cell(
                        framework,
                        backend,
                        "ours",
                        url,
                        roster,
                        [("burst", work, None, args.drain)],
                        workdir,
                    )
                )
            url, roster = prepare_database(backend, workdir, f"e2e-{framework}", args.cadres)
            cells.append(
                await run_cell(
                    framework,
                    backend,
                    "ours-unlimited",
                    url,
                    roster,
                    _shapes(roster, args),
                    workdir,
                    args.profile,
                    args.profile_mode,
                    args.sql_stats,
                )
            )
    if not args.no_echo:
        roster = roster or [
            Cadre(FIRST_USER_ID + n, 30.0, 100.0) for n in range(args.cadres)
        ]  # the echo bot has no database: any users do
        for framework in args.frameworks:
            print(f"== echo bot on {framework}", file=sys.stderr, flush=True)
            cells.append(
                await run_cell(
                    framework,
                    "–",
                    "echo",
                    "sqlite:///unused.db",
                    roster,
                    _shapes(roster, args),
                    workdir,
                )
            )
    return cells


def main(argv: list[str]) -> None:
    if argv[:1] == ["--serve-bot-unlimited"]:
        serve_bot_unlimited()
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cadres", type=int, default=500, help="generated cadres (500)")
    parser.add_argument("--burst", type=int, default=2000, help="saturation updates (2,000)")
    parser.add_argument(
        "--rate", type=float, nargs="+", default=[100.0], help="paced updates/s (100)"
    )
    parser.add_argument("--seconds", type=float, default=20.0, help="paced duration (20 s)")
    parser.add_argument(
        "--light", type=int, default=100, help="light-load updates, one at a time (100)"
    )
    parser.add_argument("--drain", type=float, default=60.0, help="wait for replies (60 s)")
    parser.add_argument(
        "--shipped", type=int, default=300, help="updates of the run with Delivery's limits on"
    )
    bench_options(parser)
    parser.add_argument("--no-echo", action="store_true", help="skip the echo bots")
    parser.add_argument("--quick", action="store_true", help="small shapes: a smoke run")
    parser.add_argument("--profile", type=Path, default=None, help="py-spy output folder")
    parser.add_argument("--profile-mode", choices=sorted(PROFILE_MODES), default="gil")
    parser.add_argument(
        "--sql-stats", action="store_true", help="count the bot's SQL (slows it a little)"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.cadres, args.burst, args.rate, args.seconds = 100, 300, [50.0], 4.0
        args.shipped, args.drain = 60, 30.0
    make_workdir(args, "cadrebot-e2e-")
    if args.profile is not None:
        args.profile.mkdir(parents=True, exist_ok=True)
    title = (
        "End to end"
        + (" (profiled: py-spy slows the bot)" if args.profile else "")
        + (" (SQL statistics on: they slow the bot)" if args.sql_stats else "")
    )
    head, cells = run_bench(title, bench(args), args.workdir)
    profiled = [c for c in cells if c.sql]
    lines = [
        *head,
        f"- bot: `python -m bot run` in a subprocess, {os.environ.get('CADREBOT_WORKERS', 8)} "
        "inbox workers (default), no scheduler; emulator and load driver in the bench "
        "process; PostgreSQL (when present) a local throwaway cluster with fsync off",
        *tables(cells, args),
    ]
    for cell in profiled:
        lines += ["", f"SQL of cadrebot on {cell.framework} / {cell.backend}:", "", *cell.sql]
    if args.profile is not None:
        for path in sorted(args.profile.glob("*.txt")):
            mode = PROFILE_MODES[args.profile_mode][1]
            lines += ["", f"Profile of the burst ({mode}), `{path.name}`:", ""]
            lines += summarise_profile(path)
    publish(lines, args.append)


if __name__ == "__main__":
    main(sys.argv[1:])
