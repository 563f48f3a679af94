"""Open dialogs and the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel


class DialogState(SQLModel, table=True):
    """Where a person is in a multi-step dialog, so a restart or another worker resumes."""

    person_id: int = Field(foreign_key="person.id", primary_key=True)
    dialog: str = Field(max_length=32)
    step: str = Field(max_length=32)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    updated_at: datetime


class AuditEntry(SQLModel, table=True):
    """Append-only history of every decision and sign-off."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    actor_id: int | None = Field(default=None, foreign_key="person.id")
    action: str = Field(max_length=48)
    subject: str = Field(max_length=64)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
