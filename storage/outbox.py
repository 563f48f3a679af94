"""The claim protocol every outbox follows: the reply outbox and the reminder outbox.

A row is written unsent; a sender claims a batch of rows under its token for a lease, and
each row ends sent or failed under that token, or is released for another sender. A claim
whose lease ran out belongs to a sender that died: the next claim takes the row over, and
the late sender's ``mark_sent`` / ``mark_failed`` then return False (the claim was lost).
Both outboxes guard every write with the token, so two senders never both finish a row.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol, TypeVar

Row_co = TypeVar("Row_co", covariant=True)


class ClaimedOutbox(Protocol[Row_co]):
    """Claim / mark sent / mark failed / release, the same for every outbox."""

    def claim(self, token: str, now: datetime, lease: timedelta, limit: int) -> Sequence[Row_co]:
        """Claim up to ``limit`` rows nobody holds (or whose lease ran out) for ``token``
        until ``now + lease``, oldest first."""
        ...

    def mark_sent(self, row_id: int, token: str, now: datetime) -> bool:
        """Record a delivered row; False if ``token`` lost the claim."""
        ...

    def mark_failed(self, row_id: int, token: str, reason: str) -> bool:
        """Close a row that will never be delivered; False if ``token`` lost the claim."""
        ...

    def release(self, row_ids: Collection[int] | None, token: str) -> int:
        """Hand back unfinished rows ``token`` holds (those of ``row_ids``, or all with
        None) without counting a failure; returns how many."""
        ...


if TYPE_CHECKING:  # mypy checks here that both outboxes follow the protocol
    from sqlmodel import Session

    from storage.inbox import ClaimedReply, ReplyRepository
    from storage.sweeps.reminders import ReminderOutbox
    from storage.tables import Reminder

    def _both_follow_the_protocol(
        session: Session,
    ) -> tuple[ClaimedOutbox[Reminder], ClaimedOutbox[ClaimedReply]]:
        return ReminderOutbox(session), ReplyRepository(session)
