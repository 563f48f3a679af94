"""Onboarding: bind a Telegram account to the roster by sharing one's own contact."""

from __future__ import annotations

from bot.handlers.context import Context
from bot.handlers.events import KeyButton
from bot.i18n import Term
from services.onboarding import bind_contact


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
        ctx.say(
            "onboarding.welcome", remove_keyboard=True, name=person.name, role=Term(person.role)
        )
        return
    ctx.say(
        "onboarding.ask_contact",
        keyboard=[[KeyButton(ctx.t("button.share_contact"), request_contact=True)]],
    )


def already_bound(ctx: Context) -> None:
    ctx.say("onboarding.already_bound", name=ctx.me.name, role=Term(ctx.me.role))


def cancel_command(ctx: Context, _args: str = "") -> None:
    ctx.say("dialog.cancelled" if ctx.end_dialog() else "dialog.nothing", remove_keyboard=True)
