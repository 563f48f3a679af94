"""Fixtures of the reports, grades and spot-check tests: the shared ``engine`` (SQLite and
PostgreSQL) migrated to the head, a unit-of-work factory on it, the sample district."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import Engine

from services.sample_district import seed_sample_district
from storage.engine import session_factory
from storage.migrations import upgrade
from storage.tables import Person
from storage.unit_of_work import UnitOfWork


@pytest.fixture
def uow_factory(engine: Engine) -> Callable[[], UnitOfWork]:
    upgrade(engine)
    sessions = session_factory(engine)
    return lambda: UnitOfWork(sessions)


@pytest.fixture
def people(uow_factory: Callable[[], UnitOfWork]) -> dict[str, Person]:
    """The sample district (cadres posted from 2026-01-01), everyone bound to Telegram."""
    with uow_factory() as uow:
        people = seed_sample_district(uow, posted_from=date(2026, 1, 1))
        for n, person in enumerate(people.values()):
            person.telegram_user_id = 7000 + n
        uow.commit()
    return people
