"""The demo's example of issue 15: 王五's term ends within 60 days of the demo's today,
so the term sweep tells him, his unit, his township secretary and org_dept at once; his
diaries are tagged with whom he visited, one kind still missing."""

from __future__ import annotations

from datetime import date

import pytest

from domain.visits import VisitKind
from scheduler.posting_term import sweep_posting_terms
from services.posting_term import current_term
from services.sample_district import seed_sample_district, seed_sample_history
from services.visits import year_visits
from tests.scheduler.conftest import ZONE


@pytest.mark.parametrize("today", [date(2026, 11, 30), date(2027, 1, 2), date(2028, 3, 1)])
def test_the_sample_district_shows_a_term_ending_and_tagged_diaries(uow_factory, today) -> None:
    with uow_factory() as uow:
        people = seed_sample_district(uow, posted_from=date(today.year, 1, 1))
        seed_sample_history(uow, people, today)
        uow.commit()
    with uow_factory() as uow:
        wang = uow.people.get(people["cadre3"].id)
        term = current_term(uow, wang, today)
        assert term is not None and term.start < date(today.year, 1, 1)
        assert 30 < term.days_left(today) <= 60
        visits = year_visits(uow, wang, today.year)
        assert visits.counts[VisitKind.POOR_FAMILIES] == 2
        assert visits.missing == [VisitKind.PETITIONERS]
    drafts = sweep_posting_terms(uow_factory, today, zone=ZONE)
    assert {d.payload["params"]["name"] for d in drafts} == {"王五"}
    assert sorted(d.recipient_id for d in drafts) == sorted(
        people[k].id for k in ("cadre3", "unit_leader_b", "township_secretary_b", "org_dept")
    )
    assert {d.payload["params"]["notice"] for d in drafts} == {"days_60"}
