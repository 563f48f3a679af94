"""The unit's reminders (Art. 15, 19) as of chosen dates: a month without a meeting, 60
days without a visit, a new year, a missed run caught up once, an insurance ending within
30 days, a year without a health check, and a transferred cadre's care going to the new
unit. 吴局长 leads 区财政局 (张三, 李四); 郑局长 leads 区农业农村局 (王五)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.i18n import Catalog
from scheduler.render import render_text
from scheduler.unit_duties import (
    HEALTH_KIND,
    INSURANCE_KIND,
    MEETING_KIND,
    VISIT_KIND,
    sweep_unit_duties,
)
from services.outbox import Draft
from storage.tables import Assignment, CareRecord, UnitMeeting, UnitVisit
from tests.scheduler.conftest import UowFactory, seed

NOW = datetime(2026, 10, 1, 2, tzinfo=UTC)


def _unit(uow_factory: UowFactory, name: str) -> int:
    with uow_factory() as uow:
        unit = uow.places.unit(name)
        assert unit is not None and unit.id is not None
        return unit.id


def meeting(uow_factory: UowFactory, unit: str, day: date) -> None:
    with uow_factory() as uow:
        uow.unit_duties.add_meeting(
            UnitMeeting(unit_id=_unit(uow_factory, unit), day=day, recorded_at=NOW)
        )
        uow.commit()


def visit(uow_factory: UowFactory, unit: str, day: date) -> None:
    with uow_factory() as uow:
        village = uow.places.villages()[0]
        uow.unit_duties.add_visit(
            UnitVisit(
                unit_id=_unit(uow_factory, unit),
                village_id=village.id,
                day=day,
                visitors="局长",
                recorded_at=NOW,
            )
        )
        uow.commit()


def care(uow_factory: UowFactory, person_id: int, unit: str, kind: str, day: date) -> None:
    with uow_factory() as uow:
        uow.unit_duties.add_care(
            CareRecord(
                person_id=person_id,
                unit_id=_unit(uow_factory, unit),
                kind=kind,
                day=day,
                recorded_at=NOW,
            )
        )
        uow.commit()


def of(drafts: list[Draft], kind: str) -> list[tuple[int, str]]:
    return sorted((d.recipient_id, d.period) for d in drafts if d.kind == kind)


def test_a_month_without_a_meeting_is_reminded_once(uow_factory: UowFactory) -> None:
    ids = seed(uow_factory, posted_from=date(2026, 10, 1))
    meeting(uow_factory, "区财政局", date(2026, 10, 12))
    assert of(sweep_unit_duties(uow_factory, date(2026, 10, 31)), MEETING_KIND) == []
    drafts = sweep_unit_duties(uow_factory, date(2026, 11, 1))
    # 区财政局 held October's meeting; 区农业农村局 did not.
    assert of(drafts, MEETING_KIND) == [(ids["unit_leader_b"], "2026-10")]
    [reminder] = [d for d in drafts if d.kind == MEETING_KIND]
    zh, _ = render_text(Catalog(), "zh", reminder.payload)
    assert "区农业农村局" in zh and "2026-10" in zh and "/unitduty" in zh
    assert "no poverty-alleviation meeting" in render_text(Catalog(), "en", reminder.payload)[0]
    assert of(sweep_unit_duties(uow_factory, date(2026, 11, 2)), MEETING_KIND) == []


def test_a_unit_posting_mid_month_owes_from_the_next(uow_factory: UowFactory) -> None:
    seed(uow_factory, posted_from=date(2026, 10, 20))
    assert of(sweep_unit_duties(uow_factory, date(2026, 11, 1)), MEETING_KIND) == []


def test_sixty_days_without_a_visit(uow_factory: UowFactory) -> None:
    ids = seed(uow_factory, posted_from=date(2026, 10, 1))
    visit(uow_factory, "区财政局", date(2026, 11, 15))
    # Posted 1 October: 60 days on 30 November are still within the interval.
    assert of(sweep_unit_duties(uow_factory, date(2026, 11, 30)), VISIT_KIND) == []
    first = sweep_unit_duties(uow_factory, date(2026, 12, 1))
    assert of(first, VISIT_KIND) == [(ids["unit_leader_b"], "2026-10-01#1")]
    [reminder] = [d for d in first if d.kind == VISIT_KIND]
    assert reminder.payload["params"] == {"unit": "区农业农村局", "days": 61, "since": "2026-10-01"}
    assert of(sweep_unit_duties(uow_factory, date(2026, 12, 20)), VISIT_KIND) == []
    # Still no visit 60 days later: told again; 区财政局, last visited 15 November, too.
    again = sweep_unit_duties(uow_factory, date(2027, 1, 30))
    assert of(again, VISIT_KIND) == [
        (ids["unit_leader"], "2026-11-15#1"),
        (ids["unit_leader_b"], "2026-10-01#2"),
    ]


def test_a_new_year(uow_factory: UowFactory) -> None:
    ids = seed(uow_factory, posted_from=date(2026, 1, 1))
    for month in range(1, 13):
        meeting(uow_factory, "区财政局", date(2026, month, 10))
    care(uow_factory, ids["cadre"], "区财政局", "health_check", date(2026, 6, 1))
    on_new_year = sweep_unit_duties(uow_factory, date(2027, 1, 1))
    assert (ids["unit_leader"], "2026-12") not in of(on_new_year, MEETING_KIND)
    assert (ids["unit_leader_b"], "2026-12") in of(on_new_year, MEETING_KIND)
    # A year since the first posting without a check: 李四 and 王五, not 张三 (June).
    assert of(on_new_year, HEALTH_KIND) == [
        (ids["unit_leader"], f"p{ids['cadre2']}:2027-01-01"),
        (ids["unit_leader_b"], f"p{ids['cadre3']}:2027-01-01"),
    ]
    assert of(sweep_unit_duties(uow_factory, date(2027, 1, 31)), MEETING_KIND) == []
    feb = sweep_unit_duties(uow_factory, date(2027, 2, 1))
    assert (ids["unit_leader"], "2027-01") in of(feb, MEETING_KIND)
    later = sweep_unit_duties(uow_factory, date(2027, 6, 1))
    assert (ids["unit_leader"], f"p{ids['cadre']}:2027-06-01") in of(later, HEALTH_KIND)


def test_a_missed_run_catches_up_once(uow_factory: UowFactory) -> None:
    """No run on 1 December (the process was down): the 5 December run sends November's
    reminder, and later runs add nothing."""
    ids = seed(uow_factory, posted_from=date(2026, 10, 1))
    for unit in ("区财政局", "区农业农村局"):
        meeting(uow_factory, unit, date(2026, 10, 9))
    meeting(uow_factory, "区农业农村局", date(2026, 11, 9))
    assert of(sweep_unit_duties(uow_factory, date(2026, 11, 30)), MEETING_KIND) == []
    late = sweep_unit_duties(uow_factory, date(2026, 12, 5))
    assert of(late, MEETING_KIND) == [(ids["unit_leader"], "2026-11")]
    for day in (5, 6, 20):
        assert of(sweep_unit_duties(uow_factory, date(2026, 12, day)), MEETING_KIND) == []


def test_an_insurance_ending_within_thirty_days(uow_factory: UowFactory) -> None:
    ids = seed(uow_factory, posted_from=date(2026, 10, 1))
    for key in ("cadre", "cadre2"):
        care(uow_factory, ids[key], "区财政局", "insurance", date(2026, 12, 31))
    care(uow_factory, ids["cadre3"], "区农业农村局", "insurance", date(2027, 9, 30))
    assert of(sweep_unit_duties(uow_factory, date(2026, 11, 30)), INSURANCE_KIND) == []
    due = sweep_unit_duties(uow_factory, date(2026, 12, 1))
    assert of(due, INSURANCE_KIND) == [
        (ids["unit_leader"], f"p{ids['cadre']}:2026-12-31"),
        (ids["unit_leader"], f"p{ids['cadre2']}:2026-12-31"),
    ]
    text, _ = render_text(Catalog(), "zh", next(d for d in due if d.kind == INSURANCE_KIND).payload)
    assert "2026-12-31 到期" in text
    assert of(sweep_unit_duties(uow_factory, date(2026, 12, 15)), INSURANCE_KIND) == []
    # Renewed for 张三: a new end, a new reminder only 30 days before it (李四's lapsed
    # insurance was told already; 王五's, due in August, is caught up now).
    care(uow_factory, ids["cadre"], "区财政局", "insurance", date(2027, 12, 31))
    assert of(sweep_unit_duties(uow_factory, date(2027, 11, 30)), INSURANCE_KIND) == [
        (ids["unit_leader_b"], f"p{ids['cadre3']}:2027-09-30"),
    ]
    assert of(sweep_unit_duties(uow_factory, date(2027, 12, 1)), INSURANCE_KIND) == [
        (ids["unit_leader"], f"p{ids['cadre']}:2027-12-31"),
    ]


def test_no_insurance_recorded_is_told_once(uow_factory: UowFactory) -> None:
    ids = seed(uow_factory, posted_from=date(2026, 10, 1))
    drafts = sweep_unit_duties(uow_factory, date(2026, 10, 2))
    assert of(drafts, INSURANCE_KIND) == [
        (ids["unit_leader"], f"p{ids['cadre']}:none"),
        (ids["unit_leader"], f"p{ids['cadre2']}:none"),
        (ids["unit_leader_b"], f"p{ids['cadre3']}:none"),
    ]
    [one] = [d for d in drafts if d.kind == INSURANCE_KIND][:1]
    assert "没有人身意外伤害保险记录" in render_text(Catalog(), "zh", one.payload)[0]
    assert of(sweep_unit_duties(uow_factory, date(2026, 10, 3)), INSURANCE_KIND) == []


def test_a_transferred_cadre_is_the_new_units(uow_factory: UowFactory) -> None:
    """李四 moves from 区财政局 to 区农业农村局 on 1 November: his insurance and health
    check are 郑局长's to see to from then on."""
    ids = seed(uow_factory, posted_from=date(2025, 11, 1))
    with uow_factory() as uow:
        first = uow.assignments.latest(ids["cadre2"])
        first.end = date(2026, 10, 31)
        uow.assignments.add(
            Assignment(
                person_id=ids["cadre2"],
                village_id=first.village_id,
                unit_id=_unit(uow_factory, "区农业农村局"),
                start=date(2026, 11, 1),
            )
        )
        uow.commit()
    drafts = sweep_unit_duties(uow_factory, date(2026, 11, 2))
    recipients = {
        d.recipient_id
        for d in drafts
        if d.kind in (INSURANCE_KIND, HEALTH_KIND) and d.period.startswith(f"p{ids['cadre2']}:")
    }
    assert recipients == {ids["unit_leader_b"]}
    # The health check is counted from his first posting (a year on 1 November 2026).
    assert (ids["unit_leader_b"], f"p{ids['cadre2']}:2026-11-01") in of(drafts, HEALTH_KIND)


