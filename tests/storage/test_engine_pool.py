"""The PostgreSQL pool of ``storage.engine.make_engine``, on a real server.

- It keeps as many connections as the process uses at once: a busy bot does not close and
  reopen connections (each a server process and a password handshake).
- Connections are tested before use only after they have been idle
  (``_ping_after_idle``), shown with backends killed under it: an idle pooled connection
  that died is replaced without the caller seeing an error, and one that died in steady
  use fails once, after which the pool is fresh."""

from __future__ import annotations

import os
import threading
import time

import pytest
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError

from storage import engine as engine_module
from storage.engine import make_engine

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg(pg_admin_engine: Engine) -> Engine:
    """``make_engine`` on the test server, counting the pings the pool sends."""
    url = pg_admin_engine.url.render_as_string(hide_password=False)
    eng = make_engine(url)
    eng.pings = []  # type: ignore[attr-defined]
    original = eng.dialect.do_ping

    def counted(dbapi_conn) -> bool:
        eng.pings.append(1)  # type: ignore[attr-defined]
        return original(dbapi_conn)

    eng.dialect.do_ping = counted  # type: ignore[method-assign]
    yield eng
    eng.dispose()


def _backend_pid(eng: Engine) -> int:
    with eng.connect() as conn:
        return conn.execute(text("SELECT pg_backend_pid()")).scalar_one()


def _kill(pid: int) -> None:
    url = os.environ["CADREBOT_TEST_PG_URL"]
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            assert conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid}).scalar()
    finally:
        admin.dispose()


def test_as_many_threads_as_connections_open_each_connection_once(
    pg_admin_engine: Engine,
) -> None:
    url = pg_admin_engine.url.render_as_string(hide_password=False)
    eng = make_engine(url, connections=12)
    connects: list[int] = []
    event.listen(eng, "connect", lambda *_: connects.append(1))
    done: list[int] = []
    until = time.monotonic() + 1.5

    def work() -> None:
        while time.monotonic() < until:
            with eng.begin() as conn:
                conn.execute(text("SELECT 1"))
            done.append(1)
            time.sleep(0.001)  # hand the connection back, as a worker between updates

    threads = [threading.Thread(target=work) for _ in range(12)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        eng.dispose()
    assert len(done) > 100
    assert len(connects) <= 12, f"{len(connects)} connections for {len(done)} transactions"


def test_a_busy_pool_sends_no_pings(pg: Engine) -> None:
    for _ in range(20):
        with pg.begin() as conn:
            conn.execute(text("SELECT 1"))
    assert pg.pings == []  # type: ignore[attr-defined]


def test_an_idle_connection_that_died_is_replaced_unseen(
    pg: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _backend_pid(pg)
    _kill(first)
    monkeypatch.setattr(engine_module, "IDLE_BEFORE_PING", 0.0)  # it has been idle "long"
    second = _backend_pid(pg)  # no error: the ping found it dead, the pool reconnected
    assert second != first
    assert len(pg.pings) == 1  # type: ignore[attr-defined]


def test_a_connection_that_died_in_steady_use_fails_once_then_the_pool_is_fresh(
    pg: Engine,
) -> None:
    connects: list[int] = []
    event.listen(pg, "connect", lambda *_: connects.append(1))
    first = _backend_pid(pg)
    _kill(first)
    with pytest.raises(OperationalError) as caught:
        _backend_pid(pg)
    assert caught.value.connection_invalidated
    assert _backend_pid(pg) != first
    assert pg.pings == []  # type: ignore[attr-defined]
    assert len(connects) == 2  # the first connection and its one replacement
