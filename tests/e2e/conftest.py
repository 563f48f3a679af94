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
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.app import build_runtime
from bot.composition import Storage, build_storage
from bot.settings import Settings
from sandbox import BotApiEmulator, CallbackAnswer, SimulatedUser
from sandbox.dingtalk import DingTalkEmulator
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
def settings(tmp_path) -> Iterator[Settings]:
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


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every scenario runs on aiogram and on PTB; one marked ``dingtalk`` (it uses only
    what DingTalk can carry: text, photos, files, buttons) on the DingTalk runtime too. A
    test that names its frameworks itself (``parametrize("framework", ...)``) keeps them."""
    explicit = any(
        "framework" in str(marker.args[0])
        for marker in metafunc.definition.iter_markers("parametrize")
    )
    if "framework" in metafunc.fixturenames and not explicit:
        names = ["aiogram", "ptb"]
        if metafunc.definition.get_closest_marker("dingtalk") is not None or __import__(
            "os"
        ).environ.get("TRY_DT"):
            names.append("dingtalk")
        metafunc.parametrize("framework", names)


def staff_id(index: int) -> str:
    """The DingTalk staff id of the sample district's person ``index``."""
    return f"staff{index:03d}"


@pytest.fixture
async def emulator(framework: str, clock: FixedClock) -> AsyncIterator[Any]:
    """The messenger's loopback emulator: Telegram's Bot API, or DingTalk with the sample
    district's people in its directory. Either dates the simulated people's messages by
    the test's clock, as the bot counts evidence at the moment it was sent."""

    def now() -> float:
        return clock.now().timestamp()

    if framework == "dingtalk":
        async with DingTalkEmulator(clock=now) as dingtalk:
            for index, person in enumerate(PEOPLE):
                dingtalk.add_member(staff_id(index), person.name, person.phone.removeprefix("+86"))
            yield dingtalk
        return
    async with BotApiEmulator(TOKEN, clock=now) as emu:
        yield emu


def live_settings(settings: Settings, framework: str, emulator: Any) -> Settings:
    """The settings of a bot serving ``emulator`` on ``framework`` (validated again: a
    plain ``model_copy`` would keep the framework a string, not a ``Framework``)."""
    if framework == "dingtalk":
        update: dict[str, Any] = {
            "framework": framework,
            "dingtalk_client_id": emulator.client_id,
            "dingtalk_client_secret": emulator.client_secret,
            "dingtalk_robot_code": emulator.robot_code,
            "dingtalk_api_url": emulator.base_url,
            "dingtalk_oapi_url": emulator.base_url,
        }
    else:
        update = {"api_url": emulator.base_url, "framework": framework}
    values = settings.model_dump() | update
    values["token"] = settings.token.get_secret_value() if settings.token else None
    return Settings.model_validate(values)


#: The runtime serving each emulator (by ``id``), so ``tap`` can wait until it is idle.
RUNTIMES: dict[int, Any] = {}


@pytest.fixture
async def running_bot(framework, settings, storage, emulator, clock):
    """The bot, built by the same composition root as ``cadrebot run``, polling the emulator."""
    runtime = build_runtime(live_settings(settings, framework, emulator), storage, clock)
    task = asyncio.create_task(runtime.run_polling())
    RUNTIMES[id(emulator)] = runtime
    yield runtime
    RUNTIMES.pop(id(emulator), None)
    await runtime.stop()
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.wait_for(task, 10)


@dataclass
class District:
    """People of the sample district as simulated Telegram users."""

    emulator: BotApiEmulator
    storage: Storage
    clock: FixedClock

    @property
    def on_dingtalk(self) -> bool:
        return isinstance(self.emulator, DingTalkEmulator)

    def user(self, key: str, language: str = "zh") -> SimulatedUser:
        index = [p.key for p in PEOPLE].index(key)
        person = PEOPLE[index]
        if self.on_dingtalk:
            return self.emulator.user(staff_id(index))
        return self.emulator.user(
            user_id=5000 + index, first_name=person.name, language_code=language
        )

    def phone(self, key: str) -> str:
        return next(p.phone for p in PEOPLE if p.key == key)

    async def onboard(self, key: str, language: str = "zh") -> SimulatedUser:
        """Share the person's own contact and consume the welcome and the help."""
        user = self.user(key, language)
        if self.on_dingtalk:  # no contact to share: the bot reads the directory's mobile
            user.send_text("你好")
        else:
            user.share_contact(self.phone(key))
        welcome = await user.next_message()
        assert "绑定成功" in welcome.text or "registered" in welcome.text, welcome.text
        await user.next_message()  # help
        return user

    async def onboard_all(self, *keys: str) -> list[SimulatedUser]:
        """``onboard`` several people at once (their chats are independent)."""
        return list(await asyncio.gather(*(self.onboard(key) for key in keys)))


async def tap(
    user: SimulatedUser, target: object, button: str | None = None, *, data: str | None = None
) -> CallbackAnswer:
    """Press a button and wait until the bot has handled the press and sent its replies,
    so the database and the chats can be checked right after.

    The runtime answers a press right after the handling transaction commits, then sends
    the replies. An update confirmed to the Bot API is only stored (the inbox), so the
    sync point is the runtime's ``idle()``: every stored update handled, every reply sent."""
    if isinstance(target, str) and button is None and data is None:
        query = user.press(target)
    else:
        query = user.press(target, button, data=data)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    while loop.time() < deadline:
        for answer in user.callback_answers:
            if answer.query_id == query["id"]:
                await user.emulator.wait_idle(10)  # every update so far stored
                runtime = RUNTIMES.get(id(user.emulator))
                if runtime is not None:
                    await runtime.idle(10)  # ... handled, and the replies sent
                await user.wait_until_quiet(0.1)
                return answer
        await asyncio.sleep(0.02)
    raise AssertionError(f"the bot never answered the press.\n{user.transcript()}")


async def assert_silent(user: SimulatedUser) -> None:
    """The bot has sent this user nothing they have not read yet."""
    await user.wait_until_quiet()
    try:
        extra = await user.next_message(timeout=0.01)
    except AssertionError:
        return
    raise AssertionError(f"unexpected message to {user!r}: {extra.text}")


async def bound_deputy_leader(district: District) -> SimulatedUser:
    """副职李, a second township leader of the cadre's township, bound to the bot: someone
    a leave step can be handed to (转交)."""
    from storage.tables import Person

    with district.storage.uow() as uow:
        leader = uow.people.by_phone(district.phone("township_leader"))
        uow.people.add(
            Person(
                name="副职李",
                phone="+8613900000099",
                role="township_leader",
                township_id=leader.township_id,
            )
        )
        uow.commit()
    if district.on_dingtalk:
        district.emulator.add_member("staff-deputy", "副职李", "13900000099")
        deputy = district.emulator.user("staff-deputy")
        deputy.send_text("你好")
    else:
        deputy = district.emulator.user(user_id=7777, first_name="副职李", language_code="zh")
        deputy.share_contact("+8613900000099")
    await deputy.next_message()
    await deputy.next_message()
    return deputy


@pytest.fixture
def district(running_bot, emulator, storage, clock) -> District:
    return District(emulator, storage, clock)
