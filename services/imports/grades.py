"""``grade import``: the annual assessment's grades (优秀 / 称职 / 不称职, Art. 26 and 30),
one ``phone,year,grade`` row per cadre.

All-or-nothing like every import: each row is checked (known cadre, posted that year, a
grade, not listed twice), then all are applied in one transaction and the 20% cap on 优秀
is checked per year on the result; anything wrong refuses the whole file. A grade is the
code (``excellent``) or the Chinese name (``优秀``). A 不称职 imposed by three unexcused
absences at spot checks (Art. 26.3) cannot be changed by an import.
"""

from __future__ import annotations

from datetime import datetime

from domain.assessment import Grade, excellent_cap, parse_grade
from domain.errors import DomainError, InvalidPhone
from domain.phone import normalise_phone
from domain.roles import CADRE_ROLES
from services.grade_outcomes import after_grading
from services.grades import Change, GradeSource, assessed_ids, put_grade, summary
from services.imports.common import ImportResult
from services.imports.table import Row, Table, begin_validation, with_aliases
from storage.ids import id_of
from storage.tables import Person
from storage.unit_of_work import UnitOfWorkFactory

REQUIRED = ("phone", "year", "grade")
#: Chinese headers of this file (the shared reader knows the roster's, not these).
ALIASES = {"年度": "year", "年份": "year", "等次": "grade", "考核等次": "grade", "等级": "grade"}
EARLIEST_YEAR = 2000


def _year(text: str, this_year: int) -> int:
    if not text.isdigit() or not EARLIEST_YEAR <= int(text) <= this_year:
        raise ValueError(f"bad year {text!r} (a year from {EARLIEST_YEAR} to {this_year})")
    return int(text)


def import_grades(uow_factory: UnitOfWorkFactory, table: Table, *, now: datetime) -> ImportResult:
    """Store every row's grade; refuse the file if any row is bad or a year's 优秀 would
    exceed 20% of the cadres posted that year."""
    table = with_aliases(table, ALIASES)
    problems = begin_validation(table, REQUIRED)
    parsed: list[tuple[Row, str, int, Grade]] = []
    seen: dict[tuple[str, int], int] = {}
    for row in table.rows:
        phone = year = grade = None
        try:
            phone = normalise_phone(row.get("phone"))
        except InvalidPhone:
            problems.add(row.line, f"bad phone {row.get('phone')!r}")
        try:
            year = _year(row.get("year"), now.year)
        except ValueError as exc:
            problems.add(row.line, str(exc) if row.get("year") else "missing year")
        try:
            grade = parse_grade(row.get("grade"))
        except DomainError:
            problems.add(
                row.line,
                f"unknown grade {row.get('grade')!r} (excellent/优秀, competent/称职, "
                "incompetent/不称职)"
                if row.get("grade")
                else "missing grade",
            )
        if phone is None or year is None or grade is None:
            continue
        if (phone, year) in seen:
            problems.add(row.line, f"{phone} {year} already listed on line {seen[phone, year]}")
            continue
        seen[phone, year] = row.line
        parsed.append((row, phone, year, grade))

    with uow_factory() as uow:
        people = uow.people.by_phones({phone for _, phone, _, _ in parsed})
        posted = {year: assessed_ids(uow, year) for year in {y for _, _, y, _ in parsed}}
        wanted: list[tuple[Row, Person, int, Grade]] = []
        for row, phone, year, grade in parsed:
            person = people.get(phone)
            if person is None:
                problems.add(row.line, f"unknown phone {phone}")
            elif person.role not in CADRE_ROLES:
                problems.add(row.line, f"{phone} ({person.name}) is a {person.role}, not a cadre")
            elif person.id not in posted[year]:
                problems.add(row.line, f"{phone} ({person.name}) was not posted in {year}")
            else:
                wanted.append((row, person, year, grade))
        problems.raise_if_any()

        counts = dict.fromkeys(Change, 0)
        graded: dict[int, list[int]] = {}  # year → cadres whose grade changed
        for row, person, year, grade in wanted:
            try:
                change = put_grade(
                    uow, person, year, grade, by=None, source=GradeSource.IMPORT, now=now
                )
            except DomainError:
                problems.add(
                    row.line,
                    f"{person.name} was rated 不称职 for {year} after a third unexcused absence "
                    "at spot checks (Art. 26.3); that grade stays",
                )
                continue
            counts[change] += 1
            if change is not Change.UNCHANGED:
                graded.setdefault(year, []).append(id_of(person))
        uow.flush()
        for year in sorted(posted):
            s = summary(uow, year)
            if s.excellent > s.cap:
                problems.add(
                    None,
                    f"{year}: {s.excellent} rated 优秀 but at most {excellent_cap(s.total)} may be "
                    f"(20% of the {s.total} cadres posted that year)",
                )
        problems.raise_if_any()
        for year, cadre_ids in sorted(graded.items()):  # the rewards and recalls (Art. 30)
            after_grading(uow, year, cadre_ids, now)
        uow.commit()
    return ImportResult(
        "grade", "grades", counts[Change.NEW], counts[Change.UPDATED], counts[Change.UNCHANGED]
    )
