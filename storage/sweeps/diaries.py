"""Work diaries counted per cadre over a span, for the reviews and the sheets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from sqlalchemy import case, func, or_, select
from sqlmodel import Session

from storage.sweeps._sql import _D, _driver_rows, _rows


@dataclass(frozen=True)
class DiaryCounts:
    written: int = 0
    week_signed: int = 0
    month_signed: int = 0


def diary_counts(session: Session, first: date, last: date) -> dict[int, DiaryCounts]:
    """Entries written from ``first`` to ``last`` per person, and how many are signed."""
    query = (
        select(
            _D.c.person_id,
            func.count(),
            func.count(_D.c.week_signoff_id),
            func.count(_D.c.month_signoff_id),
        )
        .where(_D.c.day >= first, _D.c.day <= last)
        .group_by(_D.c.person_id)
    )
    return {pid: DiaryCounts(n, w, m) for pid, n, w, m in _rows(session, query)}


def diaries_written(session: Session, first: date, last: date) -> dict[int, int]:
    """Entries written from ``first`` to ``last`` per person (``diary_counts``' first
    figure alone, straight from the cursor: the monthly review reads it for the whole
    roster, and 100,000 ``DiaryCounts`` cost tens of MB it does not need)."""
    query = (
        select(_D.c.person_id, func.count())
        .where(_D.c.day >= first, _D.c.day <= last)
        .group_by(_D.c.person_id)
    )
    return dict(_driver_rows(session, query))


class DiaryWindow(NamedTuple):
    """A cadre's diaries in the sign-off window (a named tuple: one per cadre)."""

    written_this_month: int = 0
    awaiting_week: int = 0  # not yet signed by the village secretary
    awaiting_month: int = 0  # not yet confirmed by the township secretary


def diary_window(
    session: Session, since: date, month_first: date, last: date
) -> dict[int, DiaryWindow]:
    """In one pass over the entries from ``since`` to ``last``: per cadre, those written
    since ``month_first`` and those still waiting for each signature (the Monday push needs
    all three; one scan instead of three). Entries before ``month_first`` already signed
    twice count for none of them and are left out before SQLite sorts the rest by cadre
    (half the window at the end of a month; a cadre left with nothing gets no row, which
    callers read as zeros)."""
    query = (
        select(
            _D.c.person_id,
            func.sum(case((_D.c.day >= month_first, 1), else_=0)),
            func.count() - func.count(_D.c.week_signoff_id),
            func.count() - func.count(_D.c.month_signoff_id),
        )
        .where(
            _D.c.day >= since,
            _D.c.day <= last,
            or_(
                _D.c.day >= month_first,
                _D.c.week_signoff_id.is_(None),
                _D.c.month_signoff_id.is_(None),
            ),
        )
        .group_by(_D.c.person_id)
    )
    return {
        pid: DiaryWindow(int(month or 0), week, month_left)
        for pid, month, week, month_left in _driver_rows(session, query)
    }


class DiaryFigures:
    """Diary counts within one unit of work (``uow.diary_figures``)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def counts(self, first: date, last: date) -> dict[int, DiaryCounts]:
        """See ``diary_counts``."""
        return diary_counts(self._session, first, last)

    def written(self, first: date, last: date) -> dict[int, int]:
        """See ``diaries_written``."""
        return diaries_written(self._session, first, last)

    def window(self, since: date, month_first: date, last: date) -> dict[int, DiaryWindow]:
        """See ``diary_window``."""
        return diary_window(self._session, since, month_first, last)
