"""What every importer shares: the problems it reports and the summary it returns.

An import is all-or-nothing: every row is checked first and a file with any bad row is
refused whole with an ``ImportRejected`` listing every bad row by line number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class RowProblem:
    """Why one row (``line``: 1 is the header) or the whole file (``line`` None) is refused."""

    line: int | None
    reason: str

    def __str__(self) -> str:
        return self.reason if self.line is None else f"line {self.line}: {self.reason}"


class ImportRejected(Exception):
    """The file was refused and nothing was stored; ``problems`` says why, row by row."""

    def __init__(self, problems: Iterable[RowProblem]) -> None:
        self.problems = sorted(problems, key=lambda p: p.line or 0)
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


@dataclass(frozen=True)
class ImportResult:
    """What an import stored; ``summary`` is the one line the CLI prints."""

    singular: str
    plural: str
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def total(self) -> int:
        return self.new + self.updated + self.unchanged

    @property
    def summary(self) -> str:
        noun = self.singular if self.total == 1 else self.plural
        parts = [f"{self.new} new", f"{self.updated} updated"]
        if self.unchanged:
            parts.append(f"{self.unchanged} unchanged")
        text = f"imported {self.total} {noun} ({', '.join(parts)})"
        return text + "".join(f"; {note}" for note in self.notes)


class Problems:
    """Collects row problems while validating."""

    def __init__(self) -> None:
        self.items: list[RowProblem] = []

    def add(self, line: int | None, reason: str) -> None:
        self.items.append(RowProblem(line, reason))

    def raise_if_any(self) -> None:
        if self.items:
            raise ImportRejected(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)


_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")


def parse_date(text: str) -> date:
    """``YYYY-MM-DD``; also ``YYYY/M/D`` as Chinese Excel writes dates into CSV files."""
    match = _DATE.match(text.strip())
    if not match:
        raise ValueError(f"bad date {text!r} (expected YYYY-MM-DD)")
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        raise ValueError(f"bad date {text!r} (no such day)") from None
