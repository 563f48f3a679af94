"""Onboarding: bind a Telegram account to the roster by sharing one's own contact."""

from __future__ import annotations

from bot.handlers import status
from bot.handlers.context import Context
from bot.handlers.events import KeyButton
from bot.handlers.keyboard import restore_or_remove
from bot.i18n import Term
from services.onboarding import bind_contact, release_held_reminders


def unbound(ctx: Context) -> None:
    """Anyone not yet bound gets the onboarding answer, whatever they send; a successful
    binding sets ``ctx.person`` (the caller then shows the help for their role)."""
    event = ctx.event
    if event.contact is not None:
        person = bind_contact(
            ctx.uow,
            sender_id=event.user_id,
            contact_user_id=event.contact.user_id,
            phone=event.contact.phone,
            language=ctx.catalog.language_for(None, event.language_code),
            now=ctx.now,
        )
        ctx.person = person
        welcome = ctx.say("onboarding.welcome", name=person.name, role=Term(person.role))
        restore_or_remove(ctx, welcome)  # a cadre's keyboard replaces the share-contact one
        return
    ctx.say(
        "onboarding.ask_contact",
        keyboard=[[KeyButton(ctx.t("button.share_contact"), request_contact=True)]],
    )


def catch_up(ctx: Context) -> None:
    """Right after the welcome and the help: what waited for the person while they were
    not bound. An approver sees each waiting leave step and claim with its buttons (and
    the diaries to sign); the reminders held for them go out once these replies are
    sent (the runtime drains the outbox when ``outbox_waiting`` is set)."""
    status.waiting_work(ctx, at_binding=True)
    if release_held_reminders(ctx.uow, ctx.me, ctx.now):
        ctx.response.outbox_waiting = True


def already_bound(ctx: Context) -> None:
    ctx.say("onboarding.already_bound", name=ctx.me.name, role=Term(ctx.me.role))


def cancel_command(ctx: Context, _args: str = "") -> None:
    """End the dialog and any keyboard it showed (a cadre keeps their own)."""
    restore_or_remove(ctx, ctx.say("dialog.cancelled" if ctx.end_dialog() else "dialog.nothing"))
