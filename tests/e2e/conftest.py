"""End-to-end fixtures: the real bot runtime, long polling over HTTP against the loopback
Bot API emulator, on a migrated SQLite database holding the sample district.

The clock is fixed (Monday 2026-11-30 09:00 in Asia/Shanghai) and can be moved by a test.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.app import build_runtime
from bot.composition import Storage, build_storage
from bot.settings import Settings
from sandbox import BotApiEmulator, SimulatedUser
from services.clock import FixedClock
from services.sample_district import PEOPLE, seed_sample_district
from storage.engine import make_engine
from storage.migrations import upgrade

ZONE = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 11, 30, 9, 0, tzinfo=ZONE)
TOKEN = "424242:E2E-SECRET-TOKEN"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START, ZONE)


@pytest.fixture
def settings(tmp_path) -> Iterator[Settings]:  # noqa: ANN001
    url = f"sqlite:///{tmp_path}/e2e.db"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield Settings(token=TOKEN, api_url="http://127.0.0.1:1", database_url=url, language="zh")


@pytest.fixture
def storage(settings: Settings) -> Iterator[Storage]:
    storage = build_storage(settings)
    with storage.uow() as uow:
        seed_sample_district(uow, posted_from=date(2026, 1, 1))
        uow.commit()
    yield storage
    storage.engine.dispose()


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(TOKEN) as emu:
        yield emu


@pytest.fixture(params=["aiogram"])
def framework(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
async def running_bot(framework, settings, storage, emulator, clock):  # noqa: ANN001, ANN201
    """The bot, built by the same composition root as ``cadrebot run``, polling the emulator."""
    live = settings.model_copy(update={"api_url": emulator.base_url, "framework": framework})
    runtime = build_runtime(live, storage, clock)
    task = asyncio.create_task(runtime.run_polling())
    yield runtime
    await runtime.stop()
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.wait_for(task, 10)


@dataclass
class District:
    """People of the sample district as simulated Telegram users."""

    emulator: BotApiEmulator
    storage: Storage
    clock: FixedClock

    def user(self, key: str, language: str = "zh") -> SimulatedUser:
        index = [p.key for p in PEOPLE].index(key)
        person = PEOPLE[index]
        return self.emulator.user(
            user_id=5000 + index, first_name=person.name, language_code=language
        )

    def phone(self, key: str) -> str:
        return next(p.phone for p in PEOPLE if p.key == key)

    async def onboard(self, key: str, language: str = "zh") -> SimulatedUser:
        """Share the person's own contact and consume the welcome and the help."""
        user = self.user(key, language)
        user.share_contact(self.phone(key))
        welcome = await user.next_message()
        assert "绑定成功" in welcome.text or "registered" in welcome.text, welcome.text
        await user.next_message()  # help
        return user


@pytest.fixture
def district(running_bot, emulator, storage, clock) -> District:  # noqa: ANN001
    return District(emulator, storage, clock)
