"""/duty (公务) for org_dept, poverty_bureau and township secretaries: township → cadre →
kind → first and last day → an optional note → confirm, each one tap (the message is
edited in place until the note). A secretary has one township, so they start at its
cadres. The span is checked as soon as the last day is picked, so a refusal (not posted,
already duty, approved leave) comes before the note is asked for; the refused update
rolls back, so the dialog stays at the last day and another can be picked.
"""

from __future__ import annotations

from datetime import date

from bot.handlers.callbacks import (
    DutyCadre,
    DutyConfirm,
    DutyKindPick,
    DutyNoNote,
    DutyTownship,
    PickDate,
    PickMonth,
)
from bot.handlers.context import Context, stored_id
from bot.handlers.date_picker import month_keyboard
from bot.handlers.dialogs import Dialog, DialogAt, DutyStep
from bot.handlers.events import Button
from bot.handlers.over_long import kept_over_long
from bot.i18n import Term
from domain.duty import NOTE_MAX_CHARS, DutyKind
from services import duty as service
from services import records
from storage.tables import Township

DIALOG = Dialog.DUTY


def _cadres(ctx: Context, township: Township) -> tuple[str, list[list[Button]]]:
    """The township's cadres posted today, one button each (or why there are none)."""
    choices = service.cadres_in(ctx.uow, ctx.me, stored_id(township), ctx.now.date())
    if not choices:
        return ctx.t("duty.no_cadres", township=township.name), []
    buttons = [
        [Button(f"{c.person.name} · {c.village.name}", DutyCadre(stored_id(c.person)).pack())]
        for c in choices
    ]
    return ctx.t("duty.pick_cadre", township=township.name), buttons


def duty_command(ctx: Context, _args: str = "") -> None:
    """Start with the township, or straight at the cadres when there is only one."""
    townships = service.townships(ctx.uow, ctx.me)
    if len(townships) == 1:
        ctx.say_text(*_cadres(ctx, townships[0]))
        return
    buttons = [Button(t.name, DutyTownship(stored_id(t)).pack()) for t in townships]
    ctx.say("duty.pick_township", buttons=[buttons[i : i + 2] for i in range(0, len(buttons), 2)])


def pick_township(ctx: Context, data: DutyTownship) -> None:
    township = records.township(ctx.uow, data.township_id)
    if township is None:
        ctx.toast("error.stale_button", alert=True)
        return
    ctx.edit(*_cadres(ctx, township))


def pick_cadre(ctx: Context, data: DutyCadre) -> None:
    """Open the dialog for this cadre and offer the four kinds."""
    cadre = service.cadre_for(ctx.uow, ctx.me, data.cadre_id, ctx.now.date())
    ctx.dialog(DIALOG, DutyStep.KIND, cadre=cadre.id, cadre_name=cadre.name)
    buttons = [[ctx.button(f"term.{kind}", DutyKindPick(kind))] for kind in DutyKind]
    ctx.edit(ctx.t("duty.pick_kind", name=cadre.name), buttons)


def _state(ctx: Context, *steps: DutyStep) -> DialogAt | None:
    """The open /duty dialog if it is at one of ``steps``; else the button is stale."""
    state = ctx.at(DIALOG, *steps)
    if state is None:
        ctx.toast("error.stale_button", alert=True)
        return None
    return state


def pick_kind(ctx: Context, data: DutyKindPick) -> None:
    state = _state(ctx, DutyStep.KIND)
    if state is None:
        return
    if data.kind not in set(DutyKind):
        ctx.toast("error.stale_button", alert=True)
        return
    ctx.dialog(DIALOG, DutyStep.START, **state.data, kind=data.kind)
    params = dict(name=state.data["cadre_name"], kind=Term(data.kind))
    today = ctx.now.date()
    ctx.edit(ctx.t("duty.pick_start", **params), month_keyboard(ctx, today, _earliest(ctx)))


def _earliest(ctx: Context) -> date:
    """Duty already done may be recorded late, back to the start of the year (the annual
    sheet's span); the import takes older records."""
    return ctx.now.date().replace(month=1, day=1)


