"""The yearly statement of the work funds (工作经费收支表, Art. 20) for the township and
the district: per fund (township, village, the cadres who held it that year) the
allocation, what was spent and the balance, with totals; and each expense (day, purpose,
amount, whether a receipt photo was kept), so a township can ask for the receipts a
statement line lacks.

Only the year's own allocation and expenses count: a new year is a new allocation, and
last year's are last year's statement. Amounts are yuan with two decimals (fen in the
database, converted once here); values are plain numbers and words, never formulas.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from domain.work_funds import FEN_PER_YUAN
from services.reports.workbook import cell, finish
from storage.repositories.work_funds import FundLedger
from storage.unit_of_work import UnitOfWork

#: The funds worksheet's columns; ``label(key)`` gives each header.
FUND_COLUMNS = (
    "township",
    "village",
    "fund",
    "holders",
    "allocated",
    "expense_count",
    "spent",
    "balance",
)
#: The expenses worksheet's columns.
EXPENSE_COLUMNS = ("township", "village", "fund", "day", "purpose", "amount", "receipt")
MONEY = "#,##0.00"


@dataclass(frozen=True)
class FundsStatement:
    year: int
    ledgers: list[FundLedger]

    @property
    def allocated_fen(self) -> int:
        return sum(x.allocated_fen for x in self.ledgers)

    @property
    def spent_fen(self) -> int:
        return sum(x.spent_fen for x in self.ledgers)

    @property
    def balance_fen(self) -> int:
        return self.allocated_fen - self.spent_fen


def gather(uow: UnitOfWork, year: int, township_id: int | None = None) -> FundsStatement:
    """Every fund of ``year`` allocated or spent from, in ``township_id`` or the district."""
    return FundsStatement(year, uow.funds.statement(year, township_id))


def _yuan(fen: int) -> float:
    return fen / FEN_PER_YUAN


def to_xlsx(statement: FundsStatement, label: Callable[[str], str]) -> bytes:
    """The workbook: the funds (one row each, then the totals) and their expenses (one row
    each, then the total). ``label(key)`` gives every word: the column keys, the fund
    codes, ``total``, ``yes``/``no``, ``sheet_funds``/``sheet_expenses``."""
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    workbook = Workbook()
    ws = workbook.active
    assert isinstance(ws, Worksheet), "a new workbook opens on a worksheet"
    ws.title = label("sheet_funds")[:31]
    ws.append([label(key) for key in FUND_COLUMNS])
    for x in statement.ledgers:
        ws.append(
            [
                cell(x.township),
                cell(x.village),
                label(x.fund),
                cell("、".join(x.holders)),
                _yuan(x.allocated_fen),
                len(x.expenses),
                _yuan(x.spent_fen),
                _yuan(x.balance_fen),
            ]
        )
    count = sum(len(x.expenses) for x in statement.ledgers)
    ws.append(
        [
            label("total"),
            "",
            "",
            "",
            _yuan(statement.allocated_fen),
            count,
            _yuan(statement.spent_fen),
            _yuan(statement.balance_fen),
        ]
    )
    _money(ws, (5, 7, 8))
    finish(ws, bold_rows=(len(statement.ledgers) + 2,))

    detail = workbook.create_sheet(label("sheet_expenses")[:31])
    detail.append([label(key) for key in EXPENSE_COLUMNS])
    for x in statement.ledgers:
        for e in x.expenses:
            detail.append(
                [
                    cell(x.township),
                    cell(x.village),
                    label(x.fund),
                    e.day.isoformat(),
                    cell(e.purpose),
                    _yuan(e.amount_fen),
                    label("yes" if e.receipt_file_id else "no"),
                ]
            )
    detail.append([label("total"), "", "", "", "", _yuan(statement.spent_fen), ""])
    _money(detail, (6,))
    finish(detail, bold_rows=(count + 2,))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _money(ws: object, columns: tuple[int, ...]) -> None:
    """Show the amounts with two decimals and thousands separators."""
    for row in ws.iter_rows(min_row=2):  # type: ignore[attr-defined]
        for index in columns:
            row[index - 1].number_format = MONEY
