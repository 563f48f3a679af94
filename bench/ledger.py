"""How long one cadre's year of the day ledger takes (not a test): ``/status`` and the
per-cadre reads go through ``services.ledger`` (every posting, check-ins, leave approved
and pending, duty, township entries, then ``domain.ledger`` day by day).

Runs on a district file made by ``bench/sweeps.py`` (a year of check-ins, leave and
pending steps for 100,000 cadres), for a sample of cadres, and prints a Markdown table.

    .venv/bin/python bench/sweeps.py 100000 --workdir /tmp/bench
    .venv/bin/python bench/ledger.py /tmp/bench/bench-100000.db [--cadres 200]

Target: a cadre's year under 50 ms.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import time
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import text

from domain.attendance import Period
from services.calendar import load_calendar
from services.ledger import person_counts, person_ledger
from storage.engine import make_engine, session_factory
from storage.unit_of_work import UnitOfWork


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("database", type=Path, help="a SQLite file made by bench/sweeps.py")
    parser.add_argument("--cadres", type=int, default=200, help="how many cadres to time")
    parser.add_argument("--year", type=int, default=2026)
    args = parser.parse_args()
    engine = make_engine(f"sqlite:///{args.database}")
    sessions = session_factory(engine)
    year = Period.year(args.year)
    with UnitOfWork(sessions) as uow:
        ids = [row[0] for row in uow.session.execute(text("SELECT person_id FROM assignment"))]
        calendar = load_calendar(uow)
    sample = random.Random(1).sample(ids, min(args.cadres, len(ids)))
    ledger_ms, counts_ms, days = [], [], 0
    for pid in sample:
        with UnitOfWork(sessions) as uow:
            t0 = time.perf_counter()
            entries = person_ledger(uow, pid, year, calendar)
            t1 = time.perf_counter()
            person_counts(uow, pid, year, as_of=date(args.year, 12, 31), calendar=calendar)
            t2 = time.perf_counter()
        ledger_ms.append((t1 - t0) * 1000)
        counts_ms.append((t2 - t1) * 1000)
        days += len(entries)
    engine.dispose()

    def row(name: str, values: list[float]) -> str:
        q = statistics.quantiles(values, n=100)
        p50, p95, p99 = statistics.median(values), q[94], q[98]
        cells = (name, len(values), f"{p50:.1f}", f"{p95:.1f}", f"{p99:.1f}")
        return "| " + " | ".join(map(str, cells)) + " |"

    print(f"machine: {platform.platform()}, Python {platform.python_version()}")
    print(f"date: {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; district: {len(ids):,} postings")
    print()
    print("| read | cadres | p50 ms | p95 ms | p99 ms |")
    print("|---|---|---|---|---|")
    print(row(f"one cadre's {args.year} ledger ({days // len(sample)} days)", ledger_ms))
    print(row("its counts (as /status reads them)", counts_ms))


if __name__ == "__main__":
    main()
