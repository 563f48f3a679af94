"""The bound cadre's keyboard: 签到 / 日记 / 请假 / 我的情况 under the input field.

A First Secretary or work-team member checks in every working day: with the keyboard a
check-in is two taps (签到, then the client's "share location"), as the 签到 button asks
the client for the location itself. The other buttons send their label as text, which
``keyboard_command`` maps back to the command (in either language: a person who switched
with /lang may still see the old labels until the next keyboard arrives).
"""

from __future__ import annotations

from bot.handlers.context import Context
from bot.handlers.events import KeyButton, Outgoing
from bot.i18n import LANGUAGES, Catalog
from domain.roles import CADRE_ROLES

#: The keyboard's buttons, in rows: (catalog key of the label, the command it stands for).
KEYS: tuple[tuple[tuple[str, str], ...], ...] = (
    (("keyboard.checkin", "checkin"), ("keyboard.diary", "diary")),
    (("keyboard.leave", "leave"), ("keyboard.status", "status")),
)


def cadre_keyboard(catalog: Catalog, lang: str) -> list[list[KeyButton]]:
    """The cadre's keyboard in ``lang``; its 签到 button sends the location."""
    return [
        [
            KeyButton(catalog.text(lang, key), request_location=command == "checkin")
            for key, command in row
        ]
        for row in KEYS
    ]


def keyboard_command(catalog: Catalog, text: str | None) -> str | None:
    """The command a keyboard button's text stands for, or None for any other text."""
    if not text:
        return None
    typed = text.strip()
    for row in KEYS:
        for key, command in row:
            if any(typed == catalog.text(lang, key) for lang in LANGUAGES):
                return command
    return None


def with_keyboard(ctx: Context, message: Outgoing) -> Outgoing:
    """Attach the cadre's keyboard to ``message`` (kept shown after use). Only a message
    without inline buttons can carry it: Telegram allows one markup per message."""
    assert not message.buttons, "a message carries inline buttons or a keyboard, not both"
    message.keyboard = cadre_keyboard(ctx.catalog, ctx.lang)
    message.persistent_keyboard = True
    message.remove_keyboard = False
    return message


def keeps_keyboard(ctx: Context) -> bool:
    """Whether this person has the keyboard: bound First Secretaries and team members."""
    return ctx.person is not None and ctx.person.role in CADRE_ROLES


def restore_or_remove(ctx: Context, message: Outgoing) -> Outgoing:
    """End a flow that showed another keyboard: a cadre gets theirs back, anyone else's
    keyboard is removed."""
    if keeps_keyboard(ctx):
        return with_keyboard(ctx, message)
    message.remove_keyboard = True
    return message
