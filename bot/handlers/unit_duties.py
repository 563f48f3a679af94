"""/unitduty for unit leaders (Art. 15, 19): 记会议 / 记走访 / 记体检 / 记保险, each a few
taps. A meeting: its day (today one tap) → a short note (or none) → saved. A visit: the
village (skipped when the unit posts to one) → the day → who went → saved. A health check
or an insurance: the cadre → the day (the insurance: the last day it covers) → saved.

Only a unit leader records, for their own unit and the cadres it posts today; anyone else
is told who does (``services.unit_duties.unit_of``). A refused day rolls back, so the
dialog stays at the picker and another day can be tapped.
"""

from __future__ import annotations

from datetime import date, timedelta

from bot.handlers.callbacks import (
    PickDate,
    PickMonth,
    UnitDutyCadre,
    UnitDutyNoNote,
    UnitDutyPick,
    UnitDutyVillage,
)
from bot.handlers.context import Context
from bot.handlers.date_picker import month_keyboard
from bot.handlers.dialogs import Dialog, DialogAt, UnitDutyStep
from bot.handlers.events import Button
from bot.handlers.over_long import kept_over_long
from bot.i18n import Markup
from domain.posting_term import add_years
from domain.unit_duties import NOTE_MAX_CHARS, RECORD_BACK_DAYS, UnitRecord
from services import unit_duties as service

DIALOG = Dialog.UNIT_DUTY
CARE = (UnitRecord.HEALTH_CHECK, UnitRecord.INSURANCE)


def unitduty_command(ctx: Context, _args: str = "") -> None:
    """What the unit is behind on, and the four things to record."""
    unit = service.unit_of(ctx.uow, ctx.me)
    standing = service.standing_of(ctx.uow, ctx.me, ctx.now.date())
    behind = ""
    if standing is not None and standing.behind:
        behind = Markup(
            "".join(_behind(ctx, standing, "unit_duty.no_meeting", "unit_duty.no_visit"))
        )
    buttons = [
        [ctx.button(f"unit_duty.button_{w}", UnitDutyPick(w)) for w in UnitRecord][i : i + 2]
        for i in (0, 2)
    ]
    ctx.say("unit_duty.menu", unit=unit.name, behind=behind, buttons=buttons)


def _behind(ctx: Context, s: service.UnitStanding, meeting: str, visit: str) -> list[str]:
    """What the unit is behind on, in the catalog messages ``meeting`` and ``visit``
    (the leader's menu and org_dept's list word it differently)."""
    parts = []
    if s.months_missing:
        parts.append(ctx.t(meeting, months=service.months_shown(s.months_missing, "、")))
    if s.visit_days is not None:
        parts.append(ctx.t(visit, days=s.visit_days, since=s.visit_since))
    return parts


def _state(ctx: Context, *steps: UnitDutyStep) -> DialogAt | None:
    """The open /unitduty dialog if it is at one of ``steps``; else the button is stale."""
    state = ctx.at(DIALOG, *steps)
    if state is None:
        ctx.toast("error.stale_button", alert=True)
    return state


def pick_what(ctx: Context, data: UnitDutyPick) -> None:
    """A meeting goes straight to its day; a visit to its village (or the day, when the
    unit posts to one village); a health check or insurance to the cadre."""
    if data.what not in set(UnitRecord):
        ctx.toast("error.stale_button", alert=True)
        return
    what = UnitRecord(data.what)
    if what is UnitRecord.MEETING:
        service.unit_of(ctx.uow, ctx.me)
        _ask_day(ctx, {"what": what.value})
        return
    choices = _choices(ctx, what)
    if not choices:
        ctx.edit(ctx.t("unit_duty.no_postings"))
    elif len(choices) == 1 and isinstance(only := choices[0][1], UnitDutyVillage):
        _ask_day(
            ctx, {"what": what.value, "village": only.village_id, "village_name": choices[0][0]}
        )
    else:
        ctx.dialog(DIALOG, UnitDutyStep.PICK, what=what.value)
        buttons = [[Button(label, choice.pack())] for label, choice in choices]
        ctx.edit(
            ctx.t(f"unit_duty.pick_{'village' if what is UnitRecord.VISIT else 'cadre'}"), buttons
        )


def _choices(ctx: Context, what: UnitRecord) -> list[tuple[str, UnitDutyVillage | UnitDutyCadre]]:
    """The villages of the unit's postings (a visit), or its cadres (their care)."""
    today = ctx.now.date()
    if what is UnitRecord.VISIT:
        return [(name, UnitDutyVillage(v)) for v, name in service.villages(ctx.uow, ctx.me, today)]
    return [
        (f"{p.name} · {p.village}", UnitDutyCadre(p.person_id))
        for p in service.postings(ctx.uow, ctx.me, today)
    ]


def pick_village(ctx: Context, data: UnitDutyVillage) -> None:
    state = _state(ctx, UnitDutyStep.PICK)
    if state is None:
        return
    if state.data["what"] != UnitRecord.VISIT:
        ctx.toast("error.stale_button", alert=True)
        return
    names = dict(service.villages(ctx.uow, ctx.me, ctx.now.date()))
    if data.village_id not in names:
        ctx.toast("unit_duty.not_your_village", alert=True)
        return
    _ask_day(
        ctx, {**state.data, "village": data.village_id, "village_name": names[data.village_id]}
    )


