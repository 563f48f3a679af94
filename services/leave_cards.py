"""Leave cards whose buttons no longer apply: find them, say what happened.

A card is a delivered message with buttons about one request (``storage.leave_cards``):
a holder's card of a step, or the applicant's card from /myleave. Whether it still
applies is read from the request as it stands now, not from the event that changed it,
so a withdrawal, a decision by someone else, a hand-over and a 销假 are all covered the
same way, whichever code path made them: the card is edited (buttons removed, a line
saying what happened), and a press on a card that no longer applies is answered with
that line instead of acting.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from domain.leave import LeaveStatus
from services.leave_end import back_days
from services.notices import Notice, Replaces
from storage.ids import id_of
from storage.tables import LeaveCard, LeaveRequest, LeaveStep, Person
from storage.unit_of_work import UnitOfWork

Line = tuple[str, dict[str, Any]]


def applies(
    card_kind: str,
    request: LeaveRequest,
    step: LeaveStep | None,
    holder: Person | None,
    today: date,
) -> bool:
    """Whether a card's buttons can still act: a step's while it waits for the card's
    holder, the applicant's Withdraw while the request is pending, their 销假 while the
    leave can be ended early."""
    if card_kind == "withdraw":
        return request.status == LeaveStatus.PENDING
    if card_kind == "end":
        return bool(back_days(request, today))
    return (
        step is not None
        and request.status == LeaveStatus.PENDING
        and step.decision is None
        and holder is not None
        and step.assignee_id == holder.id
    )


def what_happened(
    uow: UnitOfWork,
    request: LeaveRequest,
    step: LeaveStep | None,
    holder: Person | None,
    kind: str = "step",
) -> Line:
    """The line that replaces a card's buttons once they no longer apply."""
    steps = list(uow.leaves.steps(id_of(request)))
    names = uow.people.by_ids([request.applicant_id, *(s.assignee_id for s in steps)])
    base: dict[str, Any] = {"id": request.id, "name": _name(names, request.applicant_id)}
    if request.status == LeaveStatus.WITHDRAWN:
        return "leave.card_withdrawn", base
    if request.status == LeaveStatus.REJECTED:
        rejecter = next((s for s in steps if s.decision in ("rejected", "declined")), None)
        by = rejecter.assignee_id if rejecter else request.applicant_id
        role = rejecter.role if rejecter else ""
        return "leave.card_rejected", {**base, "by": _name(names, by), "role": role}
    if request.approved_end is not None:
        return "leave.card_ended", {**base, "back": request.end + timedelta(days=1)}
    if step is not None and step.decision is not None:
        return "leave.card_decided", {
            **base,
            "decision": step.decision,
            "by": _name(names, step.assignee_id),
            "role": step.role,
        }
    if step is not None and holder is not None and step.assignee_id != holder.id:
        return "leave.card_delegated", {**base, "to": _name(names, step.assignee_id)}
    if kind == "end" and request.status == LeaveStatus.APPROVED:
        return "leave.card_end_passed", base  # the day back is no longer today or tomorrow
    if request.status == LeaveStatus.APPROVED:
        return "leave.card_approved", base
    return "leave.card_closed", base


def _name(names: dict[int, Person], person_id: int) -> str:
    person = names.get(person_id)
    return person.name if person else "?"


def retire_stale(
    uow: UnitOfWork,
    request_id: int,
    now: datetime,
    *,
    pressed: tuple[int, int | None] | None = None,
) -> list[Notice]:
    """Retire the request's cards that no longer apply; returns the edits (as notices
    that replace them). The ``pressed`` message (chat id, message id) is retired without
    an edit: the handler that acted on it edits it itself."""
    request = uow.leaves.get(request_id)
    if request is None:
        return []
    cards = list(uow.leave_cards.live(request_id))
    if not cards:
        return []
    holders = {c.chat_id: uow.people.by_telegram_id(c.chat_id) for c in cards}
    notices: list[Notice] = []
    retired: list[int] = []
    for card in cards:
        holder = holders[card.chat_id]
        step = uow.leaves.step(card.step_id) if card.step_id is not None else None
        if (card.chat_id, card.message_id) != pressed and applies(
            card.kind, request, step, holder, now.date()
        ):
            continue
        retired.append(id_of(card))
        if (card.chat_id, card.message_id) == pressed or holder is None:
            continue
        key, params = what_happened(uow, request, step, holder, card.kind)
        notices.append(Notice(id_of(holder), key, params, replaces=_replaces(card)))
    uow.leave_cards.retire(retired, now)
    return notices


def _replaces(card: LeaveCard) -> Replaces:
    return Replaces(card.chat_id, card.message_id, card.text)


def settled_press(
    uow: UnitOfWork,
    presser: Person,
    request: LeaveRequest,
    step: LeaveStep | None,
    kind: str,
    chat_id: int,
    message_id: int | None,
    now: datetime,
) -> tuple[Line, Replaces | None] | None:
    """A press on a card of ``request`` (a holder's step, or the applicant's ``kind``)
    that no longer applies: the line saying what happened and the card as delivered (to
    edit; None if it was not recorded), the card retired. None while it applies, or when
    the presser has no part in it (the action then refuses as before)."""
    if step is not None:
        involved = presser.id in (step.assignee_id, step.delegated_from_id)
    else:
        involved = presser.id == request.applicant_id
    if not involved or applies(kind, request, step, presser, now.date()):
        return None
    line = what_happened(uow, request, step, presser, kind)
    cards = list(uow.leave_cards.at(chat_id, message_id)) if message_id is not None else []
    uow.leave_cards.retire([id_of(c) for c in cards], now)
    return line, (_replaces(cards[0]) if cards else None)
