"""What a cadre's /status adds for issue 15: the term's last day (Art. 6) and this year's
五必访 per kind with the kinds still missing (Art. 10.1)."""

from __future__ import annotations

from bot.handlers.context import Context
from bot.handlers.events import Outgoing
from bot.handlers.visits import kind_names
from domain.visits import VisitKind
from services import posting_term, visits


def status_lines(ctx: Context, message: Outgoing) -> None:
    """Append the term line and the visits lines to the cadre's /status ``message``."""
    today = ctx.now.date()
    term = posting_term.current_term(ctx.uow, ctx.me, today)
    if term is not None:
        approval = ctx.t("tenure.approval", approval=term.approval) if term.approval else ""
        days_left = term.days_left(today)
        if term.last_day is None or days_left is None:
            key = "tenure.status_open"
        else:
            key = "tenure.status" if days_left >= 0 else "tenure.status_ended"
        message.text += ctx.t(
            key, start=term.start, last_day=term.last_day, days_left=days_left, approval=approval
        )
    year = visits.year_visits(ctx.uow, ctx.me, today.year)
    counts = ctx.t("visits.separator").join(
        ctx.t("visits.status_item", name=ctx.t(f"visits.{kind.value}"), count=year.counts[kind])
        for kind in VisitKind
    )
    message.text += ctx.t("visits.status", counts=counts)
    if year.missing:
        message.text += ctx.t("visits.status_missing", kinds=kind_names(ctx, year.missing))
    else:
        message.text += ctx.t("visits.status_all")
