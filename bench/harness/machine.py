"""The machine a run is on: its load, its commit, its CPUs; a run on a busy machine says so."""

from __future__ import annotations

import contextlib
import os
import platform
import sqlite3
import subprocess
from datetime import datetime

import psutil

from harness import ROOT


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