def test_the_sample_district_shows_each_duty(uow_factory: UowFactory) -> None:
    """The demo's units: 区财政局 up to date (meetings, a visit), 区农业农村局 behind;
    张三's health check recorded and his insurance ending within 30 days."""
    from services import unit_duties
    from services.sample_district import seed_sample_district, seed_sample_history

    today = date(2026, 11, 30)
    with uow_factory() as uow:
        people = seed_sample_district(uow, posted_from=date(2026, 1, 1))
        seed_sample_history(uow, people, today)
        uow.commit()
    with uow_factory() as uow:
        standings = {s.unit: s for s in unit_duties.standings(uow, today)}
        zhang = people["cadre"].id
        assert uow.unit_duties.latest_care("health_check", [zhang]) == {zhang: date(2026, 8, 22)}
    assert not standings["区财政局"].behind
    assert standings["区农业农村局"].months_missing == ["2026-10"]
    assert standings["区农业农村局"].visit_days == 75
    drafts = sweep_unit_duties(uow_factory, today)
    leader, other = people["unit_leader"].id, people["unit_leader_b"].id
    assert of(drafts, INSURANCE_KIND) == [
        (leader, f"p{zhang}:2026-12-20"),
        (other, f"p{people['cadre3'].id}:none"),
    ]
    assert of(drafts, MEETING_KIND) == [(other, "2026-10")]
    assert of(drafts, VISIT_KIND) == [(other, "2026-09-16#1")]
    # 王五's posting began a year before his term's end (the term example), without a
    # health check since: his unit is told a year after the posting began
    with uow_factory() as uow:
        wang = people["cadre3"].id
        began = uow.assignments.for_people([wang])[wang][0].start
    assert began.year == 2025
    assert of(drafts, HEALTH_KIND) == [(other, f"p{wang}:{began.replace(year=2026)}")]


def test_a_unit_behind_for_years_is_told_its_latest_twelve_months(
    uow_factory: UowFactory,
) -> None:
    ids = seed(uow_factory, posted_from=date(2024, 1, 1))
    drafts = [
        d for d in sweep_unit_duties(uow_factory, date(2026, 12, 1)) if d.kind == MEETING_KIND
    ]
    [told] = [d for d in drafts if d.recipient_id == ids["unit_leader"]]
    assert told.period == "2026-11"
    latest = ["2025-12"] + [f"2026-{m:02d}" for m in range(1, 12)]  # 12 of 35 missing
    assert told.payload["params"]["months"] == "…, " + ", ".join(latest)
