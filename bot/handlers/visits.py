"""五必访 (Art. 10.1): the diary's saved reply carries a toggle per kind of visit; a tap
tags or untags the entry, and the message shows the entry's kinds with fresh buttons."""

from __future__ import annotations

from collections.abc import Collection

from bot.handlers.callbacks import Done, VisitTag
from bot.handlers.context import Context
from bot.handlers.dialogs import Dialog, DiaryStep
from bot.handlers.events import Button
from domain.visits import VisitKind
from services import visits as service

#: Toggles per row: the five kinds as three and two.
PER_ROW = 3


def visit_buttons(ctx: Context, entry_id: int, kinds: Collection[VisitKind]) -> list[list[Button]]:
    """A toggle per kind: ✅ for a kind the entry carries (a tap removes it), ☐ otherwise."""
    buttons = [
        ctx.button(
            "visits.button_on" if kind in kinds else "visits.button_off",
            VisitTag(entry_id, kind.value, kind not in kinds),
            name=ctx.t(f"visits.{kind.value}"),
        )
        for kind in VisitKind
    ]
    return [buttons[i : i + PER_ROW] for i in range(0, len(buttons), PER_ROW)]


def kind_names(ctx: Context, kinds: Collection[VisitKind]) -> str:
    """The kinds in the regulation's order, by name ("none yet" when empty)."""
    names = [ctx.t(f"visits.{kind.value}") for kind in VisitKind if kind in kinds]
    return ctx.t("visits.separator").join(names) if names else ctx.t("visits.none")


def tag(ctx: Context, data: VisitTag) -> None:
    """Tag or untag; a press that asks for the state the entry is in already (a second
    tap, an old message) changes nothing and says so. The 完成 button stays while the
    entry's photo step is open."""
    if data.kind not in {k.value for k in VisitKind}:
        ctx.toast("error.stale_button", alert=True)
        return
    kind = VisitKind(data.kind)
    done = service.set_visit(
        ctx.uow, ctx.me, entry_id=data.entry_id, kind=kind, on=data.on, now=ctx.now
    )
    buttons = visit_buttons(ctx, done.entry_id, done.kinds)
    state = ctx.at(Dialog.DIARY, DiaryStep.PHOTOS)
    if state is not None and state.data.get("entry_id") == done.entry_id:
        buttons.append([ctx.button("button.done", Done(Dialog.DIARY))])
    ctx.edit(ctx.t("visits.entry", day=done.day, kinds=kind_names(ctx, done.kinds)), buttons)
    name = ctx.t(f"visits.{kind.value}")
    if not done.changed:
        ctx.toast("visits.already_on" if data.on else "visits.already_off", name=name)
    else:
        ctx.toast("visits.tagged" if data.on else "visits.untagged", name=name)


def kept_buttons(ctx: Context, entry_id: object) -> list[list[Button]] | None:
    """The toggles of the entry whose photo step 完成 closes: they stay on the message,
    so the visits can still be tagged afterwards (None when no entry is named)."""
    if not isinstance(entry_id, int):
        return None
    return visit_buttons(ctx, entry_id, service.entry_kinds(ctx.uow, ctx.me, entry_id))
