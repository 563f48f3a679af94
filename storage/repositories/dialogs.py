"""Open dialogs (a conversation's step) and the audit trail."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Insert, Table, bindparam, delete, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select

from storage.repositories._base import OpenDialog, Repository
from storage.tables import AuditEntry, DialogState, table_of

_DIALOG = select(DialogState.dialog, DialogState.step, DialogState.data).where(
    col(DialogState.person_id) == bindparam("person_id")
)
_CLEAR_DIALOG = delete(table_of(DialogState)).where(
    table_of(DialogState).c.person_id == bindparam("person_id")
)


def _dialog_upsert(dialect_insert: Callable[[Table], Any]) -> Insert:
    """``INSERT ... ON CONFLICT (person_id) DO UPDATE`` in the dialect's own construct
    (SQLite and PostgreSQL spell it the same): one statement whether or not a row exists."""
    statement = dialect_insert(table_of(DialogState))
    upsert: Insert = statement.on_conflict_do_update(
        index_elements=["person_id"],
        set_={name: statement.excluded[name] for name in ("dialog", "step", "data", "updated_at")},
    )
    return upsert


#: The dialog upsert by dialect name: the two databases cadrebot runs on.
_PUT_DIALOG = {
    "sqlite": _dialog_upsert(sqlite.insert),
    "postgresql": _dialog_upsert(postgresql.insert),
}


class DialogRepository(Repository):
    def get(self, person_id: int) -> OpenDialog | None:
        row = self.session.execute(_DIALOG, {"person_id": person_id}).first()
        return OpenDialog(row.dialog, row.step, row.data or {}) if row is not None else None

    def put(
        self, person_id: int, dialog: str, step: str, data: dict[str, Any], now: datetime
    ) -> None:
        """Open or move the person's dialog: one upsert, never a read first."""
        statement = _PUT_DIALOG[self.session.get_bind().dialect.name]
        self._insert(
            statement,
            {
                "person_id": person_id,
                "dialog": dialog,
                "step": step,
                "data": dict(data),
                "updated_at": now,
            },
        )

    def clear(self, person_id: int) -> bool:
        """End the person's dialog; False when there was none."""
        self.session.flush()
        result = self.session.execute(_CLEAR_DIALOG, {"person_id": person_id})
        return bool(result.rowcount)  # type: ignore[attr-defined]


_INSERT_AUDIT = insert(table_of(AuditEntry))


class AuditRepository(Repository):
    def record(
        self, at: datetime, actor_id: int | None, action: str, subject: str, **detail: object
    ) -> None:
        self._insert(
            _INSERT_AUDIT,
            {
                "at": at,
                "actor_id": actor_id,
                "action": action,
                "subject": subject,
                "detail": detail,
            },
        )

    def for_subject(self, subject: str) -> Sequence[AuditEntry]:
        return self.session.exec(
            select(AuditEntry).where(AuditEntry.subject == subject).order_by(col(AuditEntry.id))
        ).all()
