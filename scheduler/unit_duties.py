"""The dispatching unit's reminders (Art. 15, 19), to its unit leaders, once per period:

- ``unit_meeting``: a closed month without a 驻村扶贫专题会议 (period: that month; the
  message lists every month missing, so a unit behind for months gets one message, not
  one per month);
- ``unit_visit``: over 60 days without a leadership visit, counted from the last visit or
  the unit's first posting (period: that day and which 60-day stretch, so a unit still
  behind is told again every 60 days, never twice in one);
- ``unit_health_check``: a cadre a year without a health check (period: the cadre and the
  day it fell due);
- ``unit_insurance``: a cadre's accident insurance ending within 30 days, or none
  recorded (period: the cadre and the insurance's last day).

The unit is the one posting the cadre today: a transferred cadre is the new unit's. Run
daily; a missed run is caught up by the next one, each reminder once (the outbox is unique
on recipient, kind and period).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from domain.roles import Role
from domain.unit_duties import VISIT_INTERVAL_DAYS, UnitRecord
from scheduler.common import DEFAULT_ZONE, UowFactory, by_place, day_of, run_sweep
from scheduler.payload import Payload
from services.outbox import Draft
from services.unit_duties import care_due, months_shown, standings
from storage.unit_of_work import UnitOfWork

MEETING_KIND = "unit_meeting"
VISIT_KIND = "unit_visit"
HEALTH_KIND = "unit_health_check"
INSURANCE_KIND = "unit_insurance"


def sweep_unit_duties(
    uow_factory: UowFactory,
    as_of: date | datetime,
    *,
    zone: ZoneInfo = DEFAULT_ZONE,
    dry_run: bool = False,
    keep: bool = True,
) -> list[Draft]:
    today = day_of(as_of, zone)

    def plan(uow: UnitOfWork) -> Iterator[Draft]:
        leaders = by_place(uow.roster.holders([Role.UNIT_LEADER]), Role.UNIT_LEADER, "unit_id")
        for s in standings(uow, today):
            if s.months_missing:
                params = {"unit": s.unit, "months": months_shown(s.months_missing, ", ")}
                payload = Payload("unit_duty.reminder_meeting", params).to_json()
                for leader in leaders.get(s.unit_id, []):
                    yield Draft(leader, MEETING_KIND, s.months_missing[-1], payload)
            if s.visit_days is not None:
                stretch = (s.visit_days - 1) // VISIT_INTERVAL_DAYS
                visit = {"unit": s.unit, "days": s.visit_days, "since": s.visit_since.isoformat()}
                payload = Payload("unit_duty.reminder_visit", visit).to_json()
                for leader in leaders.get(s.unit_id, []):
                    yield Draft(leader, VISIT_KIND, f"{s.visit_since}#{stretch}", payload)
        for d in care_due(uow, today):
            due = d.due.isoformat() if d.due is not None else None
            care: dict[str, Any]
            if d.what is UnitRecord.HEALTH_CHECK:
                kind, key, care = HEALTH_KIND, "reminder_health_check", {"due": due}
            elif due is not None:
                kind, key, care = INSURANCE_KIND, "reminder_insurance", {"until": due}
            else:
                kind, key, care = INSURANCE_KIND, "reminder_insurance_none", {}
            payload = Payload(f"unit_duty.{key}", {"name": d.name, **care}).to_json()
            for leader in leaders.get(d.unit_id, []):
                yield Draft(leader, kind, f"p{d.person_id}:{due or 'none'}", payload)

    return run_sweep(uow_factory, "unit_duties", plan, dry_run=dry_run, keep=keep)
