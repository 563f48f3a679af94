"""民情日记 (Art. 12) as rules: who verifies a village's weeks, how a week is named, and
when a month may be confirmed.

每周由所驻村党支部书记签字核实，每月由镇(办)党委书记签字确认: the month's confirmation
rests on the weeks' verification, so a month is confirmable only once every entry in it
carries its weekly signature. No database, no Telegram, no clock.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from enum import StrEnum

from domain.attendance import Period
from domain.roles import WEEKLY_SIGNERS as WEEKLY_SIGNERS  # its old home; defined with the roles
from domain.roles import Role


def weekly_signer_role(holders: Mapping[Role, Sequence[int]]) -> Role | None:
    """The first role of ``WEEKLY_SIGNERS`` somebody holds for the village (``holders``:
    role → the active people holding it there); None when nobody can verify its weeks."""
    for role in WEEKLY_SIGNERS:
        if holders.get(role):
            return role
    return None


def week_key(day: date) -> str:
    """The stored name of a day's week, the ISO week (``2026-W49``). People never read
    it: they are shown the week's dates (``week_of``)."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_of(key: str) -> Period:
    """Monday to Sunday of an ISO week key (``2026-W49`` → 2026-11-30 to 2026-12-06)."""
    year, week = key.split("-W")
    first = date.fromisocalendar(int(year), int(week), 1)
    return Period(first, first + timedelta(days=6))


class Gap(StrEnum):
    """Why a week of a month is not verified yet (what the township secretary is told).

    There is always somebody to verify it when a township secretary is there to confirm
    the month (the chain ends with them), so the reasons are about that somebody."""

    NOT_BOUND = "not_bound"  # the signer is in the roster but has not started the bot
    NOT_SIGNED = "not_signed"  # the signer has the entries and has not signed them yet


def gap_reason(signer_bound: bool) -> Gap:
    """The reason a week waits: whether its signer can be reached in the bot at all
    (then the township chases them to bind) or has simply not signed yet."""
    return Gap.NOT_SIGNED if signer_bound else Gap.NOT_BOUND


def unverified_weeks(entries: Iterable[tuple[date, bool]]) -> dict[str, int]:
    """Of a month's entries (their day, and whether they carry a weekly signature): each
    week that has an unsigned entry → how many, in calendar order. Empty: the month may be
    confirmed. A week that straddles two months is judged by the entries of this month
    only (a signature counts for the entries it names)."""
    unsigned = Counter(week_key(day) for day, signed in entries if not signed)
    return {key: unsigned[key] for key in sorted(unsigned)}


#: Where a long entry may be broken, best first: a paragraph, then a sentence, then a
#: clause. A part never ends inside a word of these languages unless no break exists.
_BREAKS: tuple[tuple[str, ...], ...] = (
    ("\n",),
    ("。", "！", "？", ".", "!", "?"),
    ("；", "，", ";", ","),
)


def split_text(text: str, limit: int) -> list[str]:
    """An over-long entry as parts of at most ``limit`` characters, broken at the last
    paragraph, sentence or clause end that fits (or exactly at the limit when none does).

    Nothing typed is lost or reordered: the parts joined again, each with the whitespace it
    was broken at, give back ``text``; only that whitespace is trimmed off a part."""
    if limit < 1:
        raise ValueError("limit must be positive")
    parts: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = _break_before(rest, limit)
        part, rest = rest[:cut].rstrip(), rest[cut:].lstrip()
        parts.append(part)
    if rest:
        parts.append(rest)
    return parts


def _break_before(text: str, limit: int) -> int:
    """The index to cut ``text`` at: just after the best break within its first ``limit``
    characters, not earlier than half of them (so parts stay of a readable size)."""
    window = text[:limit]
    for marks in _BREAKS:
        at = max(window.rfind(mark) for mark in marks)
        if at >= limit // 2:
            return at + 1
    return limit