def pick(ctx: Context, data: PickDate | PickMonth) -> None:
    """A day (or a month turned) in the date picker of the /duty dialog."""
    state = _state(ctx, DutyStep.START, DutyStep.END)
    if state is None:
        return
    step, values = state.step, state.data
    earliest = _earliest(ctx) if step is DutyStep.START else date.fromisoformat(values["start"])
    params = dict(name=values["cadre_name"], kind=Term(values["kind"]), start=earliest)
    if isinstance(data, PickMonth):
        ctx.edit(ctx.t(f"duty.pick_{step}", **params), month_keyboard(ctx, data.first, earliest))
    elif data.day < earliest:
        ctx.toast("error.stale_button", alert=True)
    elif step is DutyStep.START:
        ctx.dialog(DIALOG, DutyStep.END, **values, start=data.day.isoformat())
        params["start"] = data.day
        ctx.edit(ctx.t("duty.pick_end", **params), month_keyboard(ctx, data.day, data.day))
    else:
        _picked_last_day(ctx, values, data.day)


def _picked_last_day(ctx: Context, values: dict, end: date) -> None:
    """Refuse the span now if it cannot be recorded; else ask for the note."""
    start = date.fromisoformat(values["start"])
    service.check_duty(ctx.uow, ctx.me, int(values["cadre"]), start, end, today=ctx.now.date())
    ctx.dialog(DIALOG, DutyStep.NOTE, **values, end=end.isoformat())
    ctx.edit(
        ctx.t(
            "duty.picked",
            name=values["cadre_name"],
            kind=Term(values["kind"]),
            start=start,
            end=end,
        )
    )
    ctx.say("duty.ask_note", buttons=[[ctx.button("duty.button_no_note", DutyNoNote())]])


def typed_note(ctx: Context, data: dict) -> None:
    """The note is the dialog's one typed answer (anything else points at the buttons)."""
    if ctx.event.text:
        note_text(ctx, data, ctx.event.text)
    else:
        use_buttons(ctx, data)


def note_text(ctx: Context, data: dict, text: str) -> None:
    if not kept_over_long(ctx, text, NOTE_MAX_CHARS, "over_long.duty_note"):
        _confirm(ctx, data, service.clean_note(text))


def use_buttons(ctx: Context, _data: dict) -> None:
    """Typed at a step the buttons answer."""
    ctx.say("duty.use_buttons")


def no_note(ctx: Context, _data: DutyNoNote) -> None:
    state = _state(ctx, DutyStep.NOTE)
    if state is not None:
        ctx.edit(ctx.t("duty.no_note"))
        _confirm(ctx, state.data, None)


def _confirm(ctx: Context, data: dict, note: str | None) -> None:
    ctx.dialog(DIALOG, DutyStep.CONFIRM, **data, note=note or "")
    start, end = date.fromisoformat(data["start"]), date.fromisoformat(data["end"])
    ctx.say(
        "duty.confirm",
        name=data["cadre_name"],
        kind=Term(data["kind"]),
        start=start,
        end=end,
        days=(end - start).days + 1,
        note=note or ctx.t("duty.note_none"),
        buttons=[[ctx.button("duty.button_confirm", DutyConfirm())]],
    )


def confirm(ctx: Context, _data: DutyConfirm) -> None:
    """Store the record; the cadre is told by a notice."""
    state = _state(ctx, DutyStep.CONFIRM)
    if state is None:
        return
    values = state.data
    outcome = service.record_duty(
        ctx.uow,
        ctx.me,
        int(values["cadre"]),
        start=date.fromisoformat(values["start"]),
        end=date.fromisoformat(values["end"]),
        kind=DutyKind(values["kind"]),
        note=values["note"] or None,
        now=ctx.now,
    )
    ctx.end_dialog()
    ctx.notices += outcome.notices
    record = outcome.record
    days = (record.end - record.start).days + 1
    params = dict(name=outcome.cadre.name, start=record.start, end=record.end, days=days)
    ctx.edit(ctx.t("duty.recorded", kind=Term(record.kind), **params))
    ctx.toast("duty.recorded_toast")
