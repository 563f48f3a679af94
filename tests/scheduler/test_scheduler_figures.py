"""The set-based figures agree with the per-person day ledger (``domain.ledger`` over
``services.ledger``) and ``services.standing``, day for day, on a messy roster: a move
to a new posting, a posting that ended, leave approved, rejected and pending."""

from __future__ import annotations

import random
from datetime import date

import pytest
from sqlmodel import select

from domain.attendance import AttendanceFigures, Period
from scheduler.weekly import standings
from services import figures
from services.calendar import load_calendar
from services.figures import MonthGrid, attendance_figures, load_masks
from services.ledger import person_counts
from services.standing import standing
from storage import sweeps as q
from storage.tables import Assignment
from tests.scheduler.conftest import add_checkins, add_diaries, add_leave, days, seed


def _messy_roster(uow_factory) -> dict[str, int]:  # noqa: ANN001
    ids = seed(uow_factory)
    rng = random.Random(20261130)
    year = days(date(2026, 1, 1), date(2026, 12, 31))
    for key in ("cadre", "cadre2", "cadre3"):
        pid = ids[key]
        chosen = rng.sample(year, 150)
        add_checkins(uow_factory, pid, chosen)
        add_checkins(uow_factory, pid, chosen[:20])  # a second check-in the same day
        add_checkins(uow_factory, pid, rng.sample(year, 30), on_site=False)
        add_diaries(uow_factory, pid, rng.sample(year, 60), week_signed=20, month_signed=5)
    add_leave(uow_factory, ids["cadre"], date(2026, 10, 5), date(2026, 10, 16))
    add_leave(uow_factory, ids["cadre"], date(2026, 11, 27), date(2026, 12, 3))
    add_leave(uow_factory, ids["cadre2"], date(2026, 10, 30), date(2026, 11, 4))
    add_leave(uow_factory, ids["cadre2"], date(2026, 11, 10), date(2026, 11, 11), "rejected")
    add_leave(uow_factory, ids["cadre3"], date(2026, 11, 16), date(2026, 11, 18), "pending")
    # cadre2 moves to a new posting on Oct 20 (same village); cadre3's ended Nov 20.
    with uow_factory() as uow:
        old = uow.assignments.latest(ids["cadre2"])
        old.end = date(2026, 10, 19)
        uow.assignments.add(
            Assignment(
                person_id=ids["cadre2"],
                village_id=old.village_id,
                unit_id=old.unit_id,
                start=date(2026, 10, 20),
            )
        )
        uow.assignments.latest(ids["cadre3"]).end = date(2026, 11, 20)
        uow.commit()
    return ids


@pytest.mark.parametrize("scope", ["by id", "whole roster"])
def test_attendance_figures_match_the_rule_for_each_cadre(
    uow_factory,  # noqa: ANN001
    monkeypatch: pytest.MonkeyPatch,
    scope: str,
) -> None:
    if scope == "whole roster":
        monkeypatch.setattr(figures, "SMALL_SCOPE", 0)
    _messy_roster(uow_factory)
    periods = [
        (Period.month(2026, 10), date(2026, 10, 31)),
        (Period.month(2026, 11), date(2026, 11, 29)),
        (Period.month(2026, 11), date(2026, 10, 15)),  # as of before the month: all zero
        (Period.quarter(2026, 4), date(2026, 12, 31)),
        (Period.year(2026), date(2026, 11, 30)),
    ]
    with uow_factory() as uow:
        calendar = load_calendar(uow)
        for period, as_of in periods:
            postings = q.postings(uow.session, period.first, period.last)
            got = attendance_figures(uow, postings, period, as_of=as_of, calendar=calendar)
            assert len(postings) == 3
            for p in postings:
                counts = person_counts(uow, p.person_id, period, as_of=as_of, calendar=calendar)
                expected = AttendanceFigures(
                    counts.on_site, counts.leave, counts.absent, counts.duty, counts.provisional
                )
                assert got[p.person_id] == expected, (period, as_of, p.name)
            # cadre2's first posting (to Oct 19) counts as much as the second one
            if period == Period.year(2026):
                cadre2 = next(p for p in postings if len(p.spans) == 2)
                first_half = person_counts(
                    uow,
                    cadre2.person_id,
                    Period(period.first, date(2026, 10, 19)),
                    as_of=as_of,
                    calendar=calendar,
                )
                assert got[cadre2.person_id].absent_workdays > first_half.absent > 0


