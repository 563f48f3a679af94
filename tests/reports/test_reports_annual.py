"""The annual sheet, every figure against hand-computed values.

The year is 2030, which the chinesecalendar package does not cover: once any 2030 day is
imported the year follows the plain week (Monday-Friday) except the imported days, so
every working day below can be counted on a wall calendar. Imported: October 1-3
(Tuesday-Thursday) holidays, Sunday September 29 a working day (调休).

2030 starts on a Tuesday: 52 weeks and one Tuesday, 261 weekdays; with the imports 259
working days. Per month (only the months postings touch):
  September  1 Sun: weekdays 2-6, 9-13, 16-20, 23-27, 30 = 21, + Sun 29 = 22
  October    1 Tue: weekdays 1-4, 7-11, 14-18, 21-25, 28-31 = 23, - Oct 1-3 = 20
  November   1 Fri: weekdays 1, 4-8, 11-15, 18-22, 25-29 = 21
  December   1 Sun: weekdays 2-6, 9-13, 16-20, 23-27, 30-31 = 22
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import asdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from bot.i18n import Catalog
from bot.reporting import sheet_label
from domain.attendance import AllowanceRule, Period
from services.reports.annual_sheet import COLUMNS, VISIT_COLUMNS, gather_annual, to_xlsx
from storage.tables import (
    AssessmentGrade,
    Assignment,
    CheckIn,
    DiaryEntry,
    DiarySignoff,
    DutyRecord,
    LeaveRequest,
    Person,
    SpotCheck,
    Township,
    Unit,
    Village,
)
from storage.unit_of_work import UnitOfWork

ZONE = ZoneInfo("Asia/Shanghai")
AS_OF = date(2030, 12, 31)


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), ZONE)


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def weekdays(first: date, last: date) -> list[date]:
    return [d for d in days(first, last) if d.weekday() < 5]


@pytest.fixture
def district(uow_factory: Callable[[], UnitOfWork]) -> dict[str, int]:
    """Five cadres posted in 2030 (A-E), one posted only in 2029 (F), and a secretary."""
    with uow_factory() as uow:
        for day, kind in (
            (date(2030, 10, 1), "holiday"),
            (date(2030, 10, 2), "holiday"),
            (date(2030, 10, 3), "holiday"),
            (date(2030, 9, 29), "workday"),
        ):
            uow.calendar.put(day, kind)
        south = uow.places.add(Township(name="城关镇"))
        north = uow.places.add(Township(name="北镇"))
        east = uow.places.add(
            Village(township_id=south.id, name="东村", lat=30, lon=110, radius_m=500)
        )
        west = uow.places.add(
            Village(township_id=south.id, name="西村", lat=30, lon=111, radius_m=500)
        )
        nv = uow.places.add(
            Village(township_id=north.id, name="北村", lat=31, lon=110, radius_m=500)
        )
        finance = uow.places.add(Unit(name="区财政局"))
        farming = uow.places.add(Unit(name="区农业农村局"))
        ids: dict[str, int] = {}

        def cadre(key: str, name: str, role: str, village: Village, unit: Unit, start, end=None):
            person = uow.people.add(
                Person(name=name, phone=f"+86139000001{len(ids):02d}", role=role)
            )
            uow.assignments.add(
                Assignment(
                    person_id=person.id,
                    village_id=village.id,
                    unit_id=unit.id,
                    start=start,
                    end=end,
                )
            )
            ids[key] = person.id

        cadre("A", "张三", "first_secretary", east, finance, date(2030, 9, 1))
        cadre("B", "李四", "team_member", west, farming, date(2030, 11, 1), date(2030, 11, 30))
        cadre("C", "王五", "first_secretary", nv, farming, date(2030, 12, 1))
        cadre("D", "赵六", "team_member", east, finance, date(2030, 12, 16), date(2030, 12, 31))
        cadre("E", "钱七", "team_member", nv, finance, date(2030, 1, 1))
        cadre("F", "孙八", "first_secretary", east, finance, date(2029, 1, 1), date(2029, 12, 31))
        secretary = uow.people.add(
            Person(
                name="周书记",
                phone="+8613900000199",
                role="township_secretary",
                township_id=south.id,
            )
        )

        def onsite(key: str, day: date, on_site: bool = True, source: str = "location") -> None:
            uow.checkins.add(
                CheckIn(person_id=ids[key], day=day, at=at(day), on_site=on_site, source=source)
            )

        def leave(key: str, first: date, last: date, status: str = "approved") -> None:
            n = (last - first).days + 1
            uow.leaves.add(
                LeaveRequest(
                    applicant_id=ids[key],
                    start=first,
                    end=last,
                    days=n,
                    combined_days=n,
                    tier="short",
                    reason="事",
                    status=status,
                    created_at=at(first) - timedelta(days=5),
                )
            )

        # A: on site Sep 2-6 and Sat Sep 7, on the Oct 1 holiday, Nov 4-8 (Nov 4 twice);
        # off site Nov 11; on site Aug 30, before the posting (not counted).
        for day in [*days(date(2030, 9, 2), date(2030, 9, 7)), date(2030, 10, 1)]:
            onsite("A", day)
        for day in days(date(2030, 11, 4), date(2030, 11, 8)):
            onsite("A", day)
        onsite("A", date(2030, 11, 4), source="live")
        onsite("A", date(2030, 11, 11), on_site=False)
        onsite("A", date(2030, 8, 30))
        # A's leave: Dec 2-6 (5 working days), the weekend Dec 14-15, Fri-Sat Nov 8-9 (the
        # Friday is on site, so only the Saturday is leave); a pending and a rejected one.
        leave("A", date(2030, 12, 2), date(2030, 12, 6))
        leave("A", date(2030, 12, 14), date(2030, 12, 15))
        leave("A", date(2030, 11, 8), date(2030, 11, 9))
        leave("A", date(2030, 12, 9), date(2030, 12, 10), status="pending")
        leave("A", date(2030, 12, 11), date(2030, 12, 12), status="rejected")
        # E at the district's courses (公务): 岗前培训 Mar 4-5, 岗位培训 Mar 6-8 (working days)
        for first, last, kind in (
            (date(2030, 3, 4), date(2030, 3, 5), "pre_training"),
            (date(2030, 3, 6), date(2030, 3, 8), "training"),
        ):
            uow.session.add(
                DutyRecord(
                    person_id=ids["E"], start=first, end=last, kind=kind, recorded_at=at(first)
                )
            )
        # B: every November working day and the first weekend; a day after the posting.
        for day in [
            *weekdays(date(2030, 11, 1), date(2030, 11, 30)),
            date(2030, 11, 2),
            date(2030, 11, 3),
        ]:
            onsite("B", day)
        onsite("B", date(2030, 12, 2), source="import")
        # C: never on site; leave Dec 23 - Jan 5 across the year end.
        leave("C", date(2030, 12, 23), date(2031, 1, 5))
        # D: every working day of the posting.
        for day in weekdays(date(2030, 12, 16), date(2030, 12, 31)):
            onsite("D", day)

        # Diaries: A four in 2030 (two signed weekly, one of them monthly too) and one in
        # 2029; B ten in November, all signed.
        week = uow.diaries.add(
            DiarySignoff(
                cadre_id=ids["A"],
                scope="week",
                period="2030-W36",
                signer_id=secretary.id,
                signed_at=at(date(2030, 9, 8)),
                entry_count=2,
            )
        )
        month = uow.diaries.add(
            DiarySignoff(
                cadre_id=ids["A"],
                scope="month",
                period="2030-09",
                signer_id=secretary.id,
                signed_at=at(date(2030, 10, 8)),
                entry_count=1,
            )
        )
        b_week = uow.diaries.add(
            DiarySignoff(
                cadre_id=ids["B"],
                scope="week",
                period="2030-W45",
                signer_id=secretary.id,
                signed_at=at(date(2030, 12, 1)),
                entry_count=10,
            )
        )
        b_month = uow.diaries.add(
            DiarySignoff(
                cadre_id=ids["B"],
                scope="month",
                period="2030-11",
                signer_id=secretary.id,
                signed_at=at(date(2030, 12, 1)),
                entry_count=10,
            )
        )

        def diary(
            key: str, day: date, week_id: int | None = None, month_id: int | None = None
        ) -> None:
            uow.diaries.add(
                DiaryEntry(
                    person_id=ids[key],
                    day=day,
                    written_at=at(day),
                    text="走访",
                    week_signoff_id=week_id,
                    month_signoff_id=month_id,
                )
            )

        diary("A", date(2030, 9, 3), week.id, month.id)
        diary("A", date(2030, 9, 4), week.id)
        diary("A", date(2030, 12, 20))
        diary("A", date(2030, 12, 21))
        diary("A", date(2029, 12, 31))
        for n in range(10):
            diary("B", date(2030, 11, 4 + n), b_week.id, b_month.id)

        # Spot checks: A present (Jan 1 07:00 local is still 2030, though Dec 31 in UTC),
        # two unexcused, one no answer, one on leave, and an unexcused one in 2029;
        # C unexcused three times; an open one for D (no result: not counted).
        def check(key: str, when: datetime, result: str | None) -> None:
            uow.spot_checks.add(
                SpotCheck(
                    cadre_id=ids[key],
                    official_id=secretary.id,
                    method="in_person",
                    started_at=when,
                    result=result,
                    recorded_at=when if result else None,
                    deadline=None if result else when + timedelta(minutes=30),
                )
            )

        check("A", datetime(2030, 1, 1, 7, 0, tzinfo=ZONE), "present")
        check("A", at(date(2030, 9, 10)), "unexcused")
        check("A", at(date(2030, 10, 10)), "unexcused")
        check("A", at(date(2030, 11, 12)), "no_answer")
        check("A", at(date(2030, 12, 3)), "on_leave")
        check("A", at(date(2030, 12, 8)), "not_counted")  # a Sunday
        check("A", at(date(2029, 6, 3)), "unexcused")
        for day in (2, 3, 4):
            check("C", at(date(2030, 12, day)), "unexcused")
        check("D", at(date(2030, 12, 30)), None)

        # Grades: B excellent, A and E competent, C incompetent (spot checks), D none;
        # F excellent in 2029 (another year).
        for key, grade, source in (
            ("B", "excellent", "manual"),
            ("A", "competent", "import"),
            ("E", "competent", "manual"),
            ("C", "incompetent", "spot_check"),
        ):
            uow.grades.add(
                AssessmentGrade(
                    cadre_id=ids[key], year=2030, grade=grade, source=source, at=at(AS_OF)
                )
            )
        uow.grades.add(
            AssessmentGrade(
                cadre_id=ids["F"], year=2029, grade="excellent", at=at(date(2029, 12, 20))
            )
        )
        uow.commit()
    return ids


#: name → the row's figures, worked out by hand (see the module docstring for the calendar).
#: ``onsite_required`` is 220 pro-rated to the days of 2030 (365) posted, to the nearest
#: day: A Sep 1-Dec 31 122 days → 73.5 → 74; B Nov 30 days → 18; C Dec 31 days → 19;
#: D Dec 16-31 16 days → 10; E all year 220.
EXPECTED: dict[str, dict[str, object]] = {
    # A, posted Sep 1: 22+20+21+22 = 85 working days. On site Sep 2-7 (6 days, 5 working),
    # Oct 1 (holiday), Nov 4-8 (5 working): 12 days, 10 working. Leave Dec 2-6, Dec 14-15,
    # Nov 9: 8 days, 5 working; Dec 9-10 still pending (not absences while they wait): 10
    # days, 7 working. Absent 85-10-7 = 68. September: 22-5 = 17 absent >= 10.
    "张三": {
        "role": "第一书记",
        "township": "城关镇",
        "village": "东村",
        "unit": "区财政局",
        "onsite_days": 12,
        "onsite_required": 74,
        "onsite_short": 62,
        "leave_days": 10,
        "duty_days": 0,
        "pre_training_days": 0,
        "training_days": 0,
        "training_met": None,
        "absent_workdays": 68,
        "allowance_yuan": 480,
        "diaries_written": 4,
        "diaries_week_signed": 2,
        "diaries_month_signed": 1,
        "removal_month": "是",
        "removal_year": None,
        "checks_total": 6,
        "checks_present": 1,
        "checks_on_leave": 1,
        "checks_unexcused": 2,
        "checks_no_answer": 1,
        "checks_not_counted": 1,
        "sanction": "全区通报",
        "note": None,
        "grade": "称职",
    },
    # B, posted Nov 1-30: 21 working days, all on site, plus Nov 2-3: 23 days.
    "李四": {
        "role": "驻村工作队员",
        "township": "城关镇",
        "village": "西村",
        "unit": "区农业农村局",
        "onsite_days": 23,
        "onsite_required": 18,
        "onsite_short": 0,
        "leave_days": 0,
        "duty_days": 0,
        "pre_training_days": 0,
        "training_days": 0,
        "training_met": None,
        "absent_workdays": 0,
        "allowance_yuan": 920,
        "diaries_written": 10,
        "diaries_week_signed": 10,
        "diaries_month_signed": 10,
        "removal_month": None,
        "removal_year": None,
        "checks_total": 0,
        "checks_present": 0,
        "checks_on_leave": 0,
        "checks_unexcused": 0,
        "checks_no_answer": 0,
        "checks_not_counted": 0,
        "sanction": None,
        "note": None,
        "grade": "优秀",
    },
    # C, posted Dec 1: 22 working days, none on site; leave Dec 23-31 in the year: 9 days,
    # 7 working (23-27, 30-31). Absent 22-7 = 15 >= 10 in December.
    "王五": {
        "role": "第一书记",
        "township": "北镇",
        "village": "北村",
        "unit": "区农业农村局",
        "onsite_days": 0,
        "onsite_required": 19,
        "onsite_short": 19,
        "leave_days": 9,
        "duty_days": 0,
        "pre_training_days": 0,
        "training_days": 0,
        "training_met": None,
        "absent_workdays": 15,
        "allowance_yuan": 0,
        "diaries_written": 0,
        "diaries_week_signed": 0,
        "diaries_month_signed": 0,
        "removal_month": "是",
        "removal_year": None,
        "checks_total": 3,
        "checks_present": 0,
        "checks_on_leave": 0,
        "checks_unexcused": 3,
        "checks_no_answer": 0,
        "checks_not_counted": 0,
        "sanction": "通报，年度考核不称职",
        "note": None,
        "grade": "不称职",
    },
    # D, posted Dec 16-31: 12 working days (16-20, 23-27, 30-31), all on site.
    "赵六": {
        "role": "驻村工作队员",
        "township": "城关镇",
        "village": "东村",
        "unit": "区财政局",
        "onsite_days": 12,
        "onsite_required": 10,
        "onsite_short": 0,
        "leave_days": 0,
        "duty_days": 0,
        "pre_training_days": 0,
        "training_days": 0,
        "training_met": None,
        "absent_workdays": 0,
        "allowance_yuan": 480,
        "diaries_written": 0,
        "diaries_week_signed": 0,
        "diaries_month_signed": 0,
        "removal_month": None,
        "removal_year": None,
        "checks_total": 0,
        "checks_present": 0,
        "checks_on_leave": 0,
        "checks_unexcused": 0,
        "checks_no_answer": 0,
        "checks_not_counted": 0,
        "sanction": None,
        "note": None,
        "grade": None,
    },
    # E, posted all year, never on site: 259 working days less 5 at training (公务): 254
    # absent (>= 90, and >= 10 in every month).
    "钱七": {
        "role": "驻村工作队员",
        "township": "北镇",
        "village": "北村",
        "unit": "区财政局",
        "onsite_days": 0,
        "onsite_required": 220,
        "onsite_short": 220,
        "leave_days": 0,
        "duty_days": 5,
        "pre_training_days": 2,
        "training_days": 3,
        "training_met": "是",
        "absent_workdays": 254,
        "allowance_yuan": 0,
        "diaries_written": 0,
        "diaries_week_signed": 0,
        "diaries_month_signed": 0,
        "removal_month": "是",
        "removal_year": "是",
        "checks_total": 0,
        "checks_present": 0,
        "checks_on_leave": 0,
        "checks_unexcused": 0,
        "checks_no_answer": 0,
        "checks_not_counted": 0,
        "sanction": None,
        "note": None,
        "grade": "称职",
    },
}
#: The totals row: sums, and for the flags the number of cadres flagged.
TOTALS = {
    "name": "合计",
    "onsite_days": 47,
    "onsite_short": 301,
    "leave_days": 19,
    "duty_days": 5,
    "pre_training_days": 2,
    "training_days": 3,
    "training_met": 1,
    "absent_workdays": 337,
    "allowance_yuan": 1880,
    "diaries_written": 14,
    "diaries_week_signed": 12,
    "diaries_month_signed": 11,
    "removal_month": 3,
    "removal_year": 1,
    "checks_total": 9,
    "checks_present": 1,
    "checks_on_leave": 1,
    "checks_unexcused": 5,
    "checks_no_answer": 1,
    "checks_not_counted": 1,
}
#: Five cadres posted in 2030: at most 5 * 20% = 1 优秀; B is the one.
SUMMARY = {
    "年度": 2030,
    "统计截至": "2030-12-31",
    "参加考核人数": 5,
    "优秀(人)": 1,
    "优秀上限(20%)": 1,
    "优秀比例(%)": 20,
    "未超过20%上限": "是",
    "称职(人)": 2,
    "不称职(人)": 1,
    "未评定(人)": 1,
}


def workbook(uow_factory: Callable[[], UnitOfWork], **kwargs: object):
    with uow_factory() as uow:
        sheet = gather_annual(uow, 2030, as_of=AS_OF, zone=ZONE, **kwargs)
        data = to_xlsx(sheet, sheet_label(Catalog()))
    return sheet, load_workbook(io.BytesIO(data))


def test_every_figure_of_the_annual_sheet(
    uow_factory: Callable[[], UnitOfWork], district: dict[str, int]
) -> None:
    sheet, book = workbook(uow_factory)
    cadres, grades, plans = book.worksheets
    assert (cadres.title, grades.title, plans.title) == ("驻村干部", "考核等次汇总", "规划与目标")
    label = sheet_label(Catalog())
    header = [c.value for c in cadres[1]]
    assert header == [label(key) for key in COLUMNS]
    assert header[:8] == [
        "姓名",
        "职务",
        "镇(办)",
        "村(社区)",
        "派出单位",
        "驻村天数",
        "应驻村天数",
        "距应驻村天数尚差(天)",
    ]
    assert "年度考核等次" in header and "明查暗访处理" in header and "无故不在岗(次)" in header
    rows = [[c.value for c in row] for row in cadres.iter_rows(min_row=2)]
    # by township, village, then the order the cadres were entered; F (2029 only) is absent
    assert [r[0] for r in rows] == ["王五", "钱七", "张三", "赵六", "李四", "合计"]
    no_visits = dict.fromkeys(VISIT_COLUMNS, 0)  # none tagged: see test_reports_visits.py
    for row in rows[:-1]:
        values = dict(zip(COLUMNS, row, strict=True))
        assert values == {"name": row[0], **EXPECTED[row[0]], **no_visits}, row[0]
    totals = dict(zip(COLUMNS, rows[-1], strict=True))
    assert {k: v for k, v in totals.items() if v is not None} == {**TOTALS, **no_visits}
    assert dict(grades.iter_rows(values_only=True)) == SUMMARY
    # no formulas anywhere: plain values an office can re-sort
    assert all(c.data_type != "f" for row in cadres.iter_rows() for c in row)
    assert sheet.grades.within_cap and sheet.grades.cap == 1


def test_one_township_keeps_the_district_wide_cap(
    uow_factory: Callable[[], UnitOfWork], district: dict[str, int]
) -> None:
    with uow_factory() as uow:
        north = uow.places.township("北镇").id
    sheet, book = workbook(uow_factory, township_id=north)
    assert [r.name for r in sheet.rows] == ["王五", "钱七"]
    assert dict(book.worksheets[1].iter_rows(values_only=True))["参加考核人数"] == 5


def test_figures_count_only_up_to_the_day_asked(
    uow_factory: Callable[[], UnitOfWork], district: dict[str, int]
) -> None:
    """As of Nov 30, E has been absent every working day to then but the 5 at training:
    259 - 22 (December) - 5."""
    with uow_factory() as uow:
        sheet = gather_annual(uow, 2030, as_of=date(2030, 11, 30), zone=ZONE)
    rows = {r.name: r for r in sheet.rows}
    assert rows["钱七"].absent_workdays == 232
    assert rows["张三"].absent_workdays == 85 - 22 - 10  # December not counted yet, no leave
    assert rows["张三"].leave_days == 1  # Nov 9 only
    # posted in December: listed (posted in the year), nothing counted yet
    assert rows["王五"].absent_workdays == rows["赵六"].onsite_days == 0


def test_where_the_district_pays_duty_days_only_the_allowance_changes(
    uow_factory: Callable[[], UnitOfWork], district: dict[str, int]
) -> None:
    """``CADREBOT_DUTY_DAYS_EARN_ALLOWANCE``: E's 5 days at training earn 5 x 40 yuan; no
    other figure moves (duty is still neither on site nor absent)."""
    paid, _book = workbook(uow_factory, allowance=AllowanceRule(duty_days_earn=True))
    plain, _book = workbook(uow_factory)
    by_name = {r.name: r for r in plain.rows}
    for row in paid.rows:
        extra = 40 * row.duty_days
        assert row.allowance_yuan == by_name[row.name].allowance_yuan + extra, row.name
        assert asdict(row) | {"allowance_yuan": 0} == asdict(by_name[row.name]) | {
            "allowance_yuan": 0
        }
    assert {r.name: r.allowance_yuan for r in paid.rows}["钱七"] == 200
    assert sum(r.allowance_yuan for r in paid.rows) == TOTALS["allowance_yuan"] + 200


def test_every_column_reads_without_widening(
    uow_factory: Callable[[], UnitOfWork], district: dict[str, int]
) -> None:
    """Both sheets: each column is as wide as its widest value, and its header fits in at
    most three wrapped lines (the headers after column E were cut off before)."""
    from openpyxl.utils import get_column_letter

    from services.reports import attendance_sheet
    from services.reports.attendance_sheet import gather
    from services.reports.workbook import HEADER_LINES, display_width

    _sheet, annual = workbook(uow_factory)
    with uow_factory() as uow:
        month = gather(uow, Period.month(2030, 10), as_of=AS_OF)
        monthly = load_workbook(io.BytesIO(attendance_sheet.to_xlsx(month, sheet_label(Catalog()))))
    for ws in (annual.worksheets[0], monthly.worksheets[0]):
        assert ws.max_column > 5
        for index in range(1, ws.max_column + 1):
            letter = get_column_letter(index)
            width = ws.column_dimensions[letter].width
            header, *values = [c.value for c in ws[letter]]
            wraps = ws[f"{letter}1"].alignment.wrap_text
            assert width >= display_width(header) or (
                wraps and width * HEADER_LINES >= display_width(header)
            ), header
            assert all(width >= display_width(v) for v in values if v is not None), header
        assert ws.freeze_panes == "B2"
