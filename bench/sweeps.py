"""Benchmark of the scheduler's sweeps on large rosters (not a test).

Generates districts of 1,000 / 10,000 / 100,000 cadres with a year of check-ins (about
two days in three on site) and diaries (about 12 a month), some leave and some leave steps
left pending, loaded with bulk inserts, then times each sweep as it runs in production
(planning plus the outbox insert and commit) and once more (the rerun inserts nothing).
Prints a Markdown table; SQLite always, PostgreSQL too when ``CADREBOT_BENCH_PG_URL`` is
set (an empty database the bench may fill; tables are dropped first).

    .venv/bin/python bench/sweeps.py                 # 1k and 10k
    .venv/bin/python bench/sweeps.py 1000 10000 100000

Target: 100,000 cadres under 5 s per sweep on SQLite, growing no worse than linearly.

The district generated (and bulk-loaded) is bench/harness/generated.py's.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from harness import ZONE
from harness.bulk import reset_pg
from harness.generated import FIRST, MONDAY, generate
from sqlalchemy import Engine, text

from scheduler.assessment import sweep_assessment_season
from scheduler.monthly import sweep_monthly_review, sweep_quarterly_sheets
from scheduler.nudge import sweep_daily_nudge
from scheduler.overdue import sweep_leave_overdue
from scheduler.removal import sweep_removal_triggers
from scheduler.weekly import sweep_weekly
from services.calendar import load_calendar
from services.figures import MonthGrid, month_spans
from storage.engine import make_engine, session_factory
from storage.migrations import upgrade
from storage.unit_of_work import UnitOfWork

SWEEPS: list[tuple[str, Callable, datetime | date]] = [
    ("nudge", sweep_daily_nudge, MONDAY),
    ("weekly", sweep_weekly, MONDAY),
    ("removal", sweep_removal_triggers, MONDAY),
    ("leave", sweep_leave_overdue, MONDAY),
    ("monthly review", sweep_monthly_review, date(2026, 12, 1)),
    ("quarterly", sweep_quarterly_sheets, date(2026, 10, 1)),
    ("assessment", sweep_assessment_season, date(2026, 12, 5)),
]


# -- timing ----------------------------------------------------------------------------------


def time_sweeps(engine: Engine) -> dict[str, tuple[float, int, float]]:
    """Sweep → (seconds, new rows, seconds of the rerun)."""
    sessions = session_factory(engine)

    def uow_factory() -> UnitOfWork:
        return UnitOfWork(sessions)

    results = {}
    for name, sweep, as_of in SWEEPS:
        t0 = time.perf_counter()
        new = sweep(uow_factory, as_of, zone=ZONE)
        t1 = time.perf_counter()
        again = sweep(uow_factory, as_of, zone=ZONE)
        t2 = time.perf_counter()
        assert again == [], name
        results[name] = (t1 - t0, len(new), t2 - t1)
    return results


def run(
    size: int, backend: str, workdir: Path, reuse: bool = False
) -> tuple[dict, dict, float, float]:
    path = workdir / f"bench-{size}.db"
    if backend == "sqlite" and reuse and path.exists():
        engine = make_engine(f"sqlite:///{path}")
        with engine.begin() as conn:  # back to the freshly loaded state
            for table in ("reminder", "onsitemonth", "sweepstate"):
                conn.execute(text(f'DELETE FROM "{table}"'))
            counts = {
                table: conn.scalar(text(f'SELECT count(*) FROM "{table}"'))
                for table in ("checkin", "diaryentry")
            }
        load = float("nan")
    else:
        if backend == "sqlite":
            path.unlink(missing_ok=True)
            engine = make_engine(f"sqlite:///{path}")
        else:
            engine = reset_pg(os.environ["CADREBOT_BENCH_PG_URL"])
        upgrade(engine)
        t0 = time.perf_counter()
        counts = generate(engine, size)
        load = time.perf_counter() - t0
    rollup = build_rollup(engine)
    results = time_sweeps(engine)
    engine.dispose()
    return counts, results, load, rollup


def build_rollup(engine: Engine) -> float:
    """The one-off build of the on-site rollup from every check-in, with the working days
    of each closed month counted (the first sweeps after an upgrade do this, and each
    month's count once; later sweeps only fold in the check-ins added since)."""
    t0 = time.perf_counter()
    with UnitOfWork(session_factory(engine)) as uow:
        uow.rollup.refresh()
        grid = MonthGrid(load_calendar(uow))
        keys = [key for key, _bits in month_spans(FIRST, date(2026, 10, 31))]
        uow.rollup.working_days_on_site({key: grid.workday_bits(key) for key in keys})
        uow.commit()
    return time.perf_counter() - t0


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1_000, 10_000])
    parser.add_argument("--workdir", type=Path, default=None, help="where the SQLite files go")
    parser.add_argument(
        "--reuse", action="store_true", help="reuse SQLite files of an earlier run in --workdir"
    )
    args = parser.parse_args(argv)
    backends = ["sqlite"] + (["postgresql"] if os.environ.get("CADREBOT_BENCH_PG_URL") else [])
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="cadrebot-bench-"))
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(f"date: {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; SQLite files in {workdir}\n")
    names = [name for name, _sweep, _as_of in SWEEPS]
    header = ["backend", "cadres", "check-ins", "diaries", "load s", "rollup s"]
    header += [f"{n} s" for n in names]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for backend in backends:
        for size in args.sizes:
            counts, results, load, rollup = run(size, backend, workdir, args.reuse)
            cells = [
                backend,
                f"{size:,}",
                f"{counts['checkin']:,}",
                f"{counts['diaryentry']:,}",
                f"{load:.0f}",
                f"{rollup:.1f}",
            ]
            cells += [
                f"{results[n][0]:.2f} / {results[n][2]:.2f} ({results[n][1]:,})" for n in names
            ]
            print("| " + " | ".join(cells) + " |", flush=True)
    print(
        "\nload: generating and bulk-inserting the records (indexes built after); rollup: the "
        "one-off build of the on-site rollup and of the closed months' working-day counts; "
        "each sweep: seconds of the run (planning + outbox insert + commit) / seconds of a "
        "second run, which inserts nothing (new outbox rows)"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
