"""Report commands: ``report {attendance,unit,annual,funds,rewards}`` (XLSX), ``chart
{township,district}`` (PNG) and ``grade import FILE`` (the annual grades, all-or-nothing).

The files are the ones /report sends in the bot (``bot.reporting``), counted up to the
last whole day (the period's end once it is over, else yesterday in the district's time
zone). A refusal from the rules (an unknown period, 优秀 over 20%...) is one line in
English and exit status 1; configuration and migration problems are status 2.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from bot.cli import fails_cleanly
from bot.composition import Storage, build_clock, build_storage
from bot.i18n import Catalog
from bot.settings import Settings, load_settings
from domain.errors import DomainError
from services.reports.scope import Scope, ScopeKind, as_of_for, period_of
from storage.unit_of_work import UnitOfWork

OutOption = Annotated[Path, typer.Option("--out", "-o", dir_okay=False, help="The file to write.")]
MonthOption = Annotated[str | None, typer.Option("--month", help="A month, YYYY-MM.")]
QuarterOption = Annotated[str | None, typer.Option("--quarter", help="A quarter, YYYY-Qn.")]
YearOption = Annotated[str | None, typer.Option("--year", help="A year, YYYY.")]
TownshipOption = Annotated[str | None, typer.Option("--township", help="The township's name.")]
UnitOption = Annotated[str | None, typer.Option("--unit", help="The dispatching unit's name.")]

_TAGS = re.compile(r"<[^>]+>")


def _english(err: DomainError) -> str:
    catalog = Catalog("en")
    key = err.key if catalog.has(err.key) else "error.generic"
    return html.unescape(_TAGS.sub("", str(catalog.text("en", key, **err.params))))


def _one_period(**given: str | None) -> str:
    """Exactly one of the period options, validated."""
    chosen = {name: value for name, value in given.items() if value}
    if len(chosen) != 1:
        names = " | ".join(f"--{name}" for name in given)
        raise typer.BadParameter(f"give exactly one of {names}")
    (value,) = chosen.values()
    try:
        period_of(value)
    except DomainError as exc:
        raise typer.BadParameter(_english(exc)) from None
    return value


def _run(work: Callable[[Storage, Settings, UnitOfWork, Catalog], str]) -> None:
    """One read-only unit of work; prints the summary line ``work`` returns."""
    settings = load_settings()
    storage = build_storage(settings)
    try:
        with storage.uow() as uow:
            line = work(storage, settings, uow, Catalog(settings.language))
    except DomainError as exc:
        typer.echo(f"cadrebot: {_english(exc)}", err=True)
        raise typer.Exit(1) from None
    finally:
        storage.engine.dispose()
    typer.echo(line)


def _township(uow: UnitOfWork, name: str | None) -> Scope | None:
    return None if name is None else _township_named(uow, name)


def _township_named(uow: UnitOfWork, name: str) -> Scope:
    township = uow.places.township(name.strip())
    if township is None or township.id is None:
        raise typer.BadParameter(f"no township named {name!r}", param_hint="--township")
    return Scope(ScopeKind.TOWNSHIP, township.id, township.name)


def _unit(uow: UnitOfWork, name: str | None) -> Scope:
    unit = uow.places.unit(name.strip()) if name else None
    if unit is None or unit.id is None:
        raise typer.BadParameter(f"no dispatching unit named {name!r}", param_hint="--unit")
    return Scope(ScopeKind.UNIT, unit.id, unit.name)


def _write(out: Path, data: bytes, what: str) -> str:
    out.write_bytes(data)
    return f"wrote {what} to {out}"


@fails_cleanly
def report_attendance(
    out: OutOption,
    month: MonthOption = None,
    quarter: QuarterOption = None,
    township: TownshipOption = None,
) -> None:
    """The attendance sheet of a township (or the whole district) for a month or quarter."""
    from bot import reporting

    key = _one_period(month=month, quarter=quarter)

    def work(_s: Storage, settings: Settings, uow: UnitOfWork, catalog: Catalog) -> str:
        scope = _township(uow, township) or Scope(ScopeKind.DISTRICT, 0, "")
        as_of = as_of_for(key, build_clock(settings).today())
        file = reporting.attendance_file(
            uow, catalog, settings.language, scope, key, as_of, settings.allowance_rule
        )
        return _write(out, file.data, f"the attendance sheet ({key}, through {as_of})")

    _run(work)


@fails_cleanly
def report_unit(
    out: OutOption,
    unit: UnitOption = None,
    quarter: QuarterOption = None,
    month: MonthOption = None,
) -> None:
    """The attendance sheet of a dispatching unit's cadres, usually for a quarter."""
    from bot import reporting

    key = _one_period(quarter=quarter, month=month)

    def work(_s: Storage, settings: Settings, uow: UnitOfWork, catalog: Catalog) -> str:
        scope = _unit(uow, unit)
        as_of = as_of_for(key, build_clock(settings).today())
        file = reporting.attendance_file(
            uow, catalog, settings.language, scope, key, as_of, settings.allowance_rule
        )
        return _write(out, file.data, f"the attendance sheet of {scope.name} ({key})")

    _run(work)


