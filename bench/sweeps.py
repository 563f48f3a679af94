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
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

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
from storage.sweeps import refresh_onsite_months, working_days_on_site
from storage.unit_of_work import UnitOfWork

ZONE = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 30, 20, 0, tzinfo=ZONE)  # the week's push and the nudge
FIRST = date(2025, 12, 1)  # a year of records
LAST = date(2026, 11, 30)  # the nudge day included
CADRES_PER_VILLAGE = 2
VILLAGES_PER_TOWNSHIP = 20
CADRES_PER_UNIT = 100
CHUNK = 500_000

SWEEPS: list[tuple[str, Callable, datetime | date]] = [
    ("nudge", sweep_daily_nudge, MONDAY),
    ("weekly", sweep_weekly, MONDAY),
    ("removal", sweep_removal_triggers, MONDAY),
    ("leave", sweep_leave_overdue, MONDAY),
    ("monthly review", sweep_monthly_review, date(2026, 12, 1)),
    ("quarterly", sweep_quarterly_sheets, date(2026, 10, 1)),
    ("assessment", sweep_assessment_season, date(2026, 12, 5)),
]


# -- generating ------------------------------------------------------------------------------


def _stamp(moment: datetime) -> datetime | str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


class Loader:
    """Bulk inserts: ``executemany`` on SQLite, ``COPY`` on PostgreSQL."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.pg = engine.dialect.name == "postgresql"
        self.raw = engine.raw_connection()
        if not self.pg:
            cur = self.raw.cursor()
            cur.execute("PRAGMA foreign_keys=OFF")
            cur.execute("PRAGMA synchronous=OFF")
            cur.close()

    def rows(self, table: str, columns: tuple[str, ...], rows: Iterator[tuple]) -> int:
        count = 0
        batch: list[tuple] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= CHUNK:
                count += self._flush(table, columns, batch)
                batch = []
        if batch:
            count += self._flush(table, columns, batch)
        self.raw.commit()
        return count

    def _flush(self, table: str, columns: tuple[str, ...], batch: list[tuple]) -> int:
        cur = self.raw.cursor()
        names = ", ".join(f'"{c}"' for c in columns)
        if self.pg:
            with cur.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                for row in batch:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in columns)
            cur.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', batch)
        cur.close()
        return len(batch)

    def close(self) -> None:
        self.raw.close()


def _value(loader: Loader, moment: datetime) -> datetime | str:
    return moment if loader.pg else _stamp(moment)


def _indexes(engine: Engine, tables: tuple[str, ...]) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the secondary indexes of ``tables``."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            rows = conn.execute(
                text(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(:t) "
                    "AND indexname NOT LIKE '%pkey'"
                ),
                {"t": list(tables)},
            )
        else:
            marks = ", ".join(f"'{t}'" for t in tables)
            rows = conn.execute(
                text(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                    f"AND tbl_name IN ({marks}) AND sql IS NOT NULL"
                )
            )
        return [(name, sql) for name, sql in rows]


def generate(engine: Engine, cadres: int, seed: int = 7) -> dict[str, int]:
    """Fill an empty migrated database; returns row counts."""
    rng = random.Random(seed)
    villages = cadres // CADRES_PER_VILLAGE
    townships = max(1, villages // VILLAGES_PER_TOWNSHIP)
    units = max(1, cadres // CADRES_PER_UNIT)
    heavy = ("checkin", "diaryentry")
    indexes = _indexes(engine, heavy)
    with engine.begin() as conn:
        for name, _sql in indexes:
            conn.execute(text(f'DROP INDEX "{name}"'))
    loader = Loader(engine)
    counts: dict[str, int] = {}
    counts["township"] = loader.rows(
        "township", ("id", "name"), ((i + 1, f"镇{i + 1}") for i in range(townships))
    )
    counts["village"] = loader.rows(
        "village",
        ("id", "township_id", "name", "lat", "lon", "radius_m"),
        (
            (i + 1, i % townships + 1, f"村{i + 1}", 33.0 + i * 1e-5, 109.0, 800.0)
            for i in range(villages)
        ),
    )
    counts["unit"] = loader.rows(
        "unit", ("id", "name"), ((i + 1, f"单位{i + 1}") for i in range(units))
    )
    people: list[tuple] = []
    pid = 0

    def person(role: str, township: int | None, village: int | None, unit: int | None) -> int:
        nonlocal pid
        pid += 1
        people.append(
            (pid, f"人{pid}", f"+86150{pid:08d}", role, 10_000_000 + pid, township, village, unit)
        )
        return pid

    cadre_ids, cadre_village, cadre_township = [], {}, {}
    for i in range(cadres):
        village = i % villages + 1
        township = (village - 1) % townships + 1
        c = person("first_secretary" if i % 3 else "team_member", None, None, i % units + 1)
        cadre_ids.append(c)
        cadre_village[c], cadre_township[c] = village, township
    for v in range(villages):
        person("village_secretary", (v % townships) + 1, v + 1, None)
    secretary = {t + 1: person("township_secretary", t + 1, None, None) for t in range(townships)}
    for u in range(units):
        person("unit_leader", None, None, u + 1)
    person("org_dept", None, None, None)
    person("poverty_bureau", None, None, None)
    counts["person"] = loader.rows(
        "person",
        (
            "id",
            "name",
            "phone",
            "role",
            "telegram_user_id",
            "township_id",
            "village_id",
            "unit_id",
            "blocked_bot",
            "active",
        ),
        (p + (False, True) for p in people),
    )
    counts["assignment"] = loader.rows(
        "assignment",
        ("id", "person_id", "village_id", "unit_id", "start"),
        (
            (n + 1, c, cadre_village[c], n % units + 1, date(2025, 1, 1))
            for n, c in enumerate(cadre_ids)
        ),
    )
    year = [FIRST + timedelta(days=i) for i in range((LAST - FIRST).days + 1)]
    noon = {d: _value(loader, datetime(d.year, d.month, d.day, 9, 30, tzinfo=ZONE)) for d in year}

    def checkins() -> Iterator[tuple]:
        for c in cadre_ids:
            keep = rng.uniform(0.55, 0.95)  # some cadres are well behind the 220-day pace
            for d in year:
                r = rng.random()
                if r < keep:
                    yield (c, d, noon[d], True, "location")
                elif r < keep + 0.03:
                    yield (c, d, noon[d], False, "location")

    counts["checkin"] = loader.rows(
        "checkin", ("person_id", "day", "at", "on_site", "source"), checkins()
    )
    week_sig = {c: 2 * n + 1 for n, c in enumerate(cadre_ids)}
    month_sig = {c: 2 * n + 2 for n, c in enumerate(cadre_ids)}
    signed_at = _value(loader, datetime(2026, 11, 1, tzinfo=ZONE))
    counts["diarysignoff"] = loader.rows(
        "diarysignoff",
        ("id", "cadre_id", "scope", "period", "signer_id", "signed_at", "entry_count"),
        (
            row
            for c in cadre_ids
            for row in (
                (week_sig[c], c, "week", "bench", c, signed_at, 0),
                (month_sig[c], c, "month", "bench", c, signed_at, 0),
            )
        ),
    )
    two_weeks_ago = LAST - timedelta(days=14)

    def diaries() -> Iterator[tuple]:
        for c in cadre_ids:
            rate = rng.uniform(0.2, 0.55)
            for d in year:
                if rng.random() < rate:
                    yield (
                        c,
                        d,
                        noon[d],
                        "走访农户",
                        "[]",
                        week_sig[c] if d < two_weeks_ago else None,
                        month_sig[c] if d < date(2026, 11, 1) else None,
                    )

    counts["diaryentry"] = loader.rows(
        "diaryentry",
        (
            "person_id",
            "day",
            "written_at",
            "text",
            "photo_file_ids",
            "week_signoff_id",
            "month_signoff_id",
        ),
        diaries(),
    )
    created = _value(loader, MONDAY - timedelta(days=3))
    notified = _value(loader, MONDAY - timedelta(hours=80))
    leaves, steps = [], []
    for n, c in enumerate(rng.sample(cadre_ids, max(1, cadres // 20))):
        pending = n % 5 == 0
        start = date(2026, 11, 16) if not pending else date(2026, 12, 3)
        leaves.append(
            (
                n + 1,
                c,
                start,
                start + timedelta(days=1),
                2,
                2,
                "short",
                "事",
                created,
                "pending" if pending else "approved",
            )
        )
        if pending:
            steps.append(
                (
                    len(steps) + 1,
                    n + 1,
                    2,
                    "approve",
                    "township_secretary",
                    secretary[cadre_township[c]],
                    notified,
                )
            )
    counts["leaverequest"] = loader.rows(
        "leaverequest",
        (
            "id",
            "applicant_id",
            "start",
            "end",
            "days",
            "combined_days",
            "tier",
            "reason",
            "created_at",
            "status",
        ),
        iter(leaves),
    )
    counts["leavestep"] = loader.rows(
        "leavestep",
        ("id", "request_id", "stage", "kind", "role", "assignee_id", "notified_at"),
        iter(steps),
    )
    loader.close()
    with engine.begin() as conn:
        for _name, sql in indexes:
            conn.execute(text(sql))
        if engine.dialect.name == "postgresql":
            for table in (
                "township",
                "village",
                "unit",
                "person",
                "assignment",
                "leaverequest",
                "leavestep",
                "diarysignoff",
            ):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f'(SELECT COALESCE(MAX(id), 1) FROM "{table}"))'
                    )
                )
            conn.execute(text("ANALYZE"))
    return counts


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


def reset_pg(url: str) -> Engine:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    return engine


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
        refresh_onsite_months(uow.session)
        grid = MonthGrid(load_calendar(uow))
        keys = [key for key, _bits in month_spans(FIRST, date(2026, 10, 31))]
        working_days_on_site(uow.session, {key: grid.workday_bits(key) for key in keys})
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
