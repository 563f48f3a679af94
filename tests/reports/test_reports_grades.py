"""Annual grades on both databases: the 20% cap on 优秀 (Art. 26), who may grade, and the
all-or-nothing ``grade import``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from domain.assessment import Grade, parse_grade
from domain.errors import DomainError
from services import grades
from services.imports.common import ImportRejected
from services.imports.grades import import_grades
from services.imports.table import read_bytes
from storage.tables import AssessmentGrade, Assignment, Person, Township, Unit, Village
from storage.unit_of_work import UnitOfWork

NOW = datetime(2026, 12, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
UowFactory = Callable[[], UnitOfWork]


@pytest.fixture
def cadres(uow_factory: UowFactory) -> list[Person]:
    """Eleven cadres posted in 2026 (优秀 at most 11 * 20% = 2), one posted only in 2025,
    an org_dept official and a township secretary."""
    with uow_factory() as uow:
        township = uow.places.add(Township(name="城关镇"))
        village = uow.places.add(
            Village(township_id=township.id, name="北村", lat=30, lon=110, radius_m=500)
        )
        unit = uow.places.add(Unit(name="区财政局"))
        people = []
        for n in range(12):
            person = uow.people.add(
                Person(name=f"干部{n}", phone=f"+8613800000{n:03d}", role="first_secretary")
            )
            start, end = (
                (date(2025, 1, 1), date(2025, 12, 31)) if n == 11 else (date(2026, 3, 1), None)
            )
            uow.assignments.add(
                Assignment(
                    person_id=person.id,
                    village_id=village.id,
                    unit_id=unit.id,
                    start=start,
                    end=end,
                )
            )
            people.append(person)
        people.append(
            uow.people.add(Person(name="组织部", phone="+8613800000900", role="org_dept"))
        )
        people.append(
            uow.people.add(
                Person(
                    name="书记",
                    phone="+8613800000901",
                    role="township_secretary",
                    township_id=township.id,
                )
            )
        )
        uow.commit()
    return people


def grade_of(uow_factory: UowFactory, person: Person, year: int = 2026) -> str | None:
    with uow_factory() as uow:
        row = uow.grades.get(person.id, year)
        return row.grade if row else None


def test_grade_names() -> None:
    assert parse_grade("优秀") is Grade.EXCELLENT
    assert parse_grade(" Competent ") is Grade.COMPETENT
    assert parse_grade("不称职") is Grade.INCOMPETENT
    with pytest.raises(DomainError):
        parse_grade("良好")


def test_recording_refuses_excellent_over_the_cap(
    uow_factory: UowFactory, cadres: list[Person]
) -> None:
    official = cadres[12]
    for person in cadres[:2]:
        with uow_factory() as uow:
            change = grades.record_grade(
                uow, person.id, 2026, Grade.EXCELLENT, by=uow.people.get(official.id), now=NOW
            )
            uow.commit()
        assert change is grades.Change.NEW
    with uow_factory() as uow, pytest.raises(DomainError) as refused:
        grades.record_grade(
            uow, cadres[2].id, 2026, Grade.EXCELLENT, by=uow.people.get(official.id), now=NOW
        )
    assert refused.value.key == "error.excellent_cap"
    assert refused.value.params == {"excellent": 3, "cap": 2}
    assert grade_of(uow_factory, cadres[2]) is None
    # lowering one makes room for another
    with uow_factory() as uow:
        by = uow.people.get(official.id)
        assert grades.record_grade(uow, cadres[0].id, 2026, Grade.COMPETENT, by=by, now=NOW) is (
            grades.Change.UPDATED
        )
        grades.record_grade(uow, cadres[2].id, 2026, Grade.EXCELLENT, by=by, now=NOW)
        uow.commit()
    with uow_factory() as uow:
        summary = grades.summary(uow, 2026)
    assert (summary.total, summary.excellent, summary.competent, summary.cap) == (11, 2, 1, 2)
    assert summary.ungraded == 8 and summary.within_cap


def test_who_may_grade_and_whom(uow_factory: UowFactory, cadres: list[Person]) -> None:
    with uow_factory() as uow:
        secretary = uow.people.get(cadres[13].id)
        official = uow.people.get(cadres[12].id)
        with pytest.raises(DomainError) as refused:
            grades.record_grade(uow, cadres[0].id, 2026, Grade.COMPETENT, by=secretary, now=NOW)
        assert refused.value.key == "error.role_cannot"
        with pytest.raises(DomainError) as refused:
            grades.record_grade(uow, cadres[13].id, 2026, Grade.COMPETENT, by=official, now=NOW)
        assert refused.value.key == "grade.not_a_cadre"
        with pytest.raises(DomainError) as refused:
            grades.record_grade(uow, cadres[11].id, 2026, Grade.COMPETENT, by=official, now=NOW)
        assert refused.value.key == "grade.not_posted"


def csv(text: str) -> bytes:
    return text.encode("utf-8")


def test_import_stores_every_row(uow_factory: UowFactory, cadres: list[Person]) -> None:
    rows = "\n".join(
        [
            "手机号,年度,等次",
            "13800000000,2026,优秀",
            "+86 138 0000 0001,2026,excellent",
            "13800000002,2026,称职",
            "13800000003,2026,不称职",
            "13800000011,2025,优秀",  # posted in 2025: one of one, cap 0... refused below
        ]
    )
    with pytest.raises(ImportRejected) as refused:
        import_grades(uow_factory, read_bytes(csv(rows), "grades.csv"), now=NOW)
    assert refused.value.lines() == [
        "2025: 1 rated 优秀 but at most 0 may be (20% of the 1 cadres posted that year)"
    ]
    assert grade_of(uow_factory, cadres[0]) is None  # nothing stored
    result = import_grades(
        uow_factory, read_bytes(csv(rows.replace("2025,优秀", "2025,称职")), "g.csv"), now=NOW
    )
    assert (result.new, result.updated, result.unchanged) == (5, 0, 0)
    assert [grade_of(uow_factory, p) for p in cadres[:4]] == [
        "excellent",
        "excellent",
        "competent",
        "incompetent",
    ]
    assert grade_of(uow_factory, cadres[11], 2025) == "competent"
    again = import_grades(
        uow_factory,
        read_bytes(
            csv(
                "phone,year,grade\n13800000000,2026,优秀\n"
                # one 优秀 lowered and another raised in the same file: within the cap
                "13800000001,2026,称职\n13800000002,2026,优秀\n"
            ),
            "b.csv",
        ),
        now=NOW,
    )
    assert (again.new, again.updated, again.unchanged) == (0, 2, 1)
    assert again.summary == "imported 3 grades (0 new, 2 updated, 1 unchanged)"
    with uow_factory() as uow:
        row = uow.grades.get(cadres[2].id, 2026)
        assert (row.source, row.graded_by_id) == ("import", None)


def test_import_over_the_cap_changes_nothing(uow_factory: UowFactory, cadres: list[Person]) -> None:
    rows = "phone,year,grade\n" + "".join(f"1380000000{n},2026,优秀\n" for n in range(3))
    with pytest.raises(ImportRejected) as refused:
        import_grades(uow_factory, read_bytes(csv(rows), "g.csv"), now=NOW)
    assert refused.value.lines() == [
        "2026: 3 rated 优秀 but at most 2 may be (20% of the 11 cadres posted that year)"
    ]
    assert all(grade_of(uow_factory, p) is None for p in cadres[:3])


def test_import_lists_every_bad_row(uow_factory: UowFactory, cadres: list[Person]) -> None:
    with uow_factory() as uow:
        uow.grades.add(
            AssessmentGrade(
                cadre_id=cadres[5].id, year=2026, grade="incompetent", source="spot_check", at=NOW
            )
        )
        uow.commit()
    rows = "\n".join(
        [
            "phone,year,grade",
            "13800000000,2026,良好",
            "12345,2026,优秀",
            "13800000001,2031,称职",
            "13899999999,2026,称职",
            "13800000900,2026,称职",
            "13800000011,2026,称职",
            "13800000002,2026,称职",
            "13800000002,2026,优秀",
            "13800000005,2026,称职",
            "13800000003,,",
        ]
    )
    with pytest.raises(ImportRejected) as refused:
        import_grades(uow_factory, read_bytes(csv(rows), "g.csv"), now=NOW)
    assert refused.value.lines() == [
        "line 2: unknown grade '良好' (excellent/优秀, competent/称职, incompetent/不称职)",
        "line 3: bad phone '12345'",
        "line 4: bad year '2031' (a year from 2000 to 2026)",
        "line 5: unknown phone +8613899999999",
        "line 6: +8613800000900 (组织部) is a org_dept, not a cadre",
        "line 7: +8613800000011 (干部11) was not posted in 2026",
        "line 9: +8613800000002 2026 already listed on line 8",
        "line 11: missing year",
        "line 11: missing grade",
    ]
    assert grade_of(uow_factory, cadres[2]) is None
    # the spot checks' 不称职 stays: the file is refused with the line named
    with pytest.raises(ImportRejected) as refused:
        import_grades(
            uow_factory,
            read_bytes(csv("phone,year,grade\n13800000005,2026,称职\n"), "g.csv"),
            now=NOW,
        )
    assert refused.value.lines()[0].startswith("line 2: 干部5 was rated 不称职 for 2026")
