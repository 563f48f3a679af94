"""Roster-wide read models for the scheduler's sweeps and the sheets, and the reminder
outbox: query objects the unit of work holds (``uow.roster``, ``uow.rollup``,
``uow.absences``, ``uow.approvals``, ``uow.diary_figures``, ``uow.reminders``,
``uow.sweep_lock``), one module each.

Every query runs a fixed number of set-based statements whatever the size of the roster
(never one per person): the sweeps must stay fast at 100,000 cadres. Like the repositories,
nothing here commits; the caller's unit of work does. The module-level functions (taking
a session) are the query objects' bodies; they are re-exported here for the tests and
benchmarks that call them on a session of their own.
"""

from __future__ import annotations

from storage.sweeps.absences import (
    AbsenceQueries,
    DutySpan,
    approved_leaves,
    duty_spans,
    pending_leaves,
)
from storage.sweeps.approvals import (
    ApprovalQueries,
    OpenStepRow,
    open_steps,
    open_steps_by_assignee,
    pending_claims_by_assignee,
    pending_requests_by_applicant,
    still_open_steps,
)
from storage.sweeps.diaries import (
    DiaryCounts,
    DiaryFigures,
    DiaryWindow,
    diaries_written,
    diary_counts,
    diary_window,
)
from storage.sweeps.lock import (
    SWEEP_READS,
    SweepLock,
    set_sweep_value,
    sweep_reads,
    sweep_value,
    try_sweep_lock,
)
from storage.sweeps.reminders import (
    UNBOUND,
    ReminderOutbox,
    claim_reminders,
    hold_for_binding,
    insert_reminders,
    mark_failed,
    mark_sent,
    record_undelivered,
    release_claims,
    reopen_held_for_binding,
)
from storage.sweeps.rollup import (
    ROLLUP,
    ROLLUP_OVERLAP,
    WORKDAYS_DONE,
    OnsiteRollup,
    month_key,
    month_sums,
    onsite_days_by_person,
    onsite_months,
    onsite_on,
    refresh_onsite_months,
    working_days_on_site,
)
from storage.sweeps.roster import (
    BATCH_SIZE,
    HolderRow,
    PostedVillage,
    PostingRow,
    RosterQueries,
    holders,
    posted_villages,
    posting_batches,
    postings,
)

__all__ = [
    "AbsenceQueries",
    "ApprovalQueries",
    "BATCH_SIZE",
    "DiaryCounts",
    "DiaryFigures",
    "DiaryWindow",
    "DutySpan",
    "HolderRow",
    "OnsiteRollup",
    "OpenStepRow",
    "PostedVillage",
    "PostingRow",
    "ROLLUP",
    "ROLLUP_OVERLAP",
    "ReminderOutbox",
    "RosterQueries",
    "SWEEP_READS",
    "SweepLock",
    "UNBOUND",
    "WORKDAYS_DONE",
    "approved_leaves",
    "claim_reminders",
    "diaries_written",
    "diary_counts",
    "diary_window",
    "duty_spans",
    "hold_for_binding",
    "holders",
    "insert_reminders",
    "mark_failed",
    "mark_sent",
    "month_key",
    "month_sums",
    "onsite_days_by_person",
    "onsite_months",
    "onsite_on",
    "open_steps",
    "open_steps_by_assignee",
    "pending_claims_by_assignee",
    "pending_leaves",
    "pending_requests_by_applicant",
    "posted_villages",
    "posting_batches",
    "postings",
    "record_undelivered",
    "refresh_onsite_months",
    "release_claims",
    "reopen_held_for_binding",
    "set_sweep_value",
    "still_open_steps",
    "sweep_reads",
    "sweep_value",
    "try_sweep_lock",
    "working_days_on_site",
]
