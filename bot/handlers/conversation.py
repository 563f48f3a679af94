"""The entry point of the handler layer: one ``Incoming`` → one transaction → ``Response``.

Routing order: button presses; people not yet bound (onboarding only, then what waited
for them); commands the person's role may use, typed or pressed on the cadre's keyboard
(which ends an open dialog like a typed command); locations (check-in); the open dialog;
anything else gets a hint.
Domain errors roll the transaction back and become one message in the person's language.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from bot.handlers import (
    assessment,
    attendance_review,
    checkin,
    diary,
    duty,
    filings,
    language,
    leave,
    myleave,
    onboarding,
    reports,
    spot_checks,
    status,
    township_attendance,
    unit_duties,
    visits,
    work_funds,
    work_funds_report,
)
from bot.handlers.callbacks import (
    AssessCadre,
    AssessConfirm,
    AssessKindPick,
    AssessTownship,
    AttendanceReview,
    BadCallback,
    ClaimVote,
    DiaryRead,
    DiarySign,
    DiarySplit,
    Done,
    DutyCadre,
    DutyConfirm,
    DutyKindPick,
    DutyNoNote,
    DutyTownship,
    FilingKindPick,
    FilingSubmit,
    FixCadre,
    FixConfirm,
    FixStart,
    FixStatus,
    FundsAdd,
    FundsConfirm,
    FundsNoReceipt,
    FundsReport,
    KeepFitting,
    LangPick,
    LeaveComment,
    LeaveDelegate,
    LeaveEnd,
    LeaveEndOn,
    LeaveKeep,
    LeaveRecallConfirm,
    LeaveRetroactive,
    LeaveRetroactiveConfirm,
    LeaveVote,
    LeaveWithdraw,
    LeaveWithdrawConfirm,
    Noop,
    PickDate,
    PickMonth,
    ReportMenu,
    ReportPick,
    SpotCadre,
    SpotInPerson,
    SpotRemote,
    SpotTownship,
    SpotVisit,
    UnitDutyCadre,
    UnitDutyNoNote,
    UnitDutyPick,
    UnitDutyVillage,
    VisitTag,
    WeekConfirm,
    unpack,
)
from bot.handlers.context import Context
from bot.handlers.dialogs import (
    AssessStep,
    CheckinStep,
    Dialog,
    DialogAt,
    DiaryStep,
    DutyStep,
    FilingStep,
    FixStep,
    FundsStep,
    LeaveDialogStep,
    Step,
    UnitDutyStep,
    WorkRecordStep,
)
from bot.handlers.events import Incoming, Outgoing, Response
from bot.handlers.help import help_key, role_tips
from bot.handlers.keyboard import keyboard_command, with_keyboard
from bot.handlers.notify import render_notices
from bot.handlers.over_long import without_kept_text
from bot.handlers.shortening import keep_fitting
from bot.i18n import Catalog, Term
from domain.attendance import ONSITE_DAYS_ONLY, AllowanceRule
from domain.errors import DomainError
from domain.roles import (
    ASSESSORS,
    CADRE_ROLES,
    DIARY_SIGNERS,
    DUTY_RECORDERS,
    INSPECTORS,
    REPORT_ROLES,
    Role,
)
from domain.work_funds import FUNDS_ROLES
from services.clock import Clock
from storage.repositories import OpenDialog
from storage.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

Command = Callable[[Context, str], None]
#: Runs inside the handling transaction right before it commits (see ``handle_in``).
BeforeCommit = Callable[[UnitOfWork, Response], None]
EVERYONE = frozenset(Role)
#: Who uses /workreport: cadres file, a township secretary sees who has not.
FILERS = frozenset(CADRE_ROLES | {Role.TOWNSHIP_SECRETARY})

#: command → (handler, roles that may use it)
COMMANDS: dict[str, tuple[Command, frozenset[Role]]] = {
    "start": (lambda ctx, _args: start_command(ctx), EVERYONE),
    "help": (lambda ctx, _args: help_command(ctx), EVERYONE),
    "cancel": (onboarding.cancel_command, EVERYONE),
    "status": (status.status_command, EVERYONE),
    "checkin": (checkin.checkin_command, CADRE_ROLES),
    "claim": (checkin.claim_command, CADRE_ROLES),
    "diary": (diary.diary_command, CADRE_ROLES),
    "diaries": (diary.diaries_command, CADRE_ROLES),
    "leave": (leave.leave_command, CADRE_ROLES),
    "myleave": (myleave.myleave_command, CADRE_ROLES),
    "signoff": (diary.signoff_command, DIARY_SIGNERS),
    "report": (reports.report_command, REPORT_ROLES),
    "spotcheck": (spot_checks.spotcheck_command, INSPECTORS),
    "duty": (duty.duty_command, DUTY_RECORDERS),
    "assess": (assessment.assess_command, ASSESSORS),
    "lang": (language.lang_command, EVERYONE),
    # Work funds (Art. 20): the First Secretary records; the others are told whom to ask.
    "funds": (work_funds.funds_command, FUNDS_ROLES),
    "workreport": (filings.workreport_command, FILERS),
    # the unit's duties (Art. 15, 19)
    "unitduty": (unit_duties.unitduty_command, frozenset({Role.UNIT_LEADER})),
}

#: A command refused to a role with its own word on who does it instead.
REFUSALS: dict[str, str] = {
    "unitduty": "unit_duty.only_unit_leader",
}

#: The command menu Telegram shows, in menu order.
MENU = (
    "checkin",
    "diary",
    "diaries",
    "leave",
    "myleave",
    "status",
    "signoff",
    "claim",
    "report",
    "spotcheck",
    "duty",
    "funds",
    "workreport",
    "unitduty",
    "assess",
    "lang",
    "help",
    "cancel",
)


def help_command(ctx: Context) -> None:
    """The commands this person's role may use, in menu order, from the same table that
    authorises them, so the help never offers what would be refused."""
    role = ctx.me.role
    lines = [ctx.t("help.intro")]
    lines += [
        f"/{name} {ctx.t(help_key(name, Role(role)))}" for name in MENU if role in COMMANDS[name][1]
    ]
    lines += [ctx.t(key) for key in role_tips(Role(role))]
    ctx.say_text("\n".join(lines))


def start_command(ctx: Context) -> None:
    """Greet a bound person again; a cadre gets their keyboard back with it (a client
    reinstalled, or a keyboard dismissed)."""
    hello = ctx.say("onboarding.hello_again", name=ctx.me.name, role=Term(ctx.me.role))
    if ctx.me.role in CADRE_ROLES:
        with_keyboard(ctx, hello)
    help_command(ctx)


#: Dialogs that use the date picker: a picked day goes to the dialog that showed it.
PICKERS: dict[Dialog, Callable[[Context, PickDate | PickMonth], None]] = {
    Dialog.LEAVE: leave.pick,
    Dialog.DUTY: duty.pick,
    Dialog.FIX: township_attendance.pick_day,
    Dialog.FUNDS: work_funds.pick,
    Dialog.UNIT_DUTY: unit_duties.pick,
}


def pick_date(ctx: Context, data: PickDate | PickMonth) -> None:
    """Route a date-picker press to the open dialog's picker (the leave's by default,
    which refuses it as stale when no leave dialog is open)."""
    state = ctx.open_dialog
    PICKERS.get(state.dialog if state else Dialog.LEAVE, leave.pick)(ctx, data)


PRESSES: dict[type, Callable] = {
    KeepFitting: keep_fitting,
    LeaveVote: leave.vote,
    LeaveComment: leave.ask_comment,
    LeaveDelegate: leave.delegate,
    LeaveWithdraw: myleave.withdraw,
    LeaveWithdrawConfirm: myleave.withdraw_confirmed,
    LeaveKeep: myleave.keep,
    LeaveEnd: myleave.end,
    LeaveEndOn: myleave.end_on,
    LeaveRetroactive: leave.pick_retroactive,
    LeaveRetroactiveConfirm: leave.confirm_retroactive,
    LeaveRecallConfirm: leave.confirm_recall,
    PickDate: pick_date,
    PickMonth: pick_date,
    ClaimVote: checkin.claim_vote,
    DiarySign: diary.sign,
    DiaryRead: diary.read,
    DiarySplit: diary.split,
    Done: diary.done,
    AttendanceReview: attendance_review.confirm,
    ReportMenu: reports.menu,
    ReportPick: reports.pick,
    SpotTownship: spot_checks.pick_township,
    SpotCadre: spot_checks.pick_cadre,
    SpotRemote: spot_checks.remote,
    SpotInPerson: spot_checks.in_person,
    SpotVisit: spot_checks.visit,
    DutyTownship: duty.pick_township,
    DutyCadre: duty.pick_cadre,
    DutyKindPick: duty.pick_kind,
    DutyNoNote: duty.no_note,
    DutyConfirm: duty.confirm,
    AssessTownship: assessment.pick_township,
    AssessCadre: assessment.pick_cadre,
    AssessKindPick: assessment.pick_kind,
    AssessConfirm: assessment.confirm,
    FixStart: township_attendance.start,
    FixCadre: township_attendance.pick_cadre,
    FixStatus: township_attendance.pick_status,
    FixConfirm: township_attendance.confirm,
    WeekConfirm: township_attendance.confirm_week,
    LangPick: language.pick,
    VisitTag: visits.tag,
    # Work funds (Art. 20)
    FundsAdd: work_funds.add,
    FundsNoReceipt: work_funds.no_receipt,
    FundsConfirm: work_funds.confirm,
    FundsReport: work_funds_report.send,
    FilingKindPick: filings.pick_kind,
    FilingSubmit: filings.submit,
    # the unit's duties (/unitduty)
    UnitDutyPick: unit_duties.pick_what,
    UnitDutyVillage: unit_duties.pick_village,
    UnitDutyCadre: unit_duties.pick_cadre,
    UnitDutyNoNote: unit_duties.no_note,
}

#: What a person types (or sends: a photo, a sticker) while a dialog is open goes to the
#: handler of its (dialog, step), with a copy of the dialog's data. Every step of every
#: dialog is here (``tests/handlers/test_dialog_table.py``); steps that buttons answer
#: point at them again.
TYPED: dict[tuple[Dialog, Step], Callable[[Context, dict], None]] = {
    (Dialog.CHECKIN, CheckinStep.LOCATION): checkin.expecting_location,
    (Dialog.WORK_RECORD, WorkRecordStep.NOTE): checkin.work_record,
    (Dialog.DIARY, DiaryStep.TEXT): diary.typed_text,
    (Dialog.DIARY, DiaryStep.SPLIT): diary.typed_text,
    (Dialog.DIARY, DiaryStep.PHOTOS): diary.sent_photo,
    (Dialog.LEAVE, LeaveDialogStep.START): leave.use_picker,
    (Dialog.LEAVE, LeaveDialogStep.END): leave.use_picker,
    (Dialog.LEAVE, LeaveDialogStep.REASON): leave.typed_reason,
    (Dialog.LEAVE, LeaveDialogStep.CONFIRM): leave.use_confirm,
    (Dialog.LEAVE, LeaveDialogStep.CONFIRM_RECALL): leave.use_confirm_recall,
    (Dialog.LEAVE, LeaveDialogStep.COMMENT): leave.typed_comment,
    (Dialog.LEAVE, LeaveDialogStep.WHY): leave.typed_why,
    (Dialog.DUTY, DutyStep.KIND): duty.use_buttons,
    (Dialog.DUTY, DutyStep.START): duty.use_buttons,
    (Dialog.DUTY, DutyStep.END): duty.use_buttons,
    (Dialog.DUTY, DutyStep.NOTE): duty.typed_note,
    (Dialog.DUTY, DutyStep.CONFIRM): duty.use_buttons,
    (Dialog.ASSESS, AssessStep.KIND): assessment.use_buttons,
    (Dialog.ASSESS, AssessStep.NOTE): assessment.typed_note,
    (Dialog.ASSESS, AssessStep.COUNT): assessment.typed_count,
    (Dialog.ASSESS, AssessStep.RESULT): assessment.typed_result,
    (Dialog.ASSESS, AssessStep.CONFIRM): assessment.use_buttons,
    (Dialog.FIX, FixStep.CADRE): township_attendance.use_buttons,
    (Dialog.FIX, FixStep.DAY): township_attendance.use_buttons,
    (Dialog.FIX, FixStep.STATUS): township_attendance.use_buttons,
    (Dialog.FIX, FixStep.REASON): township_attendance.typed_reason,
    (Dialog.FIX, FixStep.CONFIRM): township_attendance.use_buttons,
    # Work funds (Art. 20)
    (Dialog.FUNDS, FundsStep.AMOUNT): work_funds.typed_amount,
    (Dialog.FUNDS, FundsStep.PURPOSE): work_funds.typed_purpose,
    (Dialog.FUNDS, FundsStep.DAY): work_funds.use_buttons,
    (Dialog.FUNDS, FundsStep.RECEIPT): work_funds.sent_receipt,
    (Dialog.FUNDS, FundsStep.CONFIRM): work_funds.use_buttons,
    (Dialog.FILING, FilingStep.CONTENT): filings.content,
    (Dialog.UNIT_DUTY, UnitDutyStep.PICK): unit_duties.typed,
    (Dialog.UNIT_DUTY, UnitDutyStep.DAY): unit_duties.typed,
    (Dialog.UNIT_DUTY, UnitDutyStep.NOTE): unit_duties.typed,
}


def _typed(stored: OpenDialog) -> DialogAt | None:
    """The stored dialog as enums; one this version does not know (a row left by an older
    one) counts as none, so the person is not stuck with it."""
    try:
        return DialogAt.stored(*stored)
    except (KeyError, ValueError):
        log.warning("unknown stored dialog %r at step %r: ignored", stored.dialog, stored.step)
        return None


class Conversations:
    """Handles one event at a time in one unit of work; safe to call from many threads."""

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        clock: Clock,
        catalog: Catalog,
        allowance: AllowanceRule = ONSITE_DAYS_ONLY,
    ) -> None:
        self.uow_factory = uow_factory
        self.clock = clock
        self.catalog = catalog
        #: The district's allowance rule, for the sheets /report sends.
        self.allowance = allowance

    def handle(self, event: Incoming) -> Response:
        with self.uow_factory() as uow:
            return self.handle_in(uow, event)

    def handle_in(
        self,
        uow: UnitOfWork,
        event: Incoming,
        before_commit: BeforeCommit | None = None,
    ) -> Response:
        """Handle ``event`` in the open ``uow`` and commit it. ``before_commit`` (the
        runtime's inbox) runs inside the same transaction just before the commit, with the
        response about to be returned (a refusal too: then it runs after the rollback of the
        conversation's writes), so marking the update handled and storing the replies
        commit together with what the conversation wrote, or not at all."""
        person, stored = uow.people.with_dialog(event.user_id)
        dialog = _typed(stored) if stored is not None else None
        lang = self.catalog.language_for(person.language if person else None, event.language_code)
        ctx = Context(
            uow,
            event,
            person,
            self._now(),
            lang,
            self.catalog,
            open_dialog=dialog,
            allowance=self.allowance,
        )
        try:
            self._route(ctx)
            ctx.save_dialog()
            ctx.response.messages += render_notices(uow, self.catalog, ctx.notices)
            if before_commit is not None:
                before_commit(uow, ctx.response)
            uow.commit()
        except DomainError as err:
            uow.rollback()
            ctx.response = self._refusal(ctx, err)
            if before_commit is not None:
                before_commit(uow, ctx.response)
                uow.commit()
        return ctx.response

    def _now(self) -> datetime:
        return self.clock.now()

    def _refusal(self, ctx: Context, err: DomainError) -> Response:
        key = err.key if self.catalog.has(err.key) else "error.generic"
        params = {k: v for k, v in err.params.items()}
        text = self.catalog.text(ctx.lang, key, **params)
        response = Response()
        if ctx.event.press is not None:
            response.answer, response.alert = text, True
        else:
            response.messages.append(Outgoing(ctx.event.chat_id, text))
        return response

    def _route(self, ctx: Context) -> None:
        event = ctx.event
        if event.press is not None:
            self._press(ctx)
        elif ctx.person is None:
            onboarding.unbound(ctx)
            if ctx.person is not None:
                help_command(ctx)
                onboarding.catch_up(ctx)
        elif event.command is not None:
            self._command(ctx, *event.command)
        elif (pressed := keyboard_command(self.catalog, event.text)) is not None:
            self._command(ctx, pressed, "")  # a button of the cadre's keyboard
        elif event.location is not None:
            self._require(ctx, CADRE_ROLES)
            if not spot_checks.location(ctx):  # an open spot check takes the location first
                checkin.location(ctx)
        elif event.contact is not None:
            onboarding.already_bound(ctx)
        elif (state := ctx.open_dialog) is not None:
            TYPED[state.dialog, state.step](ctx, without_kept_text(state.data))
        elif event.photo_file_id is not None:
            ctx.say("hint.photo")
        elif event.text:
            ctx.say("hint.text")
        else:
            ctx.say("hint.other")

    def _command(self, ctx: Context, name: str, args: str) -> None:
        entry = COMMANDS.get(name)
        if entry is None:
            ctx.say("hint.unknown_command", command=name)
            return
        handler, roles = entry
        if ctx.me.role not in roles and name in REFUSALS:
            raise DomainError(REFUSALS[name])
        self._require(ctx, roles)
        if name not in ("cancel", "status", "help"):
            ctx.end_dialog()
        handler(ctx, args)

    @staticmethod
    def _require(ctx: Context, roles: frozenset[Role]) -> None:
        if ctx.me.role not in roles:
            raise DomainError("error.role_cannot")

    def _press(self, ctx: Context) -> None:
        assert ctx.event.press is not None
        try:
            data = unpack(ctx.event.press.data)
        except BadCallback:
            ctx.toast("error.stale_button", alert=True)
            return
        if isinstance(data, Noop):
            return
        if ctx.person is None:
            ctx.toast("onboarding.first", alert=True)
            return
        PRESSES[type(data)](ctx, data)
