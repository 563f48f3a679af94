"""The outbox dispatcher: each row rendered in its recipient's language and sent once,
whatever happens: a transport that dies halfway, a process killed while holding claims,
two dispatchers draining at the same time, people who blocked the bot."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta

import pytest

from bot.handlers.events import Outgoing
from bot.i18n import Catalog
from bot.runtime.delivery import Blocked, Delivery, DeliveryLimits, Rejected
from scheduler.dispatch import Dispatcher, DispatchInterrupted
from scheduler.nudge import sweep_daily_nudge
from scheduler.overdue import sweep_leave_overdue
from services import leave as leave_service
from services import onboarding
from services.clock import FixedClock
from services.outbox import Draft, enqueue
from storage import sweeps as q
from storage.tables import LeaveStep, Person
from tests.scheduler.conftest import ZONE, FakeTransport, bind, outbox

NOW = datetime(2026, 11, 16, 20, 0, tzinfo=ZONE)
FAST = DeliveryLimits(overall_per_second=10_000, per_chat_burst=1_000, per_chat_period=1)


def delivery(transport, on_blocked=None) -> Delivery:
    return Delivery(transport, limits=FAST, on_blocked=on_blocked)


def dispatcher(uow_factory, sender, clock=None, **kw) -> Dispatcher:
    return Dispatcher(uow_factory, sender, Catalog(), clock=clock or FixedClock(NOW), **kw)


def crowd(uow_factory, n: int = 30, kinds: int = 2) -> list[int]:
    """``n`` bound people with ``kinds`` outbox rows each; returns the row count."""
    with uow_factory() as uow:
        people = [
            uow.people.add(
                Person(
                    name=f"干部{i}",
                    phone=f"+86139100{i:05d}",
                    role="first_secretary",
                    telegram_user_id=70_000 + i,
                )
            )
            for i in range(n)
        ]
        drafts = [
            Draft(
                p.id,
                f"test_{k}",
                "2026-11-16",
                {"key": "reminder.checkin_nudge", "params": {"village": f"村{p.id}-{k}"}},
            )
            for p in people
            for k in range(kinds)
        ]
        enqueue(uow, drafts)
        uow.commit()
    return [d.recipient_id for d in drafts]


def sent_keys(transports) -> list[tuple[int, str]]:
    return [(m.chat_id, m.text) for t in transports for m in t.sent]


async def test_rows_are_rendered_in_each_language_with_their_buttons(uow_factory, ids) -> None:
    bind(uow_factory, ids)
    with uow_factory() as uow:
        uow.people.get(ids["township_leader"]).language = "en"
        leave_service.submit(
            uow,
            uow.people.get(ids["cadre"]),
            start=date(2026, 11, 20),
            end=date(2026, 11, 21),
            reason="看病 <急>",
            now=NOW - timedelta(hours=30),
        )
        uow.commit()
    sweep_leave_overdue(uow_factory, NOW, zone=ZONE)
    sweep_daily_nudge(uow_factory, NOW, zone=ZONE)
    transport = FakeTransport()
    report = await dispatcher(uow_factory, delivery(transport)).drain()
    assert report.sent == 4 and not report.closed
    by_chat = {m.chat_id: m for m in transport.sent}
    leader = by_chat[9000 + ids["township_leader"]]
    assert "has been waiting 30 hours" in leader.text and "张三" in leader.text
    assert [b.text for row in leader.buttons for b in row] == [
        "Agree",  # the township leader's step is an opinion (填注意见)
        "Disagree",
        "💬 Add a comment",
        "↪️ Hand over",
    ]
    assert leader.buttons[0][0].data.startswith("lv:")
    nudge = by_chat[9000 + ids["cadre2"]]
    assert "还没有在 <b>西关社区</b> 签到" in nudge.text and nudge.buttons is None
    assert all(r.sent_at is not None and r.claim_token is None for r in outbox(uow_factory))
    again = FakeTransport()
    assert (await dispatcher(uow_factory, delivery(again)).drain()).sent == 0
    assert again.sent == []


async def test_blocked_unbound_and_expired_rows_are_closed_not_sent(uow_factory, ids) -> None:
    bind(uow_factory, {"cadre": ids["cadre"], "cadre2": ids["cadre2"]})
    with uow_factory() as uow:
        uow.people.get(ids["cadre2"]).blocked_bot = True
        uow.commit()
    sweep_daily_nudge(uow_factory, date(2026, 11, 13), zone=ZONE)  # a Friday
    sweep_daily_nudge(uow_factory, date(2026, 11, 16), zone=ZONE)
    transport = FakeTransport()
    report = await dispatcher(uow_factory, delivery(transport)).drain()
    # Friday's three nudges expired at Friday midnight; on Monday 张三 gets his, 李四
    # blocked the bot, 王五 never bound his account.
    assert report.sent == 1 and [m.chat_id for m in transport.sent] == [9000 + ids["cadre"]]
    assert report.closed == {"expired": 3, "blocked": 1, "unbound": 1}
    failed = {(r.recipient_id, r.period): r.failed for r in outbox(uow_factory)}
    assert failed[(ids["cadre2"], "2026-11-16")] == "blocked"
    assert failed[(ids["cadre3"], "2026-11-16")] == "unbound"
    assert failed[(ids["cadre"], "2026-11-13")] == "expired"
    assert failed[(ids["cadre"], "2026-11-16")] is None


async def test_a_block_learned_while_sending_is_recorded(uow_factory, ids) -> None:
    bind(uow_factory, ids)
    sweep_daily_nudge(uow_factory, NOW, zone=ZONE)

    async def refuse(message: Outgoing) -> int:
        raise Blocked("Forbidden: bot was blocked by the user")

    async def on_blocked(chat_id: int) -> None:  # what the runtimes' mark_blocked does
        with uow_factory() as uow:
            uow.people.by_telegram_id(chat_id).blocked_bot = True
            uow.commit()

    report = await dispatcher(uow_factory, delivery(refuse, on_blocked)).drain()
    assert report.closed == {"blocked": 3} and report.sent == 0
    assert {r.failed for r in outbox(uow_factory)} == {"blocked"}


async def test_an_undeliverable_row_is_retried_after_the_lease_then_given_up(
    uow_factory, ids
) -> None:
    bind(uow_factory, {"cadre3": ids["cadre3"]})
    sweep_daily_nudge(uow_factory, NOW, zone=ZONE)
    calls = 0

    async def bad_request(message: Outgoing) -> int:
        nonlocal calls
        calls += 1
        raise Rejected("Bad Request: can't parse entities")

    clock = FixedClock(datetime(2026, 11, 16, 9, 0, tzinfo=ZONE))
    sender = dispatcher(
        uow_factory, delivery(bad_request), clock, lease=timedelta(minutes=10), max_attempts=3
    )
    assert (await sender.drain()).retry_later == 1
    assert (await sender.drain()).retry_later == 0  # not again within the lease
    clock.advance(minutes=11)
    assert (await sender.drain()).retry_later == 1
    clock.advance(minutes=11)
    assert (await sender.drain()).closed == {"undelivered": 1}
    [row] = [r for r in outbox(uow_factory) if r.recipient_id == ids["cadre3"]]
    assert (row.attempts, row.failed, row.sent_at, calls) == (3, "undelivered", None, 3)


async def test_a_restart_in_the_middle_neither_loses_nor_repeats(uow_factory) -> None:
    rows = crowd(uow_factory)
    dying = FakeTransport(fail_after=7)
    with pytest.raises(DispatchInterrupted) as stopped:
        await dispatcher(uow_factory, delivery(dying), batch_size=20).drain()
    assert stopped.value.report.sent == 7
    state = outbox(uow_factory)
    assert sum(r.sent_at is not None for r in state) == 7
    assert all(r.claim_token is None for r in state)  # the rest were handed back
    fresh = FakeTransport()
    report = await dispatcher(uow_factory, delivery(fresh)).drain()
    assert report.sent == len(rows) - 7
    keys = sent_keys([dying, fresh])
    assert len(keys) == len(set(keys)) == len(rows)
    assert all(r.sent_at is not None for r in outbox(uow_factory))


async def test_claims_of_a_killed_dispatcher_lapse_after_the_lease(uow_factory) -> None:
    rows = crowd(uow_factory, n=5)
    clock = FixedClock(NOW)
    with uow_factory() as uow:  # a dispatcher claims a batch, then the process is killed
        q.claim_reminders(uow.session, "dead" * 8, NOW, NOW - timedelta(minutes=15), 4)
        uow.commit()
    transport = FakeTransport()
    sender = dispatcher(uow_factory, delivery(transport), clock)
    assert (await sender.drain()).sent == len(rows) - 4
    clock.advance(minutes=16)
    assert (await sender.drain()).sent == 4
    keys = sent_keys([transport])
    assert len(keys) == len(set(keys)) == len(rows)


async def test_two_dispatchers_draining_together_send_each_row_once(uow_factory) -> None:
    rows = crowd(uow_factory, n=40)
    first, second = FakeTransport(delay=0.002), FakeTransport(delay=0.002)
    reports = await asyncio.gather(
        dispatcher(uow_factory, delivery(first), batch_size=7).drain(),
        dispatcher(uow_factory, delivery(second), batch_size=7).drain(),
    )
    assert sum(r.sent for r in reports) == len(rows)
    assert first.sent and second.sent  # both took part
    assert not set(sent_keys([first])) & set(sent_keys([second]))
    keys = sent_keys([first, second])
    assert len(keys) == len(set(keys)) == len(rows)
    assert all(r.sent_at is not None for r in outbox(uow_factory))
    assert sum(r.lost_claims for r in reports) == 0


def _leave_waiting_80_hours(uow_factory, ids) -> int:
    """A two-day leave whose township-leader step has waited 80 hours, swept: the leader's
    reminder and the township secretary's escalation are in the outbox. Returns the step."""
    bind(uow_factory, ids)
    with uow_factory() as uow:
        outcome = leave_service.submit(
            uow,
            uow.people.get(ids["cadre"]),
            start=date(2026, 11, 20),
            end=date(2026, 11, 21),
            reason="看病",
            now=NOW - timedelta(hours=80),
        )
        (step,) = [s for s in uow.leaves.steps(outcome.request.id) if s.notified_at]
        uow.commit()
        step_id = step.id
    sweep_leave_overdue(uow_factory, NOW, zone=ZONE)
    kinds = sorted(r.kind for r in outbox(uow_factory))
    assert kinds == ["leave_overdue", "leave_pending"]
    return step_id


