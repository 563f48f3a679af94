"""Whom an inspector may check: the townships, the cadres posted in one today, and the
cadre picked (only org_dept and poverty_bureau make spot checks, Art. 26.3)."""

from __future__ import annotations

from datetime import date

from domain.errors import DomainError
from domain.roles import CADRE_ROLES, INSPECTORS
from services.places import CadreChoice, Posting, cadres_in_township, posting
from storage.tables import Person, Township
from storage.unit_of_work import UnitOfWork


def require_inspector(official: Person) -> None:
    if official.role not in INSPECTORS:
        raise DomainError("error.role_cannot")


def townships(uow: UnitOfWork, official: Person) -> list[Township]:
    require_inspector(official)
    return list(uow.places.townships())


def cadres_in(
    uow: UnitOfWork, official: Person, township_id: int, today: date
) -> list[CadreChoice]:
    """The cadres posted in the township today, by village then name."""
    require_inspector(official)
    return cadres_in_township(uow, township_id, today)


def choice_of(uow: UnitOfWork, official: Person, cadre_id: int, today: date) -> CadreChoice:
    """The cadre an official picked, if they are posted today."""
    require_inspector(official)
    cadre, post = cadre_posting(uow, cadre_id, today)
    return CadreChoice(cadre, post.village)


def cadre_posting(uow: UnitOfWork, cadre_id: int, today: date) -> tuple[Person, Posting]:
    cadre = uow.people.get(cadre_id)
    if cadre is None or cadre.role not in CADRE_ROLES or not cadre.active:
        raise DomainError("spotcheck.not_a_cadre")
    try:
        return cadre, posting(uow, cadre, today)
    except DomainError:
        raise DomainError("spotcheck.not_a_cadre") from None
