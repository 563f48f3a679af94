"""Domain errors.

Each error carries a message key and the values to fill in; the bot maps the key to the
person's language in one place (``bot.i18n``), the CLI prints the English text.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule refused something; ``key`` names the catalog message that explains why."""

    key: str = "error.generic"

    def __init__(self, key: str | None = None, **params: Any) -> None:
        self.key = key or self.key
        self.params = params
        super().__init__(f"{self.key} {params}" if params else self.key)


class InvalidPhone(DomainError):
    key = "error.invalid_phone"


class UnknownRole(DomainError):
    key = "error.unknown_role"


class InvalidLeave(DomainError):
    key = "error.leave_invalid"


class NotAllowed(DomainError):
    key = "error.not_allowed"


class InvalidCoordinates(DomainError):
    key = "error.bad_coordinates"
