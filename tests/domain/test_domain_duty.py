"""Official duty days (公务): kinds, spans, and training days against Art. 13's minimums."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.duty import (
    MAX_SPAN_DAYS,
    PRE_TRAINING_MIN_DAYS,
    TRAINING_MIN_DAYS,
    DutyKind,
    DutyRecord,
    InvalidDuty,
    check_span,
    first_day_not_posted,
    overlaps,
    parse_duty_kind,
    training_days,
)

SETTINGS = settings(max_examples=200, deadline=None)
DATES = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))
KINDS = st.sampled_from(list(DutyKind))


@st.composite
def records(draw: st.DrawFn) -> DutyRecord:
    start = draw(DATES)
    length = draw(st.integers(1, MAX_SPAN_DAYS))
    return DutyRecord(start, start + timedelta(days=length - 1), draw(KINDS))


def test_art_13_minimums() -> None:
    assert (PRE_TRAINING_MIN_DAYS, TRAINING_MIN_DAYS) == (2, 3)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("pre_training", DutyKind.PRE_TRAINING),
        (" Training ", DutyKind.TRAINING),
        ("岗前培训", DutyKind.PRE_TRAINING),
        ("岗位培训", DutyKind.TRAINING),
        ("座谈会", DutyKind.MEETING),
        ("观摩", DutyKind.MEETING),
        ("公务", DutyKind.OFFICIAL),
    ],
)
def test_kinds_by_code_or_chinese_name(text: str, kind: DutyKind) -> None:
    assert parse_duty_kind(text) is kind


@pytest.mark.parametrize("text", ["", "holiday", "请假"])
def test_an_unknown_kind_is_refused_naming_it(text: str) -> None:
    with pytest.raises(InvalidDuty) as info:
        parse_duty_kind(text)
    assert info.value.key == "duty.unknown_kind" and info.value.params["value"] == text


@SETTINGS
@given(DATES, st.integers(-40, 40))
def test_a_span_is_one_to_31_calendar_days(start: date, offset: int) -> None:
    end = start + timedelta(days=offset)
    if offset < 0:
        with pytest.raises(InvalidDuty, match="end_before_start"):
            check_span(start, end)
    elif offset + 1 > MAX_SPAN_DAYS:
        with pytest.raises(InvalidDuty, match="too_long"):
            check_span(start, end)
    else:
        assert check_span(start, end) == offset + 1


@SETTINGS
@given(records(), records())
def test_overlap_is_sharing_a_day(a: DutyRecord, b: DutyRecord) -> None:
    shared = a.days_between(b.start, b.end)
    assert overlaps(a.start, a.end, b.start, b.end) is bool(shared)
    assert overlaps(a.start, a.end, b.start, b.end) is overlaps(b.start, b.end, a.start, a.end)


@SETTINGS
@given(st.lists(records(), max_size=8), st.integers(2020, 2030))
def test_training_days_are_the_distinct_days_of_the_year_per_kind(
    items: list[DutyRecord], year: int
) -> None:
    result = training_days(items, year)
    first, last = date(year, 1, 1), date(year, 12, 31)
    for kind, counted in (
        (DutyKind.PRE_TRAINING, result.pre_training),
        (DutyKind.TRAINING, result.training),
    ):
        days = set().union(*(r.days_between(first, last) for r in items if r.kind is kind))
        assert counted == len(days)
        assert all(d.year == year for d in days)
    assert result.pre_training_met is (result.pre_training >= PRE_TRAINING_MIN_DAYS)
    assert result.training_met is (result.training >= TRAINING_MIN_DAYS)
    assert result.met is (result.pre_training_met and result.training_met)


@SETTINGS
@given(st.lists(records(), max_size=8), st.integers(2020, 2030))
def test_meetings_and_other_duty_are_not_training_and_duplicates_add_nothing(
    items: list[DutyRecord], year: int
) -> None:
    base = training_days(items, year)
    extra = [DutyRecord(r.start, r.end, DutyKind.MEETING) for r in items]
    assert training_days(items + extra, year) == base
    assert training_days(items + items, year) == base


def test_a_course_over_new_year_counts_each_year_for_its_own_days() -> None:
    course = DutyRecord(date(2026, 12, 30), date(2027, 1, 2), DutyKind.TRAINING)
    assert training_days([course], 2026).training == 2
    assert training_days([course], 2027).training == 2
    assert not training_days([course], 2026).training_met


def test_the_minimums_are_met_at_two_and_three_days() -> None:
    records_ = [
        DutyRecord(date(2026, 3, 2), date(2026, 3, 3), DutyKind.PRE_TRAINING),
        DutyRecord(date(2026, 6, 8), date(2026, 6, 9), DutyKind.TRAINING),
    ]
    short = training_days(records_, 2026)
    assert (short.pre_training_met, short.training_met, short.met) == (True, False, False)
    records_.append(DutyRecord(date(2026, 9, 1), date(2026, 9, 1), DutyKind.TRAINING))
    assert training_days(records_, 2026).met


def test_a_record_refuses_a_bad_span() -> None:
    with pytest.raises(InvalidDuty, match="end_before_start"):
        DutyRecord(date(2026, 3, 3), date(2026, 3, 2), DutyKind.MEETING)


@SETTINGS
@given(
    st.lists(st.tuples(DATES, st.one_of(st.none(), st.integers(0, 400))), max_size=4),
    records(),
)
def test_the_first_day_not_posted_is_the_first_day_no_posting_covers(
    raw: list[tuple[date, int | None]], record: DutyRecord
) -> None:
    postings = [(s, None if n is None else s + timedelta(days=n)) for s, n in raw]
    covered = {
        d
        for d in record.days_between(record.start, record.end)
        if any(s <= d and (e is None or d <= e) for s, e in postings)
    }
    missing = sorted(record.days_between(record.start, record.end) - covered)
    assert first_day_not_posted(postings, record.start, record.end) == (
        missing[0] if missing else None
    )


def test_a_transfer_mid_span_is_still_posted() -> None:
    postings = [(date(2026, 1, 1), date(2026, 7, 14)), (date(2026, 7, 15), None)]
    assert first_day_not_posted(postings, date(2026, 7, 13), date(2026, 7, 17)) is None
    assert first_day_not_posted(postings[:1], date(2026, 7, 13), date(2026, 7, 17)) == date(
        2026, 7, 15
    )
    assert first_day_not_posted([], date(2026, 7, 13), date(2026, 7, 13)) == date(2026, 7, 13)
