"""Storage fixtures: the shared ``engine`` (SQLite and PostgreSQL) migrated to the head,
and a unit-of-work factory on it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine

from storage.engine import session_factory
from storage.migrations import upgrade
from storage.unit_of_work import UnitOfWork


@pytest.fixture
def migrated_engine(engine: Engine) -> Engine:
    upgrade(engine)
    return engine


@pytest.fixture
def uow_factory(migrated_engine: Engine) -> Callable[[], UnitOfWork]:
    sessions = session_factory(migrated_engine)
    return lambda: UnitOfWork(sessions)
