"""The sample district plus ``--cadres`` generated cadres, each bound to a simulated
Telegram user, in a fresh SQLite file or the throwaway PostgreSQL database."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, text

from harness import FIRST_USER_ID, ZONE
from harness.bulk import Loader, reset_pg
from services.sample_district import seed_sample_district
from storage.engine import make_engine, session_factory
from storage.migrations import upgrade
from storage.unit_of_work import UnitOfWork


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
