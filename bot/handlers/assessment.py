"""/assess: the township records a cadre's 日常考核 or 半年考核, a short note on each of the
four items (在岗、走访调研、项目实施、工作开展) typed in turn; the graders record a 民主测评
(raters' count and result) or an 个别谈话 (people's count and gist). Cadre → kind → the
typed answers → confirm: a few taps.

A count under the regulation's minimum (20 raters, 15 people) is refused as soon as it is
typed; the refused update rolls back, so the dialog stays at the count and the official
types it again. A cadre the official does not grade (Art. 26.2) is refused when picked,
naming who does.
"""

from __future__ import annotations

from bot.handlers.callbacks import AssessCadre, AssessConfirm, AssessKindPick, AssessTownship
from bot.handlers.context import Context, stored_id
from bot.handlers.dialogs import AssessStep, Dialog, DialogAt
from bot.handlers.events import Button
from bot.i18n import LANGUAGES, Markup
from domain.assessment import AssessmentItem, AssessmentKind, EvidenceKind
from services import assessment as service
from services import records
from storage.tables import Township

DIALOG = Dialog.ASSESS
ITEMS = list(AssessmentItem)


def _label(ctx: Context, key: str) -> Markup:
    """A catalog word used inside another message (already escaped)."""
    return Markup(ctx.t(key))


def _cadres(ctx: Context, township: Township) -> tuple[str, list[list[Button]]]:
    choices = service.cadres_in(ctx.uow, ctx.me, stored_id(township), ctx.now.date())
    if not choices:
        return ctx.t("assess.no_cadres", township=township.name), []
    buttons = [
        [Button(f"{c.person.name} · {c.village.name}", AssessCadre(stored_id(c.person)).pack())]
        for c in choices
    ]
    return ctx.t("assess.pick_cadre", township=township.name), buttons


def assess_command(ctx: Context, _args: str = "") -> None:
    """Start at the township's cadres (a township official has one township)."""
    townships = service.townships(ctx.uow, ctx.me)
    if len(townships) == 1:
        ctx.say_text(*_cadres(ctx, townships[0]))
        return
    buttons = [Button(t.name, AssessTownship(stored_id(t)).pack()) for t in townships]
    ctx.say("assess.pick_township", buttons=[buttons[i : i + 2] for i in range(0, len(buttons), 2)])


def pick_township(ctx: Context, data: AssessTownship) -> None:
    township = records.township(ctx.uow, data.township_id)
    if township is None:
        ctx.toast("error.stale_button", alert=True)
        return
    ctx.edit(*_cadres(ctx, township))


def pick_cadre(ctx: Context, data: AssessCadre) -> None:
    """Offer what this official records for this cadre (refused: who does)."""
    cadre, kinds = service.kinds_for(ctx.uow, ctx.me, data.cadre_id, ctx.now.date())
    ctx.dialog(DIALOG, AssessStep.KIND, cadre=cadre.id, cadre_name=cadre.name)
    buttons = [[ctx.button(f"assess.kind_{k}", AssessKindPick(k.value))] for k in kinds]
    ctx.edit(ctx.t("assess.pick_kind", name=cadre.name), buttons)


def _state(ctx: Context, *steps: AssessStep) -> DialogAt | None:
    state = ctx.at(DIALOG, *steps)
    if state is None:
        ctx.toast("error.stale_button", alert=True)
    return state


def pick_kind(ctx: Context, data: AssessKindPick) -> None:
    state = _state(ctx, AssessStep.KIND)
    if state is None:
        return
    kind = service.record_kind(data.kind)
    name = state.data["cadre_name"]
    ctx.edit(ctx.t("assess.picked_kind", name=name, kind=_label(ctx, f"assess.kind_{kind}")))
    if isinstance(kind, AssessmentKind):
        ctx.dialog(DIALOG, AssessStep.NOTE, **state.data, kind=kind.value, notes={})
        _ask_item(ctx, 0)
    else:
        ctx.dialog(DIALOG, AssessStep.COUNT, **state.data, kind=kind.value)
        ctx.say(f"assess.ask_count_{kind}")


