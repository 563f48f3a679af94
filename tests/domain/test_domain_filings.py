"""Filings' periods and the report reminders' catch-up rule."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.filings import (
    FilingKind,
    half_year_deadline_of,
    period_of,
    recipients,
    report_reminder_due,
)
from domain.roles import Role


def test_periods_by_kind() -> None:
    day = date(2026, 7, 1)
    assert period_of(FilingKind.HALF_YEAR, day) == "2026-H2"
    assert period_of(FilingKind.HALF_YEAR, date(2026, 6, 30)) == "2026-H1"
    assert period_of(FilingKind.YEAR_GOALS, day) == "2026"
    assert period_of(FilingKind.THREE_YEAR_PLAN, day) == "term"
    assert period_of(FilingKind.TERM_SUMMARY, day) == "term"


def test_who_each_kind_is_filed_with() -> None:
    report = (Role.ORG_DEPT, Role.POVERTY_BUREAU, Role.UNIT_LEADER)
    plan = (Role.TOWNSHIP_SECRETARY, Role.ORG_DEPT, Role.POVERTY_BUREAU)
    assert recipients(FilingKind.HALF_YEAR) == recipients(FilingKind.TERM_SUMMARY) == report
    assert recipients(FilingKind.YEAR_GOALS) == recipients(FilingKind.THREE_YEAR_PLAN) == plan


def test_the_reminder_owed_on_each_day_before_31_december() -> None:
    deadline = date(2026, 12, 31)
    owed = {d: report_reminder_due(deadline, deadline - timedelta(days=d)) for d in range(-1, 20)}
    assert [d for d, r in owed.items() if r is None] == [-1, 16, 17, 18, 19]
    assert {owed[d] for d in range(4, 16)} == {15}
    assert {owed[d] for d in range(0, 4)} == {3}


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 12, 31)))
def test_a_daily_sweep_sends_each_reminder_once_and_the_15_day_one_first(day: date) -> None:
    deadline = half_year_deadline_of(day)
    assert deadline >= day and (deadline - day).days < 184
    seen = []
    for offset in range(30, -2, -1):
        owed = report_reminder_due(deadline, deadline - timedelta(days=offset))
        if owed is not None and owed not in seen:
            seen.append(owed)
    assert seen == [15, 3]
