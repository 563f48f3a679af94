"""A district that pays official duty days (``CADREBOT_DUTY_DAYS_EARN_ALLOWANCE=true``), on
both runtimes: the sheet /report sends and the sheet the scheduler sends after a
township's review both pay 40 yuan for each duty day as for each on-site day, and only
the allowance changes (duty is still neither on site nor absent). The default (no) is
what the other /report and review tests check."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook

from bot.settings import Settings
from scheduler.service import build_scheduler
from services.attendance_review import confirm_review
from storage.tables import CheckIn, DutyRecord
from tests.e2e.conftest import ZONE, District, tap


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"duty_days_earn_allowance": True})


@pytest.fixture
def zhang_week(district: District) -> None:
    """张三 on site Monday-Wednesday 23-25 November, at the district's training 26-27."""
    with district.storage.uow() as uow:
        cadre = uow.people.by_phone(district.phone("cadre"))
        for i in range(3):
            day = date(2026, 11, 23) + timedelta(days=i)
            at = datetime(day.year, day.month, day.day, 9, tzinfo=ZONE)
            uow.checkins.add(CheckIn(person_id=cadre.id, day=day, at=at, on_site=True))
        uow.session.add(
            DutyRecord(
                person_id=cadre.id,
                start=date(2026, 11, 26),
                end=date(2026, 11, 27),
                kind="training",
                recorded_at=datetime(2026, 11, 20, 9, tzinfo=ZONE),
            )
        )
        uow.commit()


def zhang(document: bytes) -> tuple:
    """张三's on site, leave, duty, absent and yuan."""
    header, *rows = load_workbook(io.BytesIO(document)).worksheets[0].iter_rows(values_only=True)
    assert header[5:10] == ("驻村天数", "请假天数", "公务天数", "缺勤工作日", "生活补助(元)")
    return next(r for r in rows if r[0] == "张三")[5:10]


async def test_report_pays_duty_days(district: District, zhang_week: None) -> None:
    secretary = await district.onboard("township_secretary")
    secretary.send_text("/report")
    await tap(secretary, await secretary.next_message(), "城关街道")
    sheet = await secretary.next_message()
    assert sheet.kind == "document"
    # November 1-29: 20 working days; 3 on site, 2 at training, 15 absent; (3 + 2) x 40
    assert zhang(sheet.document) == (3, 0, 2, 15, 200)


async def test_the_reviewed_months_sheet_pays_duty_days(
    district: District,
    zhang_week: None,
    running_bot,
    settings: Settings,
) -> None:
    org = await district.onboard("org_dept")
    district.clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=ZONE))
    with district.storage.uow() as uow:
        secretary = uow.people.by_phone(district.phone("township_secretary"))
        confirm_review(uow, secretary, month="2026-11", now=district.clock.now())
        uow.commit()
    scheduler = build_scheduler(
        settings, district.storage.uow, district.clock, running_bot.delivery
    )
    await scheduler.drain()
    sheet = await org.next_message()
    assert sheet.kind == "document" and sheet.filename == "考勤表_城关街道_2026-11.xlsx"
    # November: 21 working days; 3 on site, 2 at training, 16 absent; (3 + 2) x 40
    assert zhang(sheet.document) == (3, 0, 2, 16, 200)
