"""Spot checks (明查暗访, Art. 26.3) on both databases: remote and in-person results, the
escalation of unexcused absences within a year (1st criticism, 2nd district notice, 3rd
notice and 不称职), what does not escalate (present, on leave, no answer, a check on a
non-working day), visits recorded for an earlier day, answers handled after their window,
and who is told."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from domain.assessment import Grade, Sanction, SpotCheckResult
from domain.errors import DomainError
from services import grades, spot_checks
from storage.tables import LeaveRequest, Person, Reminder, SpotCheck
from storage.unit_of_work import UnitOfWork

ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=ZONE)
INSIDE = (33.8702, 109.9405)  # ~50 m from 东店子村's centre (radius 800 m)
OUTSIDE = (33.9000, 109.9400)  # ~3.3 km north

UowFactory = Callable[[], UnitOfWork]


def remote_answer(
    uow_factory: UowFactory,
    official: Person,
    cadre: Person,
    where: tuple[float, float],
    now: datetime = NOW,
) -> spot_checks.SpotCheckOutcome:
    with uow_factory() as uow:
        spot_checks.start_remote(uow, uow.people.get(official.id), cadre.id, now)
        uow.commit()
    with uow_factory() as uow:
        outcome = spot_checks.answer(
            uow,
            uow.people.get(cadre.id),
            lat=where[0],
            lon=where[1],
            now=now + timedelta(minutes=5),
        )
        uow.commit()
    assert outcome is not None
    return outcome


def in_person(
    uow_factory: UowFactory,
    official: Person,
    cadre: Person,
    *,
    found: bool,
    now: datetime = NOW,
    visited_at: datetime | None = None,
) -> spot_checks.SpotCheckOutcome:
    with uow_factory() as uow:
        outcome = spot_checks.record_in_person(
            uow, uow.people.get(official.id), cadre.id, found=found, now=now, visited_at=visited_at
        )
        uow.commit()
    return outcome


def approve_leave(uow_factory: UowFactory, cadre: Person, start: date, end: date) -> None:
    with uow_factory() as uow:
        uow.leaves.add(
            LeaveRequest(
                applicant_id=cadre.id,
                start=start,
                end=end,
                days=(end - start).days + 1,
                combined_days=(end - start).days + 1,
                tier="short",
                reason="看病",
                status="approved",
                created_at=NOW - timedelta(days=3),
            )
        )
        uow.commit()


def recipients(outcome: spot_checks.SpotCheckOutcome) -> dict[int, str]:
    return {n.person_id: n.key for n in outcome.notices}


def test_a_location_inside_the_village_is_present_and_only_the_official_hears(
    uow_factory: UowFactory, people: dict[str, Person]
) -> None:
    outcome = remote_answer(uow_factory, people["org_dept"], people["cadre"], INSIDE)
    assert outcome.result is SpotCheckResult.PRESENT and outcome.sanction is None
    assert recipients(outcome) == {people["org_dept"].id: "spotcheck.found_present"}
    with uow_factory() as uow:
        [check] = uow.session.exec(select(SpotCheck)).all()
    assert check.method == "remote" and check.result == "present"
    assert check.deadline == NOW + timedelta(minutes=30)


def test_unexcused_absences_escalate_per_year_and_the_third_records_incompetent(
    uow_factory: UowFactory, people: dict[str, Person]
) -> None:
    official, cadre = people["poverty_bureau"], people["cadre"]
    first = remote_answer(uow_factory, official, cadre, OUTSIDE)
    assert first.result is SpotCheckResult.UNEXCUSED
    assert (first.unexcused_this_year, first.sanction) == (1, Sanction.CRITICISM)
    # the cadre, the township secretary, the unit, org_dept and poverty_bureau (the official)
    assert recipients(first) == {
        cadre.id: "spotcheck.you_criticism",
        people["township_secretary"].id: "spotcheck.told_criticism",
        people["unit_leader"].id: "spotcheck.told_criticism",
        people["org_dept"].id: "spotcheck.told_criticism",
        official.id: "spotcheck.told_criticism",
    }
    assert first.notices[0].params["count"] == 1 and first.notices[0].params["year"] == 2026

    second = in_person(
        uow_factory, people["org_dept"], cadre, found=False, now=NOW + timedelta(days=1)
    )
    assert (second.unexcused_this_year, second.sanction) == (2, Sanction.DISTRICT_NOTICE)
    assert set(recipients(second).values()) == {
        "spotcheck.you_district_notice",
        "spotcheck.told_district_notice",
    }
    with uow_factory() as uow:
        assert uow.grades.get(cadre.id, 2026) is None

    third = in_person(uow_factory, official, cadre, found=False, now=NOW + timedelta(days=2))
    assert (third.unexcused_this_year, third.sanction) == (3, Sanction.NOTICE_AND_INCOMPETENT)
    assert recipients(third)[cadre.id] == "spotcheck.you_notice_and_incompetent"
    with uow_factory() as uow:
        grade = uow.grades.get(cadre.id, 2026)
        assert grade.grade == Grade.INCOMPETENT and grade.source == "spot_check"
        # no official can lift it
        with pytest.raises(DomainError) as refused:
            grades.record_grade(
                uow, cadre.id, 2026, Grade.COMPETENT, by=uow.people.get(official.id), now=NOW
            )
        assert refused.value.key == "grade.locked_by_spot_checks"

    fourth = in_person(uow_factory, official, cadre, found=False, now=NOW + timedelta(days=3))
    assert (fourth.unexcused_this_year, fourth.sanction) == (4, Sanction.NOTICE_AND_INCOMPETENT)
    # another cadre's count is their own
    other = in_person(uow_factory, official, people["cadre3"], found=False)
    assert (other.unexcused_this_year, other.sanction) == (1, Sanction.CRITICISM)
    assert people["township_secretary_b"].id in recipients(other)
    assert people["unit_leader_b"].id in recipients(other)
    assert people["township_secretary"].id not in recipients(other)


def test_present_and_on_leave_do_not_escalate(
    uow_factory: UowFactory, people: dict[str, Person]
) -> None:
    official, cadre = people["org_dept"], people["cadre"]
    assert in_person(uow_factory, official, cadre, found=True).result is SpotCheckResult.PRESENT
    approve_leave(uow_factory, cadre, NOW.date(), NOW.date() + timedelta(days=1))
    away = remote_answer(uow_factory, official, cadre, OUTSIDE, now=NOW + timedelta(hours=1))
    assert away.result is SpotCheckResult.ON_LEAVE and away.sanction is None
    assert recipients(away) == {official.id: "spotcheck.found_on_leave"}
    not_found = in_person(uow_factory, official, cadre, found=False, now=NOW + timedelta(days=1))
    assert not_found.result is SpotCheckResult.ON_LEAVE
    # the leave is over: the next absence is the first unexcused one
    later = in_person(uow_factory, official, cadre, found=False, now=NOW + timedelta(days=2))
    assert (later.result, later.sanction) == (SpotCheckResult.UNEXCUSED, Sanction.CRITICISM)


def test_unexcused_absences_of_last_year_do_not_count(
    uow_factory: UowFactory, people: dict[str, Person]
) -> None:
    official, cadre = people["org_dept"], people["cadre"]
    with uow_factory() as uow:
        for day in (1, 2):
            uow.spot_checks.add(
                SpotCheck(
                    cadre_id=cadre.id,
                    official_id=official.id,
                    method="in_person",
                    started_at=datetime(2025, 12, 30 + day - 1, 23, 30, tzinfo=ZONE),
                    result="unexcused",
                    recorded_at=datetime(2025, 12, 30 + day - 1, 23, 30, tzinfo=ZONE),
                )
            )
        uow.commit()
    # Sunday 2026-01-04, a working day (调休 after New Year), the first of the year
    outcome = in_person(
        uow_factory, official, cadre, found=False, now=datetime(2026, 1, 4, 0, 30, tzinfo=ZONE)
    )
    assert (outcome.unexcused_this_year, outcome.sanction) == (1, Sanction.CRITICISM)


def test_no_answer_within_30_minutes_is_recorded_and_does_not_escalate(
    uow_factory: UowFactory, people: dict[str, Person]
) -> None:
    official, cadre = people["org_dept"], people["cadre"]
    with uow_factory() as uow:
        started = spot_checks.start_remote(uow, uow.people.get(official.id), cadre.id, NOW)
        check_id = started.check.id
        uow.commit()
    assert spot_checks.expire_spot_checks(uow_factory, NOW + timedelta(minutes=29)) == []
    assert spot_checks.expire_spot_checks(uow_factory, NOW + timedelta(minutes=30)) == [check_id]
    assert spot_checks.expire_spot_checks(uow_factory, NOW + timedelta(minutes=31)) == []
    with uow_factory() as uow:
        check = uow.spot_checks.get(check_id)
        assert check.result == "no_answer"
        assert check.recorded_at == NOW + timedelta(minutes=30)
        rows = uow.session.exec(select(Reminder).order_by(Reminder.recipient_id)).all()
        # a location after the window is an ordinary check-in, not an answer
        late = spot_checks.answer(
            uow,
            uow.people.get(cadre.id),
            lat=OUTSIDE[0],
            lon=OUTSIDE[1],
            now=NOW + timedelta(minutes=40),
        )
        assert late is None
    assert {(r.recipient_id, r.payload["key"]) for r in rows} == {
        (official.id, "spotcheck.found_no_answer"),
        (cadre.id, "spotcheck.you_no_answer"),
        (people["township_secretary"].id, "spotcheck.told_no_answer"),
    }
    assert {r.kind for r in rows} == {"spot_check"}
    assert rows[0].payload["params"]["at"] == "2026-11-30 09:00"
    # no answer is not an unexcused absence: the next one found is the first
    outcome = in_person(uow_factory, official, cadre, found=False, now=NOW + timedelta(hours=2))
    assert (outcome.unexcused_this_year, outcome.sanction) == (1, Sanction.CRITICISM)


def test_who_may_start_and_when(uow_factory: UowFactory, people: dict[str, Person]) -> None:
    cadre = people["cadre"]
    with uow_factory() as uow:
        for key in ("township_secretary", "admin", "cadre2", "unit_leader"):
            with pytest.raises(DomainError) as refused:
                spot_checks.start_remote(uow, uow.people.get(people[key].id), cadre.id, NOW)
            assert refused.value.key == "error.role_cannot"
        official = uow.people.get(people["org_dept"].id)
        with pytest.raises(DomainError) as refused:
            spot_checks.start_remote(uow, official, people["township_secretary"].id, NOW)
        assert refused.value.key == "spotcheck.not_a_cadre"
        spot_checks.start_remote(uow, official, cadre.id, NOW)
        with pytest.raises(DomainError) as refused:
            spot_checks.start_remote(uow, official, cadre.id, NOW + timedelta(minutes=10))
        assert refused.value.key == "spotcheck.already_open"
        with pytest.raises(DomainError) as refused:
            spot_checks.record_in_person(uow, official, cadre.id, found=True, now=NOW)
        assert refused.value.key == "spotcheck.already_open"
        uow.people.get(people["cadre2"].id).telegram_user_id = None
        with pytest.raises(DomainError) as refused:
            spot_checks.start_remote(uow, official, people["cadre2"].id, NOW)
        assert refused.value.key == "spotcheck.not_reachable"


def test_cadres_offered_are_those_posted_in_the_township(
    uow_factory: UowFactory, people: dict[str, Person]
) -> None:
    with uow_factory() as uow:
        official = uow.people.get(people["org_dept"].id)
        townships = {t.name: t.id for t in spot_checks.townships(uow, official)}
        choices = spot_checks.cadres_in(uow, official, townships["城关街道"], NOW.date())
    assert [(c.person.name, c.village.name) for c in choices] == [
        ("张三", "东店子村"),
        ("李四", "西关社区"),
    ]


def test_the_rules_of_a_spot_check() -> None:
    from domain.assessment import escalates, sanction_for, spot_check_result

    def result(on_site: bool, on_leave: bool, working_day: bool = True) -> SpotCheckResult:
        return spot_check_result(
            on_site=on_site, on_approved_leave=on_leave, working_day=working_day
        )

    assert result(True, True) is SpotCheckResult.PRESENT
    assert result(True, False) is SpotCheckResult.PRESENT
    assert result(False, True) is SpotCheckResult.ON_LEAVE
    assert result(False, False) is SpotCheckResult.UNEXCUSED
    assert result(False, False, working_day=False) is SpotCheckResult.NOT_COUNTED
    assert [r for r in SpotCheckResult if escalates(r)] == [SpotCheckResult.UNEXCUSED]
    assert [sanction_for(n) for n in range(5)] == [
        None,
        Sanction.CRITICISM,
        Sanction.DISTRICT_NOTICE,
        Sanction.NOTICE_AND_INCOMPETENT,
        Sanction.NOTICE_AND_INCOMPETENT,
    ]


def test_the_scheduler_sweep_closes_unanswered_checks(
    uow_factory: UowFactory, people: dict[str, Person]
) -> None:
    from scheduler.jobs import run_every_sweep

    with uow_factory() as uow:
        official = uow.people.get(people["org_dept"].id)
        check_id = spot_checks.start_remote(uow, official, people["cadre"].id, NOW).check.id
        uow.commit()
    run_every_sweep(uow_factory, NOW.date(), zone=ZONE)  # a bare day closes no window
    run_every_sweep(uow_factory, NOW + timedelta(minutes=31), zone=ZONE, dry_run=True)
    with uow_factory() as uow:
        assert uow.spot_checks.get(check_id).result is None
    run_every_sweep(uow_factory, NOW + timedelta(minutes=31), zone=ZONE)
    with uow_factory() as uow:
        assert uow.spot_checks.get(check_id).result == "no_answer"


SUNDAY = datetime(2026, 12, 6, 10, 0, tzinfo=ZONE)
FRIDAY = datetime(2026, 11, 27, 15, 0, tzinfo=ZONE)


def test_a_visit_on_a_sunday_or_a_holiday_is_recorded_but_does_not_count(
    uow_factory: UowFactory, people: dict[str, Person]
) -> None:
    official, cadre = people["org_dept"], people["cadre"]
    sunday = in_person(uow_factory, official, cadre, found=False, now=SUNDAY)
    assert (sunday.result, sunday.sanction) == (SpotCheckResult.NOT_COUNTED, None)
    assert recipients(sunday) == {official.id: "spotcheck.found_not_counted"}
    assert sunday.notices[0].params["day"] == "2026-12-06"
    national_day = datetime(2026, 10, 1, 10, 0, tzinfo=ZONE)  # a Thursday, a holiday
    holiday = in_person(uow_factory, official, cadre, found=False, now=national_day)
    assert holiday.result is SpotCheckResult.NOT_COUNTED
    with uow_factory() as uow:
        assert [c.result for c in uow.session.exec(select(SpotCheck))] == ["not_counted"] * 2
        assert uow.grades.get(cadre.id, 2026) is None
    # the next absence on a working day is the first of the year
    monday = in_person(uow_factory, official, cadre, found=False, now=SUNDAY + timedelta(days=1))
    assert (monday.unexcused_this_year, monday.sanction) == (1, Sanction.CRITICISM)


def test_an_imported_holiday_counts_as_a_non_working_day(
    uow_factory: UowFactory, people: dict[str, Person]
) -> None:
    from storage.tables import CalendarDay

    with uow_factory() as uow:
        uow.session.add(CalendarDay(day=NOW.date(), kind="holiday"))
        uow.commit()
    outcome = in_person(uow_factory, people["org_dept"], people["cadre"], found=False)
    assert outcome.result is SpotCheckResult.NOT_COUNTED


def test_a_remote_check_on_a_non_working_day_is_refused_before_the_cadre_is_asked(
    uow_factory: UowFactory, people: dict[str, Person]
) -> None:
    with uow_factory() as uow:
        official = uow.people.get(people["org_dept"].id)
        with pytest.raises(DomainError) as refused:
            spot_checks.start_remote(uow, official, people["cadre"].id, SUNDAY)
        assert refused.value.key == "spotcheck.remote_not_workday"
        assert refused.value.params["day"] == "2026-12-06"
        assert uow.session.exec(select(SpotCheck)).all() == []


def test_a_window_running_into_a_non_working_day_is_judged_on_the_answer_s_day(
    uow_factory: UowFactory, people: dict[str, Person]
) -> None:
    friday_night = datetime(2026, 12, 4, 23, 50, tzinfo=ZONE)
    official, cadre = people["org_dept"], people["cadre"]
    with uow_factory() as uow:
        spot_checks.start_remote(uow, uow.people.get(official.id), cadre.id, friday_night)
        uow.commit()
    with uow_factory() as uow:
        outcome = spot_checks.answer(
            uow,
            uow.people.get(cadre.id),
            lat=OUTSIDE[0],
            lon=OUTSIDE[1],
            now=friday_night + timedelta(minutes=15),
        )
        uow.commit()
    assert (outcome.result, outcome.sanction) == (SpotCheckResult.NOT_COUNTED, None)


def test_a_visit_recorded_days_later_counts_for_its_own_day(
    uow_factory: UowFactory, people: dict[str, Person]
) -> None:
    """Recorded on Thursday 12-03 for Friday 11-27: the working-day rule, the leave and the
    ordinal are those of the visit's day."""
    official, cadre = people["org_dept"], people["cadre"]
    thursday = datetime(2026, 12, 3, 9, 0, tzinfo=ZONE)
    backdated = in_person(
        uow_factory, official, cadre, found=False, now=thursday, visited_at=FRIDAY
    )
    assert (backdated.unexcused_this_year, backdated.sanction) == (1, Sanction.CRITICISM)
    assert backdated.notices[0].params["at"] == "2026-11-27 15:00"
    with uow_factory() as uow:
        [check] = uow.session.exec(select(SpotCheck)).all()
        assert (check.started_at, check.recorded_at) == (FRIDAY, thursday)
    # Saturday 11-28, recorded the same Thursday: not a working day
    saturday = in_person(
        uow_factory,
        official,
        cadre,
        found=False,
        now=thursday,
        visited_at=FRIDAY + timedelta(days=1),
    )
    assert saturday.result is SpotCheckResult.NOT_COUNTED
    # leave approved for Monday 11-30 excuses a visit recorded for that day
    approve_leave(uow_factory, cadre, NOW.date(), NOW.date())
    excused = in_person(uow_factory, official, cadre, found=False, now=thursday, visited_at=NOW)
    assert excused.result is SpotCheckResult.ON_LEAVE


