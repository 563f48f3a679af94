"""The dialogs' enums are the strings the database holds, and every step has a handler
for what is typed there."""

from __future__ import annotations

import pytest

from bot.handlers.conversation import TYPED
from bot.handlers.dialogs import STEPS, Dialog, DialogAt, DutyStep, LeaveDialogStep


def test_every_step_of_every_dialog_routes_typed_input() -> None:
    expected = {(dialog, step) for dialog, steps in STEPS.items() for step in steps}
    assert set(TYPED) == expected


def test_the_stored_strings_are_unchanged() -> None:
    assert {d.value for d in Dialog} == {"checkin", "workrecord", "diary", "leave", "duty", "fix"}
    assert [s.value for s in LeaveDialogStep] == [
        "start",
        "end",
        "reason",
        "confirm",
        "confirm_recall",
        "comment",
        "why",
    ]
    state = DialogAt.stored("leave", "end", {"start": "2026-12-01"})
    assert state.step is LeaveDialogStep.END and state.data == {"start": "2026-12-01"}


def test_a_step_of_another_dialog_is_refused() -> None:
    with pytest.raises(ValueError):
        DialogAt(Dialog.LEAVE, DutyStep.KIND)
    with pytest.raises(ValueError):
        DialogAt.stored("leave", "kind", {})
