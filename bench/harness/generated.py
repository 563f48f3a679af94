"""A generated district of N cadres (two per village, 20 villages per township) with a year
of check-ins, diaries, leave and pending leave steps, bulk-loaded (bench/sweeps.py, and
bench/e2e.py's extra cadres)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from sqlalchemy import Engine, text

from harness import ZONE
from harness.bulk import Loader, heavy_indexes, stored_moment

MONDAY = datetime(2026, 11, 30, 20, 0, tzinfo=ZONE)  # the week's push and the nudge
FIRST = date(2025, 12, 1)  # a year of records
LAST = date(2026, 11, 30)  # the nudge day included
CADRES_PER_VILLAGE = 2
VILLAGES_PER_TOWNSHIP = 20
CADRES_PER_UNIT = 100


def generate(engine: Engine, cadres: int, seed: int = 7) -> dict[str, int]:
    """Fill an empty migrated database; returns row counts."""
    rng = random.Random(seed)
    villages = cadres // CADRES_PER_VILLAGE
    townships = max(1, villages // VILLAGES_PER_TOWNSHIP)
    units = max(1, cadres // CADRES_PER_UNIT)
    heavy = ("checkin", "diaryentry")
    indexes = heavy_indexes(engine, heavy)
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
    noon = {
        d: stored_moment(loader, datetime(d.year, d.month, d.day, 9, 30, tzinfo=ZONE)) for d in year
    }

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
    signed_at = stored_moment(loader, datetime(2026, 11, 1, tzinfo=ZONE))
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
    created = stored_moment(loader, MONDAY - timedelta(days=3))
    notified = stored_moment(loader, MONDAY - timedelta(hours=80))
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
