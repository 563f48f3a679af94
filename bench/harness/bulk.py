"""Bulk loading: rows inserted in large batches, with the indexes dropped meanwhile, and a
PostgreSQL schema reset for a bench database nobody else uses."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from sqlalchemy import Engine, text

from storage.engine import make_engine

CHUNK = 500_000  # rows per bulk insert


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


def stored_moment(loader: Loader, moment: datetime) -> datetime | str:
    """A moment as the loader writes it: a datetime on PostgreSQL, SQLite's text form."""
    return moment if loader.pg else _stamp(moment)


def heavy_indexes(engine: Engine, tables: tuple[str, ...]) -> list[tuple[str, str]]:
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


def reset_pg(url: str) -> Engine:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    return engine
