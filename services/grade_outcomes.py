"""What a year's grade brings (Art. 30): each dispatching unit pays its cadres a one-off
reward (优秀 800, 称职 500 yuan) and recalls a cadre rated 不称职, with a district-wide
notice, and selects a replacement.

``after_grading`` runs in the grading transaction wherever a grade is stored (recorded,
imported, imposed by spot checks). It tells each unit whose cadres' grades changed its
list of rewards, and opens a recall for each new 不称职. Both go through the reminder
outbox, unique on (recipient, kind, period): a unit's list is keyed by what it lists (so
the same grades recorded again send nothing, a corrected grade a corrected list), a
recall by cadre and year and opened once (``GradeRecall``), whatever regrading follows.

The recall marks the posting ``recall_pending``, the mark a leave over 30 days leaves
(Art. 11): the district's list of recalls (/status) shows it until the roster gives the
village a new posting. Its notice goes to those who act on it: org_dept and
poverty_bureau (the district's departments: the notice is theirs, and they select the
replacement with the unit), the cadre's township secretary (the village in the
meantime) and the dispatching unit (which recalls).
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby

from domain.assessment import Grade, recalled, reward_yuan
from domain.roles import DISTRICT_DEPARTMENTS, Role
from services.outbox import Draft, enqueue
from storage.sweeps import HolderRow
from storage.tables import GradeRecall
from storage.unit_of_work import UnitOfWork

REWARDS_KIND = "grade_rewards"
RECALL_KIND = "grade_recall"


@dataclass(frozen=True)
class RewardRow:
    """A cadre assessed for the year, with the unit that posted them (their latest
    posting of the year: a cadre moved mid-year is rewarded by the unit they ended with)."""

    cadre_id: int
    name: str
    role: str
    township_id: int
    township: str
    village: str
    unit_id: int
    unit: str
    assignment_id: int
    end: date | None
    grade: Grade | None

    @property
    def yuan(self) -> int:
        return reward_yuan(self.grade) if self.grade is not None else 0

    @property
    def recalled(self) -> bool:
        return self.grade is not None and recalled(self.grade)


def reward_rows(uow: UnitOfWork, year: int, *, unit_id: int | None = None) -> list[RewardRow]:
    """The cadres posted in ``year`` (of one unit), by unit, township, village and name."""
    grades = uow.grades.for_year(year)
    rows = [
        RewardRow(
            p.person_id,
            p.name,
            p.role,
            p.township_id,
            p.township,
            p.village,
            p.unit_id,
            p.unit,
            p.assignment_id,
            p.end,
            Grade(grades[p.person_id].grade) if p.person_id in grades else None,
        )
        for p in uow.roster.postings(date(year, 1, 1), date(year, 12, 31), unit_id=unit_id)
    ]
    return sorted(rows, key=lambda r: (r.unit, r.unit_id, r.township, r.village, r.name))


def after_grading(
    uow: UnitOfWork, year: int, cadre_ids: Collection[int], now: datetime
) -> list[Draft]:
    """The notices the grades of ``cadre_ids`` for ``year`` bring (stored in the outbox,
    in the caller's transaction); returns those that are new."""
    if not cadre_ids:
        return []
    uow.flush()
    changed = set(cadre_ids)
    rows = reward_rows(uow, year)
    units = {r.unit_id for r in rows if r.cadre_id in changed}
    holders = uow.roster.holders([Role.UNIT_LEADER, Role.TOWNSHIP_SECRETARY, *DISTRICT_DEPARTMENTS])
    drafts: list[Draft] = []
    for row in rows:
        if row.cadre_id in changed and row.recalled:
            drafts += _open_recall(uow, row, year, holders, now)
    for _unit, unit_rows in groupby(
        (r for r in rows if r.unit_id in units), key=lambda r: r.unit_id
    ):
        drafts += _rewards_list(list(unit_rows), year, holders)
    return enqueue(uow, drafts, now)


def _leaders_of(holders: list[HolderRow], unit_id: int) -> list[int]:
    return [h.person_id for h in holders if h.role == Role.UNIT_LEADER and h.unit_id == unit_id]


def _rewards_list(rows: list[RewardRow], year: int, holders: list[HolderRow]) -> list[Draft]:
    """The unit's list: its graded cadres by grade, the total, how many wait for a grade."""
    graded = [r for r in rows if r.grade is not None]
    if not graded:
        return []
    digest = hashlib.sha1(
        ";".join(
            f"{r.cadre_id}:{r.grade}" for r in sorted(graded, key=lambda r: r.cadre_id)
        ).encode()
    ).hexdigest()[:12]
    lines = [
        {
            "param": grade.value,
            "key": f"assess.reward_line_{grade.value}",
            "items": [
                {"name": r.name, "village": r.village, "yuan": r.yuan}
                for r in graded
                if r.grade is grade
            ],
            "empty": "assess.reward_none",
        }
        for grade in Grade
    ]
    ungraded = len(rows) - len(graded)
    payload = {
        "key": "assess.rewards_unit",
        "params": {
            "year": year,
            "unit": rows[0].unit,
            "total": sum(r.yuan for r in graded),
            "graded": len(graded),
        },
        "lines": lines,
    }
    if ungraded:
        payload["parts"] = [{"key": "assess.rewards_ungraded", "params": {"count": ungraded}}]
    return [
        Draft(pid, REWARDS_KIND, f"{year}-{digest}", payload)
        for pid in _leaders_of(holders, rows[0].unit_id)
    ]


def _open_recall(
    uow: UnitOfWork, row: RewardRow, year: int, holders: list[HolderRow], now: datetime
) -> list[Draft]:
    """Record the recall (once per cadre and year), mark the posting for the district's
    list of recalls while it is still open, and address the district-wide notice."""
    if uow.assessments.recall(row.cadre_id, year) is not None:
        return []
    posting = next(
        (a for a in uow.assignments.for_person(row.cadre_id) if a.id == row.assignment_id), None
    )
    if posting is not None and (posting.end is None or posting.end >= now.date()):
        posting.recall_pending = True
    uow.assessments.add(
        GradeRecall(
            cadre_id=row.cadre_id, year=year, assignment_id=row.assignment_id, opened_at=now
        )
    )
    uow.audit.record(now, None, "grade_recall", f"grade:{row.cadre_id}:{year}", unit=row.unit)
    told = [
        h.person_id
        for h in holders
        if h.role in DISTRICT_DEPARTMENTS
        or (h.role == Role.TOWNSHIP_SECRETARY and h.township_id == row.township_id)
        or (h.role == Role.UNIT_LEADER and h.unit_id == row.unit_id)
    ]
    params = {
        "name": row.name,
        "village": row.village,
        "township": row.township,
        "unit": row.unit,
        "year": year,
    }
    payload = {"key": "assess.recall_notice", "params": params}
    return [Draft(pid, RECALL_KIND, f"{year}-{row.cadre_id}", payload) for pid in told]