async def test_a_leave_reminder_for_a_step_decided_since_the_sweep_is_not_sent(
    uow_factory,
    ids,
) -> None:
    step_id = _leave_waiting_80_hours(uow_factory, ids)
    with uow_factory() as uow:  # the leader approves between the sweep and the send
        leader = uow.people.get(ids["township_leader"])
        leave_service.decide(uow, leader, step_id=step_id, approve=True, now=NOW)
        uow.commit()
    transport = FakeTransport()
    report = await dispatcher(uow_factory, delivery(transport)).drain()
    assert transport.sent == [] and report.sent == 0
    assert report.closed == {"decided": 2}
    assert {r.failed for r in outbox(uow_factory)} == {"decided"}


async def test_a_step_handed_over_since_the_sweep_reminds_nobody_but_still_escalates(
    uow_factory,
    ids,
) -> None:
    step_id = _leave_waiting_80_hours(uow_factory, ids)
    with uow_factory() as uow:  # handed to the deputy after the sweep
        step = uow.session.get(LeaveStep, step_id)
        step.delegated_from_id, step.assignee_id = step.assignee_id, ids["village_secretary"]
        uow.commit()
    transport = FakeTransport()
    report = await dispatcher(uow_factory, delivery(transport)).drain()
    assert [m.chat_id for m in transport.sent] == [9000 + ids["township_secretary"]]
    assert report.closed == {"decided": 1}
    failed = {r.kind: r.failed for r in outbox(uow_factory)}
    assert failed == {"leave_pending": "decided", "leave_overdue": None}


