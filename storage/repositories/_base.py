"""What every repository shares: the session it wraps, adding rows, prebuilt inserts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple, TypeVar, cast

from sqlalchemy import CursorResult, Insert
from sqlmodel import Session, SQLModel

#: Ids or phones sent in one ``IN (...)`` list: under every database's parameter limit.
IN_CHUNK = 500


def in_chunks(items: Iterable[Any]) -> Iterable[list[Any]]:
    ordered = sorted(set(items))
    for start in range(0, len(ordered), IN_CHUNK):
        yield ordered[start : start + IN_CHUNK]


Row = TypeVar("Row", bound=SQLModel)


class OpenDialog(NamedTuple):
    """A person's multi-step dialog as stored: which one, the step, and its data."""

    dialog: str
    step: str
    data: dict[str, Any]


class Repository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: Row) -> Row:
        """Add a row and flush it, so its id (and any constraint it breaks) is known."""
        self.session.add(row)
        self.session.flush()
        return row

    def stage(self, row: Any) -> None:
        """Add a row to the transaction unflushed: it is written with the next query or
        flush (an import adding thousands of rows flushes once)."""
        self.session.add(row)

    def stage_all(self, rows: Iterable[Any]) -> None:
        """``stage`` for many rows."""
        self.session.add_all(rows)

    def _insert(self, statement: Insert, values: dict[str, Any]) -> int | None:
        """Run a prebuilt Core ``INSERT`` with ``values``; returns the new row's id, if any.

        A Core statement does not autoflush, so pending ORM changes are flushed first (a
        no-op when there are none): the row may refer to them, as an ORM insert could."""
        self.session.flush()
        result = cast(CursorResult[Any], self.session.execute(statement, values))
        key = result.inserted_primary_key
        return key[0] if key else None
