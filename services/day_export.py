"""``cadrebot export days``: the day ledger itself, one row per cadre-day of a year
(``phone,name,date,status,evidence,township,village``), for operators and auditors.

Each cadre's days run from their first posted day of the year to the last (or ``as_of``:
a day that has not happened has no status yet); a day between two postings is
``not_posted``. Narrowed to a township, the rows are the days its villages hosted them.
The statuses are ``domain.ledger``'s, from the same records every figure counts.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from domain.attendance import Period
from domain.errors import DomainError
from domain.ledger import ledger
from services.calendar import load_calendar
from services.ledger import read_evidence
from storage.sweeps import PostedVillage
from storage.unit_of_work import UnitOfWork


def _posting_on(postings: list[PostedVillage], day: date) -> PostedVillage | None:
    """The posting in force on ``day``: the latest started of those covering it."""
    found = None
    for p in postings:
        if p.start <= day and (p.end is None or day <= p.end):
            found = p
    return found


def _on_site_days(months: dict[int, int]) -> set[date]:
    days: set[date] = set()
    for key, bits in months.items():
        first = date(key // 100, key % 100, 1)
        days.update(first + timedelta(days=b) for b in range(bits.bit_length()) if bits >> b & 1)
    return days


def day_records(
    uow: UnitOfWork, year: int, township: str | None = None, *, as_of: date | None = None
) -> list[dict[str, Any]]:
    """The ledger rows of ``year`` (up to ``as_of``), for the district or one township."""
    township_id = None
    if township is not None:
        found = uow.places.township(township)
        if found is None:
            raise DomainError("export.unknown_township", township=township)
        township_id = found.id
    whole = Period.year(year)
    span = whole.clip(None, as_of)
    if span is None:
        return []
    calendar = load_calendar(uow)
    postings: dict[int, list[PostedVillage]] = defaultdict(list)
    for p in uow.roster.posted_villages(span.first, span.last, township_id):
        postings[p.person_id].append(p)
    uow.rollup.refresh()
    masks = uow.rollup.onsite_months(span.first, span.last, list(postings))
    evidence = read_evidence(uow, span.first, span.last, list(postings))
    rows: list[dict[str, Any]] = []
    for pid, own in postings.items():
        spans = tuple((p.start, p.end) for p in own)
        records = evidence.records(pid, spans, _on_site_days(masks.get(pid, {})))
        first = max(span.first, min(p.start for p in own))
        ends = [p.end for p in own]
        last = span.last if None in ends else min(span.last, max(e for e in ends if e))
        if first > last:
            continue
        for entry in ledger(Period(first, last), records, calendar):
            posting = _posting_on(own, entry.day)
            if township_id is not None and (posting is None or posting.township_id != township_id):
                continue
            rows.append(
                {
                    "phone": own[0].phone,
                    "name": own[0].name,
                    "date": entry.day.isoformat(),
                    "status": entry.status.value,
                    "evidence": entry.evidence.value,
                    "township": posting.township if posting else "",
                    "village": posting.village if posting else "",
                }
            )
    return rows
