"""The services' SQL on both databases: a leave routed through every stage, a claim, diary
signatures and the standing figures, with the sample district."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.errors import DomainError
from services import checkin, diary, leave
from services.sample_district import seed_sample_district
from services.standing import standing
from storage.tables import CheckIn

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def people(uow_factory):
    with uow_factory() as uow:
        people = seed_sample_district(uow, posted_from=date(2026, 1, 1))
        uow.commit()
    return people


def decide_all(uow_factory, request_id: int, approve: bool = True, text: str = "") -> None:
    """Let every holder of the stage now open decide, as their taps would."""
    with uow_factory() as uow:
        open_steps = [
            s
            for s in uow.leaves.steps(request_id)
            if s.decision is None and s.notified_at is not None and s.kind != "file"
        ]
    for step in open_steps:
        with uow_factory() as uow:
            actor = uow.people.get(step.assignee_id)
            leave.decide(uow, actor, step_id=step.id, approve=approve, now=NOW, text=text)
            uow.commit()


def reject(uow_factory, request_id: int) -> None:
    """Every holder says no with a reason, stage by stage: the commenters' 不同意 lets the
    request go on, the first approver's 驳回 ends it."""
    for _ in range(4):
        with uow_factory() as uow:
            if uow.leaves.get(request_id).status != "pending":
                return
        decide_all(uow_factory, request_id, approve=False, text="不批准")


@pytest.mark.parametrize(
    ("days", "stages"),
    [
        (2, [["township_leader"], ["township_secretary"]]),
        (5, [["unit_leader"], ["township_secretary"], ["org_dept", "poverty_bureau"]]),
        (6, [["township_secretary", "unit_leader"], ["org_dept", "poverty_bureau"]]),
        (30, [["township_secretary"], ["unit_leader"], ["org_dept", "poverty_bureau"]]),
    ],
)
def test_a_request_walks_its_route_to_approval(uow_factory, people, days, stages) -> None:
    start = date(2026, 12, 1)
    with uow_factory() as uow:
        cadre = uow.people.get(people["cadre"].id)
        outcome = leave.submit(
            uow, cadre, start=start, end=start + timedelta(days=days - 1), reason="看病", now=NOW
        )
        uow.commit()
    request_id = outcome.request.id
    with uow_factory() as uow:
        steps = uow.leaves.steps(request_id)
        route = [[s.role for s in steps if s.stage == n] for n in sorted({s.stage for s in steps})]
    assert route == stages
    for _ in stages:
        decide_all(uow_factory, request_id)
    with uow_factory() as uow:
        request = uow.leaves.get(request_id)
        assert request.status == "approved"
        by_kind = {"comment": "agreed", "apply": "applied", "approve": "approved", "file": "filed"}
        assert all(by_kind[s.kind] == s.decision for s in uow.leaves.steps(request_id))


def test_a_no_needs_a_reason_and_only_an_approver_ends_the_request(uow_factory, people) -> None:
    with uow_factory() as uow:
        cadre = uow.people.get(people["cadre"].id)
        request_id = leave.submit(
            uow, cadre, start=date(2026, 12, 1), end=date(2026, 12, 1), reason="看病", now=NOW
        ).request.id
        uow.commit()
    with pytest.raises(DomainError, match="why_required"):
        decide_all(uow_factory, request_id, approve=False)  # 不同意 without an opinion
    decide_all(uow_factory, request_id, approve=False, text="年底迎检")
    with uow_factory() as uow:
        assert uow.leaves.get(request_id).status == "pending"  # an opinion, not a decision
        [comment, approval] = uow.leaves.steps(request_id)
        assert (comment.decision, comment.comment) == ("disagreed", "年底迎检")
        assert approval.notified_at is not None
    with pytest.raises(DomainError, match="why_required"):
        decide_all(uow_factory, request_id, approve=False)  # 驳回 without a reason
    with uow_factory() as uow:
        assert uow.leaves.get(request_id).status == "pending"
    decide_all(uow_factory, request_id, approve=False, text="请改期")
    with uow_factory() as uow:
        assert uow.leaves.get(request_id).status == "rejected"
        assert [s.decision for s in uow.leaves.steps(request_id)] == ["disagreed", "rejected"]