def test_the_weekly_standings_are_what_status_shows(uow_factory) -> None:  # noqa: ANN001
    _messy_roster(uow_factory)
    for today in (date(2026, 11, 16), date(2026, 11, 2), date(2026, 10, 20), date(2026, 12, 1)):
        with uow_factory() as uow:
            for s in standings(uow, today):
                person = uow.people.get(s.posting.person_id)
                one = standing(uow, person, today)
                assert (s.onsite, s.diaries) == (one.onsite_year, one.diaries_month)
                assert s.attendance.absent_workdays == one.absent_workdays_month
                assert s.leave_days_year == one.leave_days_year
                assert s.pending_requests == one.pending_requests
                assert s.year == one.year  # the yearly picture too


def test_month_grid_counts_october_2026() -> None:
    """National Day: Oct 1-7 off; Saturday Oct 10 is a 调休 working day."""
    from domain.calendar import WorkdayCalendar

    grid = MonthGrid(WorkdayCalendar())
    [(key, bits, work)] = grid.pieces(Period.month(2026, 10))
    assert (key, bits, work.bit_count()) == (202610, (1 << 31) - 1, 18)
    assert not work & 0b1111111  # Oct 1-7
    assert work >> 9 & 1 and not work >> 10 & 1  # Sat 10th works, Sun 11th does not
    pieces = grid.pieces(Period(date(2026, 9, 29), date(2026, 11, 2)))
    assert [(k, b.bit_count(), w.bit_count()) for k, b, w in pieces] == [
        (202609, 2, 2),
        (202610, 31, 18),
        (202611, 2, 1),  # Sunday Nov 1, Monday Nov 2
    ]


def test_the_rollup_follows_new_check_ins(uow_factory, ids) -> None:  # noqa: ANN001
    """Built once from every check-in, then only what was added since is folded in; the
    result always equals a rebuild from scratch."""
    from storage.tables import OnsiteMonth, SweepState

    add_checkins(uow_factory, ids["cadre"], [date(2026, 10, 1), date(2026, 10, 31)])
    with uow_factory() as uow:
        q.refresh_onsite_months(uow.session)
        uow.commit()
    add_checkins(uow_factory, ids["cadre"], [date(2026, 10, 2), date(2026, 11, 5)])
    add_checkins(uow_factory, ids["cadre"], [date(2026, 10, 3)], on_site=False)
    add_checkins(uow_factory, ids["cadre2"], [date(2026, 10, 1)])
    with uow_factory() as uow:
        masks = load_masks(uow, date(2026, 1, 1), date(2026, 12, 31))
        uow.commit()
    expected = {
        ids["cadre"]: {202610: 1 | 1 << 1 | 1 << 30, 202611: 1 << 4},
        ids["cadre2"]: {202610: 1},
    }
    assert masks == expected
    with uow_factory() as uow:  # from scratch: the same
        uow.session.delete(uow.session.get(SweepState, q.ROLLUP))
        uow.session.flush()
        assert load_masks(uow, date(2026, 1, 1), date(2026, 12, 31)) == expected
        assert len(uow.session.exec(select(OnsiteMonth)).all()) == 3
    with uow_factory() as uow:  # a narrow read
        narrow = q.onsite_months(uow.session, date(2026, 11, 1), date(2026, 11, 30), [ids["cadre"]])
        assert narrow == {ids["cadre"]: {202611: 1 << 4}}


