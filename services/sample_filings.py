"""The demo's written reports and plans (Art. 14, 15): 张三 has filed this half year's
written report, 李四 this year's goals, and 王五 neither, so the township's /workreport,
the annual sheet's 规划与目标 and the reminders each show one of each."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo

from domain.filings import FilingKind, half_year_key
from storage.ids import id_of
from storage.tables import Filing, Person
from storage.unit_of_work import UnitOfWork

REPORT = (
    "一、驻村工作开展情况：本半年走访贫困户 46 户，召开村民代表会议 3 次，"
    "协调落实香菇大棚项目资金 12 万元。\n二、存在问题：部分产业项目销路不稳。\n"
    "三、下一步打算：建立电商销售渠道，完成村集体经济年度目标。"
)
GOALS = "一、建成香菇大棚 10 座；二、村集体经济收入达到 5 万元；三、完成党员冬训全覆盖。"


def seed_sample_filings(
    uow: UnitOfWork, people: dict[str, Person], today: date, zone: tzinfo
) -> int:
    """File the demo's report and goals (no notices: the district is being set up);
    returns how many."""
    half_start = date(today.year, 1 if today.month <= 6 else 7, 1)
    report_day = max(half_start, today - timedelta(days=3))
    goals_day = min(today, date(today.year, 3, 1))
    filed = [
        ("cadre", FilingKind.HALF_YEAR, half_year_key(today), report_day, REPORT),
        ("cadre2", FilingKind.YEAR_GOALS, str(today.year), goals_day, GOALS),
    ]
    for key, kind, period, day, text in filed:
        uow.filings.file(
            Filing(
                person_id=id_of(people[key]),
                kind=kind,
                period=period,
                text=text,
                filed_at=datetime.combine(day, time(10, 0), zone),
            )
        )
    return len(filed)