def test_the_unit_declining_to_apply_ends_a_leave_over_ten_days(uow_factory, people) -> None:
    with uow_factory() as uow:
        cadre = uow.people.get(people["cadre"].id)
        request_id = leave.submit(
            uow, cadre, start=date(2026, 12, 1), end=date(2026, 12, 15), reason="培训", now=NOW
        ).request.id
        uow.commit()
    decide_all(uow_factory, request_id)  # the township agrees
    decide_all(uow_factory, request_id, approve=False, text="任务重")  # the unit declines
    with uow_factory() as uow:
        assert uow.leaves.get(request_id).status == "rejected"
        decisions = [s.decision for s in uow.leaves.steps(request_id)]
        assert decisions == ["agreed", "declined", None, None]


def test_a_recall_is_sent_only_confirmed_and_the_roster_replacement_closes_it(
    uow_factory, people
) -> None:
    from services.imports.roster import import_roster
    from services.imports.table import table_from_rows

    end = date(2026, 12, 31)
    with uow_factory() as uow:
        cadre = uow.people.get(people["cadre"].id)
        with pytest.raises(DomainError, match="recall_unconfirmed"):
            leave.submit(uow, cadre, start=date(2026, 12, 1), end=end, reason="病休", now=NOW)
    with uow_factory() as uow:
        assert uow.leaves.all_rows() == [] and uow.assignments.recalls_pending() == []
        cadre = uow.people.get(people["cadre"].id)
        done = leave.submit(
            uow,
            cadre,
            start=date(2026, 12, 1),
            end=end,
            reason="病休",
            now=NOW,
            recall_confirmed=True,
        )
        uow.commit()
    told = {(n.person_id, n.key) for n in done.notices}
    assert (people["org_dept"].id, "leave.recall_replace") in told
    assert (people["unit_leader"].id, "leave.recall_unit") in told
    assert (people["township_secretary"].id, "leave.recall_notice") in told
    with uow_factory() as uow:
        [(person, posting, village, _unit)] = uow.assignments.recalls_pending()
        assert person.id == people["cadre"].id and posting.end is None
        township = uow.places.township_by_id(village.township_id).name
        row = ["接替者", "13900000123", person.role, township, village.name, _unit.name]
    header = ["name", "phone", "role", "township", "village", "unit", "start"]
    table = table_from_rows("roster", [(1, header), (2, [*row, "2026-12-10"])])
    import_roster(uow_factory, table, today=date(2026, 12, 3))
    with uow_factory() as uow:
        assert uow.assignments.recalls_pending() == []
        old = uow.assignments.for_person(people["cadre"].id)[-1]
        assert (old.end, old.recall_pending) == (date(2026, 12, 9), False)


def test_a_refused_request_stores_nothing(uow_factory, people) -> None:
    with uow_factory() as uow:
        cadre = uow.people.get(people["cadre"].id)
        with pytest.raises(DomainError):
            leave.submit(
                uow, cadre, start=date(2026, 11, 1), end=date(2026, 11, 2), reason="过去", now=NOW
            )
    with uow_factory() as uow:
        assert uow.leaves.all_rows() == []


def test_claim_and_standing(uow_factory, people) -> None:
    with uow_factory() as uow:
        cadre = uow.people.get(people["cadre"].id)
        for day in (date(2026, 11, 2), date(2026, 11, 3)):
            uow.checkins.add(CheckIn(person_id=cadre.id, day=day, at=NOW, on_site=True))
        filed = checkin.claim_missed_day(
            uow, cadre, day=date(2026, 11, 27), reason="无信号", now=NOW
        )
        uow.commit()
    with uow_factory() as uow:
        secretary = uow.people.get(people["township_secretary"].id)
        checkin.decide_claim(uow, secretary, claim_id=filed.claim.id, approve=True, now=NOW)
        uow.commit()
    with uow_factory() as uow:
        figures = standing(uow, uow.people.get(people["cadre"].id), NOW.date())
    assert figures.onsite_year.done == 3
    assert figures.absent_workdays_month == 20 - 3


