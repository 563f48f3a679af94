"""The demo's sample district shows the written reports and plans: 张三 has filed this
half year's report, 李四 this year's goals, 王五 neither; the reminders and the township's
list follow from that."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from scheduler.written_reports import sweep_written_reports
from services import filings
from services.posting_term import current_term
from services.sample_district import seed_sample_district, seed_sample_history
from tests.scheduler.conftest import ZONE


@pytest.mark.parametrize("today", [date(2026, 11, 30), date(2026, 6, 15), date(2027, 1, 2)])
def test_the_sample_district_has_one_report_one_goals_and_one_cadre_missing(
    uow_factory, today: date
) -> None:
    with uow_factory() as uow:
        people = seed_sample_district(uow, posted_from=date(today.year, 1, 1))
        seed_sample_history(uow, people, today)
        uow.commit()
    with uow_factory() as uow:
        rows = filings.township_status(uow, people["township_secretary"], today)
        shown = {r.name: (r.report_at is not None, r.goals_at is not None) for r in rows}
        assert shown == {"张三": (True, False), "李四": (False, True)}
        for r in rows:
            for moment in (r.report_at, r.goals_at):
                assert moment is None or moment.astimezone(ZONE).date() <= today
        wang = filings.choices(uow, people["cadre3"], today)
        assert all(c.filed_at is None for c in wang)
    deadline = date(today.year, 6, 30) if today.month <= 6 else date(today.year, 12, 31)
    with uow_factory() as uow:  # 王五's term ends 45 days after today (the term example)
        term = current_term(uow, uow.people.get(people["cadre3"].id), today)
    assert term is not None and term.last_day is not None
    owing = [people["cadre2"].id] + ([people["cadre3"].id] if term.last_day >= deadline else [])
    reminded = sweep_written_reports(uow_factory, deadline - timedelta(days=3), zone=ZONE)
    # a posting that ends before the deadline owes the term's summary, not the half year's
    assert {d.recipient_id for d in reminded} == set(owing)
    assert len(owing) == (1 if today.month == 1 else 2)
