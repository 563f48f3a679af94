"""Admin commands: ``villages|roster|attendance|calendar|spotcheck|duty import FILE`` and
``export KIND --format json|csv|xlsx [--out FILE]``.

An import is all-or-nothing: a file with any bad row stores nothing, prints one line per
bad row (``line 7: unknown village 北村 in 城关镇``) and exits with status 1. Configuration
and migration problems are one line and status 2 (``bot.cli.fails_cleanly``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from bot.cli import fails_cleanly
from bot.composition import Storage, build_clock, build_storage
from bot.settings import Settings, load_settings
from domain.errors import DomainError
from services.exports import ExportFormat, ExportKind, export_records, render
from services.imports import (
    ImportRejected,
    ImportResult,
    Table,
    import_attendance,
    import_calendar,
    import_duties,
    import_roster,
    import_villages,
    read_table,
)

FileArg = Annotated[
    Path,
    typer.Argument(
        exists=True, dir_okay=False, readable=True, help="A CSV (UTF-8 or GBK) or XLSX file."
    ),
]

Importer = Callable[[Storage, Settings, Table], ImportResult]


def _run_import(path: Path, importer: Importer) -> None:
    settings = load_settings()
    storage = build_storage(settings)
    try:
        result = importer(storage, settings, read_table(path))
    except ImportRejected as exc:
        for line in exc.lines():
            typer.echo(line, err=True)
        count = len(exc.problems)
        typer.echo(
            f"cadrebot: {path.name} refused, nothing imported "
            f"({count} problem{'s' if count != 1 else ''})",
            err=True,
        )
        raise typer.Exit(1) from None
    finally:
        storage.engine.dispose()
    typer.echo(result.summary)


@fails_cleanly
def villages_import(file: FileArg) -> None:
    """Import villages: township,village,lat,lon,radius_m[,crs wgs84|gcj02|bd09]."""
    _run_import(file, lambda storage, _settings, table: import_villages(storage.uow, table))


@fails_cleanly
def roster_import(file: FileArg) -> None:
    """Import people: name,phone,role,township,village,unit[,start,end]."""

    def run(storage: Storage, settings: Settings, table: Table) -> ImportResult:
        return import_roster(storage.uow, table, today=build_clock(settings).today())

    _run_import(file, run)


@fails_cleanly
def attendance_import(file: FileArg) -> None:
    """Import historical on-site days: phone,date."""

    def run(storage: Storage, settings: Settings, table: Table) -> ImportResult:
        today = build_clock(settings).today()
        return import_attendance(storage.uow, table, zone=settings.zone, today=today)

    _run_import(file, run)


@fails_cleanly
def calendar_import(file: FileArg) -> None:
    """Import the official calendar: date,kind (holiday/休/假 or workday/班)."""
    _run_import(file, lambda storage, _settings, table: import_calendar(storage.uow, table))


@fails_cleanly
def spotcheck_import(file: FileArg) -> None:
    """Import spot checks done on paper: inspector_phone,cadre_phone,at,found."""
    from services.imports.spot_checks import import_spot_checks

    def run(storage: Storage, settings: Settings, table: Table) -> ImportResult:
        now = build_clock(settings).now()
        return import_spot_checks(storage.uow, table, now=now, zone=settings.zone)

    _run_import(file, run)


@fails_cleanly
def duty_import(file: FileArg) -> None:
    """Import official duty days (公务): phone,start,end,kind[,note] (kind pre_training,
    training, meeting or official)."""

    def run(storage: Storage, settings: Settings, table: Table) -> ImportResult:
        return import_duties(storage.uow, table, now=build_clock(settings).now())

    _run_import(file, run)


@fails_cleanly
def export(
    kind: Annotated[ExportKind, typer.Argument(help="What to export.")],
    fmt: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ExportFormat.JSON,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", dir_okay=False, help="Write here (required for xlsx)."),
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", help="days: the year (required).", min=2000, max=2100)
    ] = None,
    township: Annotated[
        str | None, typer.Option("--township", help="days: only this township's villages.")
    ] = None,
) -> None:
    """Export people, checkins, diaries, leaves or days (the day ledger: one row per
    cadre-day of --year, up to today) to stdout, or --out FILE."""
    if fmt is ExportFormat.XLSX and out is None:
        raise typer.BadParameter("xlsx is binary: give --out FILE", param_hint="--out")
    if kind is ExportKind.DAYS and year is None:
        raise typer.BadParameter("days: give --year YYYY", param_hint="--year")
    if kind is not ExportKind.DAYS and (year is not None or township is not None):
        raise typer.BadParameter("only 'days' takes --year and --township", param_hint="--year")
    settings = load_settings()
    storage = build_storage(settings)
    try:
        today = build_clock(settings).today()
        data = export_records(
            storage.uow, kind, settings.zone, year=year, township=township, as_of=today
        )
    except DomainError as exc:  # the one a bad option can cause: an unknown township
        raise typer.BadParameter(f"no township named {township!r}", param_hint="--township") from (
            exc
        )
    finally:
        storage.engine.dispose()
    payload = render(data, fmt)
    if out is None:
        typer.echo(payload.decode("utf-8"), nl=False)
        return
    out.write_bytes(payload)
    typer.echo(f"exported {len(data.records)} {kind.value} records to {out}")


_IMPORTS: tuple[tuple[str, str, Callable[..., None]], ...] = (
    ("villages", "Villages and their geofences.", villages_import),
    ("roster", "People, roles and cadres' postings.", roster_import),
    ("attendance", "Historical on-site days.", attendance_import),
    ("calendar", "Official holidays and adjusted workdays (调休).", calendar_import),
    ("spotcheck", "Spot checks (明查暗访) done in person, recorded from paper.", spotcheck_import),
    ("duty", "Official duty days (公务): training, meetings, other duty.", duty_import),
)


def register(app: typer.Typer) -> None:
    """Attach the admin commands to the main app (a second call changes nothing)."""
    if any(group.name == "villages" for group in app.registered_groups):
        return
    for name, help_text, command in _IMPORTS:
        group = typer.Typer(help=help_text, no_args_is_help=True)
        group.command("import")(command)
        app.add_typer(group, name=name)
    app.command("export")(export)
