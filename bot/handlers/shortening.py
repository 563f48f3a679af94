"""The tap that keeps the part of an over-long typed text that fits (bot/handlers/over_long.py
keeps the text and offers it), routed to the handler of the step it was typed at."""

from __future__ import annotations

from collections.abc import Callable

from bot.handlers import duty, leave, township_attendance, unit_duties, work_funds
from bot.handlers.callbacks import KeepFitting
from bot.handlers.context import Context
from bot.handlers.dialogs import (
    Dialog,
    DutyStep,
    FixStep,
    FundsStep,
    LeaveDialogStep,
    Step,
    UnitDutyStep,
)
from bot.handlers.over_long import OVER_LONG, fitting_part, without_kept_text

#: The steps whose typed text may be kept when over-long (bot/handlers/over_long.py), and
#: the handler that takes the part kept by 「保留前 N 字」.
FITTING: dict[tuple[Dialog, Step], Callable[[Context, dict, str], None]] = {
    (Dialog.LEAVE, LeaveDialogStep.REASON): leave.reason_text,
    (Dialog.LEAVE, LeaveDialogStep.COMMENT): leave.comment_text,
    (Dialog.LEAVE, LeaveDialogStep.WHY): leave.why_text,
    (Dialog.DUTY, DutyStep.NOTE): duty.note_text,
    (Dialog.FIX, FixStep.REASON): township_attendance.reason_text,
    (Dialog.FUNDS, FundsStep.PURPOSE): work_funds.purpose_text,  # work funds (Art. 20)
    (Dialog.UNIT_DUTY, UnitDutyStep.NOTE): unit_duties.note_text,
}


def keep_fitting(ctx: Context, data: KeepFitting) -> None:
    """「保留前 N 字」: the kept over-long text, shortened, goes to its step's handler as if
    typed; a tap after the step has moved on (or the text was replaced) changes nothing."""
    state = ctx.open_dialog
    typed = state.data.get(OVER_LONG) if state is not None else None
    handler = FITTING.get((state.dialog, state.step)) if state is not None else None
    if state is None or handler is None or not isinstance(typed, str):
        ctx.edit(ctx.t("over_long.gone"))
        ctx.toast("over_long.gone")
        return
    kept = fitting_part(typed, data.limit)
    ctx.edit(ctx.t("over_long.kept", kept=len(kept), length=len(typed)))
    handler(ctx, without_kept_text(state.data), kept)