def pick_cadre(ctx: Context, data: UnitDutyCadre) -> None:
    state = _state(ctx, UnitDutyStep.PICK)
    if state is None:
        return
    if state.data["what"] not in CARE:
        ctx.toast("error.stale_button", alert=True)
        return
    posting = service.cadre_of(ctx.uow, ctx.me, data.cadre_id, ctx.now.date())
    _ask_day(ctx, {**state.data, "cadre": posting.person_id, "cadre_name": posting.name})


def _bounds(ctx: Context, what: str) -> tuple[date, date | None]:
    """The days the picker offers: an insurance's last day from today on; anything else
    done today or up to a year back."""
    today = ctx.now.date()
    if what == UnitRecord.INSURANCE:
        return today, None
    return today - timedelta(days=RECORD_BACK_DAYS), today


def _ask_day(ctx: Context, values: dict, first: date | None = None) -> None:
    """The date picker, with the usual day one tap away (today; a year from today for an
    insurance)."""
    ctx.dialog(DIALOG, UnitDutyStep.DAY, **values)
    today = ctx.now.date()
    earliest, latest = _bounds(ctx, values["what"])
    usual = (
        add_years(today, 1) - timedelta(days=1) if values["what"] == UnitRecord.INSURANCE else today
    )
    rows = [[Button(ctx.t("unit_duty.button_usual", day=usual), PickDate(usual).pack())]]
    rows += month_keyboard(ctx, first or today, earliest, latest)
    ctx.edit(ctx.t(f"unit_duty.pick_day_{values['what']}", **_names(values)), rows)


def _names(values: dict) -> dict:
    return {
        "name": values.get("cadre_name", ""),
        "village": values.get("village_name", ""),
    }


def pick(ctx: Context, data: PickDate | PickMonth) -> None:
    """A day (or a month turned) in the /unitduty date picker."""
    state = _state(ctx, UnitDutyStep.DAY)
    if state is None:
        return
    values = state.data
    if isinstance(data, PickMonth):
        _ask_day(ctx, values, data.first)
        return
    what = UnitRecord(values["what"])
    service.check_day(what, data.day, ctx.now.date())
    if what in CARE:
        record, posting = service.record_care(
            ctx.uow, ctx.me, int(values["cadre"]), what, data.day, now=ctx.now
        )
        ctx.end_dialog()
        next_check = add_years(record.day, 1)
        ctx.edit(
            ctx.t(f"unit_duty.recorded_{what}", name=posting.name, day=record.day, next=next_check)
        )
        ctx.toast("unit_duty.recorded_toast")
        return
    ctx.dialog(DIALOG, UnitDutyStep.NOTE, **values, day=data.day.isoformat())
    ctx.edit(ctx.t(f"unit_duty.picked_{what}", day=data.day, **_names(values)))
    buttons = (
        [[ctx.button("unit_duty.button_no_note", UnitDutyNoNote())]]
        if what is UnitRecord.MEETING
        else None
    )
    ctx.say(f"unit_duty.ask_{what}", buttons=buttons)


def typed(ctx: Context, data: dict) -> None:
    """The note (or who visited) is the one typed answer; at the buttons' steps a typed
    text points at them, and a photo at the note step asks for the text again."""
    if ctx.at(DIALOG, UnitDutyStep.NOTE) is None:
        ctx.say("unit_duty.use_buttons")
    elif ctx.event.text:
        note_text(ctx, data, ctx.event.text)
    else:
        ctx.say(f"unit_duty.ask_{data['what']}")


def note_text(ctx: Context, data: dict, text: str) -> None:
    if not kept_over_long(ctx, text, NOTE_MAX_CHARS, "unit_duty.what_note"):
        _save(ctx, data, text)


def no_note(ctx: Context, _data: UnitDutyNoNote) -> None:
    state = _state(ctx, UnitDutyStep.NOTE)
    if state is not None and state.data["what"] == UnitRecord.MEETING:
        _save(ctx, state.data, None)


def _save(ctx: Context, values: dict, text: str | None) -> None:
    """Store the meeting or the visit the dialog holds."""
    day = date.fromisoformat(values["day"])
    if values["what"] == UnitRecord.MEETING:
        meeting = service.record_meeting(ctx.uow, ctx.me, day, text, now=ctx.now)
        note = meeting.note or ctx.t("unit_duty.note_none")
        ctx.say("unit_duty.recorded_meeting", day=meeting.day, note=note)
    else:
        visit = service.record_visit(
            ctx.uow, ctx.me, int(values["village"]), day, text or "", now=ctx.now
        )
        ctx.say(
            "unit_duty.recorded_visit",
            day=visit.day,
            village=values["village_name"],
            visitors=visit.visitors,
        )
    ctx.end_dialog()


def units_behind(ctx: Context) -> None:
    """org_dept's /status: the units behind on their meetings or visits (Art. 15), one
    line each with what is missing, so a call to the right unit needs no other look-up."""
    behind = [s for s in service.standings(ctx.uow, ctx.now.date()) if s.behind]
    if not behind:
        return
    sep = ctx.t("status.work_sep")
    lines = [
        ctx.t(
            "unit_duty.behind_line",
            unit=s.unit,
            what=Markup(
                sep.join(_behind(ctx, s, "unit_duty.behind_meetings", "unit_duty.behind_visit"))
            ),
        )
        for s in behind
    ]
    ctx.say("unit_duty.units_behind", count=len(behind), lines=Markup("\n".join(lines)))
