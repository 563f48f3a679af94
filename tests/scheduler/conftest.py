"""Scheduler fixtures: the shared ``engine`` (SQLite and PostgreSQL) migrated to the head,
the sample district, and helpers to add check-ins, diaries and leave directly."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select

from bot.handlers.events import Outgoing
from services.sample_district import seed_sample_district
from storage.engine import session_factory
from storage.migrations import upgrade
from storage.tables import CheckIn, DiaryEntry, LeaveRequest, Person, Reminder
from storage.unit_of_work import UnitOfWork

ZONE = ZoneInfo("Asia/Shanghai")
UowFactory = Callable[[], UnitOfWork]


@pytest.fixture
def uow_factory(engine: Engine) -> UowFactory:
    upgrade(engine)
    sessions = session_factory(engine)
    return lambda: UnitOfWork(sessions)


def seed(uow_factory: UowFactory, posted_from: date = date(2026, 1, 1)) -> dict[str, int]:
    """The sample district; returns person ids by key."""
    with uow_factory() as uow:
        people = seed_sample_district(uow, posted_from=posted_from)
        uow.commit()
        return {key: p.id for key, p in people.items()}


@pytest.fixture
def ids(uow_factory: UowFactory) -> dict[str, int]:
    return seed(uow_factory)


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), ZONE)


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def add_checkins(
    uow_factory: UowFactory, person_id: int, when: Iterable[date], *, on_site: bool = True
) -> None:
    with uow_factory() as uow:
        uow.session.add_all(
            CheckIn(person_id=person_id, day=d, at=at(d), on_site=on_site, source="location")
            for d in when
        )
        uow.commit()


def add_diaries(
    uow_factory: UowFactory,
    person_id: int,
    when: Iterable[date],
    *,
    week_signed: int = 0,
    month_signed: int = 0,
) -> None:
    """Diary entries on the given days; the first ``week_signed`` carry a weekly signature
    id and the first ``month_signed`` a monthly one (made-up sign-off rows)."""
    from storage.tables import DiarySignoff

    with uow_factory() as uow:
        week = month = None
        if week_signed:
            week = uow.diaries.add(
                DiarySignoff(
                    cadre_id=person_id,
                    scope="week",
                    period=uuid.uuid4().hex[:10],
                    signer_id=person_id,
                    signed_at=datetime.now(UTC),
                    entry_count=week_signed,
                )
            )
        if month_signed:
            month = uow.diaries.add(
                DiarySignoff(
                    cadre_id=person_id,
                    scope="month",
                    period=uuid.uuid4().hex[:10],
                    signer_id=person_id,
                    signed_at=datetime.now(UTC),
                    entry_count=month_signed,
                )
            )
        for i, d in enumerate(when):
            uow.session.add(
                DiaryEntry(
                    person_id=person_id,
                    day=d,
                    written_at=at(d, 20),
                    text=f"日记 {d}",
                    week_signoff_id=week.id if week and i < week_signed else None,
                    month_signoff_id=month.id if month and i < month_signed else None,
                )
            )
        uow.commit()


def add_leave(
    uow_factory: UowFactory, person_id: int, start: date, end: date, status: str = "approved"
) -> None:
    """A leave request in its final state, without its route (the sweeps read the request)."""
    with uow_factory() as uow:
        n = (end - start).days + 1
        uow.leaves.add(
            LeaveRequest(
                applicant_id=person_id,
                start=start,
                end=end,
                days=n,
                combined_days=n,
                tier="short",
                reason="测试",
                status=status,
                created_at=at(start) - timedelta(days=3),
                decided_at=at(start) - timedelta(days=2),
            )
        )
        uow.commit()


def bind(uow_factory: UowFactory, person_ids: dict[str, int], language: str | None = None) -> None:
    """Give everyone a Telegram account (chat id = 9000 + person id)."""
    with uow_factory() as uow:
        for pid in person_ids.values():
            person = uow.session.get(Person, pid)
            person.telegram_user_id = 9000 + pid
            person.language = language
        uow.commit()


def outbox(uow_factory: UowFactory) -> list[Reminder]:
    with uow_factory() as uow:
        return list(uow.session.scalars(select(Reminder).order_by(Reminder.id)))


class FakeTransport:
    """Records what would reach Telegram; can fail after ``fail_after`` sends."""

    def __init__(self, fail_after: int | None = None, delay: float = 0.0) -> None:
        self.sent: list[Outgoing] = []
        self.fail_after = fail_after
        self.delay = delay
        self.calls = 0

    async def __call__(self, message: Outgoing) -> int:
        import asyncio

        self.calls += 1
        if self.fail_after is not None and len(self.sent) >= self.fail_after:
            raise ConnectionResetError("the process went away")
        if self.delay:
            await asyncio.sleep(self.delay)
        self.sent.append(message)
        return len(self.sent)
