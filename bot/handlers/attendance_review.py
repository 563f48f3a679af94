"""The monthly attendance review: the township party secretary taps the button of the
reminder sent on the 1st, and last month's sheet goes to org_dept and poverty_bureau
(through the outbox; see ``services.attendance_review``)."""

from __future__ import annotations

from bot.handlers.callbacks import AttendanceReview
from bot.handlers.context import Context
from services.attendance_review import confirm_review


def confirm(ctx: Context, data: AttendanceReview) -> None:
    outcome = confirm_review(ctx.uow, ctx.me, month=data.period, now=ctx.now)
    if outcome.recipients == 0:
        ctx.toast("review.no_recipients", alert=True)
        return
    key = "review.already" if outcome.already else "review.confirmed"
    ctx.edit(ctx.t(key, township=outcome.township, month=outcome.month, count=outcome.recipients))
    ctx.toast(f"{key}_toast")
