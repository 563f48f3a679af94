"""Figures follow the person: a cadre transferred to another township's village on 1 July
keeps the first half of the year in every figure (removal triggers, the annual and
district sheets), and each township's sheet shows the days its villages hosted them."""

from __future__ import annotations

from datetime import date

import chinese_calendar

from domain.attendance import Period
from scheduler.removal import sweep_removal_triggers
from services.reports.annual_sheet import gather_annual
from services.reports.attendance_sheet import gather
from storage.tables import Assignment
from tests.scheduler.conftest import ZONE, UowFactory, add_checkins, days, seed

TRANSFER = date(2026, 7, 1)


def _transfer(uow_factory: UowFactory, person_id: int) -> None:
    """张三 leaves 东店子村 (城关街道) on 30 June for 广东坪村 (北宽坪镇)."""
    with uow_factory() as uow:
        first = uow.assignments.latest(person_id)
        first.end = date(2026, 6, 30)
        village = uow.places.village(uow.places.township("北宽坪镇").id, "广东坪村")
        uow.assignments.add(
            Assignment(
                person_id=person_id, village_id=village.id, unit_id=first.unit_id, start=TRANSFER
            )
        )
        uow.commit()


def test_on_site_every_day_across_a_transfer_is_273_days_and_no_absence(
    uow_factory: UowFactory,
) -> None:
    ids = seed(uow_factory)
    _transfer(uow_factory, ids["cadre"])
    add_checkins(uow_factory, ids["cadre"], days(date(2026, 1, 1), date(2026, 9, 30)))
    with uow_factory() as uow:
        sheet = gather_annual(uow, 2026, as_of=date(2026, 9, 30), zone=ZONE)
        [row] = [r for r in sheet.rows if r.person_id == ids["cadre"]]
        assert (row.onsite_days, row.absent_workdays, row.onsite_required) == (273, 0, 220)
        assert row.village == "广东坪村" and row.note == "moved"
        # each township's sheet: the days its villages hosted him, and a note he moved
        before = uow.places.township("城关街道")
        after = uow.places.township("北宽坪镇")
        year = Period.year(2026)
        for township, onsite in ((before, 181), (after, 92)):
            rows = gather(uow, year, township_id=township.id, as_of=date(2026, 9, 30)).rows
            [mine] = [r for r in rows if r.person_id == ids["cadre"]]
            assert (mine.onsite_days, mine.absent_workdays, mine.note) == (
                onsite,
                0,
                "moved_elsewhere",
            )


def test_absences_at_both_villages_add_up_to_the_yearly_trigger(uow_factory: UowFactory) -> None:
    """88 working days absent at the first village and 15 at the second: 103 in the year,
    past the 90 of Art. 29.1, and the district is told."""
    ids = seed(uow_factory)
    _transfer(uow_factory, ids["cadre"])
    workdays = [
        d for d in days(date(2026, 1, 1), date(2026, 8, 31)) if chinese_calendar.is_workday(d)
    ]
    first_half = [d for d in workdays if d < TRANSFER]
    second = [d for d in workdays if d >= TRANSFER]
    # on site on all but 88 working days before the move and all but 15 after it
    add_checkins(uow_factory, ids["cadre"], first_half[88:] + second[15:])
    drafts = sweep_removal_triggers(uow_factory, date(2026, 9, 1), zone=ZONE)
    yearly = {
        d.payload["params"]["absent"]
        for d in drafts
        if d.kind == "removal_year" and d.period == f"2026:c{ids['cadre']}"
    }
    assert yearly == {103}
    assert {d.recipient_id for d in drafts if d.period == f"2026:c{ids['cadre']}"} >= {
        ids["org_dept"],
        ids["poverty_bureau"],
        ids["township_secretary_b"],  # the township he is posted to now
    }
