"""Over-long typed text is kept, not lost (a leave's reason, an approver's comment or
reason of a no, a duty note, the township's reason for an entry).

A refusal rolls its update back, so a text refused as too long used to live on only in
the person's own chat, to be copied and shortened on a phone. Instead the typed handler
checks the length first: over the limit, the text is kept in the open dialog (which
stays at its step), the reply says how long it is and what the limit is, and one tap keeps
the part that fits, broken at the last sentence end before the limit
(``domain.diary.split_text``); sending a shorter text instead replaces it.
``conversation.keep_fitting`` routes the tap back to the step's handler.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.handlers.callbacks import KeepFitting
from bot.handlers.context import Context
from domain.diary import split_text

#: Where the open dialog keeps the over-long text until it is shortened or replaced.
OVER_LONG = "over_long"


def fitting_part(text: str, limit: int) -> str:
    """What a tap on 「保留前 N 字」 keeps: the first part of ``text`` that fits."""
    return split_text(text, limit)[0]


def kept_over_long(ctx: Context, text: str, limit: int, what: str) -> bool:
    """True (and the text kept, the choice offered) when ``text`` is over ``limit``;
    ``what`` is the catalog key naming the field (事由, 意见, ...)."""
    text = text.strip()
    state = ctx.open_dialog
    if len(text) <= limit or state is None:
        return False
    kept = fitting_part(text, limit)
    ctx.dialog(state.dialog, state.step, **{**state.data, OVER_LONG: text})
    ctx.say(
        "over_long.offer",
        what=ctx.t(what),
        length=len(text),
        limit=limit,
        kept=len(kept),
        left=len(text) - len(kept),
        buttons=[[ctx.button("over_long.button_keep", KeepFitting(limit), kept=len(kept))]],
    )
    return True


def without_kept_text(data: dict) -> dict:
    """The dialog's data as its step's handler reads it (the kept text left out)."""
    return {key: value for key, value in data.items() if key != OVER_LONG}


def text_or_ask(
    ask: str, take: Callable[[Context, dict, str], None]
) -> Callable[[Context, dict], None]:
    """A typed-input handler: text goes to ``take`` (which may keep it when over-long);
    anything else (a photo, a sticker) is answered with the question ``ask`` again."""

    def typed(ctx: Context, data: dict) -> None:
        if ctx.event.text:
            take(ctx, data, ctx.event.text)
        else:
            ctx.say(ask)

    return typed
