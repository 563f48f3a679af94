"""/myleave: the cadre's requests, whose turn it is, withdrawal (confirmed) and 销假.

Every card with buttons here is recorded once delivered (``Outgoing.card``), so it loses
its buttons once they no longer apply (``services.leave_cards``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.handlers import leave_cards
from bot.handlers.callbacks import (
    LeaveEnd,
    LeaveEndOn,
    LeaveKeep,
    LeaveWithdraw,
    LeaveWithdrawConfirm,
)
from bot.handlers.context import Context, stored_id
from bot.handlers.events import Button
from bot.handlers.notify import params_for_display
from bot.i18n import Markup, Term
from domain.errors import DomainError
from services import leave as service
from services import leave_end, records
from services.leave_progress import NOW, StepProgress, progress
from services.notices import CardRef
from storage.tables import LeaveRequest

#: How many requests /myleave shows, newest first.
SHOWN = 10


def myleave_command(ctx: Context, _args: str = "") -> None:
    requests = records.requests_of(ctx.uow, ctx.me)
    if not requests:
        ctx.say("leave.none")
        return
    for request in requests[:SHOWN]:
        buttons, kind = _buttons(ctx, request)
        message = ctx.say_text(_summary(ctx, request), buttons)
        if kind is not None:
            message.card = CardRef(stored_id(request), kind)


def _buttons(ctx: Context, request: LeaveRequest) -> tuple[list[list[Button]] | None, str | None]:
    """Withdraw while pending; 销假 while an approved leave can be ended early."""
    if request.status == "pending":
        return [[ctx.button("button.withdraw", LeaveWithdraw(stored_id(request)))]], "withdraw"
    if leave_end.back_days(request, ctx.now.date()):
        return [[ctx.button("button.end_leave", LeaveEnd(stored_id(request)))]], "end"
    return None, None


def _summary(ctx: Context, request: LeaveRequest) -> str:
    lines = [_step_line(ctx, p) for p in progress(ctx.uow, request)]
    text = ctx.t(
        "leave.summary",
        **params_for_display(service.marks(request)),
        id=request.id,
        start=request.start,
        end=request.end,
        days=request.days,
        combined=request.combined_days,
        reason=request.reason,
        status=Term(request.status),
        steps=Markup("\n".join(lines)),
    )
    if request.approved_end is not None:
        back = request.end + timedelta(days=1)
        text += "\n" + ctx.t("leave.summary_ended", back=back, approved_end=request.approved_end)
    return text


def _step_line(ctx: Context, item: StepProgress) -> str:
    step = item.step
    comment = Markup(ctx.t("leave.history_comment", comment=step.comment)) if step.comment else ""
    name = item.holder.name if item.holder else "?"
    key = "leave.history_now" if item.state == NOW else "leave.history_line"
    return ctx.t(
        key,
        role=Term(step.role),
        kind=Term(step.kind),
        name=name,
        decision=Term(item.state),
        comment=comment,
    )


def withdraw(ctx: Context, data: LeaveWithdraw) -> None:
    """The first tap asks: a withdrawal cannot be undone."""
    if leave_cards.request_settled(ctx, data.request_id, "withdraw"):
        return
    request = _own(ctx, data.request_id)
    message = ctx.say(
        "leave.confirm_withdraw",
        id=request.id,
        start=request.start,
        end=request.end,
        days=request.days,
        buttons=[
            [
                ctx.button("button.confirm_withdraw", LeaveWithdrawConfirm(stored_id(request))),
                ctx.button("button.keep", LeaveKeep(stored_id(request))),
            ]
        ],
    )
    message.card = CardRef(stored_id(request), "withdraw")
    ctx.toast("leave.confirm_withdraw_toast")


def withdraw_confirmed(ctx: Context, data: LeaveWithdrawConfirm) -> None:
    if leave_cards.request_settled(ctx, data.request_id, "withdraw"):
        return
    outcome = service.withdraw(ctx.uow, ctx.me, request_id=data.request_id, now=ctx.now)
    ctx.notices += outcome.notices
    ctx.edit(ctx.t("leave.withdrawn", id=data.request_id))
    ctx.toast("leave.withdrawn", id=data.request_id)
    leave_cards.settle(ctx, data.request_id)


def keep(ctx: Context, data: LeaveKeep) -> None:
    """Withdrawal or 销假 not wanted after all: nothing changes."""
    ctx.edit(ctx.t("leave.kept", id=data.request_id))
    ctx.toast("leave.kept", id=data.request_id)
    leave_cards.settle(ctx, data.request_id)


def end(ctx: Context, data: LeaveEnd) -> None:
    """销假: ask the day the cadre is back (today or tomorrow)."""
    if leave_cards.request_settled(ctx, data.request_id, "end"):
        return
    request = _own(ctx, data.request_id)
    days = leave_end.back_days(request, ctx.now.date())
    today = ctx.now.date()
    row = [
        ctx.button(
            "button.back_today" if d == today else "button.back_tomorrow",
            LeaveEndOn(stored_id(request), d),
            day=f"{d:%m-%d}",
        )
        for d in days
    ]
    message = ctx.say(
        "leave.ask_back",
        id=request.id,
        start=request.start,
        end=request.end,
        buttons=[row, [ctx.button("button.keep", LeaveKeep(stored_id(request)))]],
    )
    message.card = CardRef(stored_id(request), "end")
    ctx.toast("leave.ask_back_toast")


def end_on(ctx: Context, data: LeaveEndOn) -> None:
    if leave_cards.request_settled(ctx, data.request_id, "end"):
        return
    outcome = leave_end.end_leave(
        ctx.uow, ctx.me, request_id=data.request_id, back_on=data.day, now=ctx.now
    )
    ctx.notices += outcome.notices
    request = outcome.request
    params: dict[str, Any] = dict(
        id=request.id, back=data.day, start=request.start, end=request.end
    )
    ctx.edit(ctx.t("leave.ended", days=request.days, **params))
    ctx.toast("leave.ended_toast", **params)
    leave_cards.settle(ctx, stored_id(request))


def _own(ctx: Context, request_id: int) -> LeaveRequest:
    request = records.leave_request(ctx.uow, request_id)
    if request is None or request.applicant_id != ctx.me.id:
        raise DomainError("error.not_yours")
    return request
