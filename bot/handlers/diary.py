"""民情日记: write entries, list the month's, and sign them off (weekly / monthly)."""

from __future__ import annotations

from bot.handlers import visits
from bot.handlers.callbacks import DiaryRead, DiarySign, DiarySplit, Done
from bot.handlers.context import Context, known, stored_id
from bot.handlers.dialogs import Dialog, DiaryStep
from bot.handlers.events import Button
from bot.i18n import Markup
from domain.attendance import Period
from domain.diary import split_text
from domain.pace import DIARIES_PER_MONTH
from services import diary as service
from services import records

#: Characters of each entry the list shows; the read button opens the whole of it.
PREVIEW = 120
READS_PER_ROW = 5


def diary_command(ctx: Context, args: str) -> None:
    if args.strip():
        _save(ctx, args, photo=None)
        return
    ctx.dialog(Dialog.DIARY, DiaryStep.TEXT)
    ctx.say("diary.ask_text")


def _save(ctx: Context, text: str, photo: str | None) -> None:
    if len(text.strip()) > service.MAX_TEXT:
        _offer_split(ctx, text.strip(), photo)
        return
    entry_id = service.write_entry(
        ctx.uow, ctx.me, text=text, photos=[photo] if photo else [], now=ctx.now
    )
    _saved(ctx, entry_id)


def _offer_split(ctx: Context, text: str, photo: str | None) -> None:
    """Keep an over-long entry in the dialog (nothing typed is lost) and offer to save it
    as several, rather than refusing it and leaving the person to cut it on a phone."""
    parts = split_text(text, service.MAX_TEXT)
    ctx.dialog(Dialog.DIARY, DiaryStep.SPLIT, text=text, photo=photo)
    ctx.say(
        "diary.offer_split",
        length=len(text),
        limit=service.MAX_TEXT,
        parts=len(parts),
        sizes=ctx.t("diary.names_separator").join(str(len(p)) for p in parts),
        buttons=[[ctx.button("diary.button_split", DiarySplit(len(parts)), parts=len(parts))]],
    )


def split(ctx: Context, data: DiarySplit) -> None:
    """「分成 N 篇保存」: the entry kept by ``_offer_split`` saved as its parts."""
    state = ctx.at(Dialog.DIARY, DiaryStep.SPLIT)
    if state is None:
        ctx.edit(ctx.t("diary.split_gone"))
        ctx.toast("diary.split_gone")
        return
    photo = state.data.get("photo")
    ids = service.write_split_entry(
        ctx.uow, ctx.me, text=state.data["text"], photos=[photo] if photo else [], now=ctx.now
    )
    ctx.edit(ctx.t("diary.split_done", parts=len(ids)))
    _saved(ctx, ids[-1], parts=len(ids))


def _saved(ctx: Context, entry_id: int, parts: int = 1) -> None:
    """Say the entry is saved (as ``parts`` entries) and open its photos step (the photos
    join the last part)."""
    count = service.month_count(ctx.uow, ctx.me, ctx.now.date())
    ctx.dialog(Dialog.DIARY, DiaryStep.PHOTOS, entry_id=entry_id)
    saved = ctx.say(
        "diary.saved" if parts == 1 else "diary.saved_parts",
        parts=parts,
        count=count,
        target=DIARIES_PER_MONTH,
        limit=service.MAX_PHOTOS,
        buttons=[
            *visits.visit_buttons(ctx, entry_id, ()),  # 五必访: whom it visited, one tap
            [ctx.button("button.done", Done(Dialog.DIARY))],
        ],
    )
    saved.text += "\n" + ctx.t("visits.ask")


def typed_text(ctx: Context, _data: dict) -> None:
    """The entry's text (a photo with a caption too) saves it; then photos may follow.
    Typed while an over-long entry waits to be split, it replaces that entry."""
    event = ctx.event
    if event.text is None and event.photo_file_id is None:
        ctx.say("diary.ask_text")
        return
    if event.photo_file_id and not event.text:
        ctx.say("diary.photo_needs_text")
        return
    _save(ctx, event.text or "", event.photo_file_id)


