"""Engine and session factory, built by the composition root from the configured URL."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection
from sqlmodel import Session

from storage.sqlite_writer import TurnConnection, WriterTurn

#: The composition root holds the engine it builds; it names the type from here, not from
#: SQLAlchemy (only storage/ imports it).
__all__ = ["Engine", "make_engine", "session_factory"]


def make_engine(url: str, *, connections: int = 16) -> Engine:
    """An engine for ``url`` used by up to ``connections`` threads at once. SQLite gets
    WAL, foreign keys, a busy timeout and one writer at a time per process
    (``storage.sqlite_writer``) so several threads (the bot's workers, the scheduler)
    share one file without sleeping in the busy handler."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        turn = WriterTurn()
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30, "factory": TurnConnection},
        )

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: TurnConnection, _record: object) -> None:  # pragma: no cover
            dbapi_conn.turn = turn
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    # The pool keeps as many connections as the process uses at once (``connections``):
    # with SQLAlchemy's default of 5 kept, a bot whose inbox threads run 12 transactions
    # at once closed and reopened a connection for about one in ten of them (a server
    # process and a SCRAM handshake each). Overflow beyond that is allowed, not kept.
    engine = create_engine(url, pool_size=connections, max_overflow=connections)
    _ping_after_idle(engine)
    return engine


#: A pooled connection unused for longer than this is tested before it is handed out.
IDLE_BEFORE_PING = 5.0


def _ping_after_idle(engine: Engine) -> None:
    """Test a pooled connection before use only when it has been idle a while: a restarted
    or vanished server is noticed there, while a busy bot (connections handed back and
    out again within milliseconds) does not pay a round trip per transaction, as
    ``pool_pre_ping`` would. A connection that broke while in steady use fails its
    statement instead; SQLAlchemy then discards the whole pool, and the caller retries."""

    @event.listens_for(engine, "checkin")
    def _used(_dbapi_conn: DBAPIConnection, record: ConnectionPoolEntry) -> None:
        record.info["checked_in"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(
        dbapi_conn: DBAPIConnection, record: ConnectionPoolEntry, _proxy: PoolProxiedConnection
    ) -> None:
        since = record.info.get("checked_in")
        if since is None or time.monotonic() - since < IDLE_BEFORE_PING:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError("a pooled connection failed its ping") from exc


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, class_=Session, expire_on_commit=False)