def test_the_ordinal_follows_the_dates_and_three_lock_the_grade_in_any_order(
    uow_factory: UowFactory, people: dict[str, Person]
) -> None:
    official, cadre = people["poverty_bureau"], people["cadre"]
    thursday = datetime(2026, 12, 3, 9, 0, tzinfo=ZONE)
    tuesday = in_person(
        uow_factory, official, cadre, found=False, now=thursday, visited_at=NOW + timedelta(days=1)
    )
    assert tuesday.unexcused_this_year == 1
    # Friday 11-27 came before it: the first by date
    friday = in_person(uow_factory, official, cadre, found=False, now=thursday, visited_at=FRIDAY)
    assert (friday.unexcused_this_year, friday.sanction) == (1, Sanction.CRITICISM)
    with uow_factory() as uow:
        assert uow.grades.get(cadre.id, 2026) is None
    # Monday 11-30, between them: the second by date, but the third of the year, which
    # locks the grade, so it is announced as the third
    monday = in_person(uow_factory, official, cadre, found=False, now=thursday, visited_at=NOW)
    assert (monday.unexcused_this_year, monday.sanction) == (3, Sanction.NOTICE_AND_INCOMPETENT)
    assert recipients(monday)[cadre.id] == "spotcheck.you_notice_and_incompetent"
    with uow_factory() as uow:
        grade = uow.grades.get(cadre.id, 2026)
        assert (grade.grade, grade.source) == (Grade.INCOMPETENT, "spot_check")
    # a later one is the fourth
    later = in_person(uow_factory, official, cadre, found=False, now=thursday)
    assert (later.unexcused_this_year, later.sanction) == (4, Sanction.NOTICE_AND_INCOMPETENT)


