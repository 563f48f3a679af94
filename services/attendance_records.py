"""Presence from a messenger's own attendance app (DingTalk's 考勤打卡, issue #16).

DingTalk's robot messages carry no location, so on DingTalk a cadre's presence in the
village comes from the attendance app, geofenced by the attendance group: each check
(上班/下班打卡) says whether it was made inside the fence (``locationResult`` Normal).
Each record becomes a ``CheckIn`` with source ``dingtalk``, dated when it was made, in the
district's time zone (evidence is dated when it was sent), without a position. Every
check is kept, on site or not, as shared locations are, so the record shows what came in;
the ledger counts a day on site when one of its check-ins is (two checks a day, one day).

What the regulation cares about is presence, not punctuality: an on-site day is a
calendar day with a verified check-in in the village (Art. 11, 21); nothing in it rates
being late or leaving early (DingTalk's ``timeResult`` Late/Early), so a late check inside
the fence is an on-site day like any other. A check on a day of approved leave is kept and
counts, as a shared location does (the ledger: a leave day on which the cadre was on site
counts as on site). A record of nobody posted that day is not evidence of anything and is
ignored, as is DingTalk's NotSigned (a check that was due and never made).

This module only records evidence in the caller's unit of work and never commits; the
scheduler's ``sweep_attendance_records`` reads the records and owns the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from storage.ids import id_of
from storage.tables import Assignment, CheckIn, Person
from storage.unit_of_work import UnitOfWork

#: ``CheckIn.source`` of a check from DingTalk's attendance app.
SOURCE = "dingtalk"
#: ``AttendanceRecord.kind`` of a check that was due and never made (DingTalk NotSigned).
NOT_SIGNED = "NotSigned"
#: DingTalk ``sourceType`` of a check someone else entered instead of the person checking
#: in on the spot: 补卡 approved in DingTalk's own approval flow, a manager's correction,
#: the system. They prove no presence: a missed day is claimed with the bot's 补卡, which
#: the township approves (Art. 11: the township owns attendance), or set by the township.
NOT_IN_PERSON = frozenset({"APPROVE", "BOSS", "SYSTEM"})


@dataclass(frozen=True)
class AttendanceRecord:
    """One check of a person in a messenger's attendance app.

    ``account``: the person's id in that messenger (a DingTalk staff id); ``at``: when the
    check was made (aware); ``on_site``: inside the attendance group's geofence; ``kind``:
    the kind of check (DingTalk's ``checkType``, OnDuty or OffDuty), or ``NOT_SIGNED`` for
    a check that was due and never made (which is not recorded)."""

    account: str
    at: datetime
    on_site: bool
    kind: str

    def __post_init__(self) -> None:
        if self.at.utcoffset() is None:
            raise ValueError(f"AttendanceRecord.at must be aware, got {self.at!r}")

    @property
    def signed(self) -> bool:
        """Whether a check was made at all."""
        return self.kind != NOT_SIGNED

    @classmethod
    def from_dingtalk(cls, row: Mapping[str, Any]) -> AttendanceRecord:
        """A record of DingTalk's ``attendance/list`` (``userId``, ``checkType``,
        ``timeResult``, ``locationResult``, ``userCheckTime`` in ms, ``sourceType``).

        On site: ``locationResult`` Normal (inside the fence) from a check made in person
        (not ``NOT_IN_PERSON``); Late or Early changes nothing. NotSigned in either result
        is no check at all."""
        not_signed = NOT_SIGNED in (row.get("timeResult"), row.get("locationResult"))
        # A NotSigned record may carry only the time the check was due (or its work date).
        millis = next(row[k] for k in ("userCheckTime", "baseCheckTime", "workDate") if row.get(k))
        at = datetime.fromtimestamp(int(millis) / 1000, UTC)
        on_site = (
            not not_signed
            and row.get("locationResult") == "Normal"
            and row.get("sourceType") not in NOT_IN_PERSON
        )
        kind = NOT_SIGNED if not_signed else str(row.get("checkType") or "")
        return cls(str(row["userId"]), at, on_site, kind)


@dataclass(frozen=True)
class AttendanceOutcome:
    """What recording a batch of records did: ``new`` check-ins stored, records
    ``already`` stored by an earlier run, and records ``ignored`` (not a bound cadre, not
    posted that day, or no check at all)."""

    new: int = 0
    already: int = 0
    ignored: int = 0


def record_attendance(
    uow: UnitOfWork,
    people_by_account: Mapping[str, Person],
    records: Iterable[AttendanceRecord],
    *,
    zone: ZoneInfo,
) -> AttendanceOutcome:
    """Store each record as a ``CheckIn`` (source ``dingtalk``, ``day`` its date in
    ``zone``); a record already stored (same person, same time) is not stored again, so a
    re-run of the sweep adds nothing. Flushes, never commits. Three queries whatever the
    number of records: the postings of the people, their check-ins of the span, and the
    insert."""
    wanted: list[tuple[int, date, AttendanceRecord]] = []
    ignored = 0
    for record in records:
        person = people_by_account.get(record.account)
        if person is None or not record.signed:
            ignored += 1
            continue
        wanted.append((id_of(person), record.at.astimezone(zone).date(), record))
    if not wanted:
        return AttendanceOutcome(ignored=ignored)

    postings = uow.assignments.for_people({pid for pid, _, _ in wanted})
    first, last = min(d for _, d, _ in wanted), max(d for _, d, _ in wanted)
    stored = uow.checkins.times_from(SOURCE, {pid for pid, _, _ in wanted}, first, last)
    new = already = 0
    rows: list[CheckIn] = []
    for person_id, day, record in wanted:
        if not _posted(postings.get(person_id, ()), day):
            ignored += 1
            continue
        key = (person_id, record.at.astimezone(UTC))
        if key in stored:
            already += 1
            continue
        stored.add(key)
        rows.append(
            CheckIn(
                person_id=person_id,
                day=day,
                at=record.at,
                on_site=record.on_site,
                source=SOURCE,
            )
        )
        new += 1
    uow.checkins.stage_all(rows)
    uow.flush()
    return AttendanceOutcome(new, already, ignored)


def _posted(postings: Iterable[Assignment], day: date) -> bool:
    return any(a.start <= day and (a.end is None or day <= a.end) for a in postings)
