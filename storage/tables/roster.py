"""The roster: townships, villages, units, people and their postings."""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Column, UniqueConstraint, false
from sqlmodel import Field, SQLModel


class Township(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=100)


class Village(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("township_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    township_id: int = Field(foreign_key="township.id", index=True)
    name: str = Field(max_length=100)
    lat: float
    lon: float
    radius_m: float


class Unit(SQLModel, table=True):
    """A dispatching unit (派出单位): the agency or enterprise that posts a cadre."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=200)


class Person(SQLModel, table=True):
    """Anyone the bot serves. District roles have no township; village secretaries have a
    village; township roles a township; unit leaders a unit."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    phone: str = Field(unique=True, max_length=20)
    role: str = Field(max_length=32, index=True)
    telegram_user_id: int | None = Field(
        default=None, sa_column=Column(BigInteger, unique=True, nullable=True)
    )
    language: str | None = Field(default=None, max_length=8)
    township_id: int | None = Field(default=None, foreign_key="township.id", index=True)
    village_id: int | None = Field(default=None, foreign_key="village.id", index=True)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    blocked_bot: bool = False
    active: bool = True


class Assignment(SQLModel, table=True):
    """A cadre's posting to a village for a dispatching unit, from ``start`` to ``end``."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    village_id: int = Field(foreign_key="village.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    start: date
    end: date | None = None
    #: A confirmed recall (over 30 days, Art. 11) awaits a replacement: the district sees
    #: it until the roster gives the village a new posting, which closes this one.
    recall_pending: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    #: A First Secretary's change of village or unit before the term is up needs the city
    #: organisation department's consent (Art. 6): the roster's ``approval``, kept with
    #: the posting the change began (migration 0010).
    change_approval: str | None = Field(default=None, max_length=200)
