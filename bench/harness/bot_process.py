"""The bot under load: ``python -m bot run`` in a subprocess (optionally with Delivery's
limiters replaced by no-ops, or counting its SQL), started, awaited and measured."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil

from harness import BENCH, ROOT, TOKEN
from sandbox import BotApiEmulator


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
        argv = [python, str(BENCH / "e2e.py"), "--serve-bot-unlimited"]
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
