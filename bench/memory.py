"""Resident memory of the bot process with a large roster (not a test).

Why: a district's whole roster must not have to fit in the bot's memory; one process
should stay small (target: under 300 MB with 100,000 people) whatever the roster size,
because nothing on the update path may load the roster. This loads the sample district
plus N generated cadres (villages and postings bulk-inserted as bench/sweeps.py does),
starts ``python -m bot run`` (as shipped: Delivery's limits on; no scheduler, and with
``--scheduler`` once more with it) against the loopback emulator, and reads the process's
resident set size (RSS) once it polls, then again after ``--updates`` updates from as many
different cadres (check-ins and diaries, picked at random across the roster), plus its
peak (``VmHWM``).

    .venv/bin/python bench/memory.py                 # 500 and 100,000 people, SQLite
    bash bench/run.sh memory.py                      # and 100,000 on PostgreSQL
    .venv/bin/python bench/memory.py --rosters 100000 --scheduler   # and with the scheduler
    .venv/bin/python bench/memory.py --rosters 100000 --scheduler-only   # that row alone

The scheduler is off by default because what it does at start-up depends on the wall
clock (a catch-up of a sweep due within its window runs at once, over the whole roster);
the ``--scheduler`` rows show whatever it did (the bot's log says which sweeps ran), and
bench/sweeps.py measures the sweeps' time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from harness import ECHO_REPLIES, FIRST_USER_ID, OUR_REPLIES, TOKEN
from harness.bot_process import start_bot, wait_ready
from harness.cli import bench_options, make_workdir, publish, run_bench
from harness.district import Cadre, prepare_database
from harness.machine import load_average, noisy
from harness.measuring import Driver, ReplyClock, run_phase

from sandbox import BotApiEmulator

TARGET_MB = 300


@dataclass
class Row:
    kind: str  # "ours" or "echo"
    framework: str
    backend: str
    roster: int
    scheduler: bool
    load_s: float
    startup_s: float
    rss_start: float
    rss_after: float
    peak: float
    handled: int
    updates: int
    load: str


async def measure(
    kind: str,
    framework: str,
    url: str,
    cadres: list[Cadre],
    updates: int,
    workdir: Path,
    scheduler: bool,
) -> tuple[float, float, float, float, int]:
    """(startup s, RSS when polling, RSS after the updates, peak RSS, updates answered)."""
    async with BotApiEmulator(TOKEN) as emu:
        clock = ReplyClock(emu)
        driver = Driver(emu, clock, OUR_REPLIES if kind == "ours" else ECHO_REPLIES)
        child = start_bot(kind, framework, emu, url, workdir, scheduler=scheduler)
        try:
            startup = await wait_ready(emu, child)
            await asyncio.sleep(2.0)  # anything started lazily after the first poll
            rss_start = child.rss_mb()
            people = random.Random(7).sample(cadres, min(updates, len(cadres)))
            work = [(c, "location" if i % 2 == 0 else "diary") for i, c in enumerate(people)]
            phase = await run_phase(driver, child, work, rate=None, drain=120.0)
            await asyncio.sleep(2.0)
            child.check()
            answered = len(phase.last_ms)
            return startup, rss_start, child.rss_mb(), child.peak_rss_mb(), answered
        finally:
            child.stop()


def table(rows: list[Row]) -> list[str]:
    out = [
        "",
        "RSS of `python -m bot run` (MB = 2^20 bytes): when it first polls, after the "
        "updates (one each from as many cadres picked at random), and its peak (VmHWM). "
        f"Target: under {TARGET_MB} MB with 100,000 people.",
        "",
        "| runtime | bot | database | people on the roster | scheduler | load roster s | "
        "startup s | RSS at start MB | updates answered | RSS after MB | peak MB | "
        f"< {TARGET_MB} MB | load |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        met = "yes" if r.peak < TARGET_MB else "**no**"
        ours = r.kind == "ours"
        out.append(
            f"| {r.framework} | {'cadrebot' if ours else 'echo bot'} | {r.backend} | "
            f"{f'{r.roster + 12:,}' if ours else '–'} | "
            f"{('on' if r.scheduler else 'off') if ours else '–'} | "
            f"{f'{r.load_s:.0f}' if ours else '–'} | {r.startup_s:.1f} | "
            f"{r.rss_start:.0f} | {r.handled}/{r.updates} | {r.rss_after:.0f} | {r.peak:.0f} | "
            f"{met} | {r.load} |"
        )
    warning = noisy([r.load for r in rows], "start-up times are long (memory is not affected)")
    if warning:
        out += ["", warning]
    return out


async def bench(args: argparse.Namespace) -> list[Row]:
    backends = ["sqlite"] + (["postgresql"] if os.environ.get("CADREBOT_BENCH_PG_URL") else [])
    rows = []
    runs = [(backend, roster, False) for backend in backends for roster in args.rosters]
    # The small rosters are the SQLite baseline only; the scheduler rows the largest roster.
    runs = [r for r in runs if r[0] == "sqlite" or r[1] == max(args.rosters)]
    if args.scheduler_only:
        runs = []
    if args.scheduler or args.scheduler_only:
        runs.append(("sqlite", max(args.rosters), True))
    for backend, roster, scheduler in runs:
        for framework in args.frameworks:
            print(f"== {roster:,} cadres on {backend}", file=sys.stderr, flush=True)
            # A fresh database each time: a new emulator numbers its updates from 1
            # again, and the inbox would take them for redeliveries of the last run's.
            t0 = time.perf_counter()
            name = f"memory-{roster}-{framework}"
            url, cadres = prepare_database(backend, args.workdir, name, roster)
            load_s = time.perf_counter() - t0
            startup, start, after, peak, handled = await measure(
                "ours", framework, url, cadres, args.updates, args.workdir, scheduler
            )
            rows.append(
                Row(
                    "ours",
                    framework,
                    backend,
                    roster,
                    scheduler,
                    load_s,
                    startup,
                    start,
                    after,
                    peak,
                    handled,
                    min(args.updates, roster),
                    load_average(),
                )
            )
            print(
                f"   {framework}: {start:.0f} → {after:.0f} MB, peak {peak:.0f} MB",
                file=sys.stderr,
            )
    # The frameworks' own share: the bare echo bots after as many updates.
    users = [Cadre(FIRST_USER_ID + n, 30.0, 100.0) for n in range(args.updates)]
    for framework in [] if args.scheduler_only else args.frameworks:
        startup, start, after, peak, handled = await measure(
            "echo", framework, "sqlite:///unused.db", users, args.updates, args.workdir, False
        )
        rows.append(
            Row(
                "echo",
                framework,
                "–",
                0,
                False,
                0.0,
                startup,
                start,
                after,
                peak,
                handled,
                args.updates,
                load_average(),
            )
        )
    return rows


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rosters", nargs="+", type=int, default=[500, 100_000])
    parser.add_argument("--updates", type=int, default=300, help="updates, one per cadre")
    bench_options(parser)
    parser.add_argument(
        "--scheduler", action="store_true", help="add the largest roster with the scheduler on"
    )
    parser.add_argument(
        "--scheduler-only",
        action="store_true",
        help="only the largest roster with the scheduler on (no other rows, no echo bots)",
    )
    args = parser.parse_args(argv)
    make_workdir(args, "cadrebot-memory-")
    head, rows = run_bench("Memory", bench(args), args.workdir)
    publish([*head, *table(rows)], args.append)


if __name__ == "__main__":
    main(sys.argv[1:])
