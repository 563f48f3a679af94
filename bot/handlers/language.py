"""/lang: a person switches the bot's language (中文 / English); the choice is kept on the
person, so every later message to them, the scheduler's reminders included, uses it."""

from __future__ import annotations

from bot.handlers.callbacks import LangPick
from bot.handlers.context import Context
from bot.handlers.events import Button
from bot.handlers.keyboard import keeps_keyboard, with_keyboard
from bot.i18n import LANGUAGES
from services.onboarding import choose_language


def lang_command(ctx: Context, args: str = "") -> None:
    """``/lang en`` switches at once; ``/lang`` offers the languages as buttons."""
    wanted = args.strip().lower()
    if wanted:
        switch(ctx, wanted)
        return
    buttons = [[Button(ctx.t(f"lang.name_{lang}"), LangPick(lang).pack()) for lang in LANGUAGES]]
    ctx.say("lang.ask", buttons=buttons, current=ctx.t(f"lang.name_{ctx.lang}"))


def pick(ctx: Context, data: LangPick) -> None:
    """A language button: the picker's message becomes the answer in the new language."""
    switch(ctx, data.lang, picked=True)


def switch(ctx: Context, lang: str, *, picked: bool = False) -> None:
    """Keep ``lang`` on the person and answer in it; a cadre gets the keyboard again,
    its labels now in that language."""
    choose_language(ctx.uow, ctx.me, lang, LANGUAGES, ctx.now)
    ctx.lang = lang
    text = ctx.t("lang.changed", language=ctx.t(f"lang.name_{lang}"))
    if picked:
        ctx.edit(text)
        if keeps_keyboard(ctx):
            with_keyboard(ctx, ctx.say("lang.keyboard"))
        return
    message = ctx.say_text(text)
    if keeps_keyboard(ctx):
        with_keyboard(ctx, message)
