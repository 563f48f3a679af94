"""Leave: one-line or guided requests (补假 for the last few days included; over 30 days
a recall, sent only once the cadre confirms it), opinions (同意/不同意), the unit applying
over 10 days, decisions (a no asks why first), comments, 转交 (/myleave, withdrawal and 销假
are in ``bot.handlers.myleave``)."""

from __future__ import annotations

from datetime import date, timedelta

from bot.handlers import leave_cards
from bot.handlers.callbacks import (
    LeaveComment,
    LeaveDelegate,
    LeaveRecallConfirm,
    LeaveRetroactive,
    LeaveRetroactiveConfirm,
    LeaveVote,
    PickDate,
    PickMonth,
)
from bot.handlers.context import Context, known, stored_id
from bot.handlers.date_picker import month_keyboard
from bot.handlers.dialogs import Dialog, LeaveDialogStep
from bot.handlers.events import Button
from bot.handlers.notify import decision_buttons
from bot.handlers.over_long import kept_over_long, text_or_ask
from domain.errors import DomainError
from domain.leave import LeaveTier
from services import leave as service
from services import records
from services.notices import CardRef

#: A typed reason starting with one of these asks for 补假 (a start up to 3 days back).
RETROACTIVE_WORDS = ("补假", "retroactive")


def leave_command(ctx: Context, args: str) -> None:
    """/leave START END REASON, or /leave alone for the guided dialog.

    A typed past start is a 补假 only when the reason starts with 补假, and even then it is
    filed after the cadre confirms it: a mistyped date never files a retroactive request."""
    today = ctx.now.date()
    if not args.strip():
        ctx.dialog(Dialog.LEAVE, LeaveDialogStep.START)
        retroactive = [[ctx.button("button.retroactive", LeaveRetroactive())]]
        ctx.say("leave.pick_start", buttons=month_keyboard(ctx, today, today) + retroactive)
        return
    parts = args.split(maxsplit=2)
    if len(parts) < 3:
        ctx.say("leave.usage", limit=service.RETROACTIVE_DAYS)
        return
    start, end, reason = _date(parts[0]), _date(parts[1]), parts[2]
    if start < today and reason.lower().startswith(RETROACTIVE_WORDS):
        _confirm_retroactive(ctx, start, end, reason)
        return
    _submit(ctx, start, end, reason)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DomainError("leave.bad_date", text=text) from None


def _confirm_retroactive(ctx: Context, start: date, end: date, reason: str) -> None:
    service.check_request(
        ctx.uow, ctx.me, start=start, end=end, reason=reason, now=ctx.now, retroactive=True
    )
    held = {"start": start.isoformat(), "end": end.isoformat(), "reason": reason}
    ctx.dialog(Dialog.LEAVE, LeaveDialogStep.CONFIRM, **held)
    ctx.say(
        "leave.confirm_retroactive",
        start=start,
        end=end,
        reason=reason,
        back=(ctx.now.date() - start).days,
        buttons=[
            [
                ctx.button("button.confirm_retroactive", LeaveRetroactiveConfirm(True)),
                ctx.button("button.cancel", LeaveRetroactiveConfirm(False)),
            ]
        ],
    )


def _confirmed(ctx: Context, step: LeaveDialogStep, send: bool) -> dict | None:
    """The held request of the open confirmation ``step`` when the cadre tapped send;
    None (and the message says why) when the button is stale or they cancelled."""
    state = ctx.at(Dialog.LEAVE, step)
    if state is None:
        ctx.toast("error.stale_button")
        return None
    if not send:
        ctx.end_dialog()
        ctx.edit(ctx.t("leave.retroactive_cancelled"))
        return None
    start, end = date.fromisoformat(state.data["start"]), date.fromisoformat(state.data["end"])
    ctx.edit(ctx.t("leave.picked", start=start, end=end))
    return {**state.data, "start": start, "end": end}


def confirm_retroactive(ctx: Context, data: LeaveRetroactiveConfirm) -> None:
    held = _confirmed(ctx, LeaveDialogStep.CONFIRM, data.send)
    if held is not None:
        _submit(ctx, held["start"], held["end"], held["reason"], retroactive=True)


def confirm_recall(ctx: Context, data: LeaveRecallConfirm) -> None:
    """The cadre confirmed (or dropped) a request over 30 days: a recall, not a leave."""
    held = _confirmed(ctx, LeaveDialogStep.CONFIRM_RECALL, data.send)
    if held is not None:
        retroactive = bool(held.get("retroactive"))
        _submit(ctx, held["start"], held["end"], held["reason"], retroactive, recall=True)


