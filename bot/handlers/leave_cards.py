"""Leave cards in a conversation: a press on a card that no longer applies is answered
with what happened (and the card loses its buttons) instead of acting; after an action
the request's other cards that no longer apply are edited (``services.leave_cards``)."""

from __future__ import annotations

from bot.handlers.context import Context
from bot.handlers.notify import params_for_display, retired_card
from services import leave_cards as cards
from services import records
from storage.tables import LeaveRequest, LeaveStep


def step_settled(ctx: Context, step_id: int) -> bool:
    """True (and answered) when the pressed holder's card of ``step_id`` no longer applies."""
    step = records.leave_step(ctx.uow, step_id)
    request = records.leave_request(ctx.uow, step.request_id) if step is not None else None
    return request is not None and _answer(ctx, request, step, "step")


def request_settled(ctx: Context, request_id: int, kind: str) -> bool:
    """True (and answered) when the applicant's pressed ``kind`` card (withdraw, end) no
    longer applies."""
    request = records.leave_request(ctx.uow, request_id)
    return request is not None and _answer(ctx, request, None, kind)


def _answer(ctx: Context, request: LeaveRequest, step: LeaveStep | None, kind: str) -> bool:
    settled = cards.settled_press(
        ctx.uow, ctx.me, request, step, kind, ctx.event.chat_id, ctx.event.message_id, ctx.now
    )
    if settled is None:
        return False
    (key, params), card = settled
    line = ctx.t(key, **params_for_display(params))
    ctx.response.answer, ctx.response.alert = line, True
    if card is not None:
        ctx.response.messages.append(retired_card(card, line))
    else:
        ctx.edit(line)
    return True


def settle(ctx: Context, request_id: int) -> None:
    """After an action on the request: edit its other cards that no longer apply; the
    pressed one is the handler's to edit."""
    pressed = (ctx.event.chat_id, ctx.event.message_id)
    ctx.notices += cards.retire_stale(ctx.uow, request_id, ctx.now, pressed=pressed)
