"""Art. 6 (a First Secretary's two-year term, its notices, consent to a mid-term change)
and Art. 15 (the half-year written reports and the term summary)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import DomainError
from domain.posting_term import (
    PostingSpan,
    ReportDue,
    TermNotice,
    WrittenReport,
    add_years,
    check_mid_term_change,
    report_reminder_on,
    reports_due,
    term_last_day,
    term_notice_on,
    term_notices_due,
    term_start,
)
from domain.roles import Role

DAYS = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))


def test_a_first_secretary_serves_two_years_unless_the_roster_says_otherwise() -> None:
    assert term_last_day(Role.FIRST_SECRETARY, date(2026, 3, 1), None) == date(2028, 2, 29)
    assert term_last_day(Role.FIRST_SECRETARY, date(2024, 2, 29), None) == date(2026, 2, 28)
    assert term_last_day(Role.FIRST_SECRETARY, date(2026, 3, 1), date(2027, 6, 30)) == date(
        2027, 6, 30
    )
    # a work team stays until the village is lifted out of poverty: no end of its own
    assert term_last_day(Role.TEAM_MEMBER, date(2026, 3, 1), None) is None
    assert term_last_day(Role.TEAM_MEMBER, date(2026, 3, 1), date(2026, 12, 31)) == date(
        2026, 12, 31
    )
    with pytest.raises(DomainError) as refused:
        term_last_day(Role.TEAM_MEMBER, date(2026, 3, 1), date(2026, 2, 1))
    assert refused.value.key == "posting_term.end_before_start"


@given(DAYS)
def test_a_two_year_term_lasts_730_or_731_days(start: date) -> None:
    last = term_last_day(Role.FIRST_SECRETARY, start, None)
    assert last is not None and (last - start).days + 1 in (730, 731)
    assert add_years(start, 2) == last + timedelta(days=1)


def test_notices_60_and_30_days_before_and_on_the_last_day() -> None:
    last = date(2027, 3, 31)
    assert term_notice_on(last, date(2027, 1, 30)) is TermNotice.DAYS_60
    assert term_notice_on(last, date(2027, 3, 1)) is TermNotice.DAYS_30
    assert term_notice_on(last, last) is TermNotice.ENDS
    assert term_notice_on(last, date(2027, 3, 2)) is None
    assert term_notice_on(None, last) is None


@given(DAYS, DAYS, st.integers(min_value=0, max_value=100))
def test_a_sweep_run_late_still_owes_each_notice_once(last: date, since: date, gap: int) -> None:
    """Running daily or after a gap, the notices owed add up to those of the days passed,
    each once."""
    today = since + timedelta(days=gap)
    late = term_notices_due(last, since, today)
    daily = [
        n
        for i in range(1, gap + 1)
        if (n := term_notice_on(last, since + timedelta(days=i))) is not None
    ]
    assert late == daily


def test_a_mid_term_change_of_a_first_secretary_needs_the_citys_consent() -> None:
    last = date(2027, 12, 31)
    with pytest.raises(DomainError) as refused:
        check_mid_term_change(Role.FIRST_SECRETARY, last, date(2027, 6, 1), "  ")
    assert refused.value.key == "posting_term.change_needs_consent"
    check_mid_term_change(Role.FIRST_SECRETARY, last, date(2027, 6, 1), "市委组织部 2027-05-20")
    check_mid_term_change(Role.FIRST_SECRETARY, last, date(2028, 1, 1), None)  # term over
    check_mid_term_change(Role.TEAM_MEMBER, last, date(2027, 6, 1), None)


def test_the_half_year_report_and_the_term_summary_are_owed_in_their_time() -> None:
    start = date(2025, 1, 1)
    last = date(2026, 12, 31)
    assert reports_due(start, last, date(2026, 3, 10)) == [
        ReportDue(date(2026, 6, 30), WrittenReport.HALF_YEAR, "2026-H1")
    ]
    assert reports_due(start, last, date(2026, 12, 3)) == [
        ReportDue(date(2026, 12, 31), WrittenReport.HALF_YEAR, "2026-H2"),
        ReportDue(date(2026, 12, 31), WrittenReport.TERM_SUMMARY, "term"),
    ]
    # a posting that ends in August owes no second half-year report, only its summary
    assert reports_due(start, date(2026, 8, 15), date(2026, 8, 1)) == [
        ReportDue(date(2026, 8, 15), WrittenReport.TERM_SUMMARY, "term")
    ]
    # a posting that begins on the 1st of December owes the December report
    assert reports_due(date(2026, 12, 1), None, date(2026, 12, 3)) == [
        ReportDue(date(2026, 12, 31), WrittenReport.HALF_YEAR, "2026-H2")
    ]


def test_reminders_15_and_3_days_before_a_deadline() -> None:
    deadline = date(2026, 12, 31)
    assert report_reminder_on(deadline, date(2026, 12, 16)) == 15
    assert report_reminder_on(deadline, date(2026, 12, 28)) == 3
    assert report_reminder_on(deadline, date(2026, 12, 29)) is None


@given(
    st.dates(date(2020, 1, 1), date(2030, 1, 1)),
    st.lists(st.integers(1, 400), min_size=0, max_size=4),
)
def test_postings_in_one_village_without_a_gap_are_one_term(first: date, lengths) -> None:
    """A change of unit ends one roster posting the day before the next begins, in the
    same village: however many, the term counts from the first (Art. 6)."""
    spans, start = [], first
    for days in lengths:
        spans.append(PostingSpan(start, start + timedelta(days=days - 1), 7))
        start += timedelta(days=days)
    current = PostingSpan(start, None, 7)
    assert term_start([*spans, current], current) == first
    # another village, or a day's gap, begins a new term
    assert term_start(spans, PostingSpan(start, None, 8)) == start
    later = start + timedelta(days=1)
    assert term_start(spans, PostingSpan(later, None, 7)) == later
    assert term_last_day(Role.FIRST_SECRETARY, term_start(spans, current), None) == (
        add_years(first, 2) - timedelta(days=1)
    )
