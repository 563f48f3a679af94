"""Phone numbers: one canonical form so a roster row and a shared contact match."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import InvalidPhone
from domain.phone import masked, normalise_phone

SETTINGS = settings(max_examples=200, deadline=None)
CANON = "+8613800138000"


@pytest.mark.parametrize(
    "raw",
    [
        "138 0013 8000",
        "+86-138-0013-8000",
        "008613800138000",
        "8613800138000",
        "+86 138 0013 8000",
        "+8613800138000",
        "13800138000",
        " 138-0013-8000 ",
        "(+86) 138 0013 8000",
        "138\u30000013\u30008000",  # ideographic spaces
        "0086 138 0013 8000",
    ],
)
def test_formats_normalise_to_one(raw: str) -> None:
    assert normalise_phone(raw) == CANON


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "abc",
        "138OO138OOO",  # letter O
        "1380013800x",
        "123",
        "1380013",
        "+",
        "+86",
        "１３８００１３８０００",  # full-width digits
        "23800138000",  # 11 digits, not a mobile, no country code
        "0138001380",
        "+0123456789",
        "+1234567",  # 7 digits after +
        "+1234567890123456",  # 16 digits after +
    ],
)
def test_garbage_raises(raw: str) -> None:
    with pytest.raises(InvalidPhone):
        normalise_phone(raw)


def test_none_raises() -> None:
    with pytest.raises(InvalidPhone):
        normalise_phone(None)  # type: ignore[arg-type]


SEP = st.sampled_from(["", " ", "-", ".", "\u3000"])
mobiles = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)


@st.composite
def written_mobiles(draw) -> tuple[str, str]:
    """A Chinese mobile written the way people do; returns (number, how it was written)."""
    number = draw(mobiles)
    prefix = draw(st.sampled_from(["", "+86", "86", "0086", "+86 ", "+86-", "0086 "]))
    sep = draw(SEP)
    body = sep.join([number[:3], number[3:7], number[7:]])
    return number, prefix + body


@SETTINGS
@given(written_mobiles())
def test_any_written_mobile_normalises(case) -> None:
    number, raw = case
    assert normalise_phone(raw) == "+86" + number


phoneish = st.text(alphabet="0123456789+- ()", max_size=20)


@SETTINGS
@given(st.one_of(phoneish, st.text(max_size=20), written_mobiles().map(lambda c: c[1])))
def test_normalise_is_idempotent(raw: str) -> None:
    try:
        once = normalise_phone(raw)
    except InvalidPhone:
        return
    assert re.fullmatch(r"\+[1-9][0-9]{7,14}", once)
    assert normalise_phone(once) == once


def test_masked_example() -> None:
    assert masked(CANON) == "+86138****8000"
    assert "0013" not in masked(CANON)


@SETTINGS
@given(mobiles)
def test_masked_hides_the_middle_of_a_mobile(number: str) -> None:
    phone = normalise_phone(number)
    m = masked(phone)
    # +86 and the first 3 digits, then ****, then the last 4: the middle 4 are gone.
    assert m == phone[:6] + "****" + phone[-4:]
    assert len(re.sub(r"\D", "", m)) == len(re.sub(r"\D", "", phone)) - 4
    assert number[3:7] not in m.replace(number[:3], "", 1).replace(number[-4:], "")


@SETTINGS
@given(st.from_regex(r"\+[1-9][0-9]{7,14}", fullmatch=True))
def test_masked_never_shows_a_whole_number(phone: str) -> None:
    m = masked(phone)
    assert "*" in m
    digits = re.sub(r"\D", "", m)
    assert len(digits) < len(phone) - 1  # at least one digit hidden
    assert phone[1:] not in m
