"""Official duty records (公务) on SQLite and PostgreSQL: one cadre's records between two
days, the overlap check, and everyone's spans in one read like approved leave."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest

from services.duty import training_days_in_year
from storage.sweeps import DutySpan, sweep_reads
from storage.tables import DutyRecord, Person
from storage.unit_of_work import UnitOfWork

NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)


@pytest.fixture
def people(uow_factory: Callable[[], UnitOfWork]) -> list[int]:
    """Ten cadres and an official; returns the cadres' ids (the official's is last + 1)."""
    with uow_factory() as uow:
        ids = [
            uow.people.add(
                Person(name=f"干部{i}", phone=f"+86139000000{i:02d}", role="first_secretary")
            ).id
            for i in range(10)
        ]
        uow.people.add(Person(name="组织部", phone="+8613900000099", role="org_dept"))
        uow.commit()
    return ids


def duty(person_id: int, start: date, end: date, kind: str = "training") -> DutyRecord:
    return DutyRecord(person_id=person_id, start=start, end=end, kind=kind, recorded_at=NOW)


def test_a_cadres_records_between_two_days(uow_factory, people: list[int]) -> None:
    cadre = people[0]
    with uow_factory() as uow:
        uow.duties.add(duty(cadre, date(2026, 12, 8), date(2026, 12, 10)))
        uow.duties.add(duty(cadre, date(2026, 3, 2), date(2026, 3, 3), "pre_training"))
        uow.duties.add(duty(people[1], date(2026, 12, 8), date(2026, 12, 8), "meeting"))
        recorder = uow.people.by_phone("+8613900000099").id
        uow.duties.add(
            DutyRecord(
                person_id=cadre,
                start=date(2027, 1, 4),
                end=date(2027, 1, 4),
                kind="official",
                note="防汛值班",
                recorded_by_id=recorder,
                recorded_at=NOW,
            )
        )
        uow.commit()
    with uow_factory() as uow:
        year = uow.duties.for_person(cadre, date(2026, 1, 1), date(2026, 12, 31))
        assert [(r.start, r.end, r.kind) for r in year] == [
            (date(2026, 3, 2), date(2026, 3, 3), "pre_training"),
            (date(2026, 12, 8), date(2026, 12, 10), "training"),
        ]
        [later] = uow.duties.for_person(cadre, date(2027, 1, 1), date(2027, 1, 31))
        assert (later.note, later.recorded_by_id, later.recorded_at) == ("防汛值班", recorder, NOW)
        # a span touching only the last day still finds the record
        assert uow.duties.for_person(cadre, date(2026, 12, 10), date(2026, 12, 20))
        assert not uow.duties.for_person(cadre, date(2026, 12, 11), date(2026, 12, 31))


def test_the_overlap_check_finds_any_shared_day(uow_factory, people: list[int]) -> None:
    cadre = people[0]
    with uow_factory() as uow:
        uow.duties.add(duty(cadre, date(2026, 12, 8), date(2026, 12, 10)))
        uow.commit()
    with uow_factory() as uow:
        for start, end in [((12, 1), (12, 8)), ((12, 9), (12, 9)), ((12, 10), (12, 31))]:
            found = uow.duties.overlapping(cadre, date(2026, *start), date(2026, *end))
            assert found is not None and found.start == date(2026, 12, 8)
        assert uow.duties.overlapping(cadre, date(2026, 12, 1), date(2026, 12, 7)) is None
        assert uow.duties.overlapping(cadre, date(2026, 12, 11), date(2026, 12, 12)) is None
        assert uow.duties.overlapping(people[1], date(2026, 12, 8), date(2026, 12, 10)) is None


def test_spans_for_everyone_or_some_like_approved_leave(uow_factory, people: list[int]) -> None:
    with uow_factory() as uow:
        for i, pid in enumerate(people):
            uow.duties.add(duty(pid, date(2026, 11, 1 + i), date(2026, 11, 2 + i)))
        uow.duties.add(duty(people[0], date(2026, 12, 20), date(2026, 12, 21), "meeting"))
        uow.duties.add(duty(people[0], date(2026, 10, 1), date(2026, 10, 2)))  # before the span
        uow.commit()
    first, last = date(2026, 11, 1), date(2026, 12, 31)
    with uow_factory() as uow:
        everyone = uow.duties.spans(first, last)
        assert set(everyone) == set(people)
        assert everyone[people[0]] == [
            DutySpan(date(2026, 11, 1), date(2026, 11, 2), "training"),
            DutySpan(date(2026, 12, 20), date(2026, 12, 21), "meeting"),
        ]
        start, end, kind = everyone[people[3]][0]  # a plain tuple, as leave spans are
        assert (start, end, kind) == (date(2026, 11, 4), date(2026, 11, 5), "training")
        # nearly consecutive ids (a range) and scattered ones (an IN list) agree
        some = [people[2], people[3], people[4]]
        assert uow.duties.spans(first, last, some) == {p: everyone[p] for p in some}
        scattered = [people[0], people[9]]
        assert uow.duties.spans(first, last, scattered) == {p: everyone[p] for p in scattered}
        assert uow.duties.spans(first, last, []) == {}
        assert uow.duties.spans(date(2027, 1, 1), date(2027, 12, 31)) == {}


def test_a_sweep_reads_everyones_spans_once(uow_factory, people: list[int]) -> None:
    with uow_factory() as uow:
        uow.duties.add(duty(people[0], date(2026, 11, 2), date(2026, 11, 3)))
        uow.commit()
    first, last = date(2026, 11, 1), date(2026, 11, 30)
    with uow_factory() as uow, sweep_reads(uow.session):
        before = uow.duties.spans(first, last)
        uow.duties.add(duty(people[1], date(2026, 11, 5), date(2026, 11, 5)))
        assert uow.duties.spans(first, last) is before  # kept for the sweep's planning
        assert people[1] in uow.duties.spans(first, last, [people[1]])  # narrowed: fresh


def test_training_days_of_a_year_from_the_stored_records(uow_factory, people: list[int]) -> None:
    cadre = people[0]
    with uow_factory() as uow:
        uow.duties.add(duty(cadre, date(2025, 12, 31), date(2026, 1, 1), "pre_training"))
        uow.duties.add(duty(cadre, date(2026, 6, 8), date(2026, 6, 10)))
        uow.duties.add(duty(cadre, date(2026, 9, 1), date(2026, 9, 1), "meeting"))
        uow.commit()
    with uow_factory() as uow:
        year = training_days_in_year(uow, cadre, 2026)
        assert (year.pre_training, year.training) == (1, 3)
        assert (year.pre_training_met, year.training_met) == (False, True)
        assert training_days_in_year(uow, people[1], 2026).training == 0
