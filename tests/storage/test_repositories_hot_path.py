"""The repository calls every update makes, on both databases: the person loaded with
their dialog, the dialog's single-statement upsert and delete, the posting with its
village, the Core inserts of a check-in, a diary entry and an audit row, and the open
spot-check probe."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from services import checkin, diary
from services.sample_district import VILLAGES, seed_sample_district
from storage.repositories import OpenDialog
from storage.tables import AuditEntry, SpotCheck

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TELEGRAM_ID = 777


@pytest.fixture
def cadre_id(uow_factory) -> int:
    with uow_factory() as uow:
        people = seed_sample_district(uow, posted_from=date(2026, 1, 1))
        people["cadre"].telegram_user_id = TELEGRAM_ID
        uow.commit()
        return people["cadre"].id


def test_dialog_upsert_and_delete_round_trip(uow_factory, cadre_id: int) -> None:
    with uow_factory() as uow:
        assert uow.people.with_dialog(TELEGRAM_ID)[1] is None
        assert uow.people.with_dialog(TELEGRAM_ID + 1) == (None, None)
        assert uow.dialogs.clear(cadre_id) is False
        uow.dialogs.put(cadre_id, "leave", "start", {}, NOW)
        uow.dialogs.put(cadre_id, "leave", "end", {"start": "2026-12-01"}, NOW)  # same row
        uow.commit()
    with uow_factory() as uow:
        person, dialog = uow.people.with_dialog(TELEGRAM_ID)
        assert person is not None and person.id == cadre_id
        assert dialog == OpenDialog("leave", "end", {"start": "2026-12-01"})
        assert uow.dialogs.get(cadre_id) == dialog
        assert uow.dialogs.clear(cadre_id) is True
        uow.commit()
    with uow_factory() as uow:
        assert uow.dialogs.get(cadre_id) is None
        assert uow.people.with_dialog(TELEGRAM_ID)[1] is None


def test_posting_checkin_and_diary_inserts(uow_factory, cadre_id: int) -> None:
    lat, lon = VILLAGES[0][2], VILLAGES[0][3]
    with uow_factory() as uow:
        assignment, village = uow.assignments.posting(cadre_id, NOW.date())
        assert (assignment.person_id, village.name) == (cadre_id, VILLAGES[0][1])
        assert uow.assignments.posting(cadre_id, date(2025, 12, 31)) is None
        cadre = uow.people.get(cadre_id)
        yesterday = NOW - timedelta(days=1)
        checkin.record_location(
            uow, cadre, lat=lat, lon=lon, message_id=1, live=False, forwarded=False, now=yesterday
        )
        first = checkin.record_location(
            uow, cadre, lat=lat, lon=lon, message_id=2, live=False, forwarded=False, now=NOW
        )
        second = checkin.record_location(
            uow, cadre, lat=lat, lon=lon, message_id=3, live=True, forwarded=False, now=NOW
        )
        off = checkin.record_location(
            uow, cadre, lat=lat + 0.1, lon=lon, message_id=4, live=False, forwarded=False, now=NOW
        )
        entry_id = diary.write_entry(uow, cadre, text=" 走访 ", photos=["p"], now=NOW)
        uow.commit()
    assert (first.on_site, first.already_counted, first.onsite_days_this_year) == (True, False, 2)
    assert (second.already_counted, second.onsite_days_this_year) == (True, 2)
    assert (off.on_site, off.already_counted, off.onsite_days_this_year) == (False, True, 2)
    with uow_factory() as uow:
        rows = uow.checkins.for_day(cadre_id, NOW.date())
        assert sorted((r.message_id, r.on_site, r.source) for r in rows) == [
            (2, True, "location"),
            (3, True, "live"),
            (4, False, "location"),
        ]
        assert rows[0].at == NOW
        entry = uow.diaries.get(entry_id)
        assert (entry.text, entry.photo_file_ids, entry.day) == ("走访", ["p"], NOW.date())
        [audit] = uow.audit.for_subject(f"diary:{entry_id}")
        assert isinstance(audit, AuditEntry)
        assert (audit.actor_id, audit.action, audit.detail) == (cadre_id, "diary:write", {})


def test_open_spot_check_probe(uow_factory, cadre_id: int) -> None:
    with uow_factory() as uow:
        assert uow.spot_checks.has_open(cadre_id, NOW) is False
        official_id = next(p.id for p in uow.people.all() if p.role == "org_dept")
        uow.spot_checks.add(
            SpotCheck(
                cadre_id=cadre_id,
                official_id=official_id,
                method="remote",
                started_at=NOW,
                deadline=NOW + timedelta(minutes=30),
            )
        )
        assert uow.spot_checks.has_open(cadre_id, NOW) is True
        assert uow.spot_checks.has_open(cadre_id, NOW + timedelta(minutes=31)) is False
