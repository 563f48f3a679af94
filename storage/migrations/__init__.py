"""Alembic migrations, run from code so ``cadrebot db upgrade`` needs no alembic.ini."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

_HERE = Path(__file__).parent


class NotMigrated(RuntimeError):
    """The database is behind the code: run ``cadrebot db upgrade``."""


def _config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_HERE))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(_config(engine), revision)


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def require_up_to_date(engine: Engine) -> None:
    """Refuse to start on a database the migrations have not brought to the head."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        raise NotMigrated(
            f"the database is at revision {current or 'none (empty)'} but the code needs "
            f"{head}: run `cadrebot db upgrade` first"
        )
