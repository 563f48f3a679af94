"""Where a person belongs: their posting, village, township and the role holders there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.errors import DomainError
from domain.roles import DISTRICT_ROLES, Role
from storage.ids import id_of
from storage.tables import Assignment, Person, Village
from storage.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class CadreChoice:
    """A cadre an official may pick, with where they are posted."""

    person: Person
    village: Village


def cadres_in_township(uow: UnitOfWork, township_id: int, today: date) -> list[CadreChoice]:
    """The cadres posted in the township today, by village then name (the pickers of
    /spotcheck and /duty); an unknown township is a stale button."""
    if uow.places.township_by_id(township_id) is None:
        raise DomainError("error.stale_button")
    posted = uow.assignments.cadres_posted(today, township_id=township_id)
    return [
        CadreChoice(person, village)
        for person, _assignment, village in sorted(
            posted, key=lambda row: (row[2].name, row[0].name, row[0].id)
        )
    ]


@dataclass(frozen=True)
class Posting:
    assignment: Assignment
    village: Village


def posting(uow: UnitOfWork, person: Person, on: date) -> Posting:
    """The cadre's posting in force on ``on``; a cadre without one cannot check in or ask
    for leave, and is told to ask the admin."""
    found = uow.assignments.posting(id_of(person), on)  # the assignment and its village at once
    if found is None:
        raise DomainError("error.no_posting")
    return Posting(*found)


def holders_for(uow: UnitOfWork, post: Posting) -> dict[Role, list[int]]:
    """Everyone who may act on this cadre's requests, by role."""
    township_id = post.village.township_id
    holders: dict[Role, list[int]] = {}
    for role in (Role.TOWNSHIP_LEADER, Role.TOWNSHIP_SECRETARY):
        holders[role] = [id_of(p) for p in uow.people.holders(role, township_id=township_id)]
    holders[Role.VILLAGE_SECRETARY] = [
        id_of(p) for p in uow.people.holders(Role.VILLAGE_SECRETARY, village_id=post.village.id)
    ]
    holders[Role.UNIT_LEADER] = [
        id_of(p) for p in uow.people.holders(Role.UNIT_LEADER, unit_id=post.assignment.unit_id)
    ]
    for role in DISTRICT_ROLES:
        holders[role] = [id_of(p) for p in uow.people.holders(role)]
    return holders
