"""The annual sheet's 「规划与目标」 worksheet (Art. 14, 15): for each cadre of the annual
sheet, the day they filed their three-year plan, the year's goals and each half year's
written report (blank cells say 未报), so the year-end assessment sees them beside the
figures. The documents themselves reached each recipient when they were filed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, tzinfo
from typing import Any, Protocol

from domain.filings import FilingKind
from services.reports.workbook import cell, finish
from storage.unit_of_work import UnitOfWork

#: The filings listed, as (column key, kind, period of the year).
FILED: tuple[tuple[str, FilingKind, Callable[[int], str]], ...] = (
    ("plans_three_year_plan", FilingKind.THREE_YEAR_PLAN, lambda _year: "term"),
    ("plans_year_goals", FilingKind.YEAR_GOALS, str),
    ("plans_half_year_1", FilingKind.HALF_YEAR, lambda year: f"{year}-H1"),
    ("plans_half_year_2", FilingKind.HALF_YEAR, lambda year: f"{year}-H2"),
)
COLUMNS: tuple[str, ...] = ("name", "township", "village", *(key for key, _k, _p in FILED))


@dataclass(frozen=True)
class PlanRow:
    """A cadre and the day each filing was made (None: not filed)."""

    person_id: int
    name: str
    township: str
    village: str
    filed: tuple[date | None, ...]


class Cadre(Protocol):
    """What a plans row needs of an annual row (``AnnualRow`` has it)."""

    @property
    def person_id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def township(self) -> str: ...
    @property
    def village(self) -> str: ...


def gather_plans(
    uow: UnitOfWork, year: int, cadres: Sequence[Cadre], zone: tzinfo
) -> list[PlanRow]:
    """The rows for ``cadres`` (the annual sheet's), in their order: one query per kind."""
    ids = [c.person_id for c in cadres]
    found = [uow.filings.filed(ids, kind, period(year)) for _key, kind, period in FILED]
    return [
        PlanRow(
            c.person_id,
            c.name,
            c.township,
            c.village,
            tuple(
                by[c.person_id].filed_at.astimezone(zone).date() if c.person_id in by else None
                for by in found
            ),
        )
        for c in cadres
    ]


def write_plans(workbook: Any, rows: Sequence[PlanRow], label: Callable[[str], str]) -> None:
    """Add the worksheet to an openpyxl ``workbook``; ``label`` gives every word
    (``plans_sheet``, the column keys, ``plans_not_filed``)."""
    ws = workbook.create_sheet(label("plans_sheet")[:31])
    ws.append([label(key) for key in COLUMNS])
    missing = label("plans_not_filed")
    for row in rows:
        dates = [day.isoformat() if day else missing for day in row.filed]
        ws.append([cell(v) for v in (row.name, row.township, row.village, *dates)])
    finish(ws, bold_rows=())
