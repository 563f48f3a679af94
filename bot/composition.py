"""The composition root: settings → engine → unit-of-work factory → services → runtime.

Nothing is built at import time; the CLI calls these functions once per process.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.settings import Settings
from services.clock import Clock, SystemClock
from storage.engine import Engine, make_engine, session_factory
from storage.migrations import require_up_to_date
from storage.unit_of_work import UnitOfWork


@dataclass
class Storage:
    engine: Engine
    uow: Callable[[], UnitOfWork]


def build_storage(settings: Settings, *, check_migrated: bool = True) -> Storage:
    # The inbox runs up to workers + 8 transactions at once (its thread pool), the
    # scheduler's jobs a few more.
    engine = make_engine(settings.database_url, connections=settings.workers + 12)
    if check_migrated:
        require_up_to_date(engine)
    sessions = session_factory(engine)
    return Storage(engine, lambda: UnitOfWork(sessions))


def build_clock(settings: Settings) -> Clock:
    return SystemClock(settings.zone)