def test_weekly_and_monthly_signatures_lock_entries(uow_factory, people) -> None:
    with uow_factory() as uow:
        cadre = uow.people.get(people["cadre"].id)
        entry_id = diary.write_entry(uow, cadre, text="走访", photos=[], now=NOW)
        uow.commit()
    with uow_factory() as uow:
        signer = uow.people.get(people["village_secretary"].id)
        [batch] = diary.awaiting_signature(uow, signer, NOW.date())
        assert (batch.cadre.id, batch.scope, batch.period) == (cadre.id, "week", "2026-W49")
        diary.sign(uow, signer, cadre_id=cadre.id, scope="week", period="2026-W49", now=NOW)
        uow.commit()
    with uow_factory() as uow:
        secretary = uow.people.get(people["township_secretary"].id)
        [batch] = diary.awaiting_signature(uow, secretary, NOW.date())
        assert batch.period == "2026-11"
        diary.sign(uow, secretary, cadre_id=cadre.id, scope="month", period="2026-11", now=NOW)
        uow.commit()
    with uow_factory() as uow:
        cadre = uow.people.get(people["cadre"].id)
        with pytest.raises(DomainError, match="diary.locked"):
            diary.attach_photo(uow, cadre, entry_id=entry_id, file_id="x")
        signer = uow.people.get(people["village_secretary"].id)
        assert diary.awaiting_signature(uow, signer, NOW.date()) == []


# --------------------------------------------------------------------------- leave: weekends, 补假

MON_FRI = (date(2026, 11, 30), date(2026, 12, 4))
NEXT_MON_FRI = (date(2026, 12, 7), date(2026, 12, 11))
EXTENDED_ROUTE = [["township_secretary"], ["unit_leader"], ["org_dept", "poverty_bureau"]]


def submit(uow_factory, person_id: int, start: date, end: date, now: datetime = NOW, **kw):
    with uow_factory() as uow:
        cadre = uow.people.get(person_id)
        outcome = leave.submit(uow, cadre, start=start, end=end, reason="看病", now=now, **kw)
        uow.commit()
    return outcome


def route_of(uow_factory, request_id: int) -> list[list[str]]:
    with uow_factory() as uow:
        steps = uow.leaves.steps(request_id)
        return [[s.role for s in steps if s.stage == n] for n in sorted({s.stage for s in steps})]


def test_mon_fri_then_the_next_mon_fri_is_one_twelve_day_absence(uow_factory, people) -> None:
    first = submit(uow_factory, people["cadre"].id, *MON_FRI).request.id
    for _ in range(2):  # unit comments, township secretary approves (then filed)
        decide_all(uow_factory, first)
    second = submit(uow_factory, people["cadre"].id, *NEXT_MON_FRI)
    request = second.request
    assert (request.days, request.combined_days, request.tier) == (5, 12, "extended")
    assert route_of(uow_factory, request.id) == EXTENDED_ROUTE
    [card] = [n for n in second.notices if n.key == "leave.to_decide"]
    assert card.params["joined"] == "joined" and card.params["combined"] == 12
    [told] = [n for n in second.notices if n.key == "leave.submitted"]
    assert told.params["joined"] == "joined" and told.params["mark"] == ""
    with uow_factory() as uow:
        assert uow.leaves.get(first).combined_days == 5  # routed as it stood when asked


def test_a_saturday_on_site_breaks_the_chain(uow_factory, people) -> None:
    cadre_id = people["cadre"].id
    submit(uow_factory, cadre_id, *MON_FRI)
    with uow_factory() as uow:
        saturday = date(2026, 12, 5)
        uow.checkins.add(CheckIn(person_id=cadre_id, day=saturday, at=NOW, on_site=True))
        uow.commit()
    request = submit(uow_factory, cadre_id, *NEXT_MON_FRI).request
    assert (request.combined_days, request.tier) == (5, "medium")


def test_a_retroactive_request_is_marked_to_every_approver(uow_factory, people) -> None:
    yesterday = NOW.date() - timedelta(days=1)
    outcome = submit(uow_factory, people["cadre"].id, yesterday, yesterday, retroactive=True)
    assert outcome.request.retroactive is True
    cards = [n for n in outcome.notices if n.key in ("leave.to_decide", "leave.submitted")]
    assert len(cards) == 2 and all(n.params["mark"] == "retroactive" for n in cards)
    decide_all(uow_factory, outcome.request.id)  # the township leader comments
    with uow_factory() as uow:
        step = [s for s in uow.leaves.steps(outcome.request.id) if s.decision is None][0]
        actor = uow.people.get(step.assignee_id)
        done = leave.decide(uow, actor, step_id=step.id, approve=True, now=NOW)
        uow.commit()
    assert done.request.status == "approved"
    with uow_factory() as uow:
        [row] = uow.leaves.approved_between(people["cadre"].id, yesterday, yesterday)
        assert row.retroactive is True
        history = uow.audit.for_subject(f"leave:{row.id}")
        assert history[0].action == "leave:submit"