@fails_cleanly
def report_annual(out: OutOption, year: YearOption = None, township: TownshipOption = None) -> None:
    """The annual assessment sheet: the year's attendance, spot checks and grades."""
    from bot import reporting

    key = _one_period(year=year)

    def work(_s: Storage, settings: Settings, uow: UnitOfWork, catalog: Catalog) -> str:
        as_of = as_of_for(key, build_clock(settings).today())
        file = reporting.annual_file(
            uow,
            catalog,
            settings.language,
            int(key),
            as_of,
            settings.zone,
            _township(uow, township),
            settings.allowance_rule,
        )
        return _write(out, file.data, f"the {key} annual sheet (through {as_of})")

    _run(work)


@fails_cleanly
def report_rewards(out: OutOption, year: YearOption = None, unit: UnitOption = None) -> None:
    """The year's one-off rewards by dispatching unit (Art. 30), or of one unit."""
    from bot import reporting

    key = _one_period(year=year)

    def work(_s: Storage, settings: Settings, uow: UnitOfWork, catalog: Catalog) -> str:
        unit_id = _unit(uow, unit).ref if unit is not None else None
        file = reporting.rewards_file(uow, catalog, settings.language, int(key), unit_id)
        return _write(out, file.data, f"the {key} rewards list")

    _run(work)


def _chart(out: Path, key: str, scope_of: Callable[[UnitOfWork], Scope]) -> None:
    from bot import reporting

    def work(_s: Storage, settings: Settings, uow: UnitOfWork, catalog: Catalog) -> str:
        as_of = as_of_for(key, build_clock(settings).today())
        file = reporting.chart_file(uow, catalog, settings.language, scope_of(uow), as_of)
        return _write(out, file.data, f"the chart as of {as_of}")

    _run(work)


@fails_cleanly
def chart_township(
    out: OutOption,
    month: MonthOption = None,
    year: YearOption = None,
    township: TownshipOption = None,
) -> None:
    """Each cadre's on-site days this year against the pace for 220, for one township."""
    if township is None:
        raise typer.BadParameter("give the township's name", param_hint="--township")
    key = _one_period(month=month, year=year)
    _chart(out, key, lambda uow: _township_named(uow, township))


@fails_cleanly
def chart_district(out: OutOption, month: MonthOption = None, year: YearOption = None) -> None:
    """The townships side by side: average on-site days per cadre against the pace."""
    key = _one_period(month=month, year=year)
    _chart(out, key, lambda _uow: Scope(ScopeKind.DISTRICT, 0, ""))


@fails_cleanly
def grade_import(
    file: Annotated[
        Path,
        typer.Argument(
            exists=True, dir_okay=False, readable=True, help="A CSV (UTF-8 or GBK) or XLSX file."
        ),
    ],
) -> None:
    """Import annual grades: phone,year,grade (优秀/称职/不称职); 优秀 at most 20%."""
    from bot.admin_cli import _run_import
    from services.imports.grades import import_grades

    def run(storage: Storage, settings: Settings, table):
        return import_grades(storage.uow, table, now=build_clock(settings).now())

    _run_import(file, run)


@fails_cleanly
def report_funds(out: OutOption, year: YearOption = None, township: TownshipOption = None) -> None:
    """The yearly statement of the work funds (Art. 20): each fund's allocation, expenses
    and balance, for one township or the district."""
    from bot import reporting

    key = _one_period(year=year)

    def work(_s: Storage, _settings: Settings, uow: UnitOfWork, catalog: Catalog) -> str:
        file = reporting.funds_file(uow, catalog, "en", int(key), _township(uow, township))
        return _write(out, file.data, f"the {key} work funds statement")

    _run(work)


def register(app: typer.Typer) -> None:
    """Attach ``report``, ``chart`` and ``grade`` to the main app (a second call changes
    nothing)."""
    if any(group.name == "report" for group in app.registered_groups):
        return
    report = typer.Typer(help="Attendance and assessment sheets (XLSX).", no_args_is_help=True)
    report.command("attendance")(report_attendance)
    report.command("unit")(report_unit)
    report.command("annual")(report_annual)
    report.command("funds")(report_funds)  # work funds (Art. 20)
    report.command("rewards")(report_rewards)
    app.add_typer(report, name="report")
    chart = typer.Typer(help="On-site days against the pace (PNG).", no_args_is_help=True)
    chart.command("township")(chart_township)
    chart.command("district")(chart_district)
    app.add_typer(chart, name="chart")
    grade = typer.Typer(help="Annual assessment grades.", no_args_is_help=True)
    grade.command("import")(grade_import)
    app.add_typer(grade, name="grade")
