"""Leave and official duty over a span, for everyone at once (the sweeps, the sheets).

Inside ``sweep_reads`` a roster-wide read is made once and shared by every batch."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import date
from typing import NamedTuple, cast

from sqlalchemy import select
from sqlmodel import Session

from storage.sweeps._sql import _L, _T, _narrowed, _rows
from storage.sweeps.lock import SWEEP_READS


def approved_leaves(
    session: Session, first: date, last: date
) -> dict[int, list[tuple[date, date]]]:
    """Approved leave overlapping ``first``..``last``: applicant → [(start, end), ...]
    (inside ``sweep_reads``, read once and shared: callers must not change it)."""
    return _leave_spans(session, "approved", first, last)


def pending_leaves(session: Session, first: date, last: date) -> dict[int, list[tuple[date, date]]]:
    """Pending leave overlapping ``first``..``last``: applicant → [(start, end), ...].

    Its days are not absences while the request waits (a 补假 for days already past
    included): the figures show them as leave (pending); a rejection or withdrawal
    takes them out of here, and they count as absent again."""
    return _leave_spans(session, "pending", first, last)


def _leave_spans(
    session: Session, status: str, first: date, last: date
) -> dict[int, list[tuple[date, date]]]:
    kept = session.info.get(SWEEP_READS)
    key = ("leaves", status, first, last)
    if kept is not None and key in kept:
        return cast(dict[int, list[tuple[date, date]]], kept[key])
    query = select(_L.c.applicant_id, _L.c.start, _L.c.end).where(
        _L.c.status == status, _L.c.start <= last, _L.c.end >= first
    )
    spans: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for pid, start, end in _rows(session, query):
        spans[pid].append((start, end))
    result = dict(spans)
    if kept is not None:
        kept[key] = result
    return result


class DutySpan(NamedTuple):
    """One official duty record's days (first and last included) and its kind."""

    start: date
    end: date
    kind: str


def duty_spans(
    session: Session, first: date, last: date, ids: Collection[int] | None = None
) -> dict[int, list[DutySpan]]:
    """Official duty (公务) overlapping ``first``..``last``: person → [DutySpan, ...] by
    start, for everyone or for ``ids``, like ``approved_leaves`` (for everyone inside
    ``sweep_reads``, read once and shared: callers must not change it)."""
    kept = session.info.get(SWEEP_READS) if ids is None else None
    if kept is not None and ("duties", first, last) in kept:
        return cast(dict[int, list[DutySpan]], kept[("duties", first, last)])
    spans: dict[int, list[DutySpan]] = defaultdict(list)
    for condition, wanted in _narrowed(_T.c.person_id, ids):
        query = (
            select(_T.c.person_id, _T.c.start, _T.c.end, _T.c.kind)
            .where(_T.c.start <= last, _T.c.end >= first)
            .order_by(_T.c.person_id, _T.c.start)
        )
        if condition is not None:
            query = query.where(condition)
        for pid, start, end, kind in _rows(session, query):
            if wanted is None or pid in wanted:
                spans[pid].append(DutySpan(start, end, kind))
    result = dict(spans)
    if kept is not None:
        kept[("duties", first, last)] = result
    return result


class AbsenceQueries:
    """Leave and duty spans within one unit of work (``uow.absences``)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def approved_leaves(self, first: date, last: date) -> dict[int, list[tuple[date, date]]]:
        """See ``approved_leaves``."""
        return approved_leaves(self._session, first, last)

    def pending_leaves(self, first: date, last: date) -> dict[int, list[tuple[date, date]]]:
        """See ``pending_leaves``."""
        return pending_leaves(self._session, first, last)

    def duty_spans(
        self, first: date, last: date, ids: Collection[int] | None = None
    ) -> dict[int, list[DutySpan]]:
        """See ``duty_spans``."""
        return duty_spans(self._session, first, last, ids)
