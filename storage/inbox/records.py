"""What the inbox and the reply outbox take and hand out: plain frozen records, so the
runtime never holds a row (or a session) of its own."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class NewUpdate:
    """An update as fetched: ``outcome`` set stores it as already settled (a kind the bot
    does not handle, or one it cannot read), so it is recorded but never claimed."""

    update_id: int
    chat_id: int
    payload: dict[str, Any]
    outcome: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class ClaimedUpdate:
    update_id: int
    chat_id: int
    payload: dict[str, Any]
    attempts: int


@dataclass(frozen=True)
class ClaimedReply:
    id: int
    update_id: int | None
    chat_id: int
    payload: dict[str, Any]
    blob: bytes | None
    attempts: int
