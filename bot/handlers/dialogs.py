"""The dialogs a person can have open, and the steps of each, as enums.

A dialog is stored as two strings (``person_dialogs.dialog`` and ``.step``) and a JSON
object of what was picked so far; these enums are those very strings (``StrEnum``: a
member *is* its value), so what the database holds is unchanged and old rows load as
before. ``DialogAt`` is the typed view the handlers work with: ``ctx.at(...)`` asks
whether the open dialog is at one of some steps (the question a button press must ask
before acting, or it is stale), and conversation's ``TYPED`` table says which handler takes
what a person types (or sends) at each (dialog, step).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Dialog(StrEnum):
    """Which dialog is open (the stored ``dialog`` string)."""

    CHECKIN = "checkin"  # /checkin: waiting for the location
    WORK_RECORD = "workrecord"  # after an on-site check-in: the day's 工作日纪实
    DIARY = "diary"  # /diary: the entry's text, then its photos
    LEAVE = "leave"  # /leave guided, 补假 and recall confirmations, opinions and reasons
    DUTY = "duty"  # /duty: cadre → kind → first and last day → note → confirm
    FIX = "fix"  # the township enters a cadre's day: cadre → day → status → reason
    FUNDS = "funds"  # /funds 记一笔: amount → purpose → day → receipt photo → confirm
    FILING = "filing"  # /workreport: a written report or plan, its text or document
    UNIT_DUTY = "unitduty"  # /unitduty: what → village or cadre → day → note
    ASSESS = "assess"  # /assess: cadre → kind → the items' notes, or count and result


class CheckinStep(StrEnum):
    LOCATION = "location"


class WorkRecordStep(StrEnum):
    NOTE = "note"


class DiaryStep(StrEnum):
    TEXT = "text"
    SPLIT = "split"  # an over-long entry kept, offered as several (a new text replaces it)
    PHOTOS = "photos"


class LeaveDialogStep(StrEnum):
    """The steps of the /leave dialog (not ``storage.tables.LeaveStep``, a step of a
    request's approval: 填注意见, 审批...)."""

    START = "start"  # the first day, in the date picker (or the 补假 days)
    END = "end"  # the last day, in the date picker
    REASON = "reason"  # typed
    CONFIRM = "confirm"  # a typed 补假 waits for the cadre's confirmation
    CONFIRM_RECALL = "confirm_recall"  # over 30 days waits for the cadre's confirmation
    COMMENT = "comment"  # an approver's 添加意见, typed
    WHY = "why"  # the reason of a no (驳回, 不同意, the unit declining), typed


class DutyStep(StrEnum):
    KIND = "kind"
    START = "start"
    END = "end"
    NOTE = "note"
    CONFIRM = "confirm"


class FixStep(StrEnum):
    CADRE = "cadre"
    DAY = "day"
    STATUS = "status"
    REASON = "reason"
    CONFIRM = "confirm"


class FundsStep(StrEnum):
    """/funds 记一笔 (work funds, Art. 20)."""

    AMOUNT = "amount"
    PURPOSE = "purpose"
    DAY = "day"
    RECEIPT = "receipt"
    CONFIRM = "confirm"


class FilingStep(StrEnum):
    CONTENT = "content"  # typed text (kept until 提交, several messages joined) or a document


class UnitDutyStep(StrEnum):
    """/unitduty (the unit's duties, Art. 15, 19)."""

    PICK = "pick"  # the village visited, or the cadre, by buttons
    DAY = "day"  # in the date picker
    NOTE = "note"  # a meeting's note or who visited, typed


class AssessStep(StrEnum):
    KIND = "kind"
    NOTE = "note"  # the four items' notes, typed in turn
    COUNT = "count"  # the raters' or people's count, typed
    RESULT = "result"  # the rating's result or the interviews' gist, typed
    CONFIRM = "confirm"


#: Every dialog's steps (one per dialog; a new dialog adds its enum here).
Step = (
    CheckinStep
    | WorkRecordStep
    | DiaryStep
    | LeaveDialogStep
    | DutyStep
    | FixStep
    | FundsStep
    | FilingStep
    | UnitDutyStep
    | AssessStep
)

#: The steps each dialog may be at.
STEPS: dict[Dialog, type[Step]] = {
    Dialog.CHECKIN: CheckinStep,
    Dialog.WORK_RECORD: WorkRecordStep,
    Dialog.DIARY: DiaryStep,
    Dialog.LEAVE: LeaveDialogStep,
    Dialog.DUTY: DutyStep,
    Dialog.FIX: FixStep,
    Dialog.FUNDS: FundsStep,
    Dialog.FILING: FilingStep,
    Dialog.UNIT_DUTY: UnitDutyStep,
    Dialog.ASSESS: AssessStep,
}


@dataclass(frozen=True)
class DialogAt:
    """A person's open dialog: which one, its step, and what was picked so far."""

    dialog: Dialog
    step: Step
    data: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.step, STEPS[self.dialog]):
            raise ValueError(f"{self.step!r} is not a step of the {self.dialog} dialog")

    @classmethod
    def stored(cls, dialog: str, step: str, data: dict[str, Any]) -> DialogAt:
        """The state from the strings the database holds."""
        name = Dialog(dialog)
        return cls(name, STEPS[name](step), dict(data))

    def at(self, dialog: Dialog, *steps: Step) -> bool:
        """Whether this is ``dialog`` at one of ``steps`` (any step when none are given)."""
        return self.dialog is dialog and (not steps or self.step in steps)
