"""Work funds (Art. 20): 第一书记每人每年1万元、驻村工作队每队每年1万元, paid to the village
account and signed off (签字报账) by the First Secretary.

Money is counted in fen (分, integers): yuan amounts with decimals never go through
floating point. An expense over the balance is refused, saying the balance.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain.errors import DomainError
from domain.roles import Role

FEN_PER_YUAN = 100
#: A year's allocation per First Secretary and per work team, in fen.
ANNUAL_ALLOCATION_FEN = 10_000 * FEN_PER_YUAN
MAX_PURPOSE_CHARS = 200
#: Who may open /funds: the First Secretary, who signs every expense off; a team member
#: and the village secretary are answered with whom to hand their receipts to.
FUNDS_ROLES = frozenset({Role.FIRST_SECRETARY, Role.TEAM_MEMBER, Role.VILLAGE_SECRETARY})


class Fund(StrEnum):
    """A village's two funds (the stored codes): the First Secretary's 1万元 and the work
    team's 1万元. Both are paid to the village account and signed off by the First
    Secretary."""

    FIRST_SECRETARY = "first_secretary"
    TEAM = "team"


_AMOUNT = re.compile(r"^\s*(?:¥|￥)?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?\s*(?:元)?\s*$")


def parse_yuan(text: str) -> int:
    """A positive amount in yuan as typed (``1,234.5``, ``¥80``, ``300元``), in fen."""
    match = _AMOUNT.match(text or "")
    if match is None:
        raise DomainError("funds.bad_amount", value=text)
    whole, cents = match.group(1).replace(",", ""), (match.group(2) or "").ljust(2, "0")
    fen = int(whole) * FEN_PER_YUAN + int(cents)
    if fen <= 0:
        raise DomainError("funds.bad_amount", value=text)
    return fen


def yuan_text(fen: int) -> str:
    """Fen as yuan with two decimals and thousands separators (``10,000.00``)."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}{whole:,}.{cents:02d}"


@dataclass(frozen=True)
class Expense:
    day: date
    amount_fen: int
    purpose: str


def balance_fen(allocated_fen: Iterable[int], expenses: Iterable[Expense]) -> int:
    return sum(allocated_fen) - sum(e.amount_fen for e in expenses)


def check_expense(expense: Expense, balance: int, year: int) -> None:
    """Refuse an expense the fund cannot carry, or outside the fund's year, or without a
    purpose (a statement line nobody can account for)."""
    purpose = expense.purpose.strip()
    if not purpose:
        raise DomainError("funds.no_purpose")
    if len(purpose) > MAX_PURPOSE_CHARS:
        raise DomainError("funds.purpose_too_long", length=len(purpose), limit=MAX_PURPOSE_CHARS)
    if expense.day.year != year:
        raise DomainError("funds.other_year", day=expense.day, year=year)
    if expense.amount_fen > balance:
        raise DomainError(
            "funds.over_balance",
            amount=yuan_text(expense.amount_fen),
            balance=yuan_text(balance),
        )
