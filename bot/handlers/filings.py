"""/workreport: a cadre files the half-year written report, the term summary (Art. 15),
the three-year plan or the year's goals (Art. 14) in a few taps: pick what → send a
document (filed at once) or type the text → 提交. Typed text is kept in the dialog until
提交, and further messages are joined to it: a long report pasted on a phone arrives as
several messages (Telegram's 4096 characters), and none of them is lost. A township
secretary's /workreport lists who in the township has filed this half year's report and
this year's goals.
"""

from __future__ import annotations

from datetime import datetime

from bot.handlers.callbacks import FilingKindPick, FilingSubmit
from bot.handlers.context import Context
from bot.handlers.dialogs import Dialog, FilingStep
from bot.handlers.events import Button
from bot.i18n import Markup
from domain.filings import REPORT_MAX_CHARS, FilingKind, half_year_key
from domain.roles import Role
from services import filings as service

DIALOG = Dialog.FILING


def period_words(ctx: Context, kind: FilingKind, period: str) -> str:
    """``2026年下半年``, ``2026年度``, ``任期``: the period in the reader's words."""
    if kind is FilingKind.HALF_YEAR:
        return ctx.t(f"filings.period_half_{period[-1]}", year=period[:4])
    if kind is FilingKind.YEAR_GOALS:
        return ctx.t("filings.period_year", year=period)
    return ctx.t("filings.period_term")


def _when(ctx: Context, moment: datetime | None) -> str:
    return moment.astimezone(ctx.now.tzinfo).strftime("%Y-%m-%d") if moment else ""


def workreport_command(ctx: Context, _args: str = "") -> None:
    """A cadre picks what to file; a township secretary gets the township's list."""
    if ctx.me.role == Role.TOWNSHIP_SECRETARY:
        township_list(ctx)
        return
    rows = []
    for c in service.choices(ctx.uow, ctx.me, ctx.now.date()):
        filed = ctx.t("filings.filed_mark", day=_when(ctx, c.filed_at)) if c.filed_at else ""
        label = ctx.t(
            "filings.button_kind",
            what=ctx.t(f"filings.kind_{c.kind}"),
            period=period_words(ctx, c.kind, c.period),
            filed=Markup(filed),
        )
        rows.append([Button(label, FilingKindPick(c.kind).pack())])
    ctx.say("filings.pick_kind", buttons=rows)


def pick_kind(ctx: Context, data: FilingKindPick) -> None:
    """Open the dialog for the kind picked and ask for the text or the document."""
    if data.kind not in set(FilingKind):
        ctx.toast("error.stale_button", alert=True)
        return
    kind = FilingKind(data.kind)
    period = service.check_kind(ctx.uow, ctx.me, kind, ctx.now.date())
    ctx.dialog(DIALOG, FilingStep.CONTENT, kind=kind, period=period)
    ctx.edit(
        ctx.t(
            "filings.ask_content",
            what=ctx.t(f"filings.kind_{kind}"),
            period=period_words(ctx, kind, period),
        )
    )


def content(ctx: Context, data: dict) -> None:
    """A document is filed at once; text is kept (joined to what came before) until 提交."""
    event, held = ctx.event, data.get("text", "")
    if event.document_file_id is not None:
        if held:
            ctx.say("filings.text_held", length=len(held), buttons=_submit(ctx))
            return
        _file(ctx, data, file_id=event.document_file_id, file_name=event.document_name)
    elif event.text:
        joined = f"{held}\n{event.text}" if held else event.text
        if len(joined.strip()) > REPORT_MAX_CHARS:
            ctx.say("filings.too_long_piece", length=len(held), limit=REPORT_MAX_CHARS)
            return
        ctx.dialog(DIALOG, FilingStep.CONTENT, **{**data, "text": joined})
        ctx.say("filings.text_kept", length=len(joined.strip()), buttons=_submit(ctx))
    else:
        ctx.say("filings.send_text_or_document")


def _submit(ctx: Context) -> list[list[Button]]:
    return [[ctx.button("filings.button_submit", FilingSubmit())]]


def submit(ctx: Context, _data: FilingSubmit) -> None:
    state = ctx.at(DIALOG, FilingStep.CONTENT)
    if state is None or not state.data.get("text"):
        ctx.toast("error.stale_button", alert=True)
        return
    _file(ctx, state.data, text=state.data["text"])


def _file(ctx: Context, data: dict, **content: str | None) -> None:
    """File it, tell the recipients, and say with how many and what it replaced."""
    kind = FilingKind(data["kind"])
    outcome = service.submit(ctx.uow, ctx.me, kind, now=ctx.now, **content)
    ctx.end_dialog()
    ctx.notices += outcome.notices
    what, period = ctx.t(f"filings.kind_{kind}"), period_words(ctx, kind, data["period"])
    ctx.say("filings.filed", recipients=outcome.recipients, what=what, period=period)
    if outcome.replaced_at is not None:
        ctx.say("filings.replaced", day=_when(ctx, outcome.replaced_at))


def township_list(ctx: Context) -> None:
    """Who in the township has filed this half year's report and this year's goals."""
    today = ctx.now.date()
    rows = service.township_status(ctx.uow, ctx.me, today)
    missing = sum(1 for r in rows if r.report_at is None)
    lines = [
        ctx.t(
            "filings.township_head",
            period=period_words(ctx, FilingKind.HALF_YEAR, half_year_key(today)),
            missing=missing,
            cadres=len(rows),
        )
    ]
    for r in rows:
        report = _when(ctx, r.report_at) or ctx.t("filings.not_filed")
        goals = _when(ctx, r.goals_at) or ctx.t("filings.not_filed")
        lines.append(
            ctx.t(
                "filings.township_line", name=r.name, village=r.village, report=report, goals=goals
            )
        )
    if not rows:
        lines.append(ctx.t("filings.township_none"))
    ctx.say_text("\n".join(lines))
