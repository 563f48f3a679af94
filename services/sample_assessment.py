"""The demo's assessment records (Art. 26-30): the township's 半年考核 of 张三 with a note
on each item (a 日常考核 before the end of June), a 民主测评 of 23 raters, and the year's
grades that give his unit its list of rewards (/report's 🏅 button, ``cadrebot report
rewards``).

Grades respect the 20% cap on 优秀 (Art. 26): with the sample's three cadres no one may be
rated 优秀 (3 × 20% rounds down to 0), so the sample's rewards are two 称职 of 500 yuan;
王五, near the removal trigger, is left ungraded.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.assessment import AssessmentItem, AssessmentKind, EvidenceKind, Grade
from services.grades import GradeSource, put_grade
from storage.ids import id_of
from storage.tables import AssessmentRecord, Person
from storage.unit_of_work import UnitOfWork

HALF_YEAR_NOTES = {
    AssessmentItem.ON_POST: "上半年在村 118 天，每周在岗 5 天以上",
    AssessmentItem.VISITS: "走访全村 126 户，贫困户全覆盖",
    AssessmentItem.PROJECTS: "村自来水管网改造完工，惠及 86 户",
    AssessmentItem.WORK: "牵头成立香菇合作社，村集体年增收 3 万元",
}
RATERS = 23


def seed_sample_assessment(
    uow: UnitOfWork, people: dict[str, Person], today: date, zone: ZoneInfo
) -> None:
    """Add the records and grades (in the caller's unit of work)."""
    first = date(today.year, 1, 1)
    # before the end of June no 半年考核 is due yet: the township's 日常考核 stands in
    half_year = today > date(today.year, 6, 28)
    half_day = date(today.year, 6, 28) if half_year else max(first, today - timedelta(days=1))
    rating_day = max(first, today - timedelta(days=1))
    cadre = people["cadre"]
    uow.assessments.add(
        AssessmentRecord(
            cadre_id=id_of(cadre),
            year=today.year,
            day=half_day,
            kind=AssessmentKind.HALF_YEAR if half_year else AssessmentKind.DAILY,
            on_post=HALF_YEAR_NOTES[AssessmentItem.ON_POST],
            visits=HALF_YEAR_NOTES[AssessmentItem.VISITS],
            projects=HALF_YEAR_NOTES[AssessmentItem.PROJECTS],
            work=HALF_YEAR_NOTES[AssessmentItem.WORK],
            recorded_by_id=people["township_secretary"].id,
            recorded_at=datetime.combine(half_day, time(9, 0), zone),
        )
    )
    uow.assessments.add(
        AssessmentRecord(
            cadre_id=id_of(cadre),
            year=today.year,
            day=rating_day,
            kind=EvidenceKind.DEMOCRATIC_RATING,
            count=RATERS,
            note="优秀 15 票、称职 8 票",
            recorded_by_id=people["org_dept"].id,
            recorded_at=datetime.combine(rating_day, time(15, 0), zone),
        )
    )
    at = datetime.combine(rating_day, time(16, 0), zone)
    for key in ("cadre", "cadre2"):
        put_grade(
            uow,
            people[key],
            today.year,
            Grade.COMPETENT,
            by=people["org_dept"],
            source=GradeSource.MANUAL,
            now=at,
        )
