"""Start and stop the whole demo in one event loop: emulator, bot, scheduler, page.

``cadrebot demo`` and the browser tests share :func:`start_demo_stack`, so what the tests
drive is exactly what a visitor gets: the configured framework's real runtime, long
polling a loopback Bot API emulator, on a fresh SQLite file holding the sample district,
with the chat-simulator page served on ``host:port`` (same origin as its API). Nothing
touches the network or needs a Telegram token.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from aiohttp import web
from pydantic import ValidationError

from bot.app import build_runtime
from bot.composition import Storage, build_storage
from bot.settings import Framework, Settings, SettingsError
from sandbox.demo import dingtalk
from sandbox.demo.clock import ShiftableClock
from sandbox.demo.scheduler_hook import SchedulerHook
from sandbox.demo.web import build_demo_app
from sandbox.dingtalk import DingTalkEmulator
from sandbox.emulator import BotApiEmulator
from services.sample_district import seed_sample_district, seed_sample_history
from storage.engine import make_engine
from storage.migrations import upgrade

log = logging.getLogger(__name__)

#: The demo bot's token: only the loopback emulator ever sees it.
DEMO_TOKEN = "777000:DEMO-cadrebot-offline"


@dataclass
class DemoStack:
    """Everything the demo runs; :meth:`stop` takes it down in reverse order."""

    emulator: BotApiEmulator | DingTalkEmulator
    runtime: Any
    storage: Storage
    clock: ShiftableClock
    settings: Settings
    database_path: Path
    scheduler: SchedulerHook
    url: str = ""
    _runner: web.AppRunner | None = None
    _polling: asyncio.Task[None] | None = None
    _stopped: bool = field(default=False, repr=False)

    @property
    def on_dingtalk(self) -> bool:
        """The bot runs on DingTalk (Stream mode, staff ids) rather than Telegram."""
        return isinstance(self.emulator, DingTalkEmulator)

    @property
    def polling_task(self) -> asyncio.Task[None] | None:
        """The bot's polling task (tests check it has not died)."""
        return self._polling

    async def stop(self) -> None:
        """Stop the page, the scheduler, the bot and the emulator; close the database."""
        if self._stopped:
            return
        self._stopped = True
        task = self._polling
        if task is not None and task.done() and not task.cancelled() and task.exception():
            log.error("the bot had stopped polling", exc_info=task.exception())
        if self._runner is not None:
            await self._runner.cleanup()
        await self.scheduler.stop()
        with contextlib.suppress(Exception):
            await self.runtime.stop()
        if task is not None and not task.done():
            try:
                await asyncio.wait_for(task, 10)  # cancels it after 10 s
            except (Exception, asyncio.CancelledError) as exc:  # it is being stopped anyway
                log.debug("polling ended with %r while stopping", exc)
        await self.emulator.stop()
        self.storage.engine.dispose()


def fresh_database(data_dir: Path, moment: datetime) -> Path:
    """A new, not yet existing SQLite path ``DIR/demo-<timestamp>.db``: every run starts
    from the sample district, and earlier runs stay around for a look afterwards."""
    data_dir.mkdir(parents=True, exist_ok=True)
    stem = f"demo-{moment:%Y%m%d-%H%M%S}"
    path = data_dir / f"{stem}.db"
    number = 1
    while path.exists():
        number += 1
        path = data_dir / f"{stem}-{number}.db"
    return path


def prepare_database(path: Path) -> str:
    """Create and migrate a fresh SQLite file (the stack seeds it); returns its URL."""
    url = f"sqlite:///{path.resolve()}"
    engine = make_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    return url


async def start_demo_stack(
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    framework: str | Framework = Framework.AIOGRAM,
    data_dir: Path | None = None,
    today: date | None = None,
) -> DemoStack:
    """Start everything and return once the page is served and the bot is polling.

    ``port=0`` picks a free port (tests); ``today`` moves the demo clock before the bot
    starts. The database is ``data_dir/demo-<timestamp>.db`` (default ``./data``).
    """
    base = demo_settings(framework)
    clock = ShiftableClock(base.zone)
    if today is not None:
        clock.move_to(today)
    database_path = fresh_database(data_dir or Path("data"), clock.now())
    try:
        return await _start(base, clock, database_path, host, port)
    except BaseException:
        _discard(database_path)  # a run that never started leaves no file behind
        raise


