"""Work funds (Art. 20): allocations, expenses, the balance, and the yearly statement's
rows (``storage.tables.work_funds``). Amounts are fen."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_
from sqlmodel import col, select

from storage.repositories._base import Repository
from storage.tables import Assignment, Person, Township, Village
from storage.tables.work_funds import FundAllocation, FundExpense

#: The fund kinds as stored, in the statement's order.
FUNDS = ("first_secretary", "team")


@dataclass
class FundLedger:
    """One fund's year for the statement: where it is, who held it, what came and went."""

    township: str
    village: str
    village_id: int
    fund: str
    holders: list[str] = field(default_factory=list)
    allocated_fen: int = 0
    expenses: list[FundExpense] = field(default_factory=list)

    @property
    def spent_fen(self) -> int:
        return sum(e.amount_fen for e in self.expenses)

    @property
    def balance_fen(self) -> int:
        return self.allocated_fen - self.spent_fen


class FundRepository(Repository):
    def allocation(self, year: int, village_id: int, fund: str) -> FundAllocation | None:
        return self.session.exec(
            select(FundAllocation).where(
                FundAllocation.year == year,
                FundAllocation.village_id == village_id,
                FundAllocation.fund == fund,
            )
        ).first()

    def allocations(self, year: int) -> list[FundAllocation]:
        return list(self.session.exec(select(FundAllocation).where(FundAllocation.year == year)))

    def spent_fen(self, year: int, village_id: int, fund: str) -> int:
        total = self.session.exec(
            select(func.coalesce(func.sum(FundExpense.amount_fen), 0)).where(
                FundExpense.year == year,
                FundExpense.village_id == village_id,
                FundExpense.fund == fund,
            )
        ).one()
        return int(total)

    def balance_fen(self, year: int, village_id: int, fund: str) -> int:
        """What is left of the year's allocation (0 allocated: nothing to spend)."""
        allocation = self.allocation(year, village_id, fund)
        allocated = allocation.amount_fen if allocation is not None else 0
        return allocated - self.spent_fen(year, village_id, fund)

    def expenses(self, year: int, village_id: int, fund: str) -> list[FundExpense]:
        return list(
            self.session.exec(
                select(FundExpense)
                .where(
                    FundExpense.year == year,
                    FundExpense.village_id == village_id,
                    FundExpense.fund == fund,
                )
                .order_by(col(FundExpense.day), col(FundExpense.id))
            )
        )

    def villages_with_cadres(self, year: int) -> dict[str, list[int]]:
        """fund kind → the villages with a cadre of that kind posted some day of ``year``
        (a First Secretary: the First Secretary's fund; a team member: the team's)."""
        first, last = date(year, 1, 1), date(year, 12, 31)
        query = (
            select(Person.role, Assignment.village_id)
            .join(Assignment, col(Assignment.person_id) == Person.id)
            .where(
                col(Person.role).in_(["first_secretary", "team_member"]),
                Assignment.start <= last,
                or_(col(Assignment.end).is_(None), col(Assignment.end) >= first),
            )
            .distinct()
        )
        found: dict[str, set[int]] = {fund: set() for fund in FUNDS}
        for role, village_id in self.session.exec(query).all():
            found["first_secretary" if role == "first_secretary" else "team"].add(village_id)
        return {fund: sorted(ids) for fund, ids in found.items()}

    def statement(self, year: int, township_id: int | None = None) -> list[FundLedger]:
        """Every fund allocated or spent from in ``year`` (in ``township_id``), by
        township, village and fund, with the cadres who held it that year (a transfer
        mid-year names both, in posting order): four queries whatever the roster's size."""
        ledgers: dict[tuple[int, str], FundLedger] = {}
        places = select(Village, Township).join(Township, col(Township.id) == Village.township_id)
        if township_id is not None:
            places = places.where(Village.township_id == township_id)
        where = {v.id: (v, t) for v, t in self.session.exec(places).all()}

        def ledger(village_id: int, fund: str) -> FundLedger | None:
            if village_id not in where:
                return None
            if (village_id, fund) not in ledgers:
                village, township = where[village_id]
                ledgers[village_id, fund] = FundLedger(
                    township.name, village.name, village_id, fund
                )
            return ledgers[village_id, fund]

        for allocation in self.allocations(year):
            if (found := ledger(allocation.village_id, allocation.fund)) is not None:
                found.allocated_fen = allocation.amount_fen
        expenses = select(FundExpense).where(FundExpense.year == year)
        for expense in self.session.exec(
            expenses.order_by(col(FundExpense.day), col(FundExpense.id))
        ):
            if (found := ledger(expense.village_id, expense.fund)) is not None:
                found.expenses.append(expense)
        first, last = date(year, 1, 1), date(year, 12, 31)
        holders = (
            select(Person.name, Person.role, Assignment.village_id)
            .join(Assignment, col(Assignment.person_id) == Person.id)
            .where(
                col(Person.role).in_(["first_secretary", "team_member"]),
                Assignment.start <= last,
                or_(col(Assignment.end).is_(None), col(Assignment.end) >= first),
            )
            .order_by(col(Assignment.start), col(Person.id))
        )
        for name, role, village_id in self.session.exec(holders).all():
            fund = "first_secretary" if role == "first_secretary" else "team"
            found = ledgers.get((village_id, fund))
            if found is not None and name not in found.holders:
                found.holders.append(name)
        order = {fund: i for i, fund in enumerate(FUNDS)}
        return sorted(ledgers.values(), key=lambda x: (x.township, x.village, order.get(x.fund, 9)))
