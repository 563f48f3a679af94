"""The dialogs' enums are the strings the database holds, and every step has a handler
for what is typed there."""

from __future__ import annotations

import pytest

from bot.handlers.conversation import TYPED, Conversations
from bot.handlers.dialogs import STEPS, Dialog, DialogAt, DutyStep, LeaveDialogStep


def test_every_step_of_every_dialog_routes_typed_input() -> None:
    expected = {(dialog, step) for dialog, steps in STEPS.items() for step in steps}
    assert set(TYPED) == expected


def test_the_stored_strings_are_unchanged() -> None:
    assert {d.value for d in Dialog} == {
        "checkin",
        "workrecord",
        "diary",
        "leave",
        "duty",
        "fix",
        "funds",
        "filing",
        "unitduty",  # the unit's duties (Art. 15, 19)
        "assess",
    }
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


def test_a_stored_dialog_this_version_does_not_know_counts_as_none(
    fresh: Conversations,
) -> None:
    from tests.handlers.conftest import BOUND, START
    from tests.handlers.dialog import dialog

    with fresh.uow_factory() as uow:
        person = uow.people.by_telegram_id(BOUND["cadre"])
        uow.dialogs.put(person.id, "gone", "away", {}, START)
        uow.commit()
    dialog(fresh, "cadre", [("随便说点什么", "/help"), ("/diary", "日记内容")])
