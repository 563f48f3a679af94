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
def people(uow_factory):  # noqa: ANN001, ANN201
    with uow_factory() as uow:
        people = seed_sample_district(uow, posted_from=date(2026, 1, 1))
        uow.commit()
    return people


def decide_all(uow_factory, request_id: int, approve: bool = True) -> None:  # noqa: ANN001
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
            leave.decide(uow, actor, step_id=step.id, approve=approve, now=NOW)
            uow.commit()


@pytest.mark.parametrize(
    ("days", "stages"),
    [
        (2, [["township_leader"], ["township_secretary"]]),
        (5, [["unit_leader"], ["township_secretary"], ["org_dept", "poverty_bureau"]]),
        (6, [["township_secretary", "unit_leader"], ["org_dept", "poverty_bureau"]]),
        (30, [["township_secretary"], ["unit_leader"], ["org_dept", "poverty_bureau"]]),
    ],
)
def test_a_request_walks_its_route_to_approval(uow_factory, people, days, stages) -> None:  # noqa: ANN001
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
        assert all(s.decision in ("approved", "filed") for s in uow.leaves.steps(request_id))


def test_a_rejection_ends_the_request(uow_factory, people) -> None:  # noqa: ANN001
    with uow_factory() as uow:
        cadre = uow.people.get(people["cadre"].id)
        request_id = leave.submit(
            uow, cadre, start=date(2026, 12, 1), end=date(2026, 12, 1), reason="看病", now=NOW
        ).request.id
        uow.commit()
    decide_all(uow_factory, request_id, approve=False)
    with uow_factory() as uow:
        assert uow.leaves.get(request_id).status == "rejected"
        assert [s.decision for s in uow.leaves.steps(request_id)] == ["rejected", None]


def test_a_refused_request_stores_nothing(uow_factory, people) -> None:  # noqa: ANN001
    with uow_factory() as uow:
        cadre = uow.people.get(people["cadre"].id)
        with pytest.raises(DomainError):
            leave.submit(
                uow, cadre, start=date(2026, 11, 1), end=date(2026, 11, 2), reason="过去", now=NOW
            )
    with uow_factory() as uow:
        assert uow.leaves.all_rows() == []


def test_claim_and_standing(uow_factory, people) -> None:  # noqa: ANN001
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


def test_weekly_and_monthly_signatures_lock_entries(uow_factory, people) -> None:  # noqa: ANN001
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
