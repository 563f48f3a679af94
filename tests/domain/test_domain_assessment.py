"""Assessment (Art. 26, 30): spot-check escalation and the 20% cap on 优秀."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.assessment import (
    REWARD_YUAN,
    Grade,
    Sanction,
    SpotCheckResult,
    check_excellent_share,
    escalates,
    excellent_cap,
    sanction_for,
    spot_check_result,
)
from domain.errors import DomainError

SETTINGS = settings(max_examples=150, deadline=None)


@pytest.mark.parametrize(
    ("count", "sanction"),
    [
        (0, None),
        (1, Sanction.CRITICISM),
        (2, Sanction.DISTRICT_NOTICE),
        (3, Sanction.NOTICE_AND_INCOMPETENT),
        (4, Sanction.NOTICE_AND_INCOMPETENT),
        (10, Sanction.NOTICE_AND_INCOMPETENT),
    ],
)
def test_sanction_for(count: int, sanction: Sanction | None) -> None:
    assert sanction_for(count) is sanction


@SETTINGS
@given(st.integers(3, 10_000))
def test_third_and_later_is_notice_and_incompetent(count: int) -> None:
    assert sanction_for(count) is Sanction.NOTICE_AND_INCOMPETENT


@pytest.mark.parametrize(
    ("total", "cap"),
    [(0, 0), (1, 0), (4, 0), (5, 1), (9, 1), (10, 2), (14, 2), (15, 3), (100, 20), (101, 20)],
)
def test_excellent_cap(total: int, cap: int) -> None:
    assert excellent_cap(total) == cap


@SETTINGS
@given(st.integers(0, 100_000))
def test_excellent_cap_is_floor_of_twenty_percent(total: int) -> None:
    cap = excellent_cap(total)
    assert cap * 100 <= total * 20 < (cap + 1) * 100


@SETTINGS
@given(st.integers(0, 5_000), st.data())
def test_check_excellent_share(total: int, data) -> None:
    cap = total // 5
    check_excellent_share(cap, total)  # at the cap: accepted
    check_excellent_share(data.draw(st.integers(0, cap)), total)
    with pytest.raises(DomainError) as info:
        check_excellent_share(cap + 1, total)
    assert info.value.key == "error.excellent_cap"
    assert info.value.params == {"excellent": cap + 1, "cap": cap}


def test_check_excellent_share_examples() -> None:
    check_excellent_share(2, 10)
    with pytest.raises(DomainError):
        check_excellent_share(3, 10)
    check_excellent_share(0, 4)
    with pytest.raises(DomainError):
        check_excellent_share(1, 4)


def test_rewards() -> None:
    assert REWARD_YUAN == {Grade.EXCELLENT: 800, Grade.COMPETENT: 500, Grade.INCOMPETENT: 0}


@SETTINGS
@given(st.booleans(), st.booleans())
def test_a_check_on_a_non_working_day_never_counts(on_site: bool, on_leave: bool) -> None:
    """Art. 26.3: only a check on a working day can find an absence."""
    result = spot_check_result(on_site=on_site, on_approved_leave=on_leave, working_day=False)
    assert result is SpotCheckResult.NOT_COUNTED and not escalates(result)


@SETTINGS
@given(st.booleans(), st.booleans())
def test_on_a_working_day_only_away_without_leave_escalates(on_site: bool, on_leave: bool) -> None:
    result = spot_check_result(on_site=on_site, on_approved_leave=on_leave, working_day=True)
    assert escalates(result) is (not on_site and not on_leave)
    assert result is not SpotCheckResult.NOT_COUNTED
