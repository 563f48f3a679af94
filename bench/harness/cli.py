"""What the bench scripts share around their runs: options, the work folder, the report's
head and publishing it."""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Coroutine
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from harness import FRAMEWORKS
from harness.machine import machine_lines

T = TypeVar("T")


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
