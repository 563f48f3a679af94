"""Importers: villages, roster, historical attendance and the calendar, on SQLite and
PostgreSQL (the shared ``engine`` fixture), plus the CSV/XLSX reader."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook
from sqlalchemy import func
from sqlmodel import select

from domain.geo import distance_m, gcj02_to_bd09, wgs84_to_gcj02
from services.imports import (
    ImportRejected,
    import_attendance,
    import_calendar,
    import_roster,
    import_villages,
    read_table,
)
from storage.tables import Assignment, CalendarDay, CheckIn, Person, Township, Unit, Village

ZONE = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 3, 1)

VILLAGES = """township,village,lat,lon,radius_m
城关镇,北村,30.5,114.3,500
城关镇,南村,30.4,114.3,500
河口镇,东村,30.6,114.5,800
"""

ROSTER = """name,phone,role,township,village,unit,start,end
张三,138 0013 8000,第一书记,城关镇,北村,区财政局,2026-01-05,
李四,+86-139-0013-9000,驻村工作队员,城关镇,北村,区财政局,,
王五,0086 137 0013 7000,村党支部书记,城关镇,北村,,,
赵六,8613600136000,镇党委书记,城关镇,,,,
钱七,(135)0013-5000,派出单位,,,区财政局,,
孙八,150.0015.0000,区委组织部,,,,,
周九,+8615100151000,admin,,,,,
"""


def write(tmp_path: Path, text: str, name: str = "data.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(tmp_path: Path, rows: list[list[object]], name: str = "data.xlsx") -> Path:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def count(uow_factory, model) -> int:
    with uow_factory() as uow:
        return uow.session.exec(select(func.count()).select_from(model)).one()


def counts(uow_factory) -> dict[str, int]:
    models = (Township, Village, Unit, Person, Assignment, CheckIn, CalendarDay)
    return {m.__name__: count(uow_factory, m) for m in models}


def person(uow_factory, phone: str) -> Person | None:
    """The person as stored (detached: the unit of work's rollback leaves it readable)."""
    with uow_factory() as uow:
        found = uow.people.by_phone(phone)
        uow.session.expunge_all()
        return found


def postings(uow_factory, phone: str) -> list[Assignment]:
    with uow_factory() as uow:
        found = uow.people.by_phone(phone)
        rows = list(uow.assignments.for_person(found.id))
        uow.session.expunge_all()
        return rows


def rejected_lines(excinfo: pytest.ExceptionInfo[ImportRejected]) -> list[str]:
    return excinfo.value.lines()


@pytest.fixture
def places(uow_factory, tmp_path):
    import_villages(uow_factory, read_table(write(tmp_path, VILLAGES, "villages.csv")))
    return uow_factory


@pytest.fixture
def roster(places, tmp_path):
    import_roster(places, read_table(write(tmp_path, ROSTER, "roster.csv")), today=TODAY)
    return places


# --- reader ---------------------------------------------------------------------------------


def test_reader_handles_bom_gb18030_and_chinese_headers(tmp_path):
    text = "乡镇,村,纬度,经度,半径(米)\n城关镇,北村,30.5,114.3,500\n"
    bom = read_table(write(tmp_path, text, "bom.csv", "utf-8-sig"))
    gbk = read_table(write(tmp_path, text, "gbk.csv", "gb18030"))
    for table in (bom, gbk):
        assert table.columns == ("township", "village", "lat", "lon", "radius_m")
        assert table.rows[0].line == 2
        assert table.rows[0].values["village"] == "北村"


def test_reader_counts_lines_across_blank_lines_and_multiline_cells(tmp_path):
    text = 'phone,date\n\n13800138000,2026-01-01\n"138\n00138000",2026-01-02\n13800138000,x\n'
    table = read_table(write(tmp_path, text))
    assert [row.line for row in table.rows] == [3, 4, 6]


def test_reader_xlsx_cells_read_as_typed(tmp_path):
    path = write_xlsx(
        tmp_path,
        [["Phone", "Date", "Lat"], [13800138000, datetime(2026, 1, 5), 30.25], [None, None, None]],
    )
    table = read_table(path)
    assert table.columns == ("phone", "date", "lat")
    assert [(r.line, r.values) for r in table.rows] == [
        (2, {"phone": "13800138000", "date": "2026-01-05", "lat": "30.25"})
    ]


def test_reader_refuses_empty_and_header_only_files(tmp_path, uow_factory):
    with pytest.raises(ImportRejected, match="empty"):
        read_table(write(tmp_path, "\n\n", "empty.csv"))
    table = read_table(write(tmp_path, "date,kind\n", "header.csv"))
    with pytest.raises(ImportRejected, match="no data rows"):
        import_calendar(uow_factory, table)


def test_missing_required_column_is_one_clear_line(tmp_path, uow_factory):
    table = read_table(write(tmp_path, "township,village,lat,lon\n城关镇,北村,30.5,114.3\n"))
    with pytest.raises(ImportRejected) as excinfo:
        import_villages(uow_factory, table)
    assert len(rejected_lines(excinfo)) == 1
    assert rejected_lines(excinfo)[0].startswith("line 1: missing required column radius_m")
    assert count(uow_factory, Village) == 0


# --- villages -------------------------------------------------------------------------------


def test_villages_import_creates_townships_and_villages(uow_factory, tmp_path):
    result = import_villages(uow_factory, read_table(write(tmp_path, VILLAGES)))
    assert result.summary == "imported 3 villages (3 new, 0 updated)"
    with uow_factory() as uow:
        assert [t.name for t in uow.places.townships()] == sorted(["城关镇", "河口镇"])
        chengguan = uow.places.township("城关镇")
        north = uow.places.village(chengguan.id, "北村")
        assert (north.lat, north.lon, north.radius_m) == (30.5, 114.3, 500.0)


def test_gcj02_and_bd09_rows_are_stored_as_wgs84(uow_factory, tmp_path):
    wgs = (30.5, 114.3)
    gcj = wgs84_to_gcj02(*wgs)
    bd = gcj02_to_bd09(*gcj)
    assert distance_m(*wgs, *gcj) > 100  # the offset the conversion must undo
    text = (
        "township,village,lat,lon,radius_m,crs\n"
        f"城关镇,甲村,{gcj[0]!r},{gcj[1]!r},300,gcj02\n"
        f"城关镇,乙村,{bd[0]!r},{bd[1]!r},300,BD09\n"
        f"城关镇,丙村,{wgs[0]},{wgs[1]},300,\n"
    )
    import_villages(uow_factory, read_table(write(tmp_path, text)))
    with uow_factory() as uow:
        for village in uow.places.villages():
            assert distance_m(village.lat, village.lon, *wgs) < 3, village.name


def test_villages_reimport_updates_in_place(uow_factory, tmp_path):
    import_villages(uow_factory, read_table(write(tmp_path, VILLAGES, "a.csv")))
    with uow_factory() as uow:
        before = {(v.township_id, v.name): v.id for v in uow.places.villages()}
    changed = VILLAGES.replace("北村,30.5,114.3,500", "北村,30.51,114.31,650")
    result = import_villages(uow_factory, read_table(write(tmp_path, changed, "b.csv")))
    assert result.summary == "imported 3 villages (0 new, 1 updated, 2 unchanged)"
    with uow_factory() as uow:
        after = {(v.township_id, v.name): v for v in uow.places.villages()}
        assert {k: v.id for k, v in after.items()} == before
        north = next(v for v in after.values() if v.name == "北村")
        assert (north.lat, north.lon, north.radius_m) == (30.51, 114.31, 650.0)
    assert count(uow_factory, Township) == 2


def test_villages_bad_rows_are_all_listed_and_nothing_is_stored(uow_factory, tmp_path):
    text = (
        "township,village,lat,lon,radius_m,crs\n"
        "城关镇,北村,30.5,114.3,500,\n"  # 2 fine
        "城关镇,南村,NaN,114.3,500,\n"  # 3
        "城关镇,西村,95,114.3,500,\n"  # 4
        "城关镇,东村,30.5,114.3,0,\n"  # 5
        "城关镇,中村,30.5,114.3,60000,\n"  # 6
        "城关镇,上村,30.5,114.3,500,wgs\n"  # 7
        "城关镇,下村,30.5,,500,\n"  # 8
        "城关镇,北村,30.5,114.3,500,\n"  # 9 repeats line 2
        ",前村,abc,114.3,500,\n"  # 10: two problems
    )
    with pytest.raises(ImportRejected) as excinfo:
        import_villages(uow_factory, read_table(write(tmp_path, text)))
    lines = rejected_lines(excinfo)
    assert [line.split(":")[0] for line in lines] == [
        "line 3",
        "line 4",
        "line 5",
        "line 6",
        "line 7",
        "line 8",
        "line 9",
        "line 10",
        "line 10",
    ]
    assert "line 3: lat 'NaN' is not a finite number" in lines
    assert any(line.startswith("line 4: bad coordinates") for line in lines)
    assert any(line.startswith("line 6: radius_m 60000") for line in lines)
    assert "line 7: unknown crs 'wgs' (wgs84, gcj02 or bd09)" in lines
    assert "line 8: missing lon" in lines
    assert "line 9: village 北村 in 城关镇 repeats line 2" in lines
    assert "line 10: missing township" in lines
    assert count(uow_factory, Village) == 0
    assert count(uow_factory, Township) == 0


# --- roster ---------------------------------------------------------------------------------


def test_roster_import_with_chinese_roles_and_messy_phones(places, tmp_path):
    result = import_roster(places, read_table(write(tmp_path, ROSTER)), today=TODAY)
    assert result.summary == ("imported 7 people (7 new, 0 updated); 2 posting(s) started, 0 ended")
    with places() as uow:
        people = {p.phone: p for p in uow.people.all()}
        assert sorted(people) == sorted(
            [
                "+8613800138000",
                "+8613900139000",
                "+8613700137000",
                "+8613600136000",
                "+8613500135000",
                "+8615000150000",
                "+8615100151000",
            ]
        )
        roles = {p.name: p.role for p in people.values()}
        assert roles == {
            "张三": "first_secretary",
            "李四": "team_member",
            "王五": "village_secretary",
            "赵六": "township_secretary",
            "钱七": "unit_leader",
            "孙八": "org_dept",
            "周九": "admin",
        }
        chengguan = uow.places.township("城关镇")
        north = uow.places.village(chengguan.id, "北村")
        finance = uow.places.unit("区财政局")
        zhang = people["+8613800138000"]
        assert (zhang.township_id, zhang.village_id, zhang.unit_id) == (
            chengguan.id,
            north.id,
            finance.id,
        )
        assert (people["+8613700137000"].village_id, people["+8613700137000"].unit_id) == (
            north.id,
            None,
        )
        assert people["+8613600136000"].township_id == chengguan.id
        assert people["+8613600136000"].village_id is None
        assert people["+8613500135000"].unit_id == finance.id
        assert people["+8613500135000"].township_id is None
        sun = people["+8615000150000"]
        assert (sun.township_id, sun.village_id, sun.unit_id) == (None, None, None)
    assert count(places, Unit) == 1
    (zhang_post,) = postings(places, "+8613800138000")
    assert (zhang_post.start, zhang_post.end) == (date(2026, 1, 5), None)
    (li_post,) = postings(places, "+8613900139000")
    assert li_post.start == TODAY  # no start given: the import day


def test_roster_from_xlsx_and_gb18030(places, tmp_path):
    xlsx = write_xlsx(
        tmp_path,
        [
            ["name", "phone", "role", "township", "village", "unit", "start", "end"],
            [
                "张三",
                13800138000,
                "第一书记",
                "城关镇",
                "北村",
                "区财政局",
                datetime(2026, 1, 5),
                None,
            ],
        ],
    )
    import_roster(places, read_table(xlsx), today=TODAY)
    gbk = (
        "name,phone,role,township,village,unit\n"
        "李四,13900139000,驻村工作队员,河口镇,东村,区农业局\n"
    )
    import_roster(places, read_table(write(tmp_path, gbk, "gbk.csv", "gb18030")), today=TODAY)
    assert person(places, "+8613800138000").name == "张三"
    assert postings(places, "+8613800138000")[0].start == date(2026, 1, 5)
    li = person(places, "+8613900139000")
    assert li.name == "李四"
    with places() as uow:
        assert uow.places.unit_by_id(li.unit_id).name == "区农业局"
        assert uow.places.village_by_id(li.village_id).name == "东村"


def test_roster_reimport_updates_in_place_and_keeps_telegram_binding(roster, tmp_path):
    with roster() as uow:
        zhang = uow.people.by_phone("+8613800138000")
        zhang.telegram_user_id = 5_000_000_001
        zhang_id = zhang.id
        uow.commit()
    before = counts(roster)
    renamed = ROSTER.replace("张三,", "张三丰,")
    result = import_roster(roster, read_table(write(tmp_path, renamed)), today=TODAY)
    assert result.summary == "imported 7 people (0 new, 1 updated, 6 unchanged)"
    zhang = person(roster, "+8613800138000")
    assert (zhang.id, zhang.name, zhang.telegram_user_id) == (zhang_id, "张三丰", 5_000_000_001)
    assert counts(roster) == before


def test_cadre_moved_to_another_village_ends_the_old_posting(roster, tmp_path):
    text = (  # mid-term for a First Secretary: with the consent Art. 6 asks for
        "name,phone,role,township,village,unit,start,end,approval\n"
        "张三,13800138000,第一书记,城关镇,南村,区财政局,2026-04-01,,市组干〔2026〕3号\n"
    )
    result = import_roster(roster, read_table(write(tmp_path, text)), today=TODAY)
    assert result.summary.startswith(
        "imported 1 person (0 new, 1 updated); 1 posting(s) started, 1 ended"
    )
    old, new = postings(roster, "+8613800138000")
    assert (old.start, old.end) == (date(2026, 1, 5), date(2026, 3, 31))
    assert (new.start, new.end) == (date(2026, 4, 1), None)
    with roster() as uow:
        south = uow.places.village(uow.places.township("城关镇").id, "南村")
        assert new.village_id == south.id
        assert uow.people.by_phone("+8613800138000").village_id == south.id


def test_same_posting_dates_are_updated_when_given(roster, tmp_path):
    text = (
        "name,phone,role,township,village,unit,start,end\n"
        "张三,13800138000,第一书记,城关镇,北村,区财政局,,2027-12-31\n"
    )
    import_roster(roster, read_table(write(tmp_path, text)), today=TODAY)
    (post,) = postings(roster, "+8613800138000")
    assert (post.start, post.end) == (date(2026, 1, 5), date(2027, 12, 31))


def test_roster_bad_rows_are_all_listed_and_nothing_changes(roster, tmp_path):
    rows = [
        "name,phone,role,township,village,unit,start,end",
        "新人,18800188000,第一书记,城关镇,北村,区财政局,,",  # 2 fine
        "甲,18800188001,第一书记,城关镇,西村,区财政局,,",  # 3 unknown village
        "乙,188 0018 8000,驻村工作队员,城关镇,北村,区财政局,,",  # 4 duplicate of line 2
        "丙,18800188002,chief,城关镇,北村,区财政局,,",  # 5 bad role
        "",  # 6 blank, skipped but counted
        "丁,18800188003,第一书记,城关镇,北村,区财政局,2026-02-30,",  # 7 bad date
        "戊,18800188004,第一书记,城关镇,北村,区财政局,2026-05-01,2026-04-01",  # 8 end<start
        "己,18800188005,区委组织部,城关镇,,,,",  # 9 district role with a township
        "庚,18800188006,第一书记,城关镇,北村,,,",  # 10 cadre without unit
        "辛,12345,第一书记,城关镇,北村,区财政局,,",  # 11 bad phone
        "壬,18800188007,镇党委书记,新镇,,,,",  # 12 unknown township
        "张三改,13800138000,第一书记,城关镇,南村,区财政局,2025-12-01,",  # 13 moves backwards
    ]
    before = counts(roster)
    with pytest.raises(ImportRejected) as excinfo:
        import_roster(roster, read_table(write(tmp_path, "\n".join(rows) + "\n")), today=TODAY)
    assert rejected_lines(excinfo) == [
        "line 3: unknown village 西村 in 城关镇",
        "line 4: duplicate phone +8618800188000 (also on line 2)",
        "line 5: unknown role 'chief'",
        "line 7: start: bad date '2026-02-30' (no such day)",
        "line 8: end 2026-04-01 is before start 2026-05-01",
        "line 9: org_dept takes no township: leave it blank",
        "line 10: first_secretary needs a unit",
        "line 11: bad phone '12345'",
        "line 12: unknown township 新镇",
        "line 13: the new posting starts 2025-12-01, before the current one "
        "(started 2026-01-05): give a later start",
    ]
    assert counts(roster) == before
    assert person(roster, "+8618800188000") is None
    assert person(roster, "+8613800138000").name == "张三"


def test_duplicate_phone_in_one_file_is_refused(places, tmp_path):
    text = (
        "name,phone,role,township,village,unit\n"
        "甲,13800138000,admin,,,\n"
        "乙,+86 138-0013-8000,admin,,,\n"
    )
    with pytest.raises(ImportRejected) as excinfo:
        import_roster(places, read_table(write(tmp_path, text)), today=TODAY)
    assert rejected_lines(excinfo) == ["line 3: duplicate phone +8613800138000 (also on line 2)"]
    assert count(places, Person) == 0


def test_leaving_the_cadre_role_ends_the_open_posting(roster, tmp_path):
    text = "name,phone,role,township,village,unit\n张三,13800138000,镇党委分管领导,城关镇,,\n"
    import_roster(roster, read_table(write(tmp_path, text)), today=TODAY)
    (post,) = postings(roster, "+8613800138000")
    assert post.end == date(2026, 2, 28)
    zhang = person(roster, "+8613800138000")
    assert (zhang.role, zhang.village_id, zhang.unit_id) == ("township_leader", None, None)


# --- attendance -----------------------------------------------------------------------------


def test_attendance_import_adds_onsite_days_once(roster, tmp_path):
    zhang_id = person(roster, "+8613800138000").id
    with roster() as uow:
        uow.session.add(
            CheckIn(
                person_id=zhang_id,
                day=date(2026, 2, 4),
                at=datetime(2026, 2, 4, 9, 30, tzinfo=ZONE),
                lat=30.5,
                lon=114.3,
                distance_m=12.0,
                on_site=True,
            )
        )
        uow.commit()
    text = (
        "phone,date\n"
        "138 0013 8000,2026-02-02\n"
        "+86 13800138000,2026/2/3\n"
        "13800138000,2026-02-02\n"  # listed twice
        "13800138000,2026-02-04\n"  # already on site
        "139-0013-9000,2026-02-02\n"
    )
    result = import_attendance(roster, read_table(write(tmp_path, text)), zone=ZONE, today=TODAY)
    assert result.summary == "imported 5 attendance days (3 new, 0 updated, 2 unchanged)"
    with roster() as uow:
        rows = uow.session.exec(select(CheckIn).where(CheckIn.source == "import")).all()
        uow.session.expunge_all()
    assert sorted((r.person_id == zhang_id, r.day) for r in rows) == [
        (False, date(2026, 2, 2)),
        (True, date(2026, 2, 2)),
        (True, date(2026, 2, 3)),
    ]
    for row in rows:
        assert row.at == datetime.combine(row.day, datetime.min.time(), ZONE).replace(hour=12)
        assert row.at.astimezone(ZONE).hour == 12
        assert (row.lat, row.lon, row.distance_m, row.on_site) == (None, None, None, True)
    assert count(roster, CheckIn) == 4
    # the same file again adds nothing
    again = import_attendance(roster, read_table(write(tmp_path, text)), zone=ZONE, today=TODAY)
    assert again.new == 0
    assert count(roster, CheckIn) == 4


def test_attendance_bad_rows_are_all_listed(roster, tmp_path):
    text = (
        "phone,date\n"
        "13800138000,2026-02-02\n"  # fine
        "18800188000,2026-02-02\n"  # unknown phone
        "13700137000,2026-02-02\n"  # village secretary, not a cadre
        "13800138000,2026-03-02\n"  # after the import day
        "13800138000,02/03/2026\n"  # bad date
        "abc,2026-02-02\n"  # bad phone
    )
    with pytest.raises(ImportRejected) as excinfo:
        import_attendance(roster, read_table(write(tmp_path, text)), zone=ZONE, today=TODAY)
    assert rejected_lines(excinfo) == [
        "line 3: unknown phone +8618800188000",
        "line 4: +8613700137000 (王五) is a village_secretary, not a cadre",
        "line 5: date 2026-03-02 is in the future",
        "line 6: date: bad date '02/03/2026' (expected YYYY-MM-DD)",
        "line 7: bad phone 'abc'",
    ]
    assert count(roster, CheckIn) == 0


# --- calendar -------------------------------------------------------------------------------


def test_calendar_import_upserts_days(uow_factory, tmp_path):
    text = "date,kind\n2027-10-01,休\n2027-10-09,班\n2027-10-02,holiday\n2027-10-03,假\n"
    result = import_calendar(uow_factory, read_table(write(tmp_path, text, "a.csv")))
    assert result.summary == "imported 4 calendar days (4 new, 0 updated)"
    changed = "date,kind\n2027-10-09,HOLIDAY\n2027-10-01,休\n"
    result = import_calendar(uow_factory, read_table(write(tmp_path, changed, "b.csv")))
    assert result.summary == "imported 2 calendar days (0 new, 1 updated, 1 unchanged)"
    with uow_factory() as uow:
        days = {c.day: c.kind for c in uow.calendar.all()}
    assert days == {
        date(2027, 10, 1): "holiday",
        date(2027, 10, 2): "holiday",
        date(2027, 10, 3): "holiday",
        date(2027, 10, 9): "holiday",
    }


def test_calendar_bad_rows_are_all_listed(uow_factory, tmp_path):
    text = "date,kind\n2027-10-01,休\n2027-13-01,班\n2027-10-02,rest\n2027-10-01,班\n,休\n"
    with pytest.raises(ImportRejected) as excinfo:
        import_calendar(uow_factory, read_table(write(tmp_path, text)))
    assert rejected_lines(excinfo) == [
        "line 3: date: bad date '2027-13-01' (no such day)",
        "line 4: unknown kind 'rest' (holiday/休/假 or workday/班)",
        "line 5: 2027-10-01 is a workday here but a holiday on line 2",
        "line 6: missing date",
    ]
    assert count(uow_factory, CalendarDay) == 0
