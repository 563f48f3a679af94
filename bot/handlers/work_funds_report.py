"""The work funds statement (Art. 20) in /report: the township's leaders get their
township's, the district departments the whole district's, for the year of the period
the menu shows. The button's township is checked again against the presser
(``services.reports.scope.resolve``), so forged data naming another township is refused.
"""

from __future__ import annotations

from bot import reporting
from bot.handlers.callbacks import FundsReport
from bot.handlers.context import Context
from bot.handlers.events import Button, Outgoing
from domain.errors import DomainError
from services.reports.scope import Scope, ScopeKind, resolve


def report_buttons(ctx: Context, scopes: list[Scope], year: int) -> list[list[Button]]:
    """One button: the district's statement if the person sees the district, else their
    township's (a unit leader sees no funds)."""
    district = [s for s in scopes if s.kind == ScopeKind.DISTRICT]
    townships = [s for s in scopes if s.kind == ScopeKind.TOWNSHIP]
    picks = district or townships
    district_name = ctx.t("report.district_name")
    return [
        [
            ctx.button(
                "work_funds.button_report",
                FundsReport(s.ref, year),
                year=year,
                name=s.name or district_name,
            )
        ]
        for s in picks
    ]


def send(ctx: Context, data: FundsReport) -> None:
    """Send the statement (refused for a township not the presser's, or a future year)."""
    kind = ScopeKind.DISTRICT if data.ref == 0 else ScopeKind.TOWNSHIP
    scope = resolve(ctx.uow, ctx.me, kind, data.ref)
    if data.year > ctx.now.year:
        raise DomainError("report.future", period=str(data.year))
    township = scope if kind == ScopeKind.TOWNSHIP else None
    file = reporting.funds_file(ctx.uow, ctx.catalog, ctx.lang, data.year, township)
    ctx.response.messages.append(
        Outgoing(ctx.event.chat_id, file.caption, document=(file.filename, file.data))
    )
    ctx.toast("report.sending_toast")
