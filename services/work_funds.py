"""Work funds (Art. 20): 10,000 yuan a year per First Secretary and per work team, paid
to the village account and signed off (签字报账) by the First Secretary.

Who enters what. The First Secretary enters every expense of both of their village's
funds, their own and the work team's: the regulation has the First Secretary sign each
one off, so an expense a team member typed would still wait for that signature; a team
member (and the village secretary, who keeps the village account) is refused and told to
hand the receipt to the First Secretary, named.

The fund belongs to the village posting, not to the person: its allocation and expenses
are stored by village and kind. A First Secretary transferred mid-year leaves the
balance in the village account; their successor, posted to the village, sees and spends
the same balance (and the old one no longer can). The statement names both holders.

The allocation is recorded by the district (``allocate_year``: ``cadrebot funds allocate
--year YYYY``, every village with a First Secretary, and every village with a work team,
posted some day of that year gets 10,000 yuan; rerunning adds nothing) because it is one
district-wide decision a year, taken in one place, not per village in a chat; a fund
given another amount (a partial year, a top-up) is set by name (``set_allocation``,
``--village``/``--fund``/``--amount``), never below what was already spent. A new year is
a new allocation: last year's balance and expenses stay in last year's statement.
"""

from __future__ import annotations

from datetime import date, datetime

from domain.errors import DomainError
from domain.roles import Role
from domain.work_funds import (
    ANNUAL_ALLOCATION_FEN,
    MAX_PURPOSE_CHARS,
    Expense,
    Fund,
    check_expense,
    yuan_text,
)
from storage.ids import id_of
from storage.repositories.work_funds import FundLedger
from storage.tables import FundAllocation, FundExpense, Person, Village
from storage.unit_of_work import UnitOfWork


def _first_secretary_of(uow: UnitOfWork, village_id: int, today: date) -> Person | None:
    posted = uow.assignments.cadres_posted(today, village_id=village_id)
    return next((p for p, _a, _v in posted if p.role == Role.FIRST_SECRETARY), None)


def _village_of(uow: UnitOfWork, person: Person, today: date) -> int | None:
    if person.role == Role.VILLAGE_SECRETARY:
        return person.village_id
    found = uow.assignments.posting(id_of(person), today)
    return found[1].id if found is not None else None


def signer_village(uow: UnitOfWork, person: Person, today: date) -> Village:
    """The village whose funds ``person`` signs off today: a First Secretary's posting.
    Anyone else is refused with whom to give the receipt to."""
    if person.role != Role.FIRST_SECRETARY:
        village_id = _village_of(uow, person, today)
        signer = _first_secretary_of(uow, village_id, today) if village_id else None
        if signer is None:
            raise DomainError("work_funds.no_first_secretary")
        raise DomainError("work_funds.first_secretary_signs", name=signer.name)
    found = uow.assignments.posting(id_of(person), today)
    if found is None:
        raise DomainError("work_funds.not_posted")
    return found[1]


def funds_of(uow: UnitOfWork, person: Person, today: date) -> tuple[Village, list[FundLedger]]:
    """The First Secretary's village and its funds this year: their own fund always (0
    until allocated), the team's once it has an allocation."""
    village = signer_village(uow, person, today)
    township = uow.places.township_by_id(village.township_id)
    ledgers = []
    for fund in Fund:
        allocation = uow.funds.allocation(today.year, id_of(village), fund)
        if allocation is None and fund is Fund.TEAM:
            continue
        ledgers.append(
            FundLedger(
                township.name if township else "",
                village.name,
                id_of(village),
                fund,
                allocated_fen=allocation.amount_fen if allocation else 0,
                expenses=uow.funds.expenses(today.year, id_of(village), fund),
            )
        )
    return village, ledgers


def balance_of(uow: UnitOfWork, person: Person, fund: Fund, today: date) -> int:
    """The balance of the signer's fund this year (what /status shows)."""
    village = signer_village(uow, person, today)
    return uow.funds.balance_fen(today.year, id_of(village), fund)


def check_amount(uow: UnitOfWork, person: Person, fund: Fund, amount_fen: int, today: date) -> int:
    """The balance, if the fund can carry ``amount_fen`` today; else the refusal saying
    the balance and what to do (so the chat refuses before asking for the rest)."""
    village = signer_village(uow, person, today)
    year = today.year
    if uow.funds.allocation(year, id_of(village), fund) is None:
        raise DomainError("work_funds.not_allocated", year=year)
    balance = uow.funds.balance_fen(year, id_of(village), fund)
    if amount_fen > balance:
        raise DomainError(
            "funds.over_balance", amount=yuan_text(amount_fen), balance=yuan_text(balance)
        )
    return balance


