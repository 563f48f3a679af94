"""The id of a stored row, typed as the int it is.

Tables declare ``id: int | None`` because a new row has none until it is flushed; every row
a repository returns, and every row ``add`` hands back (it flushes), has one. ``id_of``
states that invariant where a row's id is read inside an expression (a comprehension, an
argument); a function that reads one row's id throughout asserts it once instead.
"""

from __future__ import annotations

from typing import Protocol


class Stored(Protocol):
    """Any table row (its primary key is ``id``)."""

    @property
    def id(self) -> int | None: ...


def id_of(row: Stored) -> int:
    """``row.id``, which a stored row has."""
    assert row.id is not None, f"{type(row).__name__} is not stored yet"
    return row.id