def _submit(
    ctx: Context,
    start: date,
    end: date,
    reason: str,
    retroactive: bool = False,
    *,
    recall: bool = False,
) -> None:
    """File the request; over 30 days first show the cadre what a recall means (a typo
    in a year must not recall anyone) and file it only once they confirm."""
    checked = service.check_request(
        ctx.uow, ctx.me, start=start, end=end, reason=reason, now=ctx.now, retroactive=retroactive
    )
    if checked.tier is LeaveTier.RECALL and not recall:
        _confirm_recall(ctx, start, end, reason, retroactive, checked.combined)
        return
    outcome = service.submit(
        ctx.uow,
        ctx.me,
        start=start,
        end=end,
        reason=reason,
        now=ctx.now,
        retroactive=retroactive,
        recall_confirmed=recall,
    )
    ctx.end_dialog()
    ctx.notices += outcome.notices


def _confirm_recall(
    ctx: Context, start: date, end: date, reason: str, retroactive: bool, combined: int
) -> None:
    held = {"start": start.isoformat(), "end": end.isoformat(), "reason": reason}
    ctx.dialog(Dialog.LEAVE, LeaveDialogStep.CONFIRM_RECALL, retroactive=retroactive, **held)
    ctx.say(
        "leave.confirm_recall",
        start=start,
        end=end,
        combined=combined,
        reason=reason,
        buttons=[
            [
                ctx.button("button.confirm_recall", LeaveRecallConfirm(True)),
                ctx.button("button.cancel", LeaveRecallConfirm(False)),
            ]
        ],
    )


def pick_retroactive(ctx: Context, _data: LeaveRetroactive) -> None:
    """补假 chosen in the guided dialog: offer the last few days as the first day."""
    if ctx.at(Dialog.LEAVE, LeaveDialogStep.START) is None:
        ctx.toast("error.stale_button")
        return
    ctx.dialog(Dialog.LEAVE, LeaveDialogStep.START, retroactive=True)
    today = ctx.now.date()
    weekdays = ctx.t("picker.weekdays").split()
    days = [today - timedelta(days=n) for n in range(service.RETROACTIVE_DAYS, 0, -1)]
    row = [Button(f"{d:%m-%d} {weekdays[d.weekday()]}", PickDate(d).pack()) for d in days]
    ctx.edit(ctx.t("leave.pick_retroactive", limit=service.RETROACTIVE_DAYS), [row])


def pick(ctx: Context, data: PickDate | PickMonth) -> None:
    state = ctx.at(Dialog.LEAVE, LeaveDialogStep.START, LeaveDialogStep.END)
    if state is None:
        ctx.toast("error.stale_button")
        return
    today = ctx.now.date()
    retroactive = bool(state.data.get("retroactive"))
    if state.step is LeaveDialogStep.END:
        earliest = date.fromisoformat(state.data["start"])
    elif retroactive:
        earliest = today - timedelta(days=service.RETROACTIVE_DAYS)
    else:
        earliest = today
    if isinstance(data, PickMonth):
        ctx.edit(
            ctx.t(f"leave.pick_{state.step}", start=earliest),
            month_keyboard(ctx, data.first, earliest),
        )
        return
    if data.day < earliest:
        key = "leave.retroactive_too_far" if retroactive else "leave.in_past"
        ctx.toast(key, start=data.day, limit=service.RETROACTIVE_DAYS)
        return
    if state.step is LeaveDialogStep.START:
        ctx.dialog(
            Dialog.LEAVE, LeaveDialogStep.END, start=data.day.isoformat(), retroactive=retroactive
        )
        ctx.edit(ctx.t("leave.pick_end", start=data.day), month_keyboard(ctx, data.day, data.day))
        return
    ctx.dialog(
        Dialog.LEAVE,
        LeaveDialogStep.REASON,
        start=state.data["start"],
        end=data.day.isoformat(),
        retroactive=retroactive,
    )
    ctx.edit(ctx.t("leave.picked", start=date.fromisoformat(state.data["start"]), end=data.day))
    ctx.say("leave.ask_reason")


def reason_text(ctx: Context, data: dict, text: str) -> None:
    if kept_over_long(ctx, text, service.MAX_REASON, "over_long.leave_reason"):
        return
    _submit(
        ctx,
        date.fromisoformat(data["start"]),
        date.fromisoformat(data["end"]),
        text,
        bool(data.get("retroactive")),
    )


def comment_text(ctx: Context, data: dict, text: str) -> None:
    """An approver's 添加意见: saved on the step, and the card again with its buttons."""
    if kept_over_long(ctx, text, service.MAX_REASON, "over_long.comment"):
        return
    step_row = service.comment(
        ctx.uow, ctx.me, step_id=int(data["step_id"]), text=text, now=ctx.now
    )
    ctx.end_dialog()
    card = ctx.say(
        "leave.comment_saved",
        comment=step_row.comment,
        buttons=_vote_buttons(ctx, stored_id(step_row), step_row.kind),
    )
    card.card = CardRef(step_row.request_id, "step", stored_id(step_row))


