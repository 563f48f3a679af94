"""The township enters its cadres' days (Art. 11): a correction from the monthly review
(更正某日考勤) or an exception on the weekly grid, then the week's confirmation.

The dialog ``fix`` walks: cadre (buttons) → day (the month picker for a reviewed month,
the seven days for a week) → status (到岗 / 缺勤 / 公务) → reason (text) → confirm. Its
data holds the scope (``2026-11`` or ``2026-W48``) and what was picked so far; the service
checks everything again when the entry is confirmed.
"""

from __future__ import annotations

from datetime import date

from bot.handlers.callbacks import (
    FixCadre,
    FixConfirm,
    FixStart,
    FixStatus,
    Noop,
    PickDate,
    PickMonth,
    WeekConfirm,
)
from bot.handlers.context import Context
from bot.handlers.date_picker import month_keyboard
from bot.handlers.dialogs import Dialog, FixStep
from bot.handlers.events import Button
from bot.handlers.over_long import kept_over_long
from bot.i18n import Term
from domain.township_attendance import (
    ENTRY_STATUSES,
    MAX_REASON_CHARS,
    EntrySource,
    checked_reason,
    entry_status,
)
from services import township_attendance as service

DIALOG = Dialog.FIX


def _step(ctx: Context, step: FixStep) -> dict | None:
    """The open ``fix`` dialog's data if it is at ``step``; else a stale-button toast."""
    state = ctx.at(DIALOG, step)
    if state is None:
        ctx.toast("error.stale_button")
        return None
    return dict(state.data)


def start(ctx: Context, data: FixStart) -> None:
    cadres = service.scope_cadres(ctx.uow, ctx.me, scope=data.scope, today=ctx.now.date())
    ctx.dialog(DIALOG, FixStep.CADRE, scope=data.scope)
    buttons = [
        Button(f"{c.name}（{c.village}）", FixCadre(c.person_id).pack())
        for c in sorted(cadres, key=lambda c: (c.village, c.name, c.person_id))
    ]
    ctx.say("township.pick_cadre", buttons=[buttons[i : i + 2] for i in range(0, len(buttons), 2)])
    ctx.toast("township.pick_cadre")


def pick_cadre(ctx: Context, data: FixCadre) -> None:
    state = _step(ctx, FixStep.CADRE)
    if state is None:
        return
    cadre = service.scope_cadre(
        ctx.uow, ctx.me, scope=state["scope"], cadre_id=data.cadre_id, today=ctx.now.date()
    )
    ctx.dialog(
        DIALOG, FixStep.DAY, scope=state["scope"], cadre_id=cadre.person_id, cadre=cadre.name
    )
    ctx.edit(ctx.t("township.pick_day", name=cadre.name), _days(ctx, state["scope"]))


def _days(ctx: Context, scope_key: str, month: date | None = None) -> list[list[Button]]:
    """The month picker (a reviewed month: from it up to yesterday), or the week's days."""
    scope = service.parse_scope(scope_key)
    span = scope.span(ctx.now.date())
    if scope.source is EntrySource.CORRECTION:
        return month_keyboard(ctx, month or span.first, span.first, span.last)
    weekdays = ctx.t("picker.weekdays").split()
    return [
        [
            Button(f"{weekdays[i]} {day.day}", PickDate(day).pack())
            if span.first <= day <= span.last
            else Button("·", Noop().pack())
            for i, day in enumerate(scope.period.days())
        ]
    ]


def pick_day(ctx: Context, data: PickDate | PickMonth) -> None:
    state = _step(ctx, FixStep.DAY)
    if state is None:
        return
    if isinstance(data, PickMonth):
        ctx.edit(
            ctx.t("township.pick_day", name=state["cadre"]), _days(ctx, state["scope"], data.first)
        )
        return
    service.check_day(
        ctx.uow,
        ctx.me,
        scope=state["scope"],
        person_id=state["cadre_id"],
        day=data.day,
        today=ctx.now.date(),
    )
    ctx.dialog(DIALOG, FixStep.STATUS, **state, day=data.day.isoformat())
    buttons = [[ctx.button(f"township.status_{s}", FixStatus(s.value)) for s in ENTRY_STATUSES]]
    ctx.edit(ctx.t("township.pick_status", name=state["cadre"], day=data.day), buttons)


def pick_status(ctx: Context, data: FixStatus) -> None:
    state = _step(ctx, FixStep.STATUS)
    if state is None:
        return
    status = entry_status(data.status)
    ctx.dialog(DIALOG, FixStep.REASON, **state, status=status.value)
    day = date.fromisoformat(state["day"])
    ctx.edit(ctx.t("township.picked", name=state["cadre"], day=day, status=Term(status)))
    ctx.say("township.ask_reason", limit=MAX_REASON_CHARS)


def use_buttons(ctx: Context, _data: dict) -> None:
    """Typed at a step the buttons answer."""
    ctx.say("township.use_buttons")


def typed_reason(ctx: Context, data: dict) -> None:
    """The reason, typed; a too long one is refused with what was typed, to shorten."""
    if not ctx.event.text:
        use_buttons(ctx, data)
        return
    reason_text(ctx, data, ctx.event.text)


def reason_text(ctx: Context, data: dict, text: str) -> None:
    if kept_over_long(ctx, text, MAX_REASON_CHARS, "over_long.township_reason"):
        return
    reason = checked_reason(text)
    ctx.dialog(DIALOG, FixStep.CONFIRM, **data, reason=reason)
    day = date.fromisoformat(data["day"])
    confirm = ctx.button("township.button_confirm", FixConfirm(int(data["cadre_id"]), day))
    ctx.say(
        "township.confirm",
        name=data["cadre"],
        day=day,
        status=Term(data["status"]),
        reason=reason,
        buttons=[[confirm]],
    )


def confirm(ctx: Context, data: FixConfirm) -> None:
    state = _step(ctx, FixStep.CONFIRM)
    if state is None:
        return
    if (state["cadre_id"], state["day"]) != (data.cadre_id, data.day.isoformat()):
        ctx.toast("error.stale_button")  # the button of an entry given up since
        return
    outcome = service.enter_day(
        ctx.uow,
        ctx.me,
        scope=state["scope"],
        person_id=data.cadre_id,
        day=data.day,
        status=state["status"],
        reason=state["reason"],
        now=ctx.now,
    )
    ctx.notices += outcome.notices
    ctx.end_dialog()
    key = "township.replaced" if outcome.replaced else "township.entered"
    ctx.edit(ctx.t(key, name=outcome.cadre.name, day=outcome.day, status=Term(outcome.status)))
    ctx.toast("township.entered_toast")


def confirm_week(ctx: Context, data: WeekConfirm) -> None:
    outcome = service.confirm_week(ctx.uow, ctx.me, week=data.week, now=ctx.now)
    if outcome.already:
        ctx.toast("township.week_already", alert=True, week=outcome.days)
        return
    ctx.say("township.week_confirmed", township=outcome.township, week=outcome.days)
    ctx.toast("township.week_confirmed_toast")