def sent_photo(ctx: Context, data: dict) -> None:
    """A photo after the entry is saved joins it; anything else points at 完成."""
    event = ctx.event
    if event.photo_file_id:
        count = service.attach_photo(
            ctx.uow, ctx.me, entry_id=int(data["entry_id"]), file_id=event.photo_file_id
        )
        ctx.say(
            "diary.photo_added",
            count=count,
            limit=service.MAX_PHOTOS,
            buttons=[[ctx.button("button.done", Done(Dialog.DIARY))]],
        )
        return
    ctx.say("diary.photos_hint", buttons=[[ctx.button("button.done", Done(Dialog.DIARY))]])


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
    """Each batch awaiting the signer, its entries numbered with a button to read each
    whole; a month shows whether its weeks are verified, and only then its button."""
    batches = service.awaiting_signature(ctx.uow, ctx.me, ctx.now.date())
    if not batches:
        ctx.say("diary.nothing_awaiting")
        return
    for batch in batches[:20]:
        lines = "\n".join(
            ctx.t(
                "diary.sign_line",
                number=n,
                day=e.day,
                text=_preview(e.text),
                photos=len(e.photo_file_ids),
            )
            for n, e in enumerate(batch.entries, 1)
        )
        text = ctx.t(
            f"diary.to_sign_{batch.scope}",
            name=batch.cadre.name,
            week=batch.days,
            month=_month(ctx, batch.days),
            count=len(batch.entries),
            lines=Markup(lines),
        )
        if batch.scope == "month":
            text += "\n\n" + _month_state(ctx, batch)
        ctx.say_text(text, buttons=_batch_buttons(ctx, batch))


def _month(ctx: Context, days: Period) -> str:
    return ctx.t("picker.month", year=days.first.year, month=days.first.month)


def _month_state(ctx: Context, batch: service.Batch) -> str:
    """Whether the month may be confirmed, or which weeks wait and why."""
    if not batch.gaps:
        return ctx.t("diary.month_ready")
    gaps = "\n".join(
        ctx.t(
            f"diary.gap_{gap.reason}",
            week=gap.days,
            entries=gap.entries,
            signers=ctx.t("diary.names_separator").join(gap.signers),
        )
        for gap in batch.gaps
    )
    return ctx.t("diary.month_waiting", gaps=Markup(gaps))


def _batch_buttons(ctx: Context, batch: service.Batch) -> list[list[Button]]:
    """A read button per entry (five to a row), then the signature unless a month
    still has weeks to verify."""
    reads = [
        ctx.button("button.read_entry", DiaryRead(stored_id(e)), number=n)
        for n, e in enumerate(batch.entries, 1)
    ]
    rows = [reads[i : i + READS_PER_ROW] for i in range(0, len(reads), READS_PER_ROW)]
    if not batch.gaps:
        sign_data = DiarySign(stored_id(batch.cadre), batch.scope, batch.period)
        rows.append([ctx.button(f"button.sign_{batch.scope}", sign_data)])
    return rows


def read(ctx: Context, data: DiaryRead) -> None:
    """One entry whole, then its photos as an album."""
    entry, cadre = service.entry_to_read(
        ctx.uow, ctx.me, entry_id=data.entry_id, today=ctx.now.date()
    )
    ctx.say(
        "diary.full",
        name=cadre.name,
        day=entry.day,
        photos=len(entry.photo_file_ids),
        text=entry.text,
    )
    if entry.photo_file_ids:
        ctx.photos(entry.photo_file_ids)


def sign(ctx: Context, data: DiarySign) -> None:
    signoff = service.sign(
        ctx.uow,
        ctx.me,
        cadre_id=data.cadre_id,
        scope=data.scope,
        period=data.period,
        now=ctx.now,
    )
    cadre = known(records.person(ctx.uow, data.cadre_id))
    days = service.period_days(data.scope, data.period)
    text = ctx.t(
        f"diary.signed_{data.scope}",
        name=cadre.name,
        week=days,
        month=_month(ctx, days),
        count=signoff.entry_count,
    )
    ctx.edit(text)
    ctx.toast("diary.signed_toast")


def done(ctx: Context, data: Done) -> None:
    photos = ctx.at(Dialog.DIARY, DiaryStep.PHOTOS)  # 五必访: its toggles stay
    ctx.end_dialog()
    ctx.edit(
        ctx.t(f"dialog.done_{data.dialog}")
        if ctx.catalog.has(f"dialog.done_{data.dialog}")
        else ctx.t("dialog.done"),
        visits.kept_buttons(ctx, photos.data.get("entry_id")) if photos else None,
    )
    ctx.toast("dialog.done")
