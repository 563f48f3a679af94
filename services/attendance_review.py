"""The monthly attendance review (Art. 11): the township party secretary confirms last
month's attendance and the sheet goes to org_dept and poverty_bureau.

Confirming puts one outbox row per district recipient (kind ``attendance_sheet``, period
``<month>:t<township>``) in the same transaction as the audit entry: the sheet is built and
sent by the dispatcher, so a crash after the tap loses nothing and a second tap (or a
second secretary of the same township) sends nothing twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from domain.attendance import Period
from domain.errors import DomainError
from domain.roles import Role
from services.outbox import Draft, enqueue
from services.reports.attendance_sheet import document_spec
from storage.tables import Person
from storage.unit_of_work import UnitOfWork

SHEET_KIND = "attendance_sheet"
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class ReviewOutcome:
    township: str
    month: str
    recipients: int
    new: int

    @property
    def already(self) -> bool:
        return self.recipients > 0 and self.new == 0


def parse_month(key: str) -> Period:
    match = _MONTH.match(key or "")
    if match is None:
        raise DomainError("review.bad_month", month=key)
    return Period.month(int(match[1]), int(match[2]))


def sheet_drafts(
    uow: UnitOfWork, *, township_id: int, township: str, month: str, period: Period, by: str
) -> list[Draft]:
    """One row per active org_dept / poverty_bureau holder carrying the township's sheet."""
    document = document_spec("township", township_id, township, period, month)
    return [
        Draft(
            h.person_id,
            SHEET_KIND,
            f"{month}:t{township_id}",
            {
                "key": "reminder.attendance_sheet",
                "params": {"township": township, "month": month, "by": by},
                "document": document,
            },
        )
        for h in uow.roster.holders([Role.ORG_DEPT, Role.POVERTY_BUREAU])
    ]


def confirm_review(
    uow: UnitOfWork, secretary: Person, *, month: str, now: datetime
) -> ReviewOutcome:
    """Record the secretary's confirmation of ``month`` and queue the sheet for the district
    departments. Only a finished month can be confirmed."""
    if secretary.role != Role.TOWNSHIP_SECRETARY or secretary.township_id is None:
        raise DomainError("error.role_cannot")
    period = parse_month(month)
    if period.last >= now.date():
        raise DomainError("review.month_not_over", month=month)
    township = uow.places.township_by_id(secretary.township_id)
    assert township is not None and township.id is not None, "a secretary's township is stored"
    drafts = sheet_drafts(
        uow,
        township_id=township.id,
        township=township.name,
        month=month,
        period=period,
        by=secretary.name,
    )
    new = enqueue(uow, drafts, now)
    uow.audit.record(
        now,
        secretary.id,
        "attendance.review",
        f"attendance:{township.id}:{month}",
        recipients=[d.recipient_id for d in drafts],
        queued=len(new),
    )
    return ReviewOutcome(township.name, month, len(drafts), len(new))