def why_text(ctx: Context, data: dict, text: str) -> None:
    """The reason of a no, typed: the decision is taken with it."""
    if kept_over_long(ctx, text, service.MAX_REASON, "over_long.why"):
        return
    key, params = _decide(ctx, int(data["step_id"]), False, text)
    ctx.say(key, **params)


def use_confirm(ctx: Context, _data: dict) -> None:
    ctx.say("leave.use_confirm")


def use_confirm_recall(ctx: Context, _data: dict) -> None:
    ctx.say("leave.use_confirm_recall")


def use_picker(ctx: Context, _data: dict) -> None:
    ctx.say("leave.use_picker")


def _vote_buttons(ctx: Context, step_id: int, kind: str) -> list[list[Button]]:
    return decision_buttons(ctx.catalog, ctx.lang, service.decision_actions(step_id, kind))


def vote(ctx: Context, data: LeaveVote) -> None:
    """A yes is taken at once; a no (驳回, 不同意, the unit declining) first asks why,
    unless the holder already wrote their opinion with 添加意见. A press on a card whose
    request has moved on answers what happened instead."""
    if leave_cards.step_settled(ctx, data.step_id):
        return
    step = records.leave_step(ctx.uow, data.step_id)
    if not data.approve and step is not None and not step.comment:
        service.deputies(ctx.uow, ctx.me, step_id=data.step_id)  # raises unless ours now
        ctx.dialog(Dialog.LEAVE, LeaveDialogStep.WHY, step_id=data.step_id)
        ctx.say(f"leave.ask_why_{step.kind}")
        ctx.toast(f"leave.ask_why_{step.kind}")
        return
    key, params = _decide(ctx, data.step_id, data.approve, None)
    ctx.edit(ctx.t(key, **params))
    ctx.toast(key, **params)


def _decide(ctx: Context, step_id: int, yes: bool, text: str | None) -> tuple[str, dict]:
    """Record the holder's decision and retire the request's cards that no longer apply;
    the message that tells them what they did."""
    if ctx.at(Dialog.LEAVE, LeaveDialogStep.WHY) is not None:
        ctx.end_dialog()  # a no waiting for its reason gives way to the decision taken
    outcome = service.decide(ctx.uow, ctx.me, step_id=step_id, approve=yes, now=ctx.now, text=text)
    ctx.notices += outcome.notices
    request = outcome.request
    applicant = known(records.person(ctx.uow, request.applicant_id))
    decision = known(records.leave_step(ctx.uow, step_id)).decision
    params = dict(
        id=request.id, name=applicant.name, start=request.start, end=request.end, days=request.days
    )
    leave_cards.settle(ctx, stored_id(request))
    return f"leave.you_{decision}", params


def ask_comment(ctx: Context, data: LeaveComment) -> None:
    if leave_cards.step_settled(ctx, data.step_id):
        return
    service.deputies(ctx.uow, ctx.me, step_id=data.step_id)  # raises unless the step is ours
    ctx.dialog(Dialog.LEAVE, LeaveDialogStep.COMMENT, step_id=data.step_id)
    ctx.say("leave.ask_comment")
    ctx.toast("leave.ask_comment_toast")


def delegate(ctx: Context, data: LeaveDelegate) -> None:
    if leave_cards.step_settled(ctx, data.step_id):
        return
    if data.deputy_id == 0:
        candidates = service.deputies(ctx.uow, ctx.me, step_id=data.step_id)
        if not candidates:
            ctx.toast("leave.no_deputy", alert=True)
            return
        choose = ctx.say(
            "leave.pick_deputy",
            buttons=[
                [Button(p.name, LeaveDelegate(data.step_id, stored_id(p)).pack())]
                for p in candidates
            ],
        )
        step = known(records.leave_step(ctx.uow, data.step_id))
        choose.card = CardRef(step.request_id, "step", stored_id(step))
        ctx.toast("leave.pick_deputy")
        return
    outcome = service.delegate(
        ctx.uow, ctx.me, step_id=data.step_id, deputy_id=data.deputy_id, now=ctx.now
    )
    ctx.notices += outcome.notices
    deputy = known(records.person(ctx.uow, data.deputy_id))
    ctx.edit(ctx.t("leave.you_delegated", name=deputy.name, id=outcome.request.id))
    ctx.toast("leave.you_delegated", name=deputy.name, id=outcome.request.id)
    leave_cards.settle(ctx, stored_id(outcome.request))


#: What is typed at each step: the reason after the picked days files the request, an
#: approver's comment or reason of a no is saved; anything but text asks again.
typed_reason = text_or_ask("leave.ask_reason", reason_text)
typed_comment = text_or_ask("leave.ask_comment", comment_text)
typed_why = text_or_ask("leave.ask_why", why_text)
