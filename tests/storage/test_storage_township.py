"""The township's attendance entries on both databases: the repository the day ledger reads
(``uow.attendance_entries``), and the services that write them (corrections, the grid's
exceptions, the week's confirmation)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.exc import IntegrityError

from domain.attendance import Period
from domain.calendar import WorkdayCalendar
from domain.errors import DomainError
from services import township_attendance as service
from services.sample_district import seed_sample_district
from storage import sweeps as q
from storage.tables import AttendanceEntry, CheckIn, DutyRecord, LeaveRequest

ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 3, 10, 0, tzinfo=ZONE)


@pytest.fixture
def people(uow_factory):
    with uow_factory() as uow:
        people = seed_sample_district(uow, posted_from=date(2026, 1, 1))
        uow.commit()
    return {key: p.id for key, p in people.items()}


def put(uow, person_id: int, day: date, status: str, by: int, *, reason: str = "核实") -> object:
    return uow.attendance_entries.put(
        person_id=person_id,
        day=day,
        status=status,
        reason=reason,
        recorded_by_id=by,
        recorded_at=NOW,
        source="correction",
    )


def test_a_later_entry_replaces_the_earlier_and_returns_its_values(uow_factory, people) -> None:
    cadre, secretary = people["cadre"], people["township_secretary"]
    day = date(2026, 11, 12)
    with uow_factory() as uow:
        assert put(uow, cadre, day, "absent", secretary, reason="未到岗") is None
        uow.commit()
    with uow_factory() as uow:
        replaced = put(uow, cadre, day, "duty", secretary, reason="区里培训")
        uow.commit()
    assert (replaced.status, replaced.reason, replaced.source) == ("absent", "未到岗", "correction")
    with uow_factory() as uow:
        [entry] = uow.attendance_entries.for_person(cadre, date(2026, 11, 1), date(2026, 11, 30))
        assert (entry.day, entry.status, entry.reason) == (day, "duty", "区里培训")


def test_one_entry_per_cadre_and_day(uow_factory, people) -> None:
    row = {
        "person_id": people["cadre"],
        "day": date(2026, 11, 12),
        "status": "absent",
        "reason": "x",
        "recorded_by_id": people["township_secretary"],
        "recorded_at": NOW,
        "source": "grid",
    }
    with pytest.raises(IntegrityError), uow_factory() as uow:
        uow.session.add_all([AttendanceEntry(**row), AttendanceEntry(**row)])
        uow.session.flush()


def test_statuses_by_person_and_day_in_one_query(uow_factory, people) -> None:
    cadre, cadre2, secretary = people["cadre"], people["cadre2"], people["township_secretary"]
    with uow_factory() as uow:
        put(uow, cadre, date(2026, 11, 2), "on_site", secretary)
        put(uow, cadre, date(2026, 11, 3), "duty", secretary)
        put(uow, cadre2, date(2026, 11, 3), "absent", secretary)
        put(uow, cadre2, date(2026, 12, 1), "absent", secretary)  # outside the span
        uow.commit()
    with uow_factory() as uow:
        entries = uow.attendance_entries
        everyone = entries.statuses(date(2026, 11, 1), date(2026, 11, 30), None)
        assert everyone == {
            cadre: {date(2026, 11, 2): "on_site", date(2026, 11, 3): "duty"},
            cadre2: {date(2026, 11, 3): "absent"},
        }
        assert entries.statuses(date(2026, 11, 1), date(2026, 12, 31), [cadre2]) == {
            cadre2: {date(2026, 11, 3): "absent", date(2026, 12, 1): "absent"}
        }
        assert entries.statuses(date(2026, 11, 1), date(2026, 11, 30), []) == {}


# -- the services -----------------------------------------------------------------------------


def enter(uow_factory, people, **changes: object) -> service.EntryOutcome:
    values = {
        "scope": "2026-11",
        "person_id": people["cadre"],
        "day": date(2026, 11, 12),
        "status": "duty",
        "reason": "区委组织部岗位培训",
        "now": NOW,
    } | changes
    with uow_factory() as uow:
        secretary = uow.people.get(people[str(changes.pop("by", "township_secretary"))])
        values.pop("by", None)
        outcome = service.enter_day(uow, secretary, **values)
        uow.commit()
    return outcome


def test_a_correction_is_audited_and_the_cadre_is_told(uow_factory, people) -> None:
    first = enter(uow_factory, people, status="absent", reason="电话未接")
    assert not first.replaced
    second = enter(uow_factory, people)
    assert second.replaced
    [notice] = second.notices
    assert notice.person_id == people["cadre"] and notice.key == "township.cadre_told"
    assert notice.params == {"m": 11, "d": 12, "status": "duty", "reason": "区委组织部岗位培训"}
    with uow_factory() as uow:
        audit = uow.audit.for_subject(f"attendance:{people['cadre']}:2026-11-12")
        assert [a.action for a in audit] == ["attendance.entry", "attendance.entry"]
        assert audit[0].actor_id == people["township_secretary"]
        assert audit[0].detail["replaced"] is None
        assert audit[1].detail["status"] == "duty" and audit[1].detail["source"] == "correction"
        assert audit[1].detail["replaced"]["status"] == "absent"
        assert audit[1].detail["replaced"]["reason"] == "电话未接"


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"by": "township_secretary_b"}, "township.not_posted"),  # not their township
        ({"by": "township_leader"}, "error.role_cannot"),
        ({"day": date(2026, 10, 30)}, "township.day_outside"),  # not the reviewed month
        ({"day": date(2026, 12, 3)}, "township.day_outside"),  # today is not over
        ({"scope": "2026-12"}, "township.day_outside"),  # only this month up to yesterday
        ({"person_id": "township_leader"}, "township.not_a_cadre"),
        ({"status": "holiday"}, "township.bad_status"),
        ({"reason": "   "}, "township.reason_required"),
        ({"reason": "长" * 201}, "township.reason_too_long"),
        ({"scope": "2026-W48", "day": date(2026, 11, 30)}, "township.day_outside_week"),
    ],
)
def test_refusals_change_nothing(uow_factory, people, changes, key) -> None:
    if changes.get("person_id") == "township_leader":
        changes = {"person_id": people["township_leader"]}
    with pytest.raises(DomainError) as err:
        enter(uow_factory, people, **changes)
    assert err.value.key == key
    with uow_factory() as uow:
        assert uow.attendance_entries.statuses(date(2026, 1, 1), date(2026, 12, 31)) == {}


def test_this_month_up_to_yesterday_from_the_review(uow_factory, people) -> None:
    outcome = enter(uow_factory, people, day=date(2026, 12, 2), status="on_site")
    assert outcome.day == date(2026, 12, 2)


def test_only_days_the_cadre_was_posted(uow_factory, people) -> None:
    with uow_factory() as uow:
        [assignment] = uow.assignments.for_person(people["cadre"])
        assignment.start = date(2026, 11, 20)
        uow.commit()
    with pytest.raises(DomainError) as err:
        enter(uow_factory, people, day=date(2026, 11, 12))
    assert err.value.key == "township.not_posted"
    enter(uow_factory, people, day=date(2026, 11, 20))


def test_the_cadres_of_a_scope_are_the_townships(uow_factory, people) -> None:
    with uow_factory() as uow:
        secretary = uow.people.get(people["township_secretary"])
        names = [
            c.name for c in service.scope_cadres(uow, secretary, scope="2026-W48", today=NOW.date())
        ]
        assert names == ["张三", "李四"]
        with pytest.raises(DomainError) as err:
            service.scope_cadres(uow, secretary, scope="2026-W49", today=date(2026, 11, 30))
        assert err.value.key == "township.scope_not_over"


def test_a_week_is_confirmed_once(uow_factory, people) -> None:
    enter(uow_factory, people, scope="2026-W48", day=date(2026, 11, 24), status="absent")
    for already in (False, True):
        with uow_factory() as uow:
            secretary = uow.people.get(people["township_secretary"])
            outcome = service.confirm_week(uow, secretary, week="2026-W48", now=NOW)
            uow.commit()
        assert (outcome.township, outcome.week, outcome.already) == (
            "城关街道",
            "2026-W48",
            already,
        )
    with uow_factory() as uow:
        township_id = uow.people.get(people["township_secretary"]).township_id
        [audit] = uow.audit.for_subject(f"attendance-week:{township_id}:2026-W48")
        assert audit.action == "attendance:week_confirmed"
        assert audit.detail == {"cadres": 2, "entries": 1}
        [entry] = uow.attendance_entries.for_person(
            people["cadre"], date(2026, 11, 24), date(2026, 11, 24)
        )
        assert entry.source == "grid"
    with pytest.raises(DomainError) as err, uow_factory() as uow:
        secretary = uow.people.get(people["township_secretary"])
        service.confirm_week(uow, secretary, week="2026-W49", now=NOW)
    assert err.value.key == "township.week_not_over"


def test_week_marks_from_every_kind_of_evidence(uow_factory, people) -> None:
    """Week 2026-W48 (Nov 23-29): 张三 on site Mon and Tue (Tue corrected to duty), leave
    Wed-Thu, Fri nothing; the weekend is rest. 李四 has a duty record on Monday (the hook)."""
    cadre, cadre2, secretary = people["cadre"], people["cadre2"], people["township_secretary"]
    week = Period(date(2026, 11, 23), date(2026, 11, 29))
    with uow_factory() as uow:
        for d in (23, 24):
            day = date(2026, 11, d)
            uow.session.add(
                CheckIn(
                    person_id=cadre, day=day, at=datetime(2026, 11, d, 9, tzinfo=ZONE), on_site=True
                )
            )
        uow.session.add(
            LeaveRequest(
                applicant_id=cadre,
                start=date(2026, 11, 25),
                end=date(2026, 11, 26),
                days=2,
                combined_days=2,
                tier="short",
                reason="病假",
                status="approved",
                created_at=NOW - timedelta(days=10),
            )
        )
        put(uow, cadre, date(2026, 11, 24), "duty", secretary)
        uow.commit()

        uow.duties.add(  # 李四 at the district's training on Monday
            DutyRecord(
                person_id=cadre2,
                start=date(2026, 11, 23),
                end=date(2026, 11, 23),
                kind="training",
                recorded_at=NOW,
            )
        )
        uow.commit()

    with uow_factory() as uow:
        postings = q.postings(uow.session, week.first, week.last, township_id=1)
        marks = service.week_marks(uow, postings, week, WorkdayCalendar())
    assert marks == {cadre: "odllarr", cadre2: "daaaarr"}
