"""/spotcheck (明查暗访, Art. 26.3) for org_dept and poverty_bureau: township → cadre →
a remote location check or the result of a visit in person, each one tap; a visit then
takes the day it happened (today, the first button, or one of the last 7 days), so a
round reported a few days late still counts for its own day.

A remote check on a non-working day is refused with the reason before the cadre is asked;
a visit on one is recorded and the official told it does not count (``services``).

A remote check sends the cadre a message with a location button (a reply keyboard, which
only a message to their own chat can carry, so it is built here rather than as a notice).
While their check is open, the cadre's next location answers it: ``location`` is consulted
first in the conversation's location branch, and also records the ordinary check-in.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.handlers import checkin
from bot.handlers.callbacks import SpotCadre, SpotInPerson, SpotRemote, SpotTownship, SpotVisit
from bot.handlers.context import Context, known, stored_id
from bot.handlers.events import Button, KeyButton, Outgoing
from bot.handlers.keyboard import with_keyboard
from domain.assessment import SPOT_CHECK_ANSWER_MINUTES, SPOT_CHECK_BACKDATE_DAYS
from services import records
from services import spot_checks as service


def _clock(moment: datetime, ctx: Context) -> str:
    return moment.astimezone(ctx.now.tzinfo).strftime("%H:%M")


def spotcheck_command(ctx: Context, _args: str = "") -> None:
    """Start with the township: a district has few, and it narrows the cadres to a page."""
    townships = service.townships(ctx.uow, ctx.me)
    buttons = [Button(t.name, SpotTownship(stored_id(t)).pack()) for t in townships]
    ctx.say(
        "spotcheck.pick_township", buttons=[buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    )


def pick_township(ctx: Context, data: SpotTownship) -> None:
    """The cadres posted there today, one button each (the message is edited in place)."""
    township = known(records.township(ctx.uow, data.township_id))
    choices = service.cadres_in(ctx.uow, ctx.me, data.township_id, ctx.now.date())
    if not choices:
        ctx.edit(ctx.t("spotcheck.no_cadres", township=township.name))
        return
    buttons = [
        [Button(f"{c.person.name} · {c.village.name}", SpotCadre(stored_id(c.person)).pack())]
        for c in choices
    ]
    ctx.edit(ctx.t("spotcheck.pick_cadre", township=township.name), buttons)


def pick_cadre(ctx: Context, data: SpotCadre) -> None:
    """Offer both ways in one message: a remote check now, or the result of a visit."""
    choice = service.choice_of(ctx.uow, ctx.me, data.cadre_id, ctx.now.date())
    minutes = SPOT_CHECK_ANSWER_MINUTES
    buttons = [
        [ctx.button("spotcheck.button_remote", SpotRemote(data.cadre_id), minutes=minutes)],
        [
            ctx.button("spotcheck.button_found", SpotInPerson(data.cadre_id, True)),
            ctx.button("spotcheck.button_absent", SpotInPerson(data.cadre_id, False)),
        ],
    ]
    text = ctx.t(
        "spotcheck.pick_method",
        name=choice.person.name,
        village=choice.village.name,
        minutes=minutes,
    )
    ctx.edit(text, buttons)


def remote(ctx: Context, data: SpotRemote) -> None:
    """Open the check and ask the cadre, in their language, for their location."""
    started = service.start_remote(ctx.uow, ctx.me, data.cadre_id, ctx.now)
    deadline = _clock(known(started.check.deadline), ctx)  # a remote check has one
    ctx.edit(
        ctx.t(
            "spotcheck.started", name=started.cadre.name, village=started.village, deadline=deadline
        )
    )
    ctx.toast("spotcheck.started_toast")
    cadre = started.cadre
    lang = ctx.catalog.language_for(cadre.language, None)
    ctx.response.messages.append(
        Outgoing(
            known(cadre.telegram_user_id),  # start_remote refuses a cadre not bound
            ctx.catalog.text(
                lang, "spotcheck.ask_cadre", minutes=SPOT_CHECK_ANSWER_MINUTES, deadline=deadline
            ),
            keyboard=[
                [KeyButton(ctx.catalog.text(lang, "button.share_location"), request_location=True)]
            ],
        )
    )


def in_person(ctx: Context, data: SpotInPerson) -> None:
    """Ask for the visit's day: today first, then the last 7 days."""
    choice = service.choice_of(ctx.uow, ctx.me, data.cadre_id, ctx.now.date())
    found = ctx.t("spotcheck.button_found" if data.found else "spotcheck.button_absent")
    text = ctx.t(
        "spotcheck.pick_visit_day",
        name=choice.person.name,
        village=choice.village.name,
        found=found,
    )
    ctx.edit(text, _visit_days(ctx, data))


def _visit_days(ctx: Context, data: SpotInPerson) -> list[list[Button]]:
    """Today on its own row, then the 7 days before, four to a row, each with its weekday
    (so a Sunday is seen to be one)."""
    today = ctx.now.date()
    weekdays = ctx.t("picker.weekdays").split()
    days = [
        Button(
            f"{day:%m-%d} {weekdays[day.weekday()]}",
            SpotVisit(data.cadre_id, data.found, day).pack(),
        )
        for day in (today - timedelta(days=n) for n in range(1, SPOT_CHECK_BACKDATE_DAYS + 1))
    ]
    today_button = ctx.button("spotcheck.visit_today", SpotVisit(data.cadre_id, data.found, today))
    return [[today_button]] + [days[i : i + 4] for i in range(0, len(days), 4)]


def visit(ctx: Context, data: SpotVisit) -> None:
    """Record the visit for its day (at this hour; today's at now); the result and any
    sanction reach everyone concerned as notices."""
    at = ctx.now if data.day == ctx.now.date() else datetime.combine(data.day, ctx.now.timetz())
    outcome = service.record_in_person(
        ctx.uow, ctx.me, data.cadre_id, found=data.found, now=ctx.now, visited_at=at
    )
    ctx.notices += outcome.notices
    ctx.edit(ctx.t("spotcheck.recorded", name=outcome.cadre.name, village=outcome.village))
    ctx.toast("spotcheck.recorded_toast")


def location(ctx: Context) -> bool:
    """Answer the cadre's open spot check with this location (and record the check-in as
    usual); False when no check is open, so the caller does the ordinary check-in."""
    if not service.has_open_check(ctx.uow, ctx.me, ctx.sent_at):
        return False
    loc = ctx.event.location
    assert loc is not None
    checkin.location(ctx)  # the position is a check-in too (a forwarded one is refused)
    outcome = service.answer(ctx.uow, ctx.me, lat=loc.lat, lon=loc.lon, now=ctx.sent_at)
    assert outcome is not None
    ctx.notices += outcome.notices
    # The check's one-time location keyboard replaced the cadre's: give theirs back.
    with_keyboard(ctx, ctx.say(f"spotcheck.answered_{outcome.result}", village=outcome.village))
    return True
