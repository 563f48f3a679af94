"""The rest of a posting as rules: assessment records (Art. 26-28, 30), work funds
(Art. 20), the unit's duties and care (Art. 15, 19), 五必访 (Art. 10.1)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.assessment import (
    AssessmentKind,
    Grade,
    check_democratic_rating,
    check_interviews,
    graders_of,
    recalled,
    reward_yuan,
)
from domain.errors import DomainError
from domain.roles import Role
from domain.unit_duties import (
    health_check_overdue,
    insurance_notice_due,
    months_without_meeting,
    visit_overdue,
)
from domain.visits import VisitKind, missing_kinds, visit_counts
from domain.work_funds import (
    ANNUAL_ALLOCATION_FEN,
    Expense,
    balance_fen,
    check_expense,
    parse_yuan,
    yuan_text,
)


def test_who_grades_whom() -> None:
    both = {Role.ORG_DEPT, Role.TOWNSHIP_SECRETARY}
    assert graders_of(Role.FIRST_SECRETARY, AssessmentKind.ANNUAL) == both
    assert graders_of(Role.FIRST_SECRETARY, AssessmentKind.END_OF_TERM) == both
    assert graders_of(Role.TEAM_MEMBER, AssessmentKind.ANNUAL) == {Role.POVERTY_BUREAU}
    for cadre in (Role.FIRST_SECRETARY, Role.TEAM_MEMBER):
        assert graders_of(cadre, AssessmentKind.HALF_YEAR) == {Role.TOWNSHIP_SECRETARY}


def test_a_rating_under_20_raters_and_interviews_under_15_are_refused() -> None:
    check_democratic_rating(20)  # 人数在20人以上: 20 itself is enough
    check_interviews(15)
    with pytest.raises(DomainError) as raters:
        check_democratic_rating(19)
    assert raters.value.key == "assessment.too_few_raters"
    assert raters.value.params == {"raters": 19, "minimum": 20}
    with pytest.raises(DomainError) as talks:
        check_interviews(14)
    assert talks.value.params == {"people": 14, "minimum": 15}


def test_rewards_and_recall_by_grade() -> None:
    assert [reward_yuan(g) for g in Grade] == [800, 500, 0]
    assert [recalled(g) for g in Grade] == [False, False, True]


@given(st.integers(min_value=1, max_value=10**9))
def test_yuan_amounts_round_trip_through_fen(fen: int) -> None:
    assert parse_yuan(yuan_text(fen)) == fen
    assert parse_yuan(yuan_text(fen) + "元") == fen


@pytest.mark.parametrize(
    ("typed", "fen"), [("80", 8000), ("¥1,234.5", 123450), ("0.01", 1), ("300元", 30000)]
)
def test_amounts_as_typed(typed: str, fen: int) -> None:
    assert parse_yuan(typed) == fen


@pytest.mark.parametrize("typed", ["", "0", "-5", "1.234", "12,34", "abc", "1e3"])
def test_bad_amounts_are_refused(typed: str) -> None:
    with pytest.raises(DomainError) as refused:
        parse_yuan(typed)
    assert refused.value.key == "funds.bad_amount"


def test_an_expense_over_the_balance_is_refused_saying_the_balance() -> None:
    spent = [Expense(date(2026, 3, 1), parse_yuan("9,500"), "修缮村委会屋顶")]
    balance = balance_fen([ANNUAL_ALLOCATION_FEN], spent)
    assert yuan_text(balance) == "500.00"
    check_expense(Expense(date(2026, 4, 1), parse_yuan("500"), "慰问困难党员"), balance, 2026)
    with pytest.raises(DomainError) as refused:
        check_expense(Expense(date(2026, 4, 1), parse_yuan("500.01"), "慰问"), balance, 2026)
    assert refused.value.params == {"amount": "500.01", "balance": "500.00"}
    for bad, key in [
        (Expense(date(2026, 4, 1), 100, "  "), "funds.no_purpose"),
        (Expense(date(2027, 1, 2), 100, "办公用品"), "funds.other_year"),
    ]:
        with pytest.raises(DomainError) as other:
            check_expense(bad, balance, 2026)
        assert other.value.key == key


def test_months_without_the_units_meeting_up_to_last_month() -> None:
    meetings = [date(2026, 9, 20), date(2026, 11, 3)]
    assert months_without_meeting(meetings, date(2026, 9, 1), date(2026, 12, 3)) == ["2026-10"]
    assert months_without_meeting([], date(2026, 12, 1), date(2026, 12, 31)) == []
    assert months_without_meeting([], date(2025, 12, 5), date(2026, 2, 1)) == [
        "2025-12",
        "2026-01",
    ]


@given(st.lists(st.dates(date(2026, 1, 1), date(2026, 12, 31))), st.integers(0, 400))
def test_a_visit_is_overdue_only_after_60_days_without_one(visits, offset) -> None:  # noqa: ANN001
    start = date(2026, 1, 1)
    today = start + timedelta(days=offset)
    overdue = visit_overdue(visits, start, today)
    last = max([d for d in visits if d <= today], default=start)
    assert (overdue is not None) == ((today - last).days > 60)


def test_care_health_check_yearly_and_insurance_30_days_before_it_ends() -> None:
    start = date(2025, 3, 1)
    assert not health_check_overdue([], start, date(2026, 2, 28))
    assert health_check_overdue([], start, date(2026, 3, 1))
    assert not health_check_overdue([date(2026, 2, 1)], start, date(2026, 12, 3))
    assert insurance_notice_due(date(2027, 1, 2), date(2026, 12, 3))
    assert not insurance_notice_due(date(2027, 1, 3), date(2026, 12, 3))
    assert insurance_notice_due(None, date(2026, 12, 3))


def test_visits_counted_per_kind_in_the_regulations_order() -> None:
    tags = [
        [VisitKind.POOR_FAMILIES, VisitKind.POOR_FAMILIES],
        [VisitKind.POOR_FAMILIES, VisitKind.PARTY_CADRES],
        [],
    ]
    assert list(visit_counts(tags).values()) == [1, 0, 0, 2, 0]
    assert missing_kinds(tags) == [
        VisitKind.VILLAGER_REPRESENTATIVES,
        VisitKind.ENTREPRENEURS,
        VisitKind.PETITIONERS,
    ]