def clean_purpose(text: str) -> str:
    """The purpose as stored: trimmed; refused when empty or over the limit."""
    purpose = (text or "").strip()
    if not purpose:
        raise DomainError("funds.no_purpose")
    if len(purpose) > MAX_PURPOSE_CHARS:
        raise DomainError("funds.purpose_too_long", length=len(purpose), limit=MAX_PURPOSE_CHARS)
    return purpose


def record_expense(
    uow: UnitOfWork,
    person: Person,
    fund: Fund,
    *,
    day: date,
    amount_fen: int,
    purpose: str,
    receipt_file_id: str | None,
    now: datetime,
) -> tuple[FundExpense, int]:
    """Store one signed-off expense and its audit entry; the new balance with it. Every
    check is made again here (the balance may have moved since the amount was typed)."""
    today = now.date()
    if day > today:
        raise DomainError("work_funds.future_day", day=day)
    village = signer_village(uow, person, today)
    year = today.year
    if uow.funds.allocation(year, id_of(village), fund) is None:
        raise DomainError("work_funds.not_allocated", year=year)
    balance = uow.funds.balance_fen(year, id_of(village), fund)
    purpose = clean_purpose(purpose)
    check_expense(Expense(day, amount_fen, purpose), balance, year)
    expense = uow.funds.add(
        FundExpense(
            year=year,
            village_id=id_of(village),
            fund=fund,
            day=day,
            amount_fen=amount_fen,
            purpose=purpose,
            receipt_file_id=receipt_file_id,
            recorded_by_id=id_of(person),
            recorded_at=now,
        )
    )
    uow.audit.record(
        now,
        person.id,
        "funds:expense",
        f"fundexpense:{expense.id}",
        village=village.id,
        fund=str(fund),
        amount_fen=amount_fen,
        day=day.isoformat(),
        receipt=receipt_file_id is not None,
    )
    return expense, balance - amount_fen


def allocate_year(
    uow: UnitOfWork, year: int, now: datetime, *, amount_fen: int = ANNUAL_ALLOCATION_FEN
) -> list[FundAllocation]:
    """Give every fund of ``year`` its allocation: each village with a First Secretary
    posted some day of the year, and each with a work-team member, ``amount_fen``. A fund
    already allocated is left as it is, so a rerun (or a run after a manual amount) adds
    nothing; returns the allocations made."""
    made = []
    for fund, village_ids in uow.funds.villages_with_cadres(year).items():
        for village_id in village_ids:
            if uow.funds.allocation(year, village_id, fund) is not None:
                continue
            made.append(
                uow.funds.add(
                    FundAllocation(
                        year=year,
                        village_id=village_id,
                        fund=fund,
                        amount_fen=amount_fen,
                        allocated_at=now,
                    )
                )
            )
    for allocation in made:
        uow.audit.record(
            now,
            None,
            "funds:allocate",
            f"fundallocation:{allocation.id}",
            year=year,
            amount_fen=allocation.amount_fen,
        )
    return made


def set_allocation(
    uow: UnitOfWork,
    year: int,
    village: Village,
    fund: Fund,
    amount_fen: int,
    now: datetime,
    *,
    by: Person | None = None,
) -> FundAllocation:
    """Set one fund's allocation for ``year`` (a manual amount), never below what it has
    already spent (the expenses are signed off; the balance would be negative)."""
    spent = uow.funds.spent_fen(year, id_of(village), fund)
    if amount_fen < spent:
        raise DomainError(
            "work_funds.below_spent", amount=yuan_text(amount_fen), spent=yuan_text(spent)
        )
    allocation = uow.funds.allocation(year, id_of(village), fund)
    before = allocation.amount_fen if allocation is not None else None
    if allocation is None:
        allocation = FundAllocation(
            year=year, village_id=id_of(village), fund=fund, amount_fen=amount_fen, allocated_at=now
        )
    allocation.amount_fen, allocation.allocated_at = amount_fen, now
    allocation.allocated_by_id = by.id if by else None
    uow.funds.add(allocation)
    uow.audit.record(
        now,
        by.id if by else None,
        "funds:allocate",
        f"fundallocation:{allocation.id}",
        year=year,
        amount_fen=amount_fen,
        before_fen=before,
    )
    return allocation
