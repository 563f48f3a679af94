"""Every sweep by name, and running them all once (``cadrebot remind --as-of``)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from domain.township_attendance import AttendanceSource
from scheduler.assessment import sweep_assessment_season
from scheduler.calendar_due import sweep_calendar_due
from scheduler.common import DEFAULT_ZONE, UowFactory
from scheduler.grid import sweep_weekly_grid
from scheduler.monthly import sweep_monthly_review, sweep_quarterly_sheets
from scheduler.nudge import sweep_daily_nudge
from scheduler.overdue import sweep_leave_overdue
from scheduler.posting_term import sweep_posting_terms
from scheduler.removal import sweep_removal_triggers
from scheduler.spot_checks import sweep_spot_check_expiry
from scheduler.unit_duties import sweep_unit_duties
from scheduler.weekly import sweep_weekly
from scheduler.written_reports import sweep_written_reports
from services.outbox import Draft

log = logging.getLogger(__name__)
SweepFunction = Callable[..., list[Draft]]


@dataclass(frozen=True)
class Sweep:
    """A sweep by name; ``by_source``: it depends on who keeps attendance
    (``CADREBOT_ATTENDANCE_SOURCE``) and takes ``source``."""

    name: str
    run: SweepFunction
    by_source: bool = False

    def __call__(
        self,
        uow_factory: UowFactory,
        as_of: date | datetime,
        *,
        zone: ZoneInfo = DEFAULT_ZONE,
        dry_run: bool = False,
        keep: bool = True,
        source: AttendanceSource = AttendanceSource.CHECKIN,
    ) -> list[Draft]:
        options = {"source": source} if self.by_source else {}
        return self.run(uow_factory, as_of, zone=zone, dry_run=dry_run, keep=keep, **options)


SWEEPS: tuple[Sweep, ...] = (
    Sweep("leave_overdue", sweep_leave_overdue),
    Sweep("removal", sweep_removal_triggers),
    Sweep("daily_nudge", sweep_daily_nudge, by_source=True),
    Sweep("weekly", sweep_weekly),
    Sweep("weekly_grid", sweep_weekly_grid, by_source=True),
    Sweep("monthly_review", sweep_monthly_review),
    Sweep("quarterly_sheets", sweep_quarterly_sheets),
    Sweep("assessment", sweep_assessment_season),
    Sweep("spot_check_expiry", sweep_spot_check_expiry),
    Sweep("calendar_due", sweep_calendar_due),
    Sweep("posting_term", sweep_posting_terms),  # Art. 6: 60/30 days before a term's end
    Sweep("written_reports", sweep_written_reports),
    Sweep("unit_duties", sweep_unit_duties),  # the unit's duties (Art. 15, 19)
)
BY_NAME = {s.name: s for s in SWEEPS}


@dataclass
class EverySweep:
    """What one run of every sweep did: the new drafts of each sweep that ran, and the
    sweeps that failed (name → the error's one-line cause; the log has the traceback)."""

    drafts: dict[str, list[Draft]] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)


def run_every_sweep(
    uow_factory: UowFactory,
    as_of: date | datetime,
    *,
    zone: ZoneInfo = DEFAULT_ZONE,
    dry_run: bool = False,
    source: AttendanceSource = AttendanceSource.CHECKIN,
) -> EverySweep:
    """Each sweep once as of ``as_of``, whatever its weekday or day of the month; the
    outbox keys keep each reminder to once per period however often this is run.

    Each sweep runs on its own: one sweep's error (its transaction rolled back) is logged
    once with its cause and never keeps the others from running."""
    run = EverySweep()
    for sweep in SWEEPS:
        try:
            run.drafts[sweep.name] = sweep(
                uow_factory, as_of, zone=zone, dry_run=dry_run, source=source
            )
        except Exception as exc:
            log.exception("sweep %s as of %s failed", sweep.name, as_of)
            run.failed[sweep.name] = f"{type(exc).__name__}: {exc}"
    return run
