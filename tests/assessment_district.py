"""The sample district grown to five cadres for the assessment tests: two work-team
members of 区农业农村局 in 广东坪村, so that one cadre may be rated 优秀 (20% of five)."""

from __future__ import annotations

from datetime import date

from storage.tables import Assignment, Person
from storage.unit_of_work import UnitOfWork


def add_team_members(uow: UnitOfWork, people: dict[str, Person], *keys: str) -> None:
    """Post a work-team member under each of ``keys`` (named 队员0, 队员1, …) from March 1,
    2026, in the caller's unit of work."""
    village = next(v for v in uow.places.villages() if v.name == "广东坪村")
    unit = uow.places.unit("区农业农村局")
    assert unit is not None, "the sample district has 区农业农村局"
    for n, key in enumerate(keys):
        person = uow.people.add(
            Person(name=f"队员{n}", phone=f"+861390000009{n}", role="team_member")
        )
        uow.assignments.add(
            Assignment(
                person_id=person.id, village_id=village.id, unit_id=unit.id, start=date(2026, 3, 1)
            )
        )
        people[key] = person
