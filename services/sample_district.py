"""A small sample district: used by the demo and as the end-to-end tests' fixture.

Two townships, three villages with real-looking geofences in Shangzhou district
(商州区, Shaanxi), one dispatching unit per township, cadres and every approver role.
Phones are in the reserved test range, never real people's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.roles import Role
from services.sample_filings import seed_sample_filings
from storage.ids import id_of
from storage.tables import Assignment, Person, Township, Unit, Village
from storage.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class SamplePerson:
    key: str
    name: str
    phone: str
    role: Role
    township: str | None = None
    village: str | None = None
    unit: str | None = None


VILLAGES = [
    # township, village, lat, lon, radius_m (WGS-84)
    ("城关街道", "东店子村", 33.8700, 109.9400, 800.0),
    ("城关街道", "西关社区", 33.8650, 109.9200, 600.0),
    ("北宽坪镇", "广东坪村", 34.0500, 110.0500, 1000.0),
]
UNITS = ["区财政局", "区农业农村局"]
SAMPLE_ZONE = ZoneInfo("Asia/Shanghai")

PEOPLE = [
    SamplePerson(
        "cadre", "张三", "+8613900000001", Role.FIRST_SECRETARY, "城关街道", "东店子村", "区财政局"
    ),
    SamplePerson(
        "cadre2", "李四", "+8613900000002", Role.TEAM_MEMBER, "城关街道", "西关社区", "区财政局"
    ),
    SamplePerson(
        "cadre3",
        "王五",
        "+8613900000003",
        Role.FIRST_SECRETARY,
        "北宽坪镇",
        "广东坪村",
        "区农业农村局",
    ),
    SamplePerson(
        "village_secretary",
        "赵村支书",
        "+8613900000011",
        Role.VILLAGE_SECRETARY,
        "城关街道",
        "东店子村",
    ),
    SamplePerson("township_leader", "钱分管", "+8613900000021", Role.TOWNSHIP_LEADER, "城关街道"),
    SamplePerson(
        "township_secretary", "孙书记", "+8613900000022", Role.TOWNSHIP_SECRETARY, "城关街道"
    ),
    SamplePerson(
        "township_secretary_b", "周书记", "+8613900000023", Role.TOWNSHIP_SECRETARY, "北宽坪镇"
    ),
    SamplePerson("unit_leader", "吴局长", "+8613900000031", Role.UNIT_LEADER, unit="区财政局"),
    SamplePerson(
        "unit_leader_b", "郑局长", "+8613900000032", Role.UNIT_LEADER, unit="区农业农村局"
    ),
    SamplePerson("org_dept", "组织部王科长", "+8613900000041", Role.ORG_DEPT),
    SamplePerson("poverty_bureau", "扶贫局冯科长", "+8613900000051", Role.POVERTY_BUREAU),
    SamplePerson("admin", "管理员陈", "+8613900000061", Role.ADMIN),
]


def seed_sample_district(uow: UnitOfWork, posted_from: date) -> dict[str, Person]:
    """Create the sample district (in the caller's unit of work) and return people by key."""
    townships: dict[str, Township] = {}
    villages: dict[str, Village] = {}
    for township_name, village_name, lat, lon, radius in VILLAGES:
        township = townships.get(township_name) or uow.places.add(Township(name=township_name))
        townships[township_name] = township
        villages[village_name] = uow.places.add(
            Village(
                township_id=id_of(township), name=village_name, lat=lat, lon=lon, radius_m=radius
            )
        )
    units = {name: uow.places.add(Unit(name=name)) for name in UNITS}
    people: dict[str, Person] = {}
    for p in PEOPLE:
        person = uow.people.add(
            Person(
                name=p.name,
                phone=p.phone,
                role=p.role,
                township_id=townships[p.township].id if p.township else None,
                village_id=villages[p.village].id if p.village else None,
                unit_id=units[p.unit].id if p.unit else None,
            )
        )
        people[p.key] = person
        if p.role in (Role.FIRST_SECRETARY, Role.TEAM_MEMBER):
            assert p.village is not None and p.unit is not None, "a cadre is posted by a unit"
            uow.assignments.add(
                Assignment(
                    person_id=id_of(person),
                    village_id=id_of(villages[p.village]),
                    unit_id=id_of(units[p.unit]),
                    start=posted_from,
                )
            )
    return people


def seed_sample_history(uow: UnitOfWork, people: dict[str, Person], today: date) -> int:
    """A realistic year so far for the demo's cadres (check-ins from January 1 to
    yesterday, inside their villages), in the caller's unit of work; returns how many.

    张三 is on pace (every working day and most weekends); 李四 a little behind (most
    working days, weekends at home); 王五 near the yearly removal trigger (up to 84 working
    days absent by now, never 10 in one month), his term ending within 60 days and a few
    diaries tagged with whom he visited (``services.sample_term``). Deterministic for a
    given ``today``. The year's assessment records and grades come with it
    (``services.sample_assessment``), and so do the work funds, the written reports and
    the units' duties."""
    from random import Random

    from services.calendar import load_calendar
    from storage.tables import CheckIn

    calendar = load_calendar(uow)
    rng = Random(today.toordinal())
    villages = {v.name: v for v in uow.places.villages()}
    home = {
        p.key: villages[p.village]
        for p in PEOPLE
        if p.key in ("cadre", "cadre2", "cadre3") and p.village is not None
    }
    absent_year, absent_month = 0, dict.fromkeys(range(1, 13), 0)
    rows = []
    day = date(today.year, 1, 1)
    while day < today:
        workday = calendar.is_workday(day)
        wang_away = (
            workday and rng.random() < 0.45 and absent_month[day.month] < 9 and absent_year < 84
        )
        if wang_away:
            absent_year += 1
            absent_month[day.month] += 1
        present = {
            "cadre": workday or rng.random() < 0.6,
            "cadre2": workday and rng.random() < 0.88,
            "cadre3": workday and not wang_away,
        }
        for key, village in home.items():
            if present[key]:
                at = datetime.combine(day, time(8, rng.randint(0, 59)), SAMPLE_ZONE)
                rows.append(
                    CheckIn(
                        person_id=id_of(people[key]),
                        day=day,
                        at=at,
                        lat=village.lat,
                        lon=village.lon,
                        distance_m=0.0,
                        on_site=True,
                        source="location",
                    )
                )
        day += timedelta(days=1)
    uow.checkins.stage_all(rows)
    # issue 15: 王五's term ends within 60 days, and his diaries are tagged (五必访)
    from services.sample_term import seed_term_example

    seed_term_example(uow, people, today, SAMPLE_ZONE)
    seed_sample_funds(uow, people, today)  # work funds (Art. 20)
    seed_sample_filings(uow, people, today, SAMPLE_ZONE)  # 张三's report, 李四's goals
    seed_sample_unit_duties(uow, people, today)  # the units' duties (Art. 15, 19)
    # the assessment records and grades (#15, Art. 26-30)
    from services.sample_assessment import seed_sample_assessment

    seed_sample_assessment(uow, people, today, SAMPLE_ZONE)
    return len(rows)


# -- work funds (Art. 20) -------------------------------------------------------------------


def seed_sample_funds(uow: UnitOfWork, people: dict[str, Person], today: date) -> None:
    """The year's allocation (10,000 yuan each: 张三's and 王五's First Secretary's funds,
    西关社区's work team) and two of 张三's expenses, one with a receipt photo (a file id
    the demo never sends back) and one without, so /funds, /status and the statement
    show something. Expenses are dated in March and September, or today if earlier."""
    from domain.work_funds import Fund
    from services import work_funds

    first = datetime.combine(date(today.year, 1, 1), time(9), SAMPLE_ZONE)
    work_funds.allocate_year(uow, today.year, first)
    for day, fen, purpose, receipt in (
        (date(today.year, 3, 12), 128_050, "党员活动室添置桌椅", "sample-receipt-1"),
        (date(today.year, 9, 8), 36_000, "村民代表会议资料印制", None),
    ):
        day = min(day, today)
        work_funds.record_expense(
            uow,
            people["cadre"],
            Fund.FIRST_SECRETARY,
            day=day,
            amount_fen=fen,
            purpose=purpose,
            receipt_file_id=receipt,
            now=datetime.combine(day, time(17), SAMPLE_ZONE),
        )


def seed_sample_unit_duties(uow: UnitOfWork, people: dict[str, Person], today: date) -> None:
    """The units' duties so far (Art. 15, 19), one example of each: 区财政局 held its
    驻村扶贫专题会议 on the 10th of every month and visited 东店子村 20 days ago; 区农业
    农村局 missed last month's meeting and has not visited for 75 days, so org_dept's
    /status lists it. 张三 had his health check 100 days ago and his accident insurance
    ends in 20 days (his unit is reminded); 李四's runs for 200 days more."""
    from domain.unit_duties import UnitRecord
    from storage.tables import CareRecord, UnitMeeting, UnitVisit

    at = datetime.combine(today, time(9), SAMPLE_ZONE)
    units = {u.name: id_of(u) for u in uow.places.units()}
    leaders = {p.unit: people[p.key].id for p in PEOPLE if p.role == Role.UNIT_LEADER}
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    # last year too: the term example's posting (王五, 区农业农村局) began then
    for year, month in ((y, m) for y in (today.year - 1, today.year) for m in range(1, 13)):
        held = date(year, month, 10)
        for unit in UNITS:
            missed = unit == "区农业农村局" and held.replace(day=1) >= last_month
            if held <= today and not missed:
                uow.unit_duties.add_meeting(
                    UnitMeeting(
                        unit_id=units[unit],
                        day=held,
                        note="研究驻村帮扶工作",
                        recorded_by_id=leaders[unit],
                        recorded_at=at,
                    )
                )
    villages = {v.name: id_of(v) for v in uow.places.villages()}
    for unit, village, days_ago, who in (
        ("区财政局", "东店子村", 20, "吴局长、财政局副局长"),
        ("区农业农村局", "广东坪村", 75, "郑局长"),
    ):
        if today - timedelta(days=days_ago) >= date(today.year, 1, 1):
            uow.unit_duties.add_visit(
                UnitVisit(
                    unit_id=units[unit],
                    village_id=villages[village],
                    day=today - timedelta(days=days_ago),
                    visitors=who,
                    recorded_by_id=leaders[unit],
                    recorded_at=at,
                )
            )
    for key, kind, day in (
        ("cadre", UnitRecord.HEALTH_CHECK, today - timedelta(days=100)),
        ("cadre", UnitRecord.INSURANCE, today + timedelta(days=20)),
        ("cadre2", UnitRecord.INSURANCE, today + timedelta(days=200)),
    ):
        uow.unit_duties.add_care(
            CareRecord(
                person_id=id_of(people[key]),
                unit_id=units["区财政局"],
                kind=kind,
                day=day,
                recorded_by_id=leaders["区财政局"],
                recorded_at=at,
            )
        )
