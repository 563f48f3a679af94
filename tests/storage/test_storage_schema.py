"""Migrations and the unit of work on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, inspect
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

from storage.engine import session_factory
from storage.migrations import (
    NotMigrated,
    current_revision,
    downgrade,
    head_revision,
    require_up_to_date,
    upgrade,
)
from storage.tables import Person, Reminder, Township
from storage.unit_of_work import UnitOfWork

NOW = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)


def test_an_empty_database_is_refused_until_migrated(engine: Engine) -> None:
    with pytest.raises(NotMigrated, match="cadrebot db upgrade"):
        require_up_to_date(engine)
    upgrade(engine)
    require_up_to_date(engine)
    assert current_revision(engine) == head_revision()


def test_migrations_create_exactly_the_tables_the_models_declare(engine: Engine) -> None:
    upgrade(engine)
    tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
    assert tables == set(SQLModel.metadata.tables)


def test_downgrade_to_nothing_and_up_again(engine: Engine) -> None:
    upgrade(engine)
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert current_revision(engine) == head_revision()


def test_leaving_the_unit_of_work_without_commit_writes_nothing(
    uow_factory,
) -> None:
    with uow_factory() as uow:
        uow.places.add(Township(name="城关街道"))
    with uow_factory() as uow:
        assert uow.places.townships() == []


def test_a_failure_halfway_leaves_no_half_written_record(uow_factory) -> None:
    with pytest.raises(RuntimeError), uow_factory() as uow:
        uow.places.add(Township(name="城关街道"))
        uow.people.add(Person(name="甲", phone="+8613900000001", role="org_dept"))
        raise RuntimeError("the process died here")
    with uow_factory() as uow:
        assert uow.places.townships() == [] and uow.people.all() == []


def test_phone_and_telegram_account_are_unique(uow_factory) -> None:
    with uow_factory() as uow:
        uow.people.add(
            Person(
                name="甲", phone="+8613900000001", role="org_dept", telegram_user_id=7_000_000_001
            )
        )
        uow.commit()
    with pytest.raises(IntegrityError), uow_factory() as uow:
        uow.people.add(Person(name="乙", phone="+8613900000001", role="admin"))
    with pytest.raises(IntegrityError), uow_factory() as uow:
        uow.people.add(
            Person(name="丙", phone="+8613900000002", role="admin", telegram_user_id=7_000_000_001)
        )


def test_the_outbox_key_admits_a_reminder_once(uow_factory) -> None:
    with uow_factory() as uow:
        person = uow.people.add(Person(name="甲", phone="+8613900000001", role="org_dept"))
        uow.commit()
    row = dict(recipient_id=person.id, kind="weekly_standing", period="2026-W49", created_at=NOW)
    with uow_factory() as uow:
        uow.session.add(Reminder(**row))
        uow.commit()
    with pytest.raises(IntegrityError), uow_factory() as uow:
        uow.session.add(Reminder(**row))
        uow.session.flush()


def test_a_large_telegram_id_fits(uow_factory) -> None:
    big = 8_123_456_789  # user ids exceed 32 bits
    with uow_factory() as uow:
        uow.people.add(
            Person(name="甲", phone="+8613900000001", role="org_dept", telegram_user_id=big)
        )
        uow.commit()
    with uow_factory() as uow:
        assert uow.people.by_telegram_id(big).name == "甲"


def test_session_factory_keeps_objects_readable_after_the_block(migrated_engine: Engine) -> None:
    uow_factory = lambda: UnitOfWork(session_factory(migrated_engine))  # noqa: E731
    with uow_factory() as uow:
        township = uow.places.add(Township(name="北宽坪镇"))
        uow.commit()
    with uow_factory() as uow:
        loaded = uow.places.township("北宽坪镇")
    assert loaded.id == township.id and loaded.name == "北宽坪镇"
