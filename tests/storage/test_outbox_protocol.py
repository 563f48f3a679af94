"""The reply outbox and the reminder outbox follow one claim protocol
(``storage.outbox.ClaimedOutbox``): the same story, told to each, ends the same way."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from storage.outbox import ClaimedOutbox
from storage.tables import Person
from storage.unit_of_work import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
LEASE = timedelta(minutes=15)


def _add_rows(uow_factory: UowFactory, which: str, count: int) -> None:
    with uow_factory() as uow:
        person = uow.people.add(Person(name="张三", phone="13800000001", role="first_secretary"))
        for i in range(count):
            if which == "reminders":
                uow.reminders.insert(
                    [{"recipient_id": person.id, "kind": "k", "period": str(i), "payload": {}}],
                    NOW,
                )
            else:
                uow.replies.add(update_id=None, chat_id=i, payload={}, blob=None, now=NOW)
        uow.commit()


@contextmanager
def _outbox(uow_factory: UowFactory, which: str, rows: int) -> Iterator[ClaimedOutbox[Any]]:
    """``rows`` unsent rows in the outbox ``which``, and that outbox in a unit of work."""
    _add_rows(uow_factory, which, rows)
    with uow_factory() as uow:
        yield uow.reminders if which == "reminders" else uow.replies
        uow.commit()


@pytest.mark.parametrize("which", ["reminders", "replies"])
def test_claim_mark_and_release(uow_factory: UowFactory, which: str) -> None:
    with _outbox(uow_factory, which, 3) as outbox:
        first, second, third = outbox.claim("a" * 32, NOW, LEASE, 10)
        assert outbox.claim("b" * 32, NOW, LEASE, 10) == []  # all held
        assert outbox.mark_sent(first.id, "a" * 32, NOW)
        assert not outbox.mark_sent(first.id, "a" * 32, NOW)  # finished already
        assert not outbox.mark_failed(second.id, "b" * 32, "blocked")  # not b's claim
        assert outbox.mark_failed(second.id, "a" * 32, "blocked")
        assert outbox.release([third.id], "b" * 32) == 0
        assert outbox.release(None, "a" * 32) == 1
        [again] = outbox.claim("b" * 32, NOW, LEASE, 10)
        assert again.id == third.id


@pytest.mark.parametrize("which", ["reminders", "replies"])
def test_a_lapsed_claim_is_taken_over(uow_factory: UowFactory, which: str) -> None:
    with _outbox(uow_factory, which, 1) as outbox:
        [row] = outbox.claim("a" * 32, NOW, LEASE, 10)
        later = NOW + LEASE + timedelta(seconds=1)
        [taken] = outbox.claim("b" * 32, later, LEASE, 10)
        assert taken.id == row.id
        assert not outbox.mark_sent(row.id, "a" * 32, later)  # the claim was lost
        assert outbox.mark_sent(row.id, "b" * 32, later)
