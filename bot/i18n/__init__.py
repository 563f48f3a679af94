"""Message catalogs (``zh.toml``, ``en.toml``): every word a person reads lives there.

Values are HTML for Telegram's HTML parse mode. Every ``str`` filled into a message is
escaped here, so a name with ``<`` or ``&`` shows as typed; pre-rendered HTML is passed
as ``Markup``. A ``domain.attendance.Period`` (a week) is shown by its dates, as people
name weeks (11月30日—12月6日, 30 Nov – 6 Dec), never as an ISO week number.
"""

from __future__ import annotations

import html
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

from domain.attendance import Period

LANGUAGES = ("zh", "en")


class Markup(str):
    """HTML that is already safe (built from catalog text and escaped values)."""


class Term(str):
    """A code of the regulation (a role, a status, a tier) shown in the reader's words."""


def _flatten(prefix: str, tree: dict[str, Any], out: dict[str, str]) -> None:
    for key, value in tree.items():
        full = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            _flatten(full, value, out)
        else:
            out[full] = str(value)


class _Lenient(dict):
    """A missing value shows as empty rather than failing a reply (the catalog tests
    check that every placeholder is supplied)."""

    def __missing__(self, key: str) -> str:
        return ""


class Catalog:
    def __init__(self, default_language: str = "zh") -> None:
        self.default = default_language
        self.messages: dict[str, dict[str, str]] = {}
        for lang in LANGUAGES:
            tree = tomllib.loads((Path(__file__).parent / f"{lang}.toml").read_text("utf-8"))
            flat: dict[str, str] = {}
            _flatten("", tree, flat)
            self.messages[lang] = flat

    def language_for(self, stored: str | None, client: str | None) -> str:
        """The person's saved choice, else their Telegram client's, else the default."""
        for candidate in (stored, (client or "")[:2].lower()):
            if candidate in self.messages:
                return candidate
        return self.default

    def has(self, key: str) -> bool:
        return key in self.messages[self.default]

    def text(self, lang: str, key: str, **params: Any) -> str:
        template = self.messages.get(lang, {}).get(key) or self.messages[self.default].get(key)
        if template is None:
            raise KeyError(f"no message {key!r} in the catalogs")
        values = _Lenient({k: self._value(lang, v) for k, v in params.items()})
        return Markup(template.format_map(values))

    def span(self, lang: str, period: Period) -> str:
        """A run of days by its first and last dates (``date.span``, month names from
        ``date.months``)."""
        names = self.text(lang, "date.months").split()
        first, last = period.first, period.last
        return self.text(
            lang,
            "date.span",
            first_month=names[first.month - 1],
            first_day=first.day,
            last_month=names[last.month - 1],
            last_day=last.day,
        )

    def _value(self, lang: str, value: Any) -> str:
        if isinstance(value, Markup):
            return value
        if isinstance(value, Period):
            return self.span(lang, value)
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, Term):
            key = f"term.{value}"
            return self.text(lang, key) if self.has(key) else html.escape(str(value))
        return html.escape(str(value), quote=False)
