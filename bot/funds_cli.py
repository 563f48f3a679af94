"""``cadrebot funds allocate --year YYYY``: the district records the year's work funds
(Art. 20). Without ``--village`` every fund of the year gets 10,000 yuan (each village
with a First Secretary posted some day of the year, and each with a work-team member);
funds already allocated are left alone, so a rerun (say, after a posting added in
March) allocates only the new ones. With ``--township``, ``--village``, ``--fund`` and
``--amount`` one fund is set to another amount (a partial year, a top-up), never below
what it has spent. Every allocation is in the audit log.
"""

from __future__ import annotations

from typing import Annotated

import typer

from bot.cli import fails_cleanly
from bot.composition import Storage, build_clock
from bot.i18n import Catalog
from bot.settings import Settings
from domain.work_funds import Fund, parse_yuan, yuan_text
from storage.unit_of_work import UnitOfWork


@fails_cleanly
def funds_allocate(
    year: Annotated[int, typer.Option("--year", help="The year, YYYY.")],
    township: Annotated[str | None, typer.Option("--township", help="The township.")] = None,
    village: Annotated[str | None, typer.Option("--village", help="One village.")] = None,
    fund: Annotated[
        Fund, typer.Option("--fund", help="first_secretary or team (with --village).")
    ] = Fund.FIRST_SECRETARY,
    amount: Annotated[str | None, typer.Option("--amount", help="Yuan (default 10000).")] = None,
) -> None:
    """Record the year's work-fund allocations (10,000 yuan a fund by default)."""
    from bot.report_cli import _run
    from domain.work_funds import ANNUAL_ALLOCATION_FEN
    from services import work_funds

    def work(_s: Storage, settings: Settings, uow: UnitOfWork, _catalog: Catalog) -> str:
        now = build_clock(settings).now()
        fen = parse_yuan(amount) if amount is not None else ANNUAL_ALLOCATION_FEN
        if village is None:
            made = work_funds.allocate_year(uow, year, now, amount_fen=fen)
            line = f"allocated {len(made)} funds for {year}, {yuan_text(fen)} yuan each"
        else:
            found = uow.places.township((township or "").strip())
            place = uow.places.village(found.id, village.strip()) if found and found.id else None
            if place is None:
                raise typer.BadParameter(
                    f"no village {village!r} in township {township!r}", param_hint="--village"
                )
            work_funds.set_allocation(uow, year, place, fund, fen, now)
            line = f"set the {fund} fund of {place.name} for {year} to {yuan_text(fen)} yuan"
        uow.commit()
        return line

    _run(work)


def register(app: typer.Typer) -> None:
    """Attach ``funds`` to the main app (a second call changes nothing)."""
    if any(group.name == "funds" for group in app.registered_groups):
        return
    funds = typer.Typer(help="Work funds (Art. 20).", no_args_is_help=True)
    funds.command("allocate")(funds_allocate)
    app.add_typer(funds, name="funds")