def test_how_far_back_a_visit_may_be_recorded_in_the_chat(
    uow_factory: UowFactory, people: dict[str, Person]
) -> None:
    official, cadre = people["org_dept"], people["cadre"]
    with uow_factory() as uow:
        me = uow.people.get(official.id)
        for visited_at, key in (
            (NOW - timedelta(days=8), "spotcheck.visit_too_old"),
            (NOW + timedelta(minutes=1), "spotcheck.visit_in_future"),
        ):
            with pytest.raises(DomainError) as refused:
                spot_checks.record_in_person(
                    uow, me, cadre.id, found=False, now=NOW, visited_at=visited_at
                )
            assert refused.value.key == key
        seven_back = spot_checks.record_in_person(
            uow, me, cadre.id, found=True, now=NOW, visited_at=NOW - timedelta(days=7)
        )
        assert seven_back.result is SpotCheckResult.PRESENT
        # the same cadre in the same minute is one check (a second tap)
        with pytest.raises(DomainError) as refused:
            spot_checks.record_in_person(
                uow,
                me,
                cadre.id,
                found=False,
                now=NOW,
                visited_at=NOW - timedelta(days=7, seconds=-20),
            )
        assert refused.value.key == "spotcheck.duplicate"
        assert len(uow.session.exec(select(SpotCheck)).all()) == 1


