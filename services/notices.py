"""What a service asks the bot to tell other people.

A notice names a catalog message and its values, plus the actions the recipient may take
(rendered as buttons by the bot). Services stay free of Telegram and of wording.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Action:
    """Something the recipient can do with one tap: ``verb`` on the record ``ref``."""

    verb: str
    ref: int


@dataclass(frozen=True)
class Notice:
    person_id: int
    key: str
    params: dict[str, Any] = field(default_factory=dict)
    actions: tuple[Action, ...] = ()
