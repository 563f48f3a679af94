"""Each sweep reaches exactly the right people with the right figures, and only once:
run again, it adds nothing. Figures are computed by hand in the comments."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlmodel import select

from scheduler.assessment import sweep_assessment_season
from scheduler.common import end_of_day
from scheduler.jobs import run_every_sweep
from scheduler.nudge import sweep_daily_nudge
from scheduler.overdue import sweep_leave_overdue
from scheduler.removal import sweep_removal_triggers
from scheduler.weekly import sweep_weekly
from services import leave as leave_service
from storage.tables import Assignment
from tests.scheduler.conftest import (
    ZONE,
    add_checkins,
    add_diaries,
    add_leave,
    days,
    outbox,
    seed,
)


def by_recipient(drafts) -> dict:  # noqa: ANN001
    return {(d.recipient_id, d.kind): d for d in drafts}


# -- the evening nudge ------------------------------------------------------------------------


def test_nudge_reaches_cadres_not_on_site_and_not_on_leave(uow_factory, ids) -> None:  # noqa: ANN001
    monday = date(2026, 11, 16)
    add_checkins(uow_factory, ids["cadre"], [monday])  # on site: no nudge
    add_leave(uow_factory, ids["cadre2"], monday, monday + timedelta(days=1))  # on leave
    add_checkins(uow_factory, ids["cadre3"], [monday], on_site=False)  # off site: nudged
    add_checkins(uow_factory, ids["cadre3"], [monday - timedelta(days=1)])  # yesterday

    drafts = sweep_daily_nudge(uow_factory, datetime.combine(monday, time(20), ZONE), zone=ZONE)

    assert [(d.recipient_id, d.kind, d.period) for d in drafts] == [
        (ids["cadre3"], "checkin_nudge", "2026-11-16")
    ]
    assert drafts[0].payload["params"] == {"village": "广东坪村", "day": "2026-11-16"}
    assert drafts[0].not_after == end_of_day(monday, ZONE)
    assert sweep_daily_nudge(uow_factory, monday, zone=ZONE) == []
    [row] = outbox(uow_factory)
    assert row.period == "2026-11-16" and row.payload["params"]["day"] == "2026-11-16"


def test_nudge_follows_the_official_calendar(uow_factory, ids) -> None:  # noqa: ANN001
    assert sweep_daily_nudge(uow_factory, date(2026, 10, 3), zone=ZONE) == []  # National Day
    assert sweep_daily_nudge(uow_factory, date(2026, 10, 11), zone=ZONE) == []  # Sunday
    saturday_workday = sweep_daily_nudge(uow_factory, date(2026, 10, 10), zone=ZONE)  # 调休
    assert {d.recipient_id for d in saturday_workday} == {
        ids["cadre"],
        ids["cadre2"],
        ids["cadre3"],
    }


def test_nudge_skips_cadres_not_posted_that_day(uow_factory) -> None:  # noqa: ANN001
    ids = seed(uow_factory, posted_from=date(2026, 11, 20))
    assert sweep_daily_nudge(uow_factory, date(2026, 11, 19), zone=ZONE) == []
    assert len(sweep_daily_nudge(uow_factory, date(2026, 11, 20), zone=ZONE)) == 3
    assert ids


# -- Monday ---------------------------------------------------------------------------------


def _weekly_roster(uow_factory, ids) -> None:  # noqa: ANN001
    # 张三: 190 days Jan 1-Jul 9, and every working day of Nov 2-13: 200 on-site days.
    add_checkins(uow_factory, ids["cadre"], days(date(2026, 1, 1), date(2026, 7, 9)))
    nov_workdays = [d for d in days(date(2026, 11, 2), date(2026, 11, 13)) if d.weekday() < 5]
    add_checkins(uow_factory, ids["cadre"], nov_workdays)
    # 3 diaries in November (one signed weekly), 2 unsigned in October.
    add_diaries(
        uow_factory,
        ids["cadre"],
        [date(2026, 11, 2), date(2026, 11, 5), date(2026, 11, 9)],
        week_signed=1,
    )
    add_diaries(uow_factory, ids["cadre"], [date(2026, 10, 20), date(2026, 10, 21)])
    # 李四: 150 days Mar 1-Jul 28; 6 diaries Nov 1-6; leave Mar 2-4 and Nov 9-10 approved,
    # one pending.
    add_checkins(uow_factory, ids["cadre2"], days(date(2026, 3, 1), date(2026, 7, 28)))
    add_diaries(uow_factory, ids["cadre2"], days(date(2026, 11, 1), date(2026, 11, 6)))
    add_leave(uow_factory, ids["cadre2"], date(2026, 3, 2), date(2026, 3, 4))
    add_leave(uow_factory, ids["cadre2"], date(2026, 11, 9), date(2026, 11, 10))
    add_leave(uow_factory, ids["cadre2"], date(2026, 12, 1), date(2026, 12, 2), "pending")
    # 王五: nothing at all.


def test_weekly_pushes_with_hand_computed_figures(uow_factory, ids) -> None:  # noqa: ANN001
    _weekly_roster(uow_factory, ids)
    monday = date(2026, 11, 16)  # day 320 of 2026
    drafts = by_recipient(sweep_weekly(uow_factory, monday, zone=ZONE))

    assert set(drafts) == {
        (ids["cadre"], "weekly_standing"),
        (ids["cadre2"], "weekly_standing"),
        (ids["cadre3"], "weekly_standing"),
        (ids["village_secretary"], "weekly_signoff"),
        (ids["township_leader"], "weekly_signoff"),  # standing in for 西关社区
        (ids["township_secretary"], "weekly_township"),
        (ids["township_secretary_b"], "weekly_township"),
    }
    with uow_factory() as uow:
        xiguan = uow.people.get(ids["cadre2"]).village_id
    standin = drafts.pop((ids["township_leader"], "weekly_signoff"))
    assert standin.period == f"2026-W47:v{xiguan}"
    assert {d.period for d in drafts.values()} == {"2026-W47"}
    sunday = end_of_day(date(2026, 11, 22), ZONE)
    assert {d.not_after for d in drafts.values()} == {sunday}

    # On-site pace: 220 * 320 / 365 = 192.9, to the nearest day 193. Diary pace: 10 * 16 // 30 = 5.
    zhang = drafts[(ids["cadre"], "weekly_standing")].payload
    assert zhang["params"] == {
        "as_of": "2026-11-16",  # the reminder says as of when
        "onsite": 200,
        "onsite_expected": 193,
        "onsite_target": 220,
        "diaries": 3,
        "diaries_expected": 5,
        "diaries_target": 10,
        "absent": 0,  # every working day of Nov 2-13 on site
        # the year's working days (official calendar) not on site, Jul 10-Nov 15:
        # July 16, August 21, September 22, October 18, November none
        "absent_year": 77,
        "leave": 0,
        "pending": 0,
    }
    assert zhang["parts"] == [
        {
            "key": "reminder.behind_diary",
            "params": {
                "done": 3,
                "expected": 5,
                "shortfall": 2,
                "target": 10,
                "left": 7,
                "days_left": 15,  # Nov 16-30
            },
        }
    ]
    li = drafts[(ids["cadre2"], "weekly_standing")].payload
    # Absent: 10 working days Nov 2-13, none on site, 2 on leave (Nov 9-10) -> 8.
    assert li["params"] == {
        "as_of": "2026-11-16",
        "onsite": 150,
        "onsite_expected": 193,
        "onsite_target": 220,
        "diaries": 6,
        "diaries_expected": 5,
        "diaries_target": 10,
        "absent": 8,
        # Jan 1-Feb 28 and Jul 29-Nov 15 not on site, less Nov 9-10 on leave
        "absent_year": 109,
        "leave": 5,  # Mar 2-4 and Nov 9-10
        "pending": 1,
    }
    # 43 behind the pace, but 150 + the 46 days left (Nov 16-Dec 31) = 196 < 220: catching
    # up the pace is not the point any more, the year's requirement is out of reach.
    assert li["parts"] == [
        {
            "key": "reminder.onsite_out_of_reach",
            "params": {"done": 150, "best": 196, "target": 220, "days_left": 46},
        }
    ]
    wang = drafts[(ids["cadre3"], "weekly_standing")].payload
    assert wang["params"]["absent"] == 10
    assert [p["key"] for p in wang["parts"]] == [
        "reminder.behind_diary",
        "reminder.onsite_out_of_reach",  # 0 + 46 days left
    ]

    # 赵村支书 signs 东店子村's diaries: 张三's 2 in October and 2 unsigned in November.
    signoff = drafts[(ids["village_secretary"], "weekly_signoff")].payload
    assert signoff["params"] == {"village": "东店子村", "entries": 4, "cadres": 1}
    # 西关社区 has no village secretary: the township leader in charge verifies in their
    # place, told why; 李四's 6 entries of November 1-6 await.
    assert standin.payload == {
        "key": "reminder.weekly_signoff_standin",
        "params": {"village": "西关社区", "entries": 6, "cadres": 1},
    }
    assert standin.not_after == sunday

    sun = drafts[(ids["township_secretary"], "weekly_township")].payload
    assert sun["params"] == {
        "as_of": "2026-11-16",
        "township": "城关街道",
        "cadres": 2,
        "behind_diary": 1,
        "behind_onsite": 1,
        "absent": 8,
        "requests": 1,
        "to_confirm": 2,
        "steps": 0,
        "claims": 0,
    }
    [lines] = sun["lines"]
    assert [(i["name"], i["absent"], i["alert"]) for i in lines["items"]] == [
        ("李四", 8, True),
        ("张三", 0, True),
    ]
    zhou = drafts[(ids["township_secretary_b"], "weekly_township")].payload
    assert (zhou["params"]["cadres"], zhou["params"]["absent"]) == (1, 10)

    assert sweep_weekly(uow_factory, monday, zone=ZONE) == []
    assert sweep_weekly(uow_factory, date(2026, 11, 18), zone=ZONE) == []  # same week
    assert len(outbox(uow_factory)) == 7


def test_weekly_counts_open_leave_steps_and_claims_of_the_township_secretary(
    uow_factory,  # noqa: ANN001
    ids,  # noqa: ANN001
) -> None:
    submitted = datetime(2026, 11, 10, 9, 0, tzinfo=ZONE)
    with uow_factory() as uow:
        zhang = uow.people.get(ids["cadre"])
        leader = uow.people.get(ids["township_leader"])
        request = leave_service.submit(
            uow,
            zhang,
            start=date(2026, 11, 20),
            end=date(2026, 11, 21),
            reason="看病",
            now=submitted,
        ).request
        step = uow.leaves.open_steps_for(leader.id)[0]
        leave_service.decide(uow, leader, step_id=step.id, approve=True, now=submitted)
        uow.commit()
        assert request.status == "pending"
    drafts = by_recipient(sweep_weekly(uow_factory, date(2026, 11, 16), zone=ZONE))
    params = drafts[(ids["township_secretary"], "weekly_township")].payload["params"]
    assert (params["steps"], params["requests"]) == (1, 1)


# -- leave steps left pending -----------------------------------------------------------------


def test_leave_step_reminds_after_24h_and_escalates_after_72h(uow_factory, ids) -> None:  # noqa: ANN001
    submitted = datetime(2026, 11, 10, 9, 0, tzinfo=ZONE)
    with uow_factory() as uow:
        zhang = uow.people.get(ids["cadre"])
        leave_service.submit(
            uow,
            zhang,
            start=date(2026, 11, 20),
            end=date(2026, 11, 21),
            reason="看病",
            now=submitted,
        )
        uow.commit()
    # Stage 1 (comment) is held by the township leader 钱分管 since 09:00 on Nov 10.
    assert sweep_leave_overdue(uow_factory, submitted + timedelta(hours=23), zone=ZONE) == []
    [remind] = sweep_leave_overdue(uow_factory, submitted + timedelta(hours=25), zone=ZONE)
    assert (remind.recipient_id, remind.kind) == (ids["township_leader"], "leave_pending")
    assert remind.payload["params"]["hours"] == 25
    with uow_factory() as uow:
        [remind_step] = [s.id for s in uow.leaves.open_steps_for(ids["township_leader"])]
    assert remind.payload["params"]["name"] == "张三"
    assert remind.payload["params"]["role"] == "township_leader"
    assert remind.payload["params"]["mark"] == ""  # asked in advance: no 补假 mark
    assert remind.payload["actions"] == [
        {"verb": a.verb, "ref": a.ref}
        for a in leave_service.decision_actions(remind_step, "comment")
    ]
    assert sweep_leave_overdue(uow_factory, submitted + timedelta(hours=30), zone=ZONE) == []
    [escalation] = sweep_leave_overdue(uow_factory, submitted + timedelta(hours=73), zone=ZONE)
    assert (escalation.recipient_id, escalation.kind) == (
        ids["township_secretary"],
        "leave_overdue",
    )
    assert escalation.payload["params"]["holder"] == "钱分管"
    assert sweep_leave_overdue(uow_factory, submitted + timedelta(hours=200), zone=ZONE) == []
    assert [r.kind for r in outbox(uow_factory)] == ["leave_pending", "leave_overdue"]


def test_the_reminder_of_a_retroactive_request_is_marked_retroactive(uow_factory, ids) -> None:  # noqa: ANN001
    from bot.i18n import Catalog
    from scheduler.render import render_text

    submitted = datetime(2026, 11, 10, 9, 0, tzinfo=ZONE)
    with uow_factory() as uow:
        zhang = uow.people.get(ids["cadre"])
        leave_service.submit(  # 补假 from yesterday, the day of the illness
            uow,
            zhang,
            start=date(2026, 11, 9),
            end=date(2026, 11, 10),
            reason="补假 途中发病",
            now=submitted,
            retroactive=True,
        )
        uow.commit()
    [remind] = sweep_leave_overdue(uow_factory, submitted + timedelta(hours=25), zone=ZONE)
    assert remind.payload["params"]["mark"] == "retroactive"
    text, _buttons = render_text(Catalog(), "zh", remind.payload)
    assert text.startswith("⏳ 【补假】请假申请")
    english, _buttons = render_text(Catalog(), "en", remind.payload)
    assert "[补假 (retroactive)]" in english


def test_a_district_step_escalates_to_both_district_departments(uow_factory, ids) -> None:  # noqa: ANN001
    t0 = datetime(2026, 11, 2, 9, 0, tzinfo=ZONE)
    with uow_factory() as uow:
        wang = uow.people.get(ids["cadre3"])
        leave_service.submit(  # 8 days: township + unit comment, then the district approves
            uow, wang, start=date(2026, 11, 20), end=date(2026, 11, 27), reason="探亲", now=t0
        )
        for key in ("township_secretary_b", "unit_leader_b"):
            holder = uow.people.get(ids[key])
            [step] = uow.leaves.open_steps_for(holder.id)
            leave_service.decide(
                uow, holder, step_id=step.id, approve=True, now=t0 + timedelta(hours=1)
            )
        org = uow.people.get(ids["org_dept"])
        [org_step] = uow.leaves.open_steps_for(org.id)
        # org_dept approves at once; poverty_bureau leaves its step pending.
        leave_service.decide(
            uow, org, step_id=org_step.id, approve=True, now=t0 + timedelta(hours=2)
        )
        uow.commit()
    drafts = sweep_leave_overdue(uow_factory, t0 + timedelta(hours=80), zone=ZONE)
    assert sorted((d.kind, d.recipient_id) for d in drafts) == sorted(
        [
            ("leave_pending", ids["poverty_bureau"]),
            ("leave_overdue", ids["org_dept"]),
            ("leave_overdue", ids["poverty_bureau"]),
        ]
    )
    assert {d.payload["params"]["hours"] for d in drafts} == {79}


# -- removal triggers -------------------------------------------------------------------------


def test_removal_trigger_alerts_once_per_cadre_and_month(uow_factory) -> None:  # noqa: ANN001
    ids = seed(uow_factory, posted_from=date(2026, 11, 1))
    nov_workdays = [d for d in days(date(2026, 11, 2), date(2026, 11, 13)) if d.weekday() < 5]
    add_checkins(uow_factory, ids["cadre"], nov_workdays)  # 张三: 0 absent
    add_checkins(uow_factory, ids["cadre2"], nov_workdays[:1])  # 李四: 9 absent through Nov 13
    # 王五: 10 absent through Nov 13 (Nov 2-6, 9-13)
    assert sweep_removal_triggers(uow_factory, date(2026, 11, 13), zone=ZONE) == []  # 9 so far
    drafts = sweep_removal_triggers(uow_factory, date(2026, 11, 14), zone=ZONE)
    assert sorted(d.recipient_id for d in drafts) == sorted(
        [ids["org_dept"], ids["poverty_bureau"], ids["township_secretary_b"]]
    )
    assert {(d.kind, d.period) for d in drafts} == {("removal_month", f"2026-11:c{ids['cadre3']}")}
    assert drafts[0].payload["params"] | {} == {
        "name": "王五",
        "village": "广东坪村",
        "township": "北宽坪镇",
        "unit": "区农业农村局",
        "absent": 10,
        "limit": 10,
        "period": "2026-11",
        "through": "2026-11-13",
    }
    assert sweep_removal_triggers(uow_factory, date(2026, 11, 14), zone=ZONE) == []
    # 李四 reaches 10 on Monday Nov 16 (counted on the 17th); 王五 is not told about again.
    later = sweep_removal_triggers(uow_factory, date(2026, 11, 17), zone=ZONE)
    assert {d.payload["params"]["name"] for d in later} == {"李四"}
    assert sorted(d.recipient_id for d in later) == sorted(
        [ids["org_dept"], ids["poverty_bureau"], ids["township_secretary"]]
    )
    assert {d.payload["params"]["absent"] for d in later} == {10}
    # December is a new month: 王五 would be reported again once he reaches 10 there.
    assert len(outbox(uow_factory)) == 6


def test_yearly_removal_trigger(uow_factory, ids) -> None:  # noqa: ANN001
    # Posted since Jan 1. 张三 on site every working day until Oct 31; the others never.
    import chinese_calendar

    workdays = [
        d for d in days(date(2026, 1, 1), date(2026, 10, 31)) if chinese_calendar.is_workday(d)
    ]
    assert len(workdays) == 204
    add_checkins(uow_factory, ids["cadre"], workdays)
    drafts = sweep_removal_triggers(uow_factory, date(2026, 11, 1), zone=ZONE)
    yearly = [d for d in drafts if d.kind == "removal_year"]
    assert {d.payload["params"]["name"] for d in yearly} == {"李四", "王五"}
    assert {d.payload["params"]["absent"] for d in yearly} == {204}
    assert {d.period for d in yearly} == {f"2026:c{ids['cadre2']}", f"2026:c{ids['cadre3']}"}
    monthly = [d for d in drafts if d.kind == "removal_month"]
    assert {d.payload["params"]["absent"] for d in monthly} == {18}  # October
    # November: nobody checked in; 14 working days Nov 2-19 are absences for all three.
    november = sweep_removal_triggers(uow_factory, date(2026, 11, 20), zone=ZONE)
    assert {(d.kind, d.payload["params"]["period"]) for d in november} == {
        ("removal_month", "2026-11")
    }
    assert {d.payload["params"]["name"] for d in november} == {"张三", "李四", "王五"}
    assert {d.payload["params"]["absent"] for d in november} == {14}


# -- assessment seasons -----------------------------------------------------------------------


def test_assessment_season_reminders(uow_factory, ids) -> None:  # noqa: ANN001
    half = by_recipient(sweep_assessment_season(uow_factory, date(2026, 6, 15), zone=ZONE))
    assert set(half) == {
        (ids["township_secretary"], "assessment_half"),
        (ids["township_secretary_b"], "assessment_half"),
        (ids["org_dept"], "assessment_half"),
        (ids["poverty_bureau"], "assessment_half"),
    }
    sun = half[(ids["township_secretary"], "assessment_half")]
    assert sun.period == "2026-H1"
    assert sun.payload == {
        "key": "reminder.assessment_half_township",
        "params": {
            "year": 2026,
            "deadline": "2026-06-30",
            "township": "城关街道",
            "cadres": 2,
        },
    }
    assert half[(ids["org_dept"], "assessment_half")].payload["params"] == {
        "year": 2026,
        "deadline": "2026-06-30",
        "cadres": 3,
        "townships": 2,
    }
    assert sweep_assessment_season(uow_factory, date(2026, 6, 20), zone=ZONE) == []
    year_end = sweep_assessment_season(uow_factory, date(2026, 12, 5), zone=ZONE)
    assert {(d.kind, d.period) for d in year_end} == {("assessment_year", "2026")}
    assert len(year_end) == 4


# -- all at once ------------------------------------------------------------------------------


def test_every_sweep_at_most_once_per_period_and_dry_run_stores_nothing(uow_factory, ids) -> None:  # noqa: ANN001
    monday = datetime(2026, 12, 7, 20, 30, tzinfo=ZONE)
    dry = run_every_sweep(uow_factory, monday, zone=ZONE, dry_run=True).drafts
    assert outbox(uow_factory) == []
    first = run_every_sweep(uow_factory, monday, zone=ZONE).drafts
    assert {k: len(v) for k, v in first.items()} == {k: len(v) for k, v in dry.items()}
    assert sum(len(v) for v in first.values()) == len(outbox(uow_factory)) > 0
    again = run_every_sweep(uow_factory, monday, zone=ZONE)
    assert again.failed == {} and all(v == [] for v in again.drafts.values())
    assert run_every_sweep(uow_factory, monday, zone=ZONE, dry_run=True) == again
    with uow_factory() as uow:  # the dry runs left the roster as it was
        assert len(uow.session.exec(select(Assignment)).all()) == 3


async def test_two_schedulers_sweeping_at_once_store_each_reminder_once(uow_factory, ids) -> None:  # noqa: ANN001
    import asyncio

    monday = date(2026, 11, 16)
    expected = len(sweep_weekly(uow_factory, monday, zone=ZONE, dry_run=True))
    results = await asyncio.gather(
        *(asyncio.to_thread(sweep_weekly, uow_factory, monday, zone=ZONE) for _ in range(2))
    )
    assert sorted(len(r) for r in results) == [0, expected]
    assert len(outbox(uow_factory)) == expected > 0


def test_a_later_holders_reminder_carries_the_earlier_opinions(uow_factory, ids) -> None:  # noqa: ANN001
    """The township leader disagreed (an opinion, not a decision); the secretary's reminder
    24 hours later shows it, in both languages, as their first card did."""
    from bot.i18n import Catalog
    from scheduler.render import render_text

    submitted = datetime(2026, 11, 10, 9, 0, tzinfo=ZONE)
    with uow_factory() as uow:
        zhang = uow.people.get(ids["cadre"])
        leave_service.submit(
            uow, zhang, start=date(2026, 11, 20), end=date(2026, 11, 21), reason="看病",
            now=submitted,
        )  # fmt: skip
        leader = uow.people.get(ids["township_leader"])
        [step] = uow.leaves.open_steps_for(leader.id)
        leave_service.decide(
            uow, leader, step_id=step.id, approve=False, now=submitted, text="年底迎检，请改期"
        )
        uow.commit()
    [remind] = sweep_leave_overdue(uow_factory, submitted + timedelta(hours=25), zone=ZONE)
    assert (remind.recipient_id, remind.kind) == (ids["township_secretary"], "leave_pending")
    [opinion] = remind.payload["params"]["opinions"]
    assert (opinion["name"], opinion["decision"]) == ("钱分管", "disagreed")
    zh, _buttons = render_text(Catalog(), "zh", remind.payload)
    assert "意见与审批记录" in zh and "钱分管（镇党委分管领导）" in zh and "年底迎检，请改期" in zh
    en, _buttons = render_text(Catalog(), "en", remind.payload)
    assert "Opinions and decisions so far" in en and "年底迎检，请改期" in en
