"""One SQLite writer at a time per process, queued on a lock rather than on SQLite's busy
handler.

SQLite lets one transaction write at a time. A second writer's ``BEGIN`` fails with
"database is locked" and the busy handler retries it after sleeping 1, 2, 5, 10 … up to
100 ms, however soon the first writer commits. With the bot's workers, the scheduler and
the inbox writing from several threads, those sleeps, not the work, made the latency: a
burst showed 157 ms of waiting per update. Here a thread about to write first takes the
engine's lock and sleeps on it instead: it wakes the moment the writer before it commits
or rolls back. Readers never take it (WAL lets them read beside the writer).

The lock is per engine (per database file), and only serialises the threads of this
process; another process on the same file still meets the busy handler. A writer that
cannot get the lock within ``wait`` seconds goes ahead without it (SQLite's own locking
still protects the data), so a thread that opened two writing connections at once waits
as long as it did before, not forever.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from typing import Any

log = logging.getLogger(__name__)

#: Statements pysqlite runs outside a transaction (no write lock needed).
_READS = ("SELECT", "PRAGMA", "EXPLAIN", "WITH")


def _writes(sql: str) -> bool:
    head = sql.lstrip()[:8].upper()
    if head.startswith("WITH"):
        # A CTE can end in an INSERT/UPDATE/DELETE: look for one.
        upper = sql.upper()
        return any(f" {verb} " in upper for verb in ("INSERT", "UPDATE", "DELETE"))
    return not head.startswith(_READS)


class WriterTurn:
    """The lock of one engine's writers (see the module docstring)."""

    def __init__(self, wait: float = 30.0) -> None:
        self.lock = threading.Lock()
        self.wait = wait


class TurnCursor(sqlite3.Cursor):
    def execute(self, sql: str, parameters: Any = (), /) -> TurnCursor:
        connection: TurnConnection = self.connection  # type: ignore[assignment]
        connection.take_turn(sql)
        try:
            return super().execute(sql, parameters)
        finally:
            connection.end_turn_if_idle()

    def executemany(self, sql: str, seq_of_parameters: Any, /) -> TurnCursor:
        connection: TurnConnection = self.connection  # type: ignore[assignment]
        connection.take_turn(sql)
        try:
            return super().executemany(sql, seq_of_parameters)
        finally:
            connection.end_turn_if_idle()


class TurnConnection(sqlite3.Connection):
    """A pysqlite connection that takes its engine's ``WriterTurn`` before the first write
    of a transaction and gives it back when the transaction ends."""

    turn: WriterTurn | None = None
    _holding = False

    def cursor(self, factory: Any = TurnCursor) -> sqlite3.Cursor:  # type: ignore[override]
        cursor: sqlite3.Cursor = super().cursor(factory)
        return cursor

    def take_turn(self, sql: str) -> None:
        turn = self.turn
        if turn is None or self._holding or self.in_transaction or not _writes(sql):
            return
        if turn.lock.acquire(timeout=turn.wait):
            self._holding = True
        else:
            log.warning("waited %.0fs for the SQLite write lock; writing without it", turn.wait)

    def end_turn_if_idle(self) -> None:
        """Give the turn back once no transaction is open (a statement that failed before
        pysqlite's implicit BEGIN, or a DDL statement that committed itself)."""
        if self._holding and not self.in_transaction:
            self._end_turn()

    def _end_turn(self) -> None:
        if self._holding:
            self._holding = False
            assert self.turn is not None
            self.turn.lock.release()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.end_turn_if_idle()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.end_turn_if_idle()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._end_turn()
