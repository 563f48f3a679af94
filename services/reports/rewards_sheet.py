"""The year's one-off rewards (Art. 30) by dispatching unit: each unit's cadres, their
grade and reward in yuan (优秀 800, 称职 500, 不称职 none and recalled), a subtotal per
unit and the total. The unit pays these, so the sheet is sorted by unit; org_dept and
poverty_bureau see every unit, a unit leader their own.

Who may see whose list is ``rewards_scope``: the district's roles the district (or any one
unit, by the CLI's ``--unit``), a unit leader their own unit, nobody else.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from itertools import groupby

from domain.errors import DomainError, NotAllowed
from domain.roles import DISTRICT_ROLES, Role
from services.grade_outcomes import RewardRow, reward_rows
from services.reports.workbook import cell, finish
from storage.tables import Person
from storage.unit_of_work import UnitOfWork

#: Column keys, in order; the headers are ``label(key)`` (Chinese, ``bot.reporting``).
COLUMNS = ("unit", "township", "village", "name", "role", "grade", "reward_yuan", "recall")


@dataclass(frozen=True)
class RewardsSheet:
    year: int
    rows: list[RewardRow]
    #: The unit the sheet is limited to (None: the whole district).
    unit: str | None = None

    @property
    def total(self) -> int:
        return sum(r.yuan for r in self.rows)

    def by_unit(self) -> list[tuple[str, list[RewardRow]]]:
        return [
            (rows[0].unit, rows)
            for rows in (list(g) for _, g in groupby(self.rows, key=lambda r: r.unit_id))
        ]


def rewards_scope(person: Person) -> int | None:
    """The unit ``person`` may see the rewards of (0: every unit), or None: none."""
    if person.role in DISTRICT_ROLES:
        return 0
    if person.role == Role.UNIT_LEADER and person.unit_id is not None:
        return person.unit_id
    return None


def check_scope(person: Person, unit_id: int) -> None:
    """Refuse a rewards list the person may not see (a button's data is never trusted)."""
    mine = rewards_scope(person)
    if mine is None:
        raise DomainError("error.role_cannot")
    if mine not in (0, unit_id):
        raise NotAllowed()


def gather(uow: UnitOfWork, year: int, *, unit_id: int | None = None) -> RewardsSheet:
    rows = reward_rows(uow, year, unit_id=unit_id or None)
    unit = None
    if unit_id:
        found = uow.places.unit_by_id(unit_id)
        unit = found.name if found else None
    return RewardsSheet(year, rows, unit)


def to_xlsx(sheet: RewardsSheet, label: Callable[[str], str]) -> bytes:
    """One worksheet: a row per cadre, a subtotal row per unit, the total row last.
    ``label(key)`` gives every word: the column keys, role and grade codes, ``ungraded``,
    ``recalled``, ``subtotal``, ``total``, ``sheet_rewards`` (the worksheet's title)."""
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    workbook = Workbook()
    ws = workbook.active
    assert isinstance(ws, Worksheet), "a new workbook opens on a worksheet"
    ws.title = label("sheet_rewards")[:31]
    ws.append([label(key) for key in COLUMNS])
    bold: list[int] = []
    for unit, rows in sheet.by_unit():
        for r in rows:
            ws.append(
                [
                    cell(v)
                    for v in (
                        r.unit,
                        r.township,
                        r.village,
                        r.name,
                        label(r.role),
                        label(r.grade) if r.grade else label("ungraded"),
                        r.yuan,
                        label("recalled") if r.recalled else "",
                    )
                ]
            )
        ws.append([cell(unit), "", "", label("subtotal"), "", "", sum(r.yuan for r in rows), ""])
        bold.append(ws.max_row)
    ws.append([label("total"), "", "", "", "", "", sheet.total, ""])
    bold.append(ws.max_row)
    finish(ws, bold_rows=tuple(bold))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
