"""``cadrebot scheduler`` (the scheduler alone) and ``cadrebot remind --as-of DAY``
(every sweep once as of a day, then send; ``--dry-run`` shows who would get what).

Both send through the configured runtime's ``Delivery`` (the same flood limits as the
bot's replies) without polling: a bot process may be polling the same token meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date, datetime
from typing import Annotated

import typer

from bot.cli import fails_cleanly
from bot.composition import Storage, build_clock, build_storage
from bot.i18n import Catalog
from bot.settings import Settings, load_settings
from domain.phone import masked
from scheduler.common import end_of_day
from scheduler.dispatch import Dispatcher, DispatchReport
from scheduler.jobs import run_every_sweep
from scheduler.render import document_for, render_text
from services.clock import Clock
from services.outbox import Draft, jsonable


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter("expected YYYY-MM-DD", param_hint="--as-of") from None


def _moment(day: date, clock: Clock) -> datetime:
    """Now if ``day`` is today, else the end of that day (leave steps are judged in hours)."""
    return clock.now() if day == clock.today() else end_of_day(day, clock.zone)


def _print_dry_run(storage: Storage, catalog: Catalog, results: dict[str, list[Draft]]) -> None:
    """One line per reminder a real run would add: sweep, name, masked phone, kind, text."""
    with storage.uow() as uow:
        people = uow.people.by_ids(d.recipient_id for drafts in results.values() for d in drafts)
        for sweep, drafts in results.items():
            for draft in drafts:
                person = people[draft.recipient_id]
                lang = catalog.language_for(person.language, None)
                payload = jsonable(draft.payload)
                text, _buttons = render_text(catalog, lang, payload)
                if payload.get("document"):
                    name, _data = document_for(uow, catalog, lang, payload["document"])
                    text = f"{text} [{name}]"
                flat = " ".join(str(text).split())
                typer.echo(f"{sweep}\t{person.name}\t{masked(person.phone)}\t{draft.kind}\t{flat}")
    total = sum(len(d) for d in results.values())
    typer.echo(f"dry run: {total} reminders would be sent; nothing stored, nothing sent")


async def _send(settings: Settings, storage: Storage, clock: Clock) -> DispatchReport:
    from bot.app import build_runtime

    runtime = build_runtime(settings, storage, clock)
    try:
        dispatcher = Dispatcher(
            storage.uow,
            runtime.delivery,
            Catalog(settings.language.value),
            clock=clock,
            allowance=settings.allowance_rule,
        )
        return await dispatcher.drain()
    finally:
        await runtime.stop()


@fails_cleanly
def remind_command(
    as_of: Annotated[str, typer.Option("--as-of", help="The day to run as (YYYY-MM-DD).")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print who would get what; store and send nothing.")
    ] = False,
) -> None:
    """Run every sweep once as of a day, whatever its weekday, then send what is new."""
    day = _day(as_of)
    settings = load_settings()
    if not dry_run:
        settings.require_secrets()
    storage = build_storage(settings)
    clock = build_clock(settings)
    try:
        run = run_every_sweep(
            storage.uow,
            _moment(day, clock),
            zone=settings.zone,
            dry_run=dry_run,
            source=settings.attendance_source,
        )
        for sweep, cause in run.failed.items():
            typer.echo(f"{sweep}: FAILED ({cause}); the other sweeps ran", err=True)
        if dry_run:
            _print_dry_run(storage, Catalog(settings.language.value), run.drafts)
            return
        for sweep, drafts in run.drafts.items():
            typer.echo(f"{sweep}: {len(drafts)} new reminders")
        report = asyncio.run(_send(settings, storage, clock))
        typer.echo(
            f"sent {report.sent}; not sent {dict(report.closed)}; to retry {report.retry_later}"
        )
        if run.failed:
            raise typer.Exit(1)
    finally:
        storage.engine.dispose()


async def _run_scheduler(settings: Settings) -> None:
    from bot.app import attendance_sources, build_runtime
    from scheduler.service import build_scheduler

    storage = build_storage(settings)
    clock = build_clock(settings)
    runtime = build_runtime(settings, storage, clock)
    service = build_scheduler(
        settings, storage.uow, clock, runtime.delivery, **attendance_sources(settings, runtime)
    )
    await service.start()
    try:
        await asyncio.Event().wait()
    finally:
        await service.stop()
        await runtime.stop()
        storage.engine.dispose()


@fails_cleanly
def scheduler_command() -> None:
    """Run the scheduler alone (reminders, escalations, the monthly cycle); no polling."""
    from bot.log_redaction import configure_logging

    settings = load_settings()
    # Through the redactor, as `cadrebot run`: httpx logs every Bot API URL (the token).
    configure_logging(settings.require_secrets(), logging.getLevelName(settings.log_level))
    try:
        asyncio.run(_run_scheduler(settings))
    except KeyboardInterrupt:
        typer.echo("stopped")


def register(app: typer.Typer) -> None:
    """Attach the commands to the main app (a second call changes nothing)."""
    if any(c.name == "scheduler" for c in app.registered_commands):
        return
    app.command("scheduler")(scheduler_command)
    app.command("remind")(remind_command)
