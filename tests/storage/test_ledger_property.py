"""Every report's figures are the day ledger's, on random years of a district.

Hypothesis draws a year of three cadres: postings (a transfer to the other township's
village, a posting that ends, one that starts late), on-site days, leave approved,
pending and rejected, official duty (公务) records, township entries correcting days,
and a calendar with days moved (an imported 调休 table). The
expected counts come from ``domain.ledger`` over those records alone (no database); the
roster-wide figures (by id and whole-roster), /status's standing, the monthly and annual
sheets and the ledger export must all say the same.
"""

from __future__ import annotations

import shutil
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.attendance import Period
from domain.calendar import DayKind, calendar_from_overrides
from domain.ledger import DayCounts, DayRecords, DayStatus, ledger
from services import figures
from services.day_export import day_records
from services.figures import attendance_figures
from services.reports.annual_sheet import gather_annual
from services.reports.attendance_sheet import gather
from services.standing import standing
from storage import sweeps as q
from storage.engine import make_engine, session_factory
from storage.migrations import upgrade
from storage.tables import (
    Assignment,
    AttendanceEntry,
    CalendarDay,
    CheckIn,
    DutyRecord,
    LeaveRequest,
    Person,
    Township,
    Unit,
    Village,
)
from storage.unit_of_work import UnitOfWork

ZONE = ZoneInfo("Asia/Shanghai")
YEAR = Period.year(2026)
DAY = st.integers(0, 364).map(lambda n: YEAR.first + timedelta(days=n))


@dataclass(frozen=True)
class Cadre:
    postings: tuple[tuple[date, date | None, int], ...]  # start, end, village index
    on_site: frozenset[date]
    leaves: tuple[tuple[date, date, str], ...]  # start, end, status
    duty: tuple[tuple[date, date], ...] = ()
    township: tuple[tuple[date, str], ...] = ()  # day, status the township entered


@st.composite
def cadres(draw: st.DrawFn) -> Cadre:
    start = draw(DAY)
    village = draw(st.integers(0, 1))
    postings: list[tuple[date, date | None, int]] = []
    if draw(st.booleans()):  # a transfer: the first posting ends, the next starts after it
        moved = draw(st.integers(1, 200))
        end = start + timedelta(days=moved)
        gap = draw(st.integers(1, 3))
        postings.append((start, end, village))
        postings.append((end + timedelta(days=gap), None, 1 - village))
    else:
        end = draw(st.none() | st.integers(0, 300).map(lambda n: start + timedelta(days=n)))
        postings.append((start, end, village))
    on_site = frozenset(draw(st.lists(DAY, max_size=120)))
    leaves: list[tuple[date, date, str]] = []
    for first in sorted(draw(st.lists(DAY, max_size=4, unique=True))):
        last = first + timedelta(days=draw(st.integers(0, 12)))
        if all(last < s or first > e for s, e, _ in leaves):
            leaves.append((first, last, draw(st.sampled_from(["approved", "pending", "rejected"]))))
    duty: list[tuple[date, date]] = []
    for first in draw(st.lists(DAY, max_size=2, unique=True)):
        last = first + timedelta(days=draw(st.integers(0, 4)))
        if all(last < s or first > e for s, e in duty):
            duty.append((first, last))
    entries = draw(st.dictionaries(DAY, st.sampled_from(["on_site", "absent", "duty"]), max_size=4))
    return Cadre(tuple(postings), on_site, tuple(leaves), tuple(duty), tuple(entries.items()))


