"""Handler-level fixtures: the conversations called directly (no HTTP) on a migrated
SQLite database holding the sample district, with some people already bound."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
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


@pytest.fixture(scope="module")
def conversations(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Conversations]:
    path = tmp_path_factory.mktemp("handlers") / "h.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    sessions = session_factory(engine)
    with UnitOfWork(sessions) as uow:
        people = seed_sample_district(uow, posted_from=date(2026, 1, 1))
        for key, telegram_id in BOUND.items():
            people[key].telegram_user_id = telegram_id
        uow.commit()
    clock = FixedClock(datetime(2026, 11, 30, 9, 0, tzinfo=ZONE), ZONE)
    yield Conversations(lambda: UnitOfWork(sessions), clock, Catalog("zh"))
    engine.dispose()
