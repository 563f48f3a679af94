"""Annual grades (年度考核, Art. 26 and 30): one per cadre and year, 优秀 for at most 20% of
the cadres assessed, and the 不称职 a third unexcused absence at a spot check imposes.

The cap is checked against what is stored after the change, in the caller's transaction:
a grade that would take 优秀 over 20% raises and the unit of work rolls it back, so the
database never holds more 优秀 than the rule allows, whoever records them (bot, import).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from domain.assessment import Grade, check_excellent_share, excellent_cap
from domain.errors import DomainError
from domain.roles import CADRE_ROLES, GRADERS
from services.grade_outcomes import after_grading
from storage.ids import id_of
from storage.tables import AssessmentGrade, Person
from storage.unit_of_work import UnitOfWork


class GradeSource(StrEnum):
    MANUAL = "manual"
    IMPORT = "import"
    SPOT_CHECK = "spot_check"  # the 不称职 of Art. 26.3, which no official may lift


class Change(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class GradeSummary:
    """The year's grades against the cap: ``total`` cadres assessed (posted that year)."""

    year: int
    total: int
    excellent: int
    competent: int
    incompetent: int

    @property
    def cap(self) -> int:
        return excellent_cap(self.total)

    @property
    def ungraded(self) -> int:
        return max(0, self.total - self.excellent - self.competent - self.incompetent)

    @property
    def excellent_percent(self) -> float:
        return round(100 * self.excellent / self.total, 1) if self.total else 0.0

    @property
    def within_cap(self) -> bool:
        return self.excellent <= self.cap


def assessed_ids(uow: UnitOfWork, year: int) -> set[int]:
    """Cadres posted at any time in ``year``: those the year's assessment covers."""
    return {p.person_id for p in uow.roster.postings(date(year, 1, 1), date(year, 12, 31))}


def summary(uow: UnitOfWork, year: int) -> GradeSummary:
    assessed = assessed_ids(uow, year)
    grades = [g.grade for cid, g in uow.grades.for_year(year).items() if cid in assessed]
    return GradeSummary(
        year,
        len(assessed),
        grades.count(Grade.EXCELLENT),
        grades.count(Grade.COMPETENT),
        grades.count(Grade.INCOMPETENT),
    )


def check_cap(uow: UnitOfWork, year: int) -> None:
    """Raise ``error.excellent_cap`` if the stored 优秀 of ``year`` exceed 20%."""
    uow.flush()
    s = summary(uow, year)
    check_excellent_share(s.excellent, s.total)


def put_grade(
    uow: UnitOfWork,
    cadre: Person,
    year: int,
    grade: Grade,
    *,
    by: Person | None,
    source: GradeSource,
    now: datetime,
) -> Change:
    """Store ``grade`` without checking the cap (the caller checks once, after all of its
    changes: an import may lower one 优秀 and raise another). A 不称职 imposed by spot checks
    stays."""
    assert cadre.id is not None, "the cadre is stored"
    row = uow.grades.get(cadre.id, year)
    if (
        row is not None
        and row.source == GradeSource.SPOT_CHECK
        and row.grade == Grade.INCOMPETENT
        and grade != Grade.INCOMPETENT
    ):
        raise DomainError("grade.locked_by_spot_checks", name=cadre.name, year=year)
    if row is not None and row.grade == grade:
        return Change.UNCHANGED
    before = row.grade if row is not None else None
    if row is None:
        uow.grades.add(
            AssessmentGrade(
                cadre_id=cadre.id,
                year=year,
                grade=grade,
                graded_by_id=by.id if by else None,
                source=source,
                at=now,
            )
        )
    else:
        row.grade, row.source, row.at = grade, source, now
        row.graded_by_id = by.id if by else None
    uow.audit.record(
        now,
        by.id if by else None,
        "grade",
        f"grade:{cadre.id}:{year}",
        grade=str(grade),
        before=before,
        source=str(source),
    )
    return Change.NEW if row is None else Change.UPDATED


def record_grade(
    uow: UnitOfWork,
    cadre_id: int,
    year: int,
    grade: Grade,
    *,
    by: Person | None,
    now: datetime,
    source: GradeSource = GradeSource.MANUAL,
) -> Change:
    """Record one cadre's grade for ``year``; refuses anything over the 20% cap on 优秀."""
    if by is not None and by.role not in GRADERS:
        raise DomainError("error.role_cannot")
    cadre = uow.people.get(cadre_id)
    if cadre is None or cadre.role not in CADRE_ROLES:
        raise DomainError("grade.not_a_cadre")
    if cadre.id not in assessed_ids(uow, year):
        raise DomainError("grade.not_posted", name=cadre.name, year=year)
    change = put_grade(uow, cadre, year, grade, by=by, source=source, now=now)
    check_cap(uow, year)
    if change is not Change.UNCHANGED:  # the unit's rewards, a 不称职's recall (Art. 30)
        after_grading(uow, year, [id_of(cadre)], now)
    return change


def impose_incompetent(uow: UnitOfWork, cadre: Person, year: int, now: datetime) -> Change:
    """The third unexcused absence at a spot check: 通报 and the year's grade 不称职
    (Art. 26.3), whatever was recorded before."""
    row = uow.grades.get(id_of(cadre), year)
    if row is not None and row.grade == Grade.INCOMPETENT:
        if row.source != GradeSource.SPOT_CHECK:
            row.source = GradeSource.SPOT_CHECK
        return Change.UNCHANGED
    change = put_grade(
        uow, cadre, year, Grade.INCOMPETENT, by=None, source=GradeSource.SPOT_CHECK, now=now
    )
    after_grading(uow, year, [id_of(cadre)], now)  # the recall of Art. 30
    return change