MOVED_DAYS = st.dictionaries(DAY, st.sampled_from([DayKind.HOLIDAY, DayKind.WORKDAY]), max_size=6)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated empty SQLite file, copied for each example (migrating costs more)."""
    path = tmp_path_factory.mktemp("ledger") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


def _store(uow: UnitOfWork, people: list[Cadre], moved: dict[date, DayKind]) -> list[int]:
    towns = [uow.places.add(Township(name=n)) for n in ("东镇", "西镇")]
    villages = [
        uow.places.add(Village(township_id=t.id, name=f"{t.name}村", lat=30, lon=110, radius_m=500))
        for t in towns
    ]
    unit = uow.places.add(Unit(name="区财政局"))
    ids = []
    for i, c in enumerate(people):
        person = uow.people.add(
            Person(name=f"干部{i}", phone=f"+861390000{i:04d}", role="team_member")
        )
        ids.append(person.id)
        for start, end, v in c.postings:
            uow.assignments.add(
                Assignment(
                    person_id=person.id,
                    village_id=villages[v].id,
                    unit_id=unit.id,
                    start=start,
                    end=end,
                )
            )
        for day in c.on_site:
            at = datetime.combine(day, datetime.min.time(), ZONE) + timedelta(hours=9)
            uow.checkins.add(CheckIn(person_id=person.id, day=day, at=at, on_site=True))
        for first, last, status in c.leaves:
            n = (last - first).days + 1
            uow.leaves.add(
                LeaveRequest(
                    applicant_id=person.id,
                    start=first,
                    end=last,
                    days=n,
                    combined_days=n,
                    tier="short",
                    reason="事",
                    status=status,
                    created_at=datetime(2026, 1, 1, tzinfo=ZONE),
                )
            )
        for first, last in c.duty:
            uow.session.add(
                DutyRecord(
                    person_id=person.id,
                    start=first,
                    end=last,
                    kind="training",
                    recorded_at=datetime(2026, 1, 1, tzinfo=ZONE),
                )
            )
        for day, status in c.township:
            uow.session.add(
                AttendanceEntry(
                    person_id=person.id,
                    day=day,
                    status=status,
                    reason="核实",
                    recorded_by_id=person.id,
                    source="correction",
                    recorded_at=datetime(2026, 1, 1, tzinfo=ZONE),
                )
            )
    for day, kind in moved.items():
        uow.session.add(CalendarDay(day=day, kind=kind.value))
    return ids


def _expected(c: Cadre, period: Period, calendar) -> DayCounts:
    def leave(status: str) -> set[date]:
        return {d for a, b, s in c.leaves if s == status for d in Period(a, b).days()}

    records = DayRecords(
        tuple((s, e) for s, e, _ in c.postings),
        on_site=c.on_site,
        duty={d for a, b in c.duty for d in Period(a, b).days()},
        leave=leave("approved"),
        leave_pending=leave("pending"),
        township={d: DayStatus(s) for d, s in c.township},
    )
    return DayCounts.of(ledger(period, records, calendar))


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    people=st.lists(cadres(), min_size=3, max_size=3),
    moved=MOVED_DAYS,
    as_of=DAY,
    whole_roster=st.booleans(),
)
def test_every_report_counts_the_ledger(
    template: Path,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    people: list[Cadre],
    moved: dict[date, DayKind],
    as_of: date,
    whole_roster: bool,
) -> None:
    path = tmp_path_factory.getbasetemp() / f"ledger-{uuid.uuid4().hex}.db"
    shutil.copy(template, path)
    engine = make_engine(f"sqlite:///{path}")
    sessions = session_factory(engine)
    monkeypatch.setattr(figures, "SMALL_SCOPE", 0 if whole_roster else 5_000)
    try:
        with UnitOfWork(sessions) as uow:
            ids = _store(uow, people, moved)
            uow.commit()
        calendar = calendar_from_overrides(moved)
        month = Period.month(as_of.year, as_of.month)
        with UnitOfWork(sessions) as uow:
            for period in (YEAR, month):
                span = Period(period.first, min(period.last, as_of))
                postings = q.postings(uow.session, period.first, period.last)
                got = attendance_figures(uow, postings, period, as_of=as_of, calendar=calendar)
                for pid, cadre in zip(ids, people, strict=True):
                    want = _expected(cadre, span, calendar)
                    if pid not in got:  # not posted in the period at all
                        assert want.posted == 0
                        continue
                    f = got[pid]
                    assert (f.onsite_days, f.leave_days, f.absent_workdays, f.duty_days) == (
                        want.on_site,
                        want.leave,
                        want.absent,
                        want.duty,
                    ), (period, pid)
            sheet = gather(uow, YEAR, as_of=as_of, calendar=calendar)
            annual = gather_annual(uow, 2026, as_of=as_of, zone=ZONE, calendar=calendar)
            year_span = Period(YEAR.first, as_of)
            for rows in (sheet.rows, annual.rows):
                for row in rows:
                    want = _expected(people[ids.index(row.person_id)], year_span, calendar)
                    assert (row.onsite_days, row.leave_days, row.absent_workdays) == (
                        want.on_site,
                        want.leave,
                        want.absent,
                    )
            exported = day_records(uow, 2026, as_of=as_of)
            for pid, cadre in zip(ids, people, strict=True):
                phone = uow.people.get(pid).phone
                mine = [r for r in exported if r["phone"] == phone]
                want = _expected(cadre, year_span, calendar)
                assert sum(r["status"] == "absent" for r in mine) == want.absent
                assert sum(r["status"] == "on_site" for r in mine) == want.on_site
                assert sum(r["status"] == "duty" for r in mine) == want.duty
            # /status the day after: this month's absences up to as_of
            for pid, cadre in zip(ids, people, strict=True):
                person = uow.people.get(pid)
                tomorrow = as_of + timedelta(days=1)
                if tomorrow.year != 2026 or uow.assignments.latest(pid) is None:
                    continue
                mine = standing(uow, person, tomorrow)
                this_month = Period(date(2026, tomorrow.month, 1), as_of)
                want = (
                    _expected(cadre, this_month, calendar)
                    if this_month.first <= this_month.last
                    else DayCounts()
                )
                assert mine.absent_workdays_month == want.absent
    finally:
        engine.dispose()
        path.unlink(missing_ok=True)
