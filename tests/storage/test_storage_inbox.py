"""The inbox and the reply outbox on SQLite and PostgreSQL: an update is stored once
whatever the redeliveries, each chat has at most one update in flight and keeps its
order, leases lapse, and many workers claiming at once never share a chat."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text, update

from storage.inbox import NewUpdate
from storage.tables import InboxUpdate, ReplyOutbox
from storage.unit_of_work import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
LEASE = timedelta(seconds=30)


def now() -> datetime:
    return datetime.now(UTC)


def store(uow_factory: UowFactory, *updates: tuple[int, int]) -> int:
    with uow_factory() as uow:
        new = uow.inbox.store([NewUpdate(u, chat, {"update_id": u}) for u, chat in updates], now())
        uow.commit()
    return len(new)


def add_reply(uow: UnitOfWork, chat_id: int, text: str, token: str | None) -> int:
    """A reply to ``chat_id`` claimed by ``token`` (or by nobody), leased for ``LEASE``."""
    return uow.replies.add(
        update_id=None,
        chat_id=chat_id,
        payload={"text": text},
        blob=None,
        now=now(),
        token=token,
        until=now() + LEASE,
    )


def claim(uow_factory: UowFactory, token: str, limit: int = 10, until: datetime | None = None):
    with uow_factory() as uow:
        claimed = uow.inbox.claim(token, now(), until or now() + LEASE, limit)
        uow.commit()
    return [(c.update_id, c.chat_id) for c in claimed]


def finish(uow_factory: UowFactory, token: str, update_id: int, release: bool = True) -> None:
    with uow_factory() as uow:
        assert uow.inbox.mark_handled(update_id, token, now(), "handled")
        if release:
            uow.inbox.release(update_id, token)
        uow.commit()


def test_an_update_is_stored_once_and_a_handled_one_stays_handled(uow_factory) -> None:
    assert store(uow_factory, (1, 10), (2, 10)) == 2
    assert store(uow_factory, (1, 10), (2, 10), (3, 11)) == 1  # redelivered + one new
    assert claim(uow_factory, "a") == [(1, 10), (3, 11)]
    finish(uow_factory, "a", 1)
    store(uow_factory, (1, 10))  # delivered again after the crash
    with uow_factory() as uow:
        assert uow.inbox.get(1).outcome == "handled"
        assert uow.inbox.get(1).handled_by == "a"


def test_one_update_per_chat_in_flight_in_order(uow_factory) -> None:
    store(uow_factory, (1, 10), (2, 10), (3, 20), (4, 10))
    assert claim(uow_factory, "a") == [(1, 10), (3, 20)]
    assert claim(uow_factory, "b") == []  # both chats are in flight
    finish(uow_factory, "a", 1, release=False)  # handled, replies still going out
    assert claim(uow_factory, "b") == []  # chat 10 waits for them
    with uow_factory() as uow:
        uow.inbox.release(1, "a")
        uow.commit()
    assert claim(uow_factory, "b") == [(2, 10)]


def test_a_reply_still_to_send_holds_back_the_chat(uow_factory) -> None:
    store(uow_factory, (1, 10), (2, 10))
    assert claim(uow_factory, "a") == [(1, 10)]
    with uow_factory() as uow:
        assert uow.inbox.mark_handled(1, "a", now(), "handled")
        reply = uow.replies.add(
            update_id=1, chat_id=10, payload={"text": "x"}, blob=None, now=now()
        )
        uow.inbox.release(1, "a")
        uow.commit()
    assert claim(uow_factory, "b") == []
    with uow_factory() as uow:
        [orphan] = uow.replies.claim_orphans("b", now(), now() + LEASE, 10)
        assert orphan.id == reply
        assert uow.replies.mark_sent(reply, "b", now(), 99)
        uow.commit()
    assert claim(uow_factory, "b") == [(2, 10)]


def test_replies_are_marked_sent_together_only_while_their_claim_holds(uow_factory) -> None:
    """The group commit marks several replies sent in one statement; a reply whose claim
    another worker took over is left to that worker."""
    with uow_factory() as uow:
        mine = [add_reply(uow, 10, str(i), "a") for i in range(3)]
        other = add_reply(uow, 11, "x", "b")
        uow.commit()
    with uow_factory() as uow:
        sent = [(mine[0], 500), (mine[2], 502), (other, 999)]
        assert uow.replies.mark_sent_many(sent, "a", now()) == 2
        uow.commit()
    with uow_factory() as uow:
        got = {
            reply_id: (row.sent_at is not None, row.message_id, row.claim_token)
            for reply_id in (*mine, other)
            for row in [uow.session.get(ReplyOutbox, reply_id)]
        }
    assert got == {
        mine[0]: (True, 500, None),
        mine[1]: (False, None, "a"),
        mine[2]: (True, 502, None),
        other: (False, None, "b"),
    }


def test_a_dead_workers_claims_lapse(uow_factory) -> None:
    store(uow_factory, (1, 10))
    assert claim(uow_factory, "dead", until=now() - timedelta(seconds=1)) == [(1, 10)]
    assert claim(uow_factory, "b") == [(1, 10)]
    with uow_factory() as uow:
        assert not uow.inbox.mark_handled(1, "dead", now(), "handled")  # taken over
        assert uow.inbox.mark_handled(1, "b", now(), "handled")
        uow.commit()


def test_replies_of_a_live_worker_are_not_orphans_but_a_dead_ones_are(uow_factory) -> None:
    with uow_factory() as uow:
        ids = [add_reply(uow, 10, str(i), "live" if i < 2 else None) for i in range(3)]
        uow.commit()
    with uow_factory() as uow:
        assert uow.replies.claim_orphans("c", now(), now() + LEASE, 10) == []  # head is held
        uow.commit()
    with uow_factory() as uow:
        uow.inbox.lapse("live", now() - timedelta(seconds=1))
        claimed = uow.replies.claim_orphans("c", now(), now() + LEASE, 10)
        uow.commit()
    assert [r.id for r in claimed] == ids  # the whole chat, in order


def test_many_workers_claiming_at_once_never_share_a_chat(uow_factory) -> None:
    chats, per_chat, workers = 12, 6, 6
    store(uow_factory, *((1 + i, 100 + i % chats) for i in range(chats * per_chat)))
    in_flight: dict[int, str] = {}
    order: dict[int, list[int]] = {}
    lock = threading.Lock()
    errors: list[str] = []

    def work(token: str) -> None:
        idle = 0
        while idle < 20:
            claimed = claim(uow_factory, token, limit=2)
            if not claimed:
                idle += 1
                threading.Event().wait(0.005)
                continue
            idle = 0
            for update_id, chat in claimed:
                with lock:
                    if chat in in_flight:
                        errors.append(f"chat {chat}: {in_flight[chat]} and {token}")
                    in_flight[chat] = token
                    order.setdefault(chat, []).append(update_id)
                finish(uow_factory, token, update_id, release=False)
                with lock:
                    del in_flight[chat]
                with uow_factory() as uow:  # only now may another worker take the chat
                    uow.inbox.release(update_id, token)
                    uow.commit()

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sum(len(v) for v in order.values()) == chats * per_chat  # each once
    assert all(v == sorted(v) for v in order.values())  # each chat in order
    with uow_factory() as uow:
        assert uow.inbox.unsettled() == 0


@pytest.mark.parametrize(
    "database_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_a_renewal_skips_rows_a_worker_has_locked_instead_of_waiting(
    uow_factory,
    migrated_engine,
) -> None:
    """PostgreSQL only (SQLite has no row locks): a settlement holds a reply, then wants
    its update; a renewal that waited for the reply while holding the update deadlocked."""
    store(uow_factory, (1, 10), (2, 20))
    assert claim(uow_factory, "a") == [(1, 10), (2, 20)]
    with uow_factory() as uow:
        rows = [(10, {"text": "一"}, None), (20, {"text": "二"}, None)]
        first, second = uow.replies.add_many(1, rows, now(), token="a", until=now() + LEASE)
        uow.commit()
    later = now() + 2 * LEASE
    with migrated_engine.connect() as settling:  # a settlement in the middle of its work
        settling.execute(update(ReplyOutbox).where(ReplyOutbox.id == first).values(message_id=1))
        settling.execute(update(InboxUpdate).where(InboxUpdate.update_id == 1).values(attempts=5))
        with uow_factory() as uow:
            uow.session.execute(text("SET LOCAL lock_timeout = '2s'"))  # waiting = failing
            renewed = uow.inbox.renew("a", later, {1, 2}, {first, second})
            uow.commit()
        settling.rollback()
    assert renewed == 2  # update 2 and the second reply; the locked two at the next round
    with uow_factory() as uow:
        assert uow.inbox.get(2).claimed_until == later
        assert uow.inbox.get(1).claimed_until < later
