"""Fixtures shared by the whole suite.

``database_url`` / ``engine`` run a test on SQLite and on PostgreSQL. The PostgreSQL server
comes from ``CADREBOT_TEST_PG_URL`` (``scripts/test.sh`` starts a throwaway one and sets it);
each test gets a fresh empty database. Nothing creates tables here: the storage code's
migrations do that.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text

from storage.engine import make_engine

PG_URL_ENV = "CADREBOT_TEST_PG_URL"


@pytest.fixture(scope="session")
def pg_admin_engine() -> Iterator[Engine]:
    """An AUTOCOMMIT engine on ``CADREBOT_TEST_PG_URL``'s database, for CREATE/DROP DATABASE.

    Fails when the variable is unset: PostgreSQL is never skipped silently
    (``scripts/test.sh`` provides it)."""
    url = os.environ.get(PG_URL_ENV)
    if not url:
        msg = f"{PG_URL_ENV} is not set: scripts/test.sh starts PostgreSQL and sets it"
        pytest.fail(msg, pytrace=False)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ]
)
def database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """URL of a fresh, empty database: a new SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/test.db"
        return
    admin: Engine = request.getfixturevalue("pg_admin_engine")
    name = f"test_{uuid.uuid4().hex}"
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'"))
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """``storage.engine.make_engine`` on ``database_url``; disposed after the test."""
    eng = make_engine(database_url)
    yield eng
    eng.dispose()
