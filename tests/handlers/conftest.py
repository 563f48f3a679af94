"""Handler-level fixtures: the conversations called directly (no HTTP) on a migrated
SQLite database holding the sample district, with some people already bound."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.handlers.conversation import Conversations
from bot.i18n import Catalog
from services.clock import FixedClock
from services.sample_district import PEOPLE, seed_sample_district
from storage.engine import make_engine, session_factory
from storage.migrations import upgrade
from storage.unit_of_work import UnitOfWork

ZONE = ZoneInfo("Asia/Shanghai")
#: Telegram ids of the bound people, by sample key: 5000 + their index in PEOPLE.
BOUND = {p.key: 5000 + i for i, p in enumerate(PEOPLE)}


#: Monday 2026-11-30 09:00, as in tests/e2e.
START = datetime(2026, 11, 30, 9, 0, tzinfo=ZONE)


def _seeded(path: Path) -> None:
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with UnitOfWork(session_factory(engine)) as uow:
        people = seed_sample_district(uow, posted_from=date(2026, 1, 1))
        for key, telegram_id in BOUND.items():
            people[key].telegram_user_id = telegram_id
        uow.commit()
    engine.dispose()


def _conversations(path: Path) -> Iterator[Conversations]:
    engine = make_engine(f"sqlite:///{path}")
    sessions = session_factory(engine)
    yield Conversations(lambda: UnitOfWork(sessions), FixedClock(START, ZONE), Catalog("zh"))
    engine.dispose()


@pytest.fixture(scope="session")
def seeded_district(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The migrated, seeded database, made once and copied by the fixtures below."""
    path = tmp_path_factory.mktemp("handlers") / "seeded.db"
    _seeded(path)
    return path


@pytest.fixture(scope="module")
def conversations(
    tmp_path_factory: pytest.TempPathFactory, seeded_district: Path
) -> Iterator[Conversations]:
    """One database for the module's tests (they must not depend on each other's writes)."""
    path = tmp_path_factory.mktemp("handlers") / "h.db"
    shutil.copy(seeded_district, path)
    yield from _conversations(path)


@pytest.fixture
def fresh(tmp_path: Path, seeded_district: Path) -> Iterator[Conversations]:
    """A database of its own for one test (a dialog that files, signs or records)."""
    path = tmp_path / "fresh.db"
    shutil.copy(seeded_district, path)
    yield from _conversations(path)