def test_an_answer_sent_in_the_window_but_handled_after_the_sweep_replaces_no_answer(
    uow_factory: UowFactory, people: dict[str, Person]
) -> None:
    """The bot was down: the sweep closed the check at 09:31 as no_answer, then the
    location sent at 09:25 is handled at 09:40 (``now`` is the message's own time)."""
    official, cadre = people["org_dept"], people["cadre"]
    with uow_factory() as uow:
        check_id = spot_checks.start_remote(
            uow, uow.people.get(official.id), cadre.id, NOW
        ).check.id
        uow.commit()
    assert spot_checks.expire_spot_checks(uow_factory, NOW + timedelta(minutes=31)) == [check_id]
    with uow_factory() as uow:
        me = uow.people.get(cadre.id)
        sent = NOW + timedelta(minutes=25)
        assert spot_checks.has_open_check(uow, me, sent) is True
        outcome = spot_checks.answer(uow, me, lat=INSIDE[0], lon=INSIDE[1], now=sent)
        uow.commit()
    assert outcome is not None and outcome.result is SpotCheckResult.PRESENT
    # the official and the township secretary, told "no answer", hear the result
    assert recipients(outcome) == {
        official.id: "spotcheck.found_present",
        people["township_secretary"].id: "spotcheck.found_present",
    }
    with uow_factory() as uow:
        assert uow.spot_checks.get(check_id).result == "present"
        [entry, replaced] = uow.audit.for_subject(f"spotcheck:{check_id}")[-2:]
        assert replaced.detail["replaced"] == "no_answer"
        # answered once: a second location sent in the window answers nothing
        me = uow.people.get(cadre.id)
        assert spot_checks.has_open_check(uow, me, NOW + timedelta(minutes=26)) is False