def test_a_late_check_in_and_a_calendar_import_are_followed(uow_factory, ids) -> None:  # noqa: ANN001
    """A 补卡 approved in November for an October day, and an imported calendar that makes
    a working day a holiday, both change October's figures the next time they are read."""
    from domain.calendar import DayKind

    october = Period.month(2026, 10)
    zhang = ids["cadre"]
    add_checkins(uow_factory, zhang, [date(2026, 10, 8), date(2026, 10, 9)])

    def absent() -> int:
        with uow_factory() as uow:
            postings = q.postings(uow.session, october.first, october.last)
            got = attendance_figures(
                uow, postings, october, as_of=date(2026, 11, 30), calendar=load_calendar(uow)
            )
            uow.commit()
            return got[zhang].absent_workdays

    assert absent() == 18 - 2
    add_checkins(uow_factory, zhang, [date(2026, 10, 12)])  # the late claim
    assert absent() == 18 - 3
    with uow_factory() as uow:  # Oct 13 declared a holiday by an imported table
        uow.calendar.put(date(2026, 10, 13), DayKind.HOLIDAY)
        uow.commit()
    assert absent() == 17 - 3
    with uow_factory() as uow:  # and Oct 9 too, a day he was on site
        uow.calendar.put(date(2026, 10, 9), DayKind.HOLIDAY)
        uow.commit()
    assert absent() == 16 - 2


def test_the_townships_entries_count_in_status_and_the_monday_push_as_in_the_sheets(
    uow_factory,  # noqa: ANN001
    ids,  # noqa: ANN001
) -> None:
    """The township enters two days on site that have no check-in, and strikes one that
    has: /status, the weekly standing and the annual sheet all count 4 on-site days."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from services.reports.attendance_sheet import gather

    zone = ZoneInfo("Asia/Shanghai")
    add_checkins(
        uow_factory, ids["cadre"], [date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 4)]
    )
    with uow_factory() as uow:
        entries = (
            (date(2026, 11, 5), "on_site"),
            (date(2026, 11, 6), "on_site"),
            (date(2026, 11, 4), "absent"),
        )
        for day, status in entries:
            uow.attendance_entries.put(
                person_id=ids["cadre"],
                day=day,
                status=status,
                reason="镇党委核实",
                recorded_by_id=ids["township_secretary"],
                recorded_at=datetime(2026, 11, 6, 9, tzinfo=zone),
                source="correction",
            )
        uow.commit()
    monday = date(2026, 11, 16)
    with uow_factory() as uow:
        one = standing(uow, uow.people.get(ids["cadre"]), monday)
        [weekly] = [s for s in standings(uow, monday) if s.posting.person_id == ids["cadre"]]
        sheet = gather(uow, Period.year(2026), as_of=monday)
        [row] = [r for r in sheet.rows if r.person_id == ids["cadre"]]
    assert one.onsite_year.done == weekly.onsite.done == row.onsite_days == 4


def test_a_township_entry_for_the_day_of_the_push_counts_that_day(
    uow_factory,  # noqa: ANN001
    ids,  # noqa: ANN001
) -> None:
    """The township enters Monday itself as on site before the push goes (no check-in):
    the push counts it as /status does; a day struck as absent is not counted."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Asia/Shanghai")
    monday = date(2026, 11, 16)
    add_checkins(uow_factory, ids["cadre"], [date(2026, 11, 13)])
    with uow_factory() as uow:
        uow.attendance_entries.put(
            person_id=ids["cadre"],
            day=monday,
            status="on_site",
            reason="镇党委核实：在村开会",
            recorded_by_id=ids["township_secretary"],
            recorded_at=datetime(2026, 11, 16, 8, tzinfo=zone),
            source="correction",
        )
        uow.commit()

    def both() -> tuple[int, int]:
        with uow_factory() as uow:
            one = standing(uow, uow.people.get(ids["cadre"]), monday)
            [weekly] = [s for s in standings(uow, monday) if s.posting.person_id == ids["cadre"]]
        return one.onsite_year.done, weekly.onsite.done

    assert both() == (2, 2)
    add_checkins(uow_factory, ids["cadre"], [monday])  # a check-in too: still one day
    assert both() == (2, 2)
