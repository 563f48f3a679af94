"""Where the township keeps attendance (``CADREBOT_ATTENDANCE_SOURCE=township``): no
evening nudge, and each Monday every township secretary's grid of last week, pre-filled
from the evidence, in the outbox once per (secretary, kind, week)."""

from __future__ import annotations

import logging
from datetime import date, datetime, time

import pytest

from bot.i18n import Catalog
from domain.township_attendance import AttendanceSource
from scheduler.grid import GRID_KIND, GRID_PAGE, sweep_weekly_grid
from scheduler.jobs import run_every_sweep
from scheduler.nudge import sweep_daily_nudge
from scheduler.render import render_text
from storage.tables import Assignment, AttendanceEntry, Person
from tests.scheduler.conftest import ZONE, add_checkins, add_leave, days, outbox

TOWNSHIP = AttendanceSource.TOWNSHIP
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=ZONE)  # the grid of 2026-W48: Nov 23-29


def test_no_nudge_when_the_township_keeps_attendance(uow_factory, ids, caplog) -> None:
    evening = datetime.combine(date(2026, 11, 16), time(20), ZONE)
    with caplog.at_level(logging.INFO, logger="scheduler.nudge"):
        assert sweep_daily_nudge(uow_factory, evening, zone=ZONE, source=TOWNSHIP) == []
    assert "the township keeps attendance" in caplog.text
    assert outbox(uow_factory) == []
    assert len(sweep_daily_nudge(uow_factory, evening, zone=ZONE)) == 3  # check-ins: nudged


def test_no_grid_when_check_ins_keep_attendance(uow_factory, ids) -> None:
    assert sweep_weekly_grid(uow_factory, MONDAY, zone=ZONE) == []
    assert outbox(uow_factory) == []


def test_each_township_secretary_gets_last_weeks_grid_once(uow_factory, ids) -> None:
    add_checkins(uow_factory, ids["cadre"], days(date(2026, 11, 23), date(2026, 11, 24)))
    add_checkins(uow_factory, ids["cadre2"], [date(2026, 11, 27)], on_site=False)  # off site
    add_leave(uow_factory, ids["cadre2"], date(2026, 11, 25), date(2026, 11, 26))
    with uow_factory() as uow:
        uow.attendance_entries.put(
            person_id=ids["cadre"],
            day=date(2026, 11, 25),
            status="duty",
            reason="区里培训",
            recorded_by_id=ids["township_secretary"],
            recorded_at=MONDAY,
            source="correction",
        )
        uow.commit()

    drafts = sweep_weekly_grid(uow_factory, MONDAY, zone=ZONE, source=TOWNSHIP)
    assert sorted((d.recipient_id, d.kind, d.period) for d in drafts) == sorted(
        [
            (ids["township_secretary"], GRID_KIND, "2026-W48"),
            (ids["township_secretary_b"], GRID_KIND, "2026-W48"),
        ]
    )
    sun = next(d for d in drafts if d.recipient_id == ids["township_secretary"])
    assert sun.not_after == datetime(2026, 12, 6, 23, 59, 59, tzinfo=ZONE)
    assert [(i["name"], i["marks"]) for i in sun.payload["lines"][0]["items"]] == [
        ("张三", "oodaarr"),  # village 东店子村 sorts first
        ("李四", "aallarr"),
    ]
    text, buttons = render_text(Catalog(), "zh", sun.payload)
    assert "城关街道" in text and "11月23日—11月29日" in text
    assert "<code>✓✓公✗✗··</code> 张三（东店子村）" in text
    assert "<code>✗✗假假✗··</code> 李四（西关社区）" in text
    assert [[b.data for b in row] for row in buttons] == [["fs:2026-W48"], ["wc:2026-W48"]]
    english, _ = render_text(Catalog(), "en", sun.payload)
    assert "<code>✓✓D✗✗··</code> 张三 (东店子村)" in english

    assert sweep_weekly_grid(uow_factory, MONDAY, zone=ZONE, source=TOWNSHIP) == []
    assert len(outbox(uow_factory)) == 2


def test_every_sweep_with_the_township_source(uow_factory, ids) -> None:
    monday_evening = datetime(2026, 11, 30, 20, 30, tzinfo=ZONE)
    results = run_every_sweep(uow_factory, monday_evening, zone=ZONE, source=TOWNSHIP).drafts
    assert results["daily_nudge"] == [] and len(results["weekly_grid"]) == 2
    checkin = run_every_sweep(uow_factory, monday_evening, zone=ZONE, dry_run=True).drafts
    assert checkin["weekly_grid"] == [] and len(checkin["daily_nudge"]) == 3


@pytest.mark.parametrize("cadres", [GRID_PAGE - 2, 2 * GRID_PAGE + 5])
def test_a_large_township_grid_fits_telegrams_4096_characters(uow_factory, ids, cadres) -> None:
    """Long names are cut; past ``GRID_PAGE`` cadres the grid goes out in pages."""
    with uow_factory() as uow:
        village = uow.places.villages()[0]
        unit_id = uow.assignments.for_person(ids["cadre"])[0].unit_id
        for n in range(cadres - 2):
            person = uow.people.add(
                Person(
                    name=f"长名字的驻村干部第{n}号" * 4,
                    phone=f"+86139100{n:05d}",
                    role="team_member",
                )
            )
            uow.assignments.add(
                Assignment(
                    person_id=person.id,
                    village_id=village.id,
                    unit_id=unit_id,
                    start=date(2026, 1, 1),
                )
            )
        uow.commit()
    drafts = sweep_weekly_grid(uow_factory, MONDAY, zone=ZONE, source=TOWNSHIP)
    mine = [d for d in drafts if d.recipient_id == ids["township_secretary"]]
    pages = -(-cadres // GRID_PAGE)
    assert [d.period for d in mine] == ["2026-W48"] + [
        f"2026-W48:p{n}" for n in range(2, pages + 1)
    ]
    assert sum(len(d.payload["lines"][0]["items"]) for d in mine) == cadres
    for draft in mine:
        for lang in ("zh", "en"):
            text, _ = render_text(Catalog(), lang, draft.payload)
            assert len(text) < 4096, (lang, len(text))


def test_the_grid_counts_no_entry_of_another_week(uow_factory, ids) -> None:
    with uow_factory() as uow:
        uow.session.add(
            AttendanceEntry(
                person_id=ids["cadre"],
                day=date(2026, 11, 30),
                status="on_site",
                reason="x",
                recorded_by_id=ids["township_secretary"],
                recorded_at=MONDAY,
                source="grid",
            )
        )
        uow.commit()
    drafts = sweep_weekly_grid(uow_factory, MONDAY, zone=ZONE, source=TOWNSHIP)
    sun = next(d for d in drafts if d.recipient_id == ids["township_secretary"])
    assert sun.payload["lines"][0]["items"][0]["marks"] == "aaaaarr"
