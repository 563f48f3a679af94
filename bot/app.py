"""Assemble and run the bot: the composition root for ``cadrebot run``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import Any

from bot.composition import Storage, build_clock, build_storage
from bot.handlers.conversation import Conversations
from bot.i18n import Catalog
from bot.runtime.base import InboxRuntime
from bot.runtime.inbox import InboxSettings
from bot.runtime.menu import command_menu
from bot.settings import Framework, Settings
from services.clock import Clock

log = logging.getLogger(__name__)


def build_conversations(storage: Storage, clock: Clock, settings: Settings) -> Conversations:
    return Conversations(
        storage.uow, clock, Catalog(settings.language.value), settings.allowance_rule
    )


def mark_blocked(storage: Storage):
    """Record that a chat blocked the bot, so reminders stop trying it."""

    def on_blocked(chat_id: int) -> None:
        with storage.uow() as uow:
            person = uow.people.by_telegram_id(chat_id)
            if person is not None:
                person.blocked_bot = True
                uow.commit()

    return on_blocked


def build_runtime(settings: Settings, storage: Storage, clock: Clock):
    conversations = build_conversations(storage, clock, settings)
    menu = command_menu(conversations.catalog)
    framework = Framework(settings.framework)  # a model_copy may hold the plain string
    if framework is Framework.DINGTALK:
        from bot.runtime.dingtalk.runtime import DingTalkRuntime

        client_id, secret, robot_code = settings.require_dingtalk()
        return DingTalkRuntime(
            client_id=client_id,
            client_secret=secret,
            robot_code=robot_code,
            api_url=settings.dingtalk_api_url,
            oapi_url=settings.dingtalk_oapi_url,
            handle=conversations.handle_in,
            menu=menu,
            uow_factory=storage.uow,
            on_blocked=mark_blocked(storage),
            inbox=InboxSettings(workers=settings.workers),
            silence=settings.dingtalk_silence_seconds,
            no_location=conversations.catalog.text(settings.language.value, "dingtalk.no_location"),
        )
    token = settings.require_token()
    runtime_cls: type[InboxRuntime]  # the framework's library is imported only if used
    if framework is Framework.PTB:
        from bot.runtime.ptb_runtime import PtbRuntime

        runtime_cls = PtbRuntime
    else:
        from bot.runtime.aiogram_runtime import AiogramRuntime

        runtime_cls = AiogramRuntime
    return runtime_cls(
        token=token,
        api_url=settings.api_url,
        handle=conversations.handle_in,
        menu=menu,
        uow_factory=storage.uow,
        on_blocked=mark_blocked(storage),
        inbox=InboxSettings(workers=settings.workers),
    )


def attendance_sources(settings: Settings, runtime: InboxRuntime) -> dict[str, Any]:
    """On DingTalk, check-ins come from its attendance app: the scheduler sweeps them."""
    if Framework(settings.framework) is not Framework.DINGTALK:
        return {}
    from bot.runtime.dingtalk.runtime import DingTalkRuntime

    assert isinstance(runtime, DingTalkRuntime)
    from bot.runtime.dingtalk.attendance import DingTalkAttendance, accounts_of
    from bot.runtime.dingtalk.runtime import MESSENGER

    return {
        "attendance_records": DingTalkAttendance(runtime.api),
        "attendance_accounts": accounts_of(MESSENGER),
    }


async def run(settings: Settings, webhook: str | None, listen: str | None) -> None:
    from scheduler.service import build_scheduler

    storage = build_storage(settings)
    clock = build_clock(settings)
    runtime = build_runtime(settings, storage, clock)
    # The scheduler shares the loop and sends through the runtime's Delivery.
    scheduler = build_scheduler(
        settings,
        storage.uow,
        clock,
        runtime.delivery,
        enabled=settings.scheduler_in_run,
        **attendance_sources(settings, runtime),
    )
    await scheduler.start()
    # A late binding releases the reminders held for the person: send them right away.
    runtime.pipeline.on_outbox_waiting = scheduler.drain_soon
    # SIGTERM (systemd, docker stop) ends the run like Ctrl-C: the workers finish what
    # they hold and hand the rest back. A harder kill loses nothing either (the inbox).
    main = asyncio.current_task()
    if main is not None:
        with contextlib.suppress(NotImplementedError, RuntimeError):
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, main.cancel)
    try:
        if webhook:
            host, _, port = (listen or "127.0.0.1:8080").rpartition(":")
            secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
            await runtime.run_webhook(webhook, host or "127.0.0.1", int(port), secret)
        else:
            await runtime.run_polling()
    finally:
        await scheduler.stop()
        await runtime.stop()
        storage.engine.dispose()
