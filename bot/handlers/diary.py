"""民情日记: write entries, list the month's, and sign them off (weekly / monthly)."""

from __future__ import annotations

from bot.handlers.callbacks import DiarySign, Done
from bot.handlers.context import Context
from bot.i18n import Markup, Term
from domain.pace import DIARIES_PER_MONTH
from services import diary as service

PREVIEW = 120


def diary_command(ctx: Context, args: str) -> None:
    if args.strip():
        _save(ctx, args, photo=None)
        return
    ctx.dialog("diary", "text")
    ctx.say("diary.ask_text")


def _save(ctx: Context, text: str, photo: str | None) -> None:
    entry_id = service.write_entry(
        ctx.uow, ctx.me, text=text, photos=[photo] if photo else [], now=ctx.now
    )
    count = service.month_count(ctx.uow, ctx.me, ctx.now.date())
    ctx.dialog("diary", "photos", entry_id=entry_id)
    ctx.say(
        "diary.saved",
        count=count,
        target=DIARIES_PER_MONTH,
        limit=service.MAX_PHOTOS,
        buttons=[[ctx.button("button.done", Done("diary"))]],
    )


def in_dialog(ctx: Context, step: str, data: dict) -> None:
    event = ctx.event
    if step == "text":
        if event.text is None and event.photo_file_id is None:
            ctx.say("diary.ask_text")
            return
        if event.photo_file_id and not event.text:
            ctx.say("diary.photo_needs_text")
            return
        _save(ctx, event.text or "", event.photo_file_id)
        return
    if event.photo_file_id:
        count = service.attach_photo(
            ctx.uow, ctx.me, entry_id=int(data["entry_id"]), file_id=event.photo_file_id
        )
        ctx.say(
            "diary.photo_added",
            count=count,
            limit=service.MAX_PHOTOS,
            buttons=[[ctx.button("button.done", Done("diary"))]],
        )
        return
    ctx.say("diary.photos_hint", buttons=[[ctx.button("button.done", Done("diary"))]])


def diaries_command(ctx: Context, _args: str = "") -> None:
    entries = service.month_entries(ctx.uow, ctx.me, ctx.now.date())
    lines = [
        ctx.t(
            "diary.line",
            day=e.day,
            text=_preview(e.text),
            photos=len(e.photo_file_ids),
            mark=Markup("🔒" if e.week_signoff_id or e.month_signoff_id else ""),
        )
        for e in entries
    ]
    ctx.say(
        "diary.list",
        count=len(entries),
        target=DIARIES_PER_MONTH,
        lines=Markup("\n".join(lines)) if lines else ctx.t("diary.none"),
    )


def _preview(text: str) -> str:
    return text if len(text) <= PREVIEW else text[: PREVIEW - 1] + "…"


def signoff_command(ctx: Context, _args: str = "") -> None:
    batches = service.awaiting_signature(ctx.uow, ctx.me, ctx.now.date())
    if not batches:
        ctx.say("diary.nothing_awaiting")
        return
    for batch in batches[:20]:
        lines = "\n".join(
            ctx.t("diary.sign_line", day=e.day, text=_preview(e.text), photos=len(e.photo_file_ids))
            for e in batch.entries
        )
        ctx.say(
            "diary.to_sign",
            name=batch.cadre.name,
            scope=Term(batch.scope),
            period=batch.period,
            count=len(batch.entries),
            lines=Markup(lines),
            buttons=[
                [
                    ctx.button(
                        f"button.sign_{batch.scope}",
                        DiarySign(batch.cadre.id, batch.scope, batch.period),
                    )
                ]
            ],
        )


def sign(ctx: Context, data: DiarySign) -> None:
    signoff = service.sign(
        ctx.uow,
        ctx.me,
        cadre_id=data.cadre_id,
        scope=data.scope,
        period=data.period,
        now=ctx.now,
    )
    cadre = ctx.uow.people.get(data.cadre_id)
    text = ctx.t(
        "diary.signed",
        name=cadre.name,
        period=data.period,
        count=signoff.entry_count,
        scope=Term(data.scope),
    )
    ctx.edit(text)
    ctx.toast("diary.signed_toast")


def done(ctx: Context, data: Done) -> None:
    ctx.end_dialog()
    ctx.edit(
        ctx.t(f"dialog.done_{data.dialog}")
        if ctx.catalog.has(f"dialog.done_{data.dialog}")
        else ctx.t("dialog.done")
    )
    ctx.toast("dialog.done")