@pytest.mark.parametrize(
    ("back", "retroactive", "key"),
    [
        (1, False, "leave.in_past"),  # a plain request never starts in the past
        (4, True, "leave.retroactive_too_far"),
        (5, True, "leave.retroactive_too_far"),
    ],
)
def test_a_start_too_far_back_is_refused_and_stores_nothing(
    uow_factory,
    people,
    back: int,
    retroactive: bool,
    key: str,
) -> None:
    start = NOW.date() - timedelta(days=back)
    with pytest.raises(DomainError) as refused:
        submit(uow_factory, people["cadre"].id, start, NOW.date(), retroactive=retroactive)
    assert refused.value.key == key and refused.value.params["limit"] == 3
    with uow_factory() as uow:
        assert uow.leaves.all_rows() == []


def test_three_days_back_is_the_limit_and_today_is_the_districts_day(uow_factory, people) -> None:
    three_back = NOW.date() - timedelta(days=3)
    assert submit(
        uow_factory, people["cadre"].id, three_back, three_back, retroactive=True
    ).request.retroactive
    # 00:30 on 1 December in the district is still 30 November in UTC: 30 November is
    # yesterday for the district, so only a 补假 may start then.
    just_after_midnight = datetime(2026, 12, 1, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    day = date(2026, 11, 30)
    with pytest.raises(DomainError, match="leave.in_past"):
        submit(uow_factory, people["cadre2"].id, day, day, now=just_after_midnight)
    filed = submit(
        uow_factory, people["cadre2"].id, day, day, now=just_after_midnight, retroactive=True
    )
    assert filed.request.retroactive is True
    # a 补假 flag on a request starting today files a plain request
    today = submit(uow_factory, people["cadre3"].id, NOW.date(), NOW.date(), retroactive=True)
    assert today.request.retroactive is False


def test_pending_leave_spans_between_two_dates(uow_factory, people) -> None:
    from storage.sweeps import approved_leaves, pending_leaves

    cadre, cadre2 = people["cadre"].id, people["cadre2"].id
    yesterday = NOW.date() - timedelta(days=1)
    retro = submit(uow_factory, cadre, yesterday, NOW.date(), retroactive=True).request.id
    later = submit(uow_factory, cadre, date(2026, 12, 14), date(2026, 12, 14)).request.id
    rejected = submit(uow_factory, cadre2, date(2026, 12, 1), date(2026, 12, 1)).request.id
    reject(uow_factory, rejected)
    approved = submit(uow_factory, cadre2, date(2026, 12, 2), date(2026, 12, 2)).request.id
    decide_all(uow_factory, approved)
    decide_all(uow_factory, approved)
    first, last = date(2026, 11, 1), date(2026, 12, 10)
    with uow_factory() as uow:
        rows = uow.leaves.pending_between(cadre, first, last)
        assert [(r.id, r.start, r.end, r.retroactive) for r in rows] == [
            (retro, yesterday, NOW.date(), True)
        ]
        assert [r.id for r in uow.leaves.pending_between(cadre, first, date(2026, 12, 31))] == [
            retro,
            later,
        ]
        assert uow.leaves.pending_between(cadre2, first, last) == []
        assert pending_leaves(uow.session, first, last) == {cadre: [(yesterday, NOW.date())]}
        assert approved_leaves(uow.session, first, last) == {
            cadre2: [(date(2026, 12, 2), date(2026, 12, 2))]
        }
    # a rejection takes the 补假 days out of the pending ones: they are absent again
    reject(uow_factory, retro)
    with uow_factory() as uow:
        assert uow.leaves.pending_between(cadre, first, last) == []
        assert pending_leaves(uow.session, first, last) == {}
