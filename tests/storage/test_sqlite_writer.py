"""The SQLite engine queues its writers on a lock (``storage.sqlite_writer``): a second
writer waits for the first to finish instead of failing or sleeping in SQLite's busy
handler, readers never wait, and the turn is handed back however a transaction ends."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from storage.engine import make_engine


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path}/turn.db")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"))
    yield engine
    engine.dispose()


def _no_busy_wait(conn) -> None:
    """Without the lock, a second writer now fails at once with "database is locked"."""
    conn.exec_driver_sql("PRAGMA busy_timeout=0")


def test_second_writer_waits_for_the_first_instead_of_failing(sqlite_engine: Engine) -> None:
    first_wrote = threading.Event()
    release_first = threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        with sqlite_engine.connect() as conn:
            _no_busy_wait(conn)
            conn.execute(text("INSERT INTO t (id, v) VALUES (1, 'first')"))
            first_wrote.set()
            release_first.wait(5)
            conn.commit()

    def second() -> None:
        try:
            with sqlite_engine.connect() as conn:
                _no_busy_wait(conn)
                conn.execute(text("INSERT INTO t (id, v) VALUES (2, 'second')"))
                conn.commit()
        except BaseException as exc:  # reported below
            errors.append(exc)

    a = threading.Thread(target=first)
    a.start()
    assert first_wrote.wait(5)
    b = threading.Thread(target=second)
    b.start()
    b.join(0.3)
    assert b.is_alive(), "the second writer should be waiting for its turn"
    release_first.set()
    a.join(5)
    b.join(5)
    assert not errors, errors
    with sqlite_engine.connect() as conn:
        assert conn.execute(text("SELECT id FROM t ORDER BY id")).scalars().all() == [1, 2]


def test_readers_do_not_wait_for_a_writer(sqlite_engine: Engine) -> None:
    with sqlite_engine.connect() as writer:
        writer.execute(text("INSERT INTO t (id, v) VALUES (1, 'open')"))
        seen: list[int] = []

        def read() -> None:
            with sqlite_engine.connect() as conn:
                seen.append(conn.execute(text("SELECT count(*) FROM t")).scalar_one())

        reader = threading.Thread(target=read)
        reader.start()
        reader.join(5)
        assert not reader.is_alive()
        assert seen == [0]  # WAL: the uncommitted row is not visible
        writer.rollback()


@pytest.mark.parametrize("ending", ["commit", "rollback", "close", "failed statement"])
def test_the_turn_is_handed_back_however_a_transaction_ends(
    sqlite_engine: Engine, ending: str
) -> None:
    conn = sqlite_engine.connect()
    if ending == "failed statement":
        conn.execute(text("INSERT INTO t (id, v) VALUES (1, 'x')"))
        conn.commit()
        with pytest.raises(IntegrityError):
            conn.execute(text("INSERT INTO t (id, v) VALUES (1, 'duplicate')"))
        conn.rollback()
    else:
        conn.execute(text("INSERT INTO t (id, v) VALUES (5, 'x')"))
        if ending == "commit":
            conn.commit()
        elif ending == "rollback":
            conn.rollback()
    conn.close()
    done = threading.Event()

    def write() -> None:
        with sqlite_engine.connect() as other:
            _no_busy_wait(other)
            other.execute(text("INSERT INTO t (id, v) VALUES (9, 'next')"))
            other.commit()
        done.set()

    threading.Thread(target=write, daemon=True).start()
    assert done.wait(5), f"the lock was still held after {ending}"
