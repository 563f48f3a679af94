"""The leave cards delivered to people (``LeaveCard``): recorded once Telegram accepted
them, read back when their buttons no longer apply, retired once edited."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, update
from sqlmodel import Session, col, select

from storage.tables import LeaveCard


@dataclass(frozen=True)
class DeliveredCard:
    """A card as Telegram accepted it: what it is about and where it now is."""

    request_id: int
    step_id: int | None
    kind: str  # step|withdraw|end
    chat_id: int
    message_id: int
    text: str


class LeaveCardRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def record(self, cards: Iterable[DeliveredCard], now: datetime) -> None:
        """Store delivered cards, in one statement (the delivery's own transaction)."""
        rows = [{**card.__dict__, "sent_at": now} for card in cards]
        if rows:
            self.session.execute(insert(LeaveCard), rows)

    def live(self, request_id: int) -> Sequence[LeaveCard]:
        """The request's cards not yet retired, oldest first."""
        return self.session.exec(
            select(LeaveCard)
            .where(LeaveCard.request_id == request_id, col(LeaveCard.retired_at).is_(None))
            .order_by(col(LeaveCard.id))
        ).all()

    def at(self, chat_id: int, message_id: int) -> Sequence[LeaveCard]:
        """The cards a message is (a message is at most one card, but an edit that kept
        its buttons may have recorded it twice)."""
        return self.session.exec(
            select(LeaveCard).where(
                LeaveCard.chat_id == chat_id, LeaveCard.message_id == message_id
            )
        ).all()

    def retire(self, card_ids: Iterable[int], now: datetime) -> None:
        ids = list(card_ids)
        if ids:
            self.session.execute(
                update(LeaveCard)
                .where(col(LeaveCard.id).in_(ids), col(LeaveCard.retired_at).is_(None))
                .values(retired_at=now)
            )
