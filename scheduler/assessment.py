"""Assessment seasons (Art. 15, 26): the township's half-year assessment is due before
the end of June, the district's annual one by the end of December. Township party
secretaries, org_dept and poverty_bureau are reminded on June 15 and December 5.

As of a day in January-June the half-year season is meant (period ``2026-H1``), as of a
day in July-December the year end (period ``2026``).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from zoneinfo import ZoneInfo

from domain.roles import DISTRICT_DEPARTMENTS, Role
from scheduler.common import DEFAULT_ZONE, UowFactory, day_of, run_sweep
from scheduler.payload import Payload
from scheduler.written_reports import year_goals_parts
from services.outbox import Draft
from storage.unit_of_work import UnitOfWork


def sweep_assessment_season(
    uow_factory: UowFactory,
    as_of: date | datetime,
    *,
    zone: ZoneInfo = DEFAULT_ZONE,
    dry_run: bool = False,
    keep: bool = True,
) -> list[Draft]:
    today = day_of(as_of, zone)
    if today.month <= 6:
        season, period, deadline = "half", f"{today.year}-H1", date(today.year, 6, 30)
    else:
        season, period, deadline = "year", str(today.year), date(today.year, 12, 31)
    kind = f"assessment_{season}"

    def plan(uow: UnitOfWork) -> list[Draft]:
        per_township: Counter[int] = Counter()
        names: dict[int, str] = {}
        cadres = 0
        for posted in uow.roster.posting_batches(today, today):  # counts, not rows
            cadres += len(posted)
            per_township.update(c.township_id for c in posted)
            names.update((c.township_id, c.township) for c in posted)
        drafts = []
        goals = year_goals_parts(uow, today) if season == "year" else None  # Art. 14
        for h in uow.roster.holders([Role.TOWNSHIP_SECRETARY, *DISTRICT_DEPARTMENTS]):
            params = {"year": today.year, "deadline": deadline.isoformat()}
            if h.role == Role.TOWNSHIP_SECRETARY:
                township = h.township_id
                if township is None or not per_township.get(township):
                    continue
                key = f"reminder.{kind}_township"
                params |= {"township": names[township], "cadres": per_township[township]}
            else:
                key = f"reminder.{kind}_district"
                params |= {"cadres": cadres, "townships": len(per_township)}
            scope = h.township_id if h.role == Role.TOWNSHIP_SECRETARY else None
            parts = goals(scope) if goals is not None else None
            drafts.append(
                Draft(h.person_id, kind, period, Payload(key, params, parts=parts).to_json())
            )
        return drafts

    return run_sweep(uow_factory, "assessment", plan, dry_run=dry_run, keep=keep)
