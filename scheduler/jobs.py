"""Every sweep by name, and running them all once (``cadrebot remind --as-of``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from scheduler.assessment import sweep_assessment_season
from scheduler.common import DEFAULT_ZONE, UowFactory
from scheduler.monthly import sweep_monthly_review, sweep_quarterly_sheets
from scheduler.nudge import sweep_daily_nudge
from scheduler.overdue import sweep_leave_overdue
from scheduler.removal import sweep_removal_triggers
from scheduler.spot_checks import sweep_spot_check_expiry
from scheduler.weekly import sweep_weekly
from services.outbox import Draft

SweepFunction = Callable[..., list[Draft]]


@dataclass(frozen=True)
class Sweep:
    name: str
    run: SweepFunction


SWEEPS: tuple[Sweep, ...] = (
    Sweep("leave_overdue", sweep_leave_overdue),
    Sweep("removal", sweep_removal_triggers),
    Sweep("daily_nudge", sweep_daily_nudge),
    Sweep("weekly", sweep_weekly),
    Sweep("monthly_review", sweep_monthly_review),
    Sweep("quarterly_sheets", sweep_quarterly_sheets),
    Sweep("assessment", sweep_assessment_season),
    Sweep("spot_check_expiry", sweep_spot_check_expiry),
)
BY_NAME = {s.name: s for s in SWEEPS}


def run_every_sweep(
    uow_factory: UowFactory,
    as_of: date | datetime,
    *,
    zone: ZoneInfo = DEFAULT_ZONE,
    dry_run: bool = False,
) -> dict[str, list[Draft]]:
    """Each sweep once as of ``as_of``, whatever its weekday or day of the month; the
    outbox keys keep each reminder to once per period however often this is run."""
    return {s.name: s.run(uow_factory, as_of, zone=zone, dry_run=dry_run) for s in SWEEPS}