async def test_reminders_held_for_someone_unbound_go_out_when_they_bind(uow_factory, ids) -> None:
    """Late binding catches up: a reminder for someone not yet bound is held until its
    period ends and goes out once they bind; one whose period ended meanwhile does not,
    nor one to the holder of a leave step (the welcome lists those with their buttons),
    while an overseer's about that step does."""
    monday, tuesday = NOW, NOW + timedelta(hours=14)  # 16 Nov 20:00, 17 Nov 10:00
    cadre, unit = ids["cadre3"], ids["unit_leader_b"]

    def note(village: str, **extra: object) -> dict:
        return {"key": "reminder.checkin_nudge", "params": {"village": village}, **extra}

    with uow_factory() as uow:
        leave_service.submit(
            uow,
            uow.people.get(cadre),
            start=date(2026, 11, 18),
            end=date(2026, 11, 20),
            reason="回原单位述职",
            now=monday - timedelta(hours=30),
        )
        (step,) = uow.leaves.open_steps_for(unit)  # 3 days: the unit comments first
        week_end, day_end = (datetime(2026, 11, d, 23, 59, tzinfo=ZONE) for d in (22, 16))
        held, overseen = {"id": step.id, "holder": True}, {"id": step.id, "holder": False}
        drafts = [
            Draft(cadre, "t_week", "2026-W47", note("本周"), week_end),
            Draft(cadre, "t_day", "2026-11-16", note("今天"), day_end),
            Draft(unit, "t_quarter", "2026-Q3", note("季度")),
            Draft(unit, "t_holder", "s", note("审批", open_step=held)),
            Draft(unit, "t_overseer", "s", note("督办", open_step=overseen)),
        ]
        enqueue(uow, drafts, monday)
        uow.commit()
    first = FakeTransport()
    report = await dispatcher(uow_factory, delivery(first), FixedClock(monday)).drain()
    assert report.sent == 0 and report.closed == {"unbound": 5} and first.sent == []

    for pid, expected in ((cadre, 1), (unit, 2)):
        with uow_factory() as uow:
            person = onboarding.bind_contact(
                uow,
                sender_id=9000 + pid,
                contact_user_id=9000 + pid,
                phone=uow.people.get(pid).phone,
                language=None,
                now=tuesday,
            )
            assert onboarding.release_held_reminders(uow, person, tuesday) == expected
            uow.commit()

    later = FakeTransport()
    report = await dispatcher(uow_factory, delivery(later), FixedClock(tuesday)).drain()
    assert report.sent == 3 and not report.closed
    shown = sorted((m.chat_id, m.text.split("<b>")[1].split("</b>")[0]) for m in later.sent)
    assert shown == sorted([(9000 + cadre, "本周"), (9000 + unit, "季度"), (9000 + unit, "督办")])
    outcome = {r.kind: (r.failed, r.sent_at is not None) for r in outbox(uow_factory)}
    assert outcome == {
        "t_week": (None, True),
        "t_day": ("unbound", False),  # its day ended before he bound
        "t_quarter": (None, True),
        "t_holder": ("unbound", False),  # listed in the welcome instead
        "t_overseer": (None, True),
    }


async def test_a_binding_between_the_claim_and_the_close_does_not_lose_the_row(
    uow_factory,
    ids,
) -> None:
    """The dispatcher read the recipient as unbound, then they bound before it closed the
    row: binding found the row claimed (not held), so the close must leave it, and the
    row goes at the next drain once handed back."""
    cadre = ids["cadre3"]
    with uow_factory() as uow:
        enqueue(uow, [Draft(cadre, "t_week", "2026-W47", {"key": "reminder.checkin_nudge"})], NOW)
        uow.commit()
    with uow_factory() as uow:
        [row] = q.claim_reminders(uow.session, "a" * 32, NOW, NOW - timedelta(minutes=15), 10)
        uow.commit()
    bind(uow_factory, {"cadre3": cadre})
    with uow_factory() as uow:
        assert q.hold_for_binding(uow.session, row.id, "a" * 32) is False
        assert q.release_claims(uow.session, "a" * 32) == 1
        uow.commit()
    transport = FakeTransport()
    report = await dispatcher(uow_factory, delivery(transport)).drain()
    assert report.sent == 1 and [m.chat_id for m in transport.sent] == [9000 + cadre]