def _ask_item(ctx: Context, index: int) -> None:
    """Ask for one item's note; at the first, say that all four may come at once."""
    item = ITEMS[index]
    params = dict(item=_label(ctx, f"assess.item_{item}"), n=index + 1, total=len(ITEMS))
    text = ctx.t("assess.ask_item", **params)
    ctx.say_text(text + "\n" + ctx.t("assess.ask_all") if index == 0 else text)


def _item_names(ctx: Context) -> dict[AssessmentItem, set[str]]:
    """Each item's name in every catalog language, as a line of four may start."""
    return {
        i: {str(ctx.catalog.text(lang, f"assess.item_{i}")) for lang in LANGUAGES} for i in ITEMS
    }


def typed_note(ctx: Context, data: dict) -> None:
    """One item's note, or all four at once as four named lines; after the fourth, the
    record is shown for confirmation."""
    notes = dict(data["notes"])
    whole = service.split_item_notes(ctx.event.text, _item_names(ctx)) if not notes else None
    if whole is not None:
        notes = {i.value: note for i, note in whole.items()}
    else:
        notes[ITEMS[len(notes)].value] = service.clean_item_note(ctx.event.text)
    if len(notes) < len(ITEMS):
        ctx.dialog(DIALOG, AssessStep.NOTE, **(data | {"notes": notes}))
        _ask_item(ctx, len(notes))
        return
    ctx.dialog(DIALOG, AssessStep.CONFIRM, **(data | {"notes": notes}))
    lines = "\n".join(
        ctx.t("assess.item_line", item=_label(ctx, f"assess.item_{i}"), note=notes[i.value])
        for i in ITEMS
    )
    _ask_confirm(ctx, data, lines)


def typed_count(ctx: Context, data: dict) -> None:
    kind = EvidenceKind(data["kind"])
    count = service.parse_count(kind, ctx.event.text)
    ctx.dialog(DIALOG, AssessStep.RESULT, **data, count=count)
    ctx.say(f"assess.ask_result_{kind}", count=count)


def typed_result(ctx: Context, data: dict) -> None:
    note = service.clean_evidence_note(ctx.event.text)
    ctx.dialog(DIALOG, AssessStep.CONFIRM, **data, note=note)
    kind = EvidenceKind(data["kind"])
    _ask_confirm(ctx, data, ctx.t(f"assess.evidence_line_{kind}", count=data["count"], note=note))


def _ask_confirm(ctx: Context, data: dict, lines: str) -> None:
    ctx.say(
        "assess.confirm",
        name=data["cadre_name"],
        kind=_label(ctx, f"assess.kind_{data['kind']}"),
        lines=Markup(lines),
        buttons=[[ctx.button("assess.button_confirm", AssessConfirm())]],
    )


def use_buttons(ctx: Context, _data: dict) -> None:
    ctx.say("assess.use_buttons")


def confirm(ctx: Context, _data: AssessConfirm) -> None:
    state = _state(ctx, AssessStep.CONFIRM)
    if state is None:
        return
    values = state.data
    kind = service.record_kind(values["kind"])
    if isinstance(kind, AssessmentKind):
        notes = {AssessmentItem(k): v for k, v in values["notes"].items()}
        service.record_township_assessment(
            ctx.uow, ctx.me, int(values["cadre"]), kind, notes, now=ctx.now
        )
    else:
        service.record_evidence(
            ctx.uow,
            ctx.me,
            int(values["cadre"]),
            kind,
            int(values["count"]),
            values["note"],
            now=ctx.now,
        )
    ctx.end_dialog()
    label = _label(ctx, f"assess.kind_{kind}")
    ctx.edit(ctx.t("assess.recorded", name=values["cadre_name"], kind=label))
    ctx.toast("assess.recorded_toast")
