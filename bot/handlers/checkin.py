"""Check-in by location, the day's work record, and 补卡 claims."""

from __future__ import annotations

from datetime import date

from bot.handlers.callbacks import ClaimVote, Done
from bot.handlers.context import Context, known
from bot.handlers.dialogs import CheckinStep, Dialog, WorkRecordStep
from bot.handlers.keyboard import with_keyboard
from services import checkin as service
from services import records


def checkin_command(ctx: Context, _args: str = "") -> None:
    """Ask for the location with the cadre's own keyboard, whose 签到 button shares it: a
    one-time location keyboard would replace theirs and leave none after the check-in."""
    ctx.dialog(Dialog.CHECKIN, CheckinStep.LOCATION)
    with_keyboard(ctx, ctx.say("checkin.ask_location"))


def location(ctx: Context) -> None:
    loc = ctx.event.location
    assert loc is not None
    if ctx.event.edited:
        outcome = service.update_live_location(
            ctx.uow,
            ctx.me,
            message_id=ctx.event.message_id or 0,
            lat=loc.lat,
            lon=loc.lon,
            now=ctx.sent_at,
        )
        if outcome is not None:
            ctx.say("checkin.live_on_site", village=outcome.village)
        return
    outcome = service.record_location(
        ctx.uow,
        ctx.me,
        lat=loc.lat,
        lon=loc.lon,
        message_id=ctx.event.message_id,
        live=loc.live_period is not None,
        forwarded=ctx.event.forwarded,
        now=ctx.sent_at,
    )
    if not outcome.on_site:
        # Earlier today's on-site check-in still counts: say so, not "today does not count".
        ctx.end_dialog()
        message = ctx.say(
            "checkin.off_site_counted" if outcome.already_counted else "checkin.off_site",
            village=outcome.village,
            distance=round(outcome.distance_m),
            radius=round(outcome.radius_m),
            total=outcome.onsite_days_this_year,
        )
        with_keyboard(ctx, message)
        return
    # One answer: the day counted and the work-record prompt (a second message would cost
    # a second send of Telegram's 30 a second). The cadre's keyboard stays as it is (an
    # inline markup leaves the reply keyboard alone); the inline Done button rides along.
    key = "checkin.again" if outcome.already_counted else "checkin.on_site"
    ctx.dialog(Dialog.WORK_RECORD, WorkRecordStep.NOTE)
    ctx.say(
        key,
        buttons=[[ctx.button("button.done", Done(Dialog.WORK_RECORD))]],
        village=outcome.village,
        total=outcome.onsite_days_this_year,
    )


def expecting_location(ctx: Context, _data: dict) -> None:
    """In the check-in dialog anything but a location is answered with the button again."""
    with_keyboard(ctx, ctx.say("checkin.need_location"))


def work_record(ctx: Context, _data: dict) -> None:
    service.add_work_record(
        ctx.uow, ctx.me, note=ctx.event.text, photo_file_id=ctx.event.photo_file_id, now=ctx.now
    )
    ctx.say("checkin.record_saved", buttons=[[ctx.button("button.done", Done(Dialog.WORK_RECORD))]])


def claim_command(ctx: Context, args: str) -> None:
    """/claim YYYY-MM-DD REASON"""
    day_text, _, reason = args.partition(" ")
    try:
        day = date.fromisoformat(day_text)
    except ValueError:
        ctx.say("claim.usage")
        return
    filed = service.claim_missed_day(ctx.uow, ctx.me, day=day, reason=reason, now=ctx.now)
    ctx.notices += filed.notices
    ctx.say("claim.filed", day=day)


def claim_vote(ctx: Context, data: ClaimVote) -> None:
    decided = service.decide_claim(
        ctx.uow, ctx.me, claim_id=data.claim_id, approve=data.approve, now=ctx.now
    )
    ctx.notices += decided.notices
    cadre = known(records.person(ctx.uow, decided.claim.person_id))
    key = "claim.you_approved" if data.approve else "claim.you_rejected"
    ctx.edit(ctx.t(key, name=cadre.name, day=decided.claim.day))
    ctx.toast(key, name=cadre.name, day=decided.claim.day)