def demo_settings(framework: str | Framework) -> Settings:
    """The demo's settings: its own token and language; the time zone (and the rest) as
    configured, so a broken ``CADREBOT_*`` variable is one clear line, as elsewhere."""
    try:
        return Settings(token=DEMO_TOKEN, framework=Framework(framework), language="zh")
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "CADREBOT_" + str(first["loc"][0]).upper() if first["loc"] else "CADREBOT_*"
        raise SettingsError(f"{name}: {first['msg']}") from None


def _discard(database_path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(OSError):
            Path(f"{database_path}{suffix}").unlink()


async def _start(
    base: Settings, clock: ShiftableClock, database_path: Path, host: str, port: int
) -> DemoStack:
    now = clock.now()
    url = await asyncio.to_thread(prepare_database, database_path)
    emulator: BotApiEmulator | DingTalkEmulator
    if dingtalk.is_dingtalk(base.framework):
        emulator = await dingtalk.start_emulator()
        settings = dingtalk.dingtalk_settings(base, emulator, url)
    else:
        emulator = BotApiEmulator(DEMO_TOKEN, bot_first_name="驻村干部管理助手")
        await emulator.start("127.0.0.1", 0)
        settings = base.model_copy(update={"api_url": emulator.base_url, "database_url": url})
    storage = build_storage(settings)
    try:
        with storage.uow() as uow:
            people = seed_sample_district(uow, posted_from=date(now.year, 1, 1))
            seed_sample_history(uow, people, now.date())
            uow.commit()
        runtime = build_runtime(settings, storage, clock)
    except BaseException:
        await emulator.stop()
        storage.engine.dispose()
        raise
    stack = DemoStack(
        emulator=emulator,
        runtime=runtime,
        storage=storage,
        clock=clock,
        settings=settings,
        database_path=database_path,
        scheduler=SchedulerHook(storage=storage, runtime=runtime, clock=clock, settings=settings),
    )
    try:
        # the page's port first: if it is taken, nothing else has been started yet
        runner = web.AppRunner(
            build_demo_app(stack), access_log=None, handler_cancellation=True, shutdown_timeout=1
        )
        await runner.setup()
        stack._runner = runner
        await web.TCPSite(runner, host, port).start()
        bound = runner.addresses[0][1]
        shown = f"[{host}]" if ":" in host else host
        stack.url = f"http://{shown}:{bound}/"
        stack._polling = asyncio.create_task(runtime.run_polling(), name="cadrebot-demo-polling")
        await stack.scheduler.start()
        await _until_polling(stack)
    except BaseException:
        await stack.stop()
        raise
    return stack


async def _until_polling(stack: DemoStack, timeout: float = 20.0) -> None:
    """Wait until the bot has set its command menu (it does that right before polling;
    on DingTalk: until its Stream connection is up), so the page's first message is not
    queued behind a bot that is still starting."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not _ready(stack):
        task = stack.polling_task
        if task is not None and task.done():
            task.result()  # raises what stopped the bot
            raise RuntimeError("the bot stopped polling right after it started")
        if loop.time() > deadline:
            raise TimeoutError("the bot did not start polling the demo emulator")
        await asyncio.sleep(0.05)


def _ready(stack: DemoStack) -> bool:
    emulator = stack.emulator
    if isinstance(emulator, DingTalkEmulator):
        return dingtalk.is_connected(emulator)
    return bool(emulator.state.commands)


async def serve_demo(
    *,
    host: str,
    port: int,
    framework: str,
    data_dir: Path | None,
    announce: Any = print,
) -> None:
    """Run the demo until cancelled (Ctrl-C): the ``cadrebot demo`` command's body."""
    stack = await start_demo_stack(host=host, port=port, framework=framework, data_dir=data_dir)
    try:
        announce(f"cadrebot demo: open {stack.url}")
        await asyncio.Event().wait()
    finally:
        await stack.stop()
