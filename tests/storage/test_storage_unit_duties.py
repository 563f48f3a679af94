"""The unit's duties on SQLite and PostgreSQL: meetings, visits and care records stored
and read back per unit and cadre, the postings they are counted from, and the standings
org_dept sees (Art. 15, 19)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from services import unit_duties
from services.sample_district import seed_sample_district
from storage.ids import id_of
from storage.tables import CareRecord, UnitMeeting, UnitVisit
from storage.unit_of_work import UnitOfWork

NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
TODAY = date(2026, 12, 3)


def test_records_are_read_per_unit_and_cadre(uow_factory: Callable[[], UnitOfWork]) -> None:
    with uow_factory() as uow:
        people = seed_sample_district(uow, posted_from=date(2026, 9, 15))
        finance = uow.places.unit("区财政局")
        farming = uow.places.unit("区农业农村局")
        assert finance is not None and farming is not None
        village = uow.places.villages()[0]
        leader = people["unit_leader"]
        for day in (date(2026, 10, 9), date(2026, 11, 20)):
            uow.unit_duties.add_meeting(
                UnitMeeting(unit_id=id_of(finance), day=day, note="专题", recorded_at=NOW)
            )
        for day in (date(2026, 10, 1), date(2026, 11, 2), date(2026, 12, 31)):
            uow.unit_duties.add_visit(
                UnitVisit(
                    unit_id=id_of(finance),
                    village_id=id_of(village),
                    day=day,
                    visitors="吴局长",
                    recorded_by_id=leader.id,
                    recorded_at=NOW,
                )
            )
        zhang, wang = id_of(people["cadre"]), id_of(people["cadre3"])
        for kind, day in (
            ("health_check", date(2025, 12, 1)),
            ("health_check", date(2026, 6, 1)),
            ("insurance", date(2026, 12, 20)),
        ):
            uow.unit_duties.add_care(
                CareRecord(
                    person_id=zhang, unit_id=id_of(finance), kind=kind, day=day, recorded_at=NOW
                )
            )
        uow.commit()

    with uow_factory() as uow:
        repo = uow.unit_duties
        assert sorted(repo.meeting_days(date(2026, 10, 10))[id_of(finance)]) == [date(2026, 11, 20)]
        assert repo.last_visits(TODAY) == {id_of(finance): date(2026, 11, 2)}
        assert repo.latest_care("health_check", [zhang, wang]) == {zhang: date(2026, 6, 1)}
        assert repo.latest_care("insurance", [zhang]) == {zhang: date(2026, 12, 20)}
        assert repo.first_postings() == {
            id_of(finance): date(2026, 9, 15),
            id_of(farming): date(2026, 9, 15),
        }
        posted = repo.postings_on(TODAY, id_of(finance))
        assert [(p.name, p.village) for p in posted] == [("张三", "东店子村"), ("李四", "西关社区")]
        assert repo.postings_on(date(2026, 9, 14)) == []

        # Posted from 15 September: October is the first month owed; November has its
        # meeting. 区农业农村局 recorded nothing: October and November, and 79 days
        # without a visit.
        standings = {s.unit: s for s in unit_duties.standings(uow, TODAY)}
        assert standings["区财政局"].months_missing == []
        assert standings["区财政局"].visit_days is None
        assert standings["区农业农村局"].months_missing == ["2026-10", "2026-11"]
        assert standings["区农业农村局"].visit_days == 79

        due = {(d.name, d.what): d.due for d in unit_duties.care_due(uow, TODAY)}
        assert due[("张三", "insurance")] == date(2026, 12, 20)
        assert ("张三", "health_check") not in due
        assert due[("王五", "insurance")] is None
        assert ("王五", "health_check") not in due  # posted under a year ago
