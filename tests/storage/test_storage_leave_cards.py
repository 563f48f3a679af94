"""Leave cards and 销假 on both databases: cards recorded on delivery, found again when
their buttons no longer apply and retired once; an approved leave ended early releases
its days in the ledger, is audited, and tells who decided it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.handlers.events import Button, Outgoing
from bot.handlers.notify import delivered_card
from bot.runtime.replies import from_row, to_row
from domain.attendance import Period
from domain.errors import DomainError
from services import leave as leave_service
from services import leave_cards, leave_end
from services.leave_progress import NOT_YET, NOW, WITHDRAWN, progress
from services.ledger import leave_dates
from services.notices import CardRef
from services.sample_district import seed_sample_district
from storage.leave_cards import DeliveredCard

ZONE = ZoneInfo("Asia/Shanghai")
NOW_AT = datetime(2026, 11, 30, 9, 0, tzinfo=ZONE)


@pytest.fixture
def people(uow_factory):
    with uow_factory() as uow:
        people = seed_sample_district(uow, posted_from=date(2026, 1, 1))
        for person in people.values():  # bound: chat id = 9000 + person id
            person.telegram_user_id = 9000 + person.id
        uow.commit()
    return {key: p.id for key, p in people.items()}


def submit(uow_factory, people, start: date, end: date) -> int:
    with uow_factory() as uow:
        cadre = uow.people.get(people["cadre"])
        outcome = leave_service.submit(uow, cadre, start=start, end=end, reason="看病", now=NOW_AT)
        uow.commit()
        return outcome.request.id


def steps(uow_factory, request_id: int) -> list:
    with uow_factory() as uow:
        return list(uow.leaves.steps(request_id))


def card(request_id: int, step_id: int | None, kind: str, chat: int, message: int) -> DeliveredCard:
    return DeliveredCard(request_id, step_id, kind, chat, message, f"card {message}")


def test_a_card_round_trips_through_the_reply_outbox_and_is_recorded_once_delivered(
    uow_factory,
    people,
) -> None:
    request_id = submit(uow_factory, people, date(2026, 12, 1), date(2026, 12, 1))
    [first, _] = steps(uow_factory, request_id)
    message = Outgoing(
        9000 + first.assignee_id,
        "📋 #1",
        buttons=[[Button("批准", f"lv:{first.id}:1")]],
        card=CardRef(request_id, "step", first.id),
    )
    payload, blob = to_row(message)
    assert from_row(message.chat_id, payload, blob) == message
    assert delivered_card(Outgoing(1, "no buttons", card=message.card), 5) is None
    delivered = delivered_card(message, 77)
    with uow_factory() as uow:
        uow.leave_cards.record([delivered], NOW_AT)
        uow.commit()
    with uow_factory() as uow:
        [live] = uow.leave_cards.live(request_id)
        assert (live.step_id, live.kind, live.message_id, live.text) == (
            first.id,
            "step",
            77,
            "📋 #1",
        )
        assert live.chat_id == 9000 + first.assignee_id  # a BigInteger chat
        assert [c.id for c in uow.leave_cards.at(live.chat_id, 77)] == [live.id]


def test_withdrawal_retires_every_card_that_no_longer_applies_once(uow_factory, people) -> None:
    request_id = submit(uow_factory, people, date(2026, 12, 1), date(2026, 12, 1))
    [first, second] = steps(uow_factory, request_id)
    applicant_chat = 9000 + people["cadre"]
    with uow_factory() as uow:
        uow.leave_cards.record(
            [
                card(request_id, first.id, "step", 9000 + first.assignee_id, 10),
                card(request_id, None, "withdraw", applicant_chat, 11),  # /myleave
                card(request_id, None, "withdraw", applicant_chat, 12),  # the confirmation
            ],
            NOW_AT,
        )
        uow.commit()
    with uow_factory() as uow:  # nothing changed yet: every card applies
        assert leave_cards.retire_stale(uow, request_id, NOW_AT) == []
        [leader_step, secretary_step] = progress(uow, uow.leaves.get(request_id))
        assert (leader_step.state, secretary_step.state) == (NOW, NOT_YET)
    with uow_factory() as uow:
        cadre = uow.people.get(people["cadre"])
        leave_service.withdraw(uow, cadre, request_id=request_id, now=NOW_AT)
        notices = leave_cards.retire_stale(uow, request_id, NOW_AT, pressed=(applicant_chat, 12))
        uow.commit()
    assert {(n.person_id, n.key, n.replaces.message_id) for n in notices} == {
        (first.assignee_id, "leave.card_withdrawn", 10),
        (people["cadre"], "leave.card_withdrawn", 11),
    }  # the pressed confirmation is the handler's to edit
    assert all(n.replaces.text.startswith("card ") for n in notices)
    with uow_factory() as uow:
        assert uow.leave_cards.live(request_id) == []
        assert leave_cards.retire_stale(uow, request_id, NOW_AT) == []  # retired once
        states = [p.state for p in progress(uow, uow.leaves.get(request_id))]
        assert states == [WITHDRAWN, WITHDRAWN]


def test_a_press_on_a_finished_request_says_what_happened(uow_factory, people) -> None:
    request_id = submit(uow_factory, people, date(2026, 12, 1), date(2026, 12, 1))
    [first, _] = steps(uow_factory, request_id)
    leader_chat = 9000 + first.assignee_id
    with uow_factory() as uow:
        uow.leave_cards.record([card(request_id, first.id, "step", leader_chat, 10)], NOW_AT)
        leader = uow.people.get(first.assignee_id)
        request, step = uow.leaves.get(request_id), uow.leaves.step(first.id)
        assert (
            leave_cards.settled_press(uow, leader, request, step, "step", leader_chat, 10, NOW_AT)
            is None
        )  # still the leader's turn: the press acts
        leave_service.decide(
            uow, leader, step_id=first.id, approve=False, now=NOW_AT, text="年底迎检，请改期"
        )  # 不同意: an opinion; the request goes on to the secretary
        settled = leave_cards.settled_press(
            uow, leader, request, step, "step", leader_chat, 10, NOW_AT
        )
        outsider = uow.people.get(people["township_secretary_b"])
        assert (
            leave_cards.settled_press(uow, outsider, request, step, "step", 1, 10, NOW_AT) is None
        )  # no part in it: the action refuses as before
        uow.commit()
    (key, params), replaces = settled
    assert key == "leave.card_decided" and params["by"] == "钱分管"
    assert params["decision"] == "disagreed"
    assert replaces.message_id == 10
    with uow_factory() as uow:
        assert uow.leave_cards.live(request_id) == []


def test_leave_ended_early_releases_its_days_and_tells_who_decided_it(uow_factory, people) -> None:
    request_id = submit(uow_factory, people, date(2026, 12, 1), date(2026, 12, 4))  # 4 days
    with uow_factory() as uow:
        for step in uow.leaves.steps(request_id):
            if step.kind != "file":
                holder = uow.people.get(step.assignee_id)
                leave_service.decide(uow, holder, step_id=step.id, approve=True, now=NOW_AT)
        uow.commit()
    wednesday = NOW_AT + timedelta(days=2)
    december = Period.month(2026, 12)
    with uow_factory() as uow:
        cadre = uow.people.get(people["cadre"])
        assert uow.leaves.get(request_id).status == "approved"
        assert len(leave_dates(uow, cadre.id, december)) == 4
        request = uow.leaves.get(request_id)
        chat = cadre.telegram_user_id
        assert (
            leave_cards.settled_press(uow, cadre, request, None, "end", chat, 5, wednesday) is None
        )
        over = wednesday + timedelta(days=5)  # the leave is over: too late to end it early
        (key, _), _ = leave_cards.settled_press(uow, cadre, request, None, "end", chat, 5, over)
        assert key == "leave.card_end_passed"
        with pytest.raises(DomainError) as refused:
            leave_end.end_leave(
                uow, cadre, request_id=request_id, back_on=date(2026, 12, 5), now=wednesday
            )
        assert refused.value.key == "leave.end_bad_day"
        outcome = leave_end.end_leave(
            uow, cadre, request_id=request_id, back_on=date(2026, 12, 2), now=wednesday
        )
        uow.commit()
    told = {n.person_id for n in outcome.notices}
    assert told == {
        people[k] for k in ("unit_leader", "township_secretary", "org_dept", "poverty_bureau")
    }
    assert {n.key for n in outcome.notices} == {"leave.ended_notice"}
    with uow_factory() as uow:
        request = uow.leaves.get(request_id)
        assert (request.end, request.days, request.approved_end) == (
            date(2026, 12, 1),
            1,
            date(2026, 12, 4),
        )
        assert leave_dates(uow, people["cadre"], december) == {date(2026, 12, 1)}
        [*_, ended] = uow.audit.for_subject(f"leave:{request_id}")
        assert ended.action == "leave:end" and ended.actor_id == people["cadre"]
        assert ended.detail == {"back_on": "2026-12-02", "approved_end": "2026-12-04", "days": 1}
        cadre = uow.people.get(people["cadre"])
        with pytest.raises(DomainError) as again:
            leave_end.end_leave(
                uow, cadre, request_id=request_id, back_on=date(2026, 12, 2), now=wednesday
            )
        assert again.value.key == "leave.already_ended"
        other = uow.people.get(people["cadre2"])
        with pytest.raises(DomainError) as foreign:
            leave_end.end_leave(
                uow, other, request_id=request_id, back_on=date(2026, 12, 2), now=wednesday
            )
        assert foreign.value.key == "error.not_yours"
