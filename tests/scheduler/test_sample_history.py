"""The demo's sample district has a realistic year: most cadres on pace, one behind, one
near the yearly removal trigger, and no removal alert yet."""

from __future__ import annotations

from datetime import date

import pytest

from domain.attendance import YEARLY_ABSENCE_LIMIT, Period
from scheduler.removal import sweep_removal_triggers
from services.calendar import load_calendar
from services.figures import attendance_figures
from services.sample_district import seed_sample_district, seed_sample_history
from services.standing import standing
from storage import sweeps as q
from tests.scheduler.conftest import ZONE


@pytest.mark.parametrize("today", [date(2026, 11, 30), date(2026, 6, 15)])
def test_the_sample_year_has_one_cadre_on_pace_one_behind_one_near_removal(
    uow_factory,
    today: date,
) -> None:
    with uow_factory() as uow:
        people = seed_sample_district(uow, posted_from=date(today.year, 1, 1))
        assert seed_sample_history(uow, people, today) > 200
        uow.commit()
    with uow_factory() as uow:
        zhang, li, wang = (standing(uow, people[k], today) for k in ("cadre", "cadre2", "cadre3"))
        assert not zhang.onsite_year.behind
        assert li.onsite_year.behind and li.onsite_year.shortfall < 20
        year = attendance_figures(
            uow,
            q.postings(uow.session, date(today.year, 1, 1), today),
            Period.year(today.year),
            as_of=today,
            calendar=load_calendar(uow),
        )
        absent = year[people["cadre3"].id].absent_workdays
        if today.month >= 11:
            assert YEARLY_ABSENCE_LIMIT - 20 <= absent < YEARLY_ABSENCE_LIMIT
        assert wang.absent_workdays_month < 10
    assert sweep_removal_triggers(uow_factory, today, zone=ZONE) == []
