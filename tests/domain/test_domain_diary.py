"""民情日记 rules (Art. 12): the weekly signer's fallback, week keys and their dates, and
when a month may be confirmed."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.diary import (
    WEEKLY_SIGNERS,
    Gap,
    gap_reason,
    split_text,
    unverified_weeks,
    week_key,
    week_of,
    weekly_signer_role,
)
from domain.roles import Role

SETTINGS = settings(max_examples=300, deadline=None)
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
holders = st.fixed_dictionaries(
    {role: st.lists(st.integers(1, 50), max_size=2) for role in WEEKLY_SIGNERS}
)


@SETTINGS
@given(holders)
def test_the_weekly_signer_is_the_first_role_somebody_holds(held: dict[Role, list[int]]) -> None:
    role = weekly_signer_role(held)
    if role is None:
        assert not any(held.values())
        return
    assert held[role]
    before = WEEKLY_SIGNERS[: WEEKLY_SIGNERS.index(role)]
    assert not any(held[r] for r in before)


def test_the_fallback_order_is_village_then_township_leader_then_secretary() -> None:
    full = {Role.VILLAGE_SECRETARY: [1], Role.TOWNSHIP_LEADER: [2], Role.TOWNSHIP_SECRETARY: [3]}
    assert weekly_signer_role(full) is Role.VILLAGE_SECRETARY
    assert weekly_signer_role({**full, Role.VILLAGE_SECRETARY: []}) is Role.TOWNSHIP_LEADER
    no_leader = {Role.TOWNSHIP_SECRETARY: [3]}
    assert weekly_signer_role(no_leader) is Role.TOWNSHIP_SECRETARY
    assert weekly_signer_role({}) is None


@SETTINGS
@given(days)
def test_a_day_lies_in_its_week_monday_to_sunday(day: date) -> None:
    week = week_of(week_key(day))
    assert week.first <= day <= week.last
    assert week.first.weekday() == 0 and week.last - week.first == timedelta(days=6)
    assert week_key(week.first) == week_key(week.last) == week_key(day)


def test_a_week_across_two_years() -> None:
    assert week_key(date(2027, 1, 1)) == "2026-W53"
    week = week_of("2026-W53")
    assert (week.first, week.last) == (date(2026, 12, 28), date(2027, 1, 3))


entries = st.lists(st.tuples(days, st.booleans()), max_size=40)


@SETTINGS
@given(entries)
def test_a_month_waits_exactly_for_its_unsigned_weeks(drawn: list[tuple[date, bool]]) -> None:
    weeks = unverified_weeks(drawn)
    unsigned = [day for day, signed in drawn if not signed]
    assert (weeks == {}) == (not unsigned)  # confirmable iff every entry is verified
    assert sum(weeks.values()) == len(unsigned)
    assert set(weeks) == {week_key(day) for day in unsigned}
    assert list(weeks) == sorted(weeks, key=lambda key: week_of(key).first)
    # signing more entries never adds a week to wait for
    signed_more = [(day, True) for day, _ in drawn[: len(drawn) // 2]] + drawn[len(drawn) // 2 :]
    assert set(unverified_weeks(signed_more)) <= set(weeks)


def test_why_a_week_waits() -> None:
    assert gap_reason(signer_bound=False) is Gap.NOT_BOUND
    assert gap_reason(signer_bound=True) is Gap.NOT_SIGNED


_DIARY_CHARS = st.sampled_from(list("走访群众诉求村民代表。！？，；\n abc."))


@given(st.text(_DIARY_CHARS, max_size=400), st.integers(min_value=1, max_value=120))
@settings(max_examples=300)
def test_split_text_loses_nothing_and_keeps_every_part_within_the_limit(text, limit):
    parts = split_text(text, limit)
    assert all(0 < len(part) <= limit for part in parts)
    assert all(part == part.strip() for part in parts)
    assert "".join("".join(parts).split()) == "".join(text.split())
    assert parts or not text.strip()


def test_a_long_entry_breaks_at_a_sentence_end_into_as_few_parts_as_fit():
    sentence = "今天走访了三户贫困家庭，了解到饮水管道冬季容易冻裂。"  # 26 characters
    text = sentence * 160  # 4,160 characters: one Telegram message, over 3,000
    parts = split_text(text, 3000)
    assert len(parts) == 2
    assert parts[0].endswith("。") and len(parts[0]) == 26 * 115
    assert "".join(parts) == text


def test_text_within_the_limit_is_one_part_and_blank_text_none():
    assert split_text("  走访  ", 3000) == ["走访"]
    assert split_text(" \n ", 3000) == []