def test_no_answer_stays_for_a_location_sent_after_the_window_or_before_the_check(
    uow_factory: UowFactory, people: dict[str, Person]
) -> None:
    official, cadre = people["org_dept"], people["cadre"]
    with uow_factory() as uow:
        spot_checks.start_remote(uow, uow.people.get(official.id), cadre.id, NOW)
        uow.commit()
    spot_checks.expire_spot_checks(uow_factory, NOW + timedelta(minutes=45))
    with uow_factory() as uow:
        me = uow.people.get(cadre.id)
        for sent in (NOW + timedelta(minutes=30), NOW - timedelta(minutes=2)):
            assert spot_checks.has_open_check(uow, me, sent) is False
            assert spot_checks.answer(uow, me, lat=INSIDE[0], lon=INSIDE[1], now=sent) is None
        [check] = uow.session.exec(select(SpotCheck)).all()
        assert check.result == "no_answer"


def test_official_duty_excuses_being_found_away(
    uow_factory: UowFactory, people: dict[str, Person]
) -> None:
    """At the district's training course (公务) the cadre is away with reason: a visit
    finding them absent that day is excused, as approved leave is; a pending request is
    not."""
    from storage.tables import DutyRecord

    official, cadre = people["org_dept"], people["cadre"]
    with uow_factory() as uow:
        uow.duties.add(
            DutyRecord(
                person_id=cadre.id,
                start=NOW.date(),
                end=NOW.date(),
                kind="training",
                recorded_at=NOW,
            )
        )
        uow.leaves.add(
            LeaveRequest(
                applicant_id=cadre.id,
                start=NOW.date() + timedelta(days=1),
                end=NOW.date() + timedelta(days=1),
                days=1,
                combined_days=1,
                tier="short",
                reason="事",
                status="pending",
                created_at=NOW,
            )
        )
        uow.commit()
    at_course = in_person(uow_factory, official, cadre, found=False)
    assert at_course.result is SpotCheckResult.ON_LEAVE and at_course.sanction is None
    waiting = in_person(uow_factory, official, cadre, found=False, now=NOW + timedelta(days=1))
    assert waiting.result is SpotCheckResult.UNEXCUSED
