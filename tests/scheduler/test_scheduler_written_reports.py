"""The half-year written report's reminders, with chosen dates: 15 and 3 days before 31
December to each cadre who has not filed, none to one who has; a missed run catches up
once (and a run that missed both days sends only the 3-day one); a posting that ends
before the deadline owes none; in a new year the June deadline; both languages."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.i18n import Catalog
from domain.filings import FilingKind, report_reminder_due
from scheduler.assessment import sweep_assessment_season
from scheduler.jobs import BY_NAME
from scheduler.render import render_text
from scheduler.written_reports import ReportReminder, sweep_written_reports
from services import filings
from storage.tables import Assignment

ZONE = ZoneInfo("Asia/Shanghai")


def sweep(uow_factory, day: date):
    return sweep_written_reports(uow_factory, day, zone=ZONE)


def file_report(uow_factory, person_id: int, day: date) -> None:
    with uow_factory() as uow:
        now = datetime(day.year, day.month, day.day, 10, tzinfo=ZONE)
        filings.submit(uow, uow.people.get(person_id), FilingKind.HALF_YEAR, now=now, text="汇报")
        uow.commit()


def test_15_and_3_days_before_31_december_to_those_who_have_not_filed(uow_factory, ids) -> None:
    file_report(uow_factory, ids["cadre"], date(2026, 12, 10))
    assert sweep(uow_factory, date(2026, 12, 15)) == []  # 16 days before
    first = sweep(uow_factory, date(2026, 12, 16))
    assert {d.recipient_id for d in first} == {ids["cadre2"], ids["cadre3"]}  # not 张三
    assert {(d.kind, d.period) for d in first} == {("written_report", "2026-H2:15")}
    assert first[0].payload == {
        "key": "filings.reminder_due_2",
        "params": {"year": 2026, "deadline": "2026-12-31", "days": 15},
    }
    assert sweep(uow_factory, date(2026, 12, 17)) == []  # the 15-day one went out already
    file_report(uow_factory, ids["cadre2"], date(2026, 12, 20))
    last = sweep(uow_factory, date(2026, 12, 28))
    assert [(d.recipient_id, d.period) for d in last] == [(ids["cadre3"], "2026-H2:3")]
    assert last[0].not_after is not None and last[0].not_after.date() == date(2026, 12, 31)
    assert sweep(uow_factory, date(2026, 12, 31)) == []


def test_a_missed_run_catches_up_once(uow_factory, ids) -> None:
    late = sweep(uow_factory, date(2026, 12, 19))  # the process was down on the 16th
    assert {d.period for d in late} == {"2026-H2:15"} and len(late) == 3
    assert late[0].payload["params"]["days"] == 12  # what is left, not 15
    assert sweep(uow_factory, date(2026, 12, 20)) == []
    # down over both reminder days: only the 3-day reminder, once
    assert report_reminder_due(date(2026, 12, 31), date(2026, 12, 30)) == 3
    assert len(sweep(uow_factory, date(2026, 12, 30))) == 3
    assert sweep(uow_factory, date(2026, 12, 30)) == []
    assert sweep(uow_factory, date(2027, 1, 1)) == []  # past the deadline: nothing


def test_a_run_that_missed_both_days_sends_only_the_3_day_reminder(uow_factory, ids) -> None:
    drafts = sweep(uow_factory, date(2026, 12, 29))
    assert {d.period for d in drafts} == {"2026-H2:3"} and len(drafts) == 3


def test_a_posting_ending_before_the_deadline_owes_no_half_year_report(uow_factory, ids) -> None:
    with uow_factory() as uow:
        [posting] = uow.assignments.for_person(ids["cadre2"])
        assert isinstance(posting, Assignment)
        posting.end = date(2026, 12, 25)
        uow.commit()
    drafts = sweep(uow_factory, date(2026, 12, 16))
    # the term summary stands for it: due on the posting's last day, reminded (9 days left)
    assert {d.period for d in drafts if d.recipient_id == ids["cadre2"]} == {"term:2026-12-25:15"}


def test_a_new_year_reminds_of_the_june_deadline(uow_factory, ids) -> None:
    file_report(uow_factory, ids["cadre"], date(2026, 12, 10))  # last year's: does not count
    assert sweep(uow_factory, date(2027, 6, 14)) == []
    june = sweep(uow_factory, date(2027, 6, 15))
    assert {d.recipient_id for d in june} == {ids["cadre"], ids["cadre2"], ids["cadre3"]}
    assert {d.period for d in june} == {"2027-H1:15"}
    assert june[0].payload["key"] == "filings.reminder_due_1"
    assert june[0].payload["params"]["deadline"] == "2027-06-30"


def test_the_sweep_is_registered_and_the_reminder_reads_in_both_languages() -> None:
    assert BY_NAME["written_reports"].run is sweep_written_reports
    payload = ReportReminder(2026, 2, date(2026, 12, 31), 3).payload()
    catalog = Catalog("zh")
    zh, _ = render_text(catalog, "zh", payload.to_json())
    en, _ = render_text(catalog, "en", payload.to_json())
    assert zh.startswith("⏰ 2026年下半年书面汇报将于 <b>2026-12-31</b> 截止（还有 3 天）")
    assert "second half of 2026 is due by <b>2026-12-31</b> (3 days left)" in en


def test_the_year_end_assessment_reminder_names_who_has_filed_the_years_goals(
    uow_factory, ids
) -> None:
    with uow_factory() as uow:
        now = datetime(2026, 3, 1, 10, tzinfo=ZONE)
        filings.submit(
            uow, uow.people.get(ids["cadre"]), FilingKind.YEAR_GOALS, now=now, text="目标"
        )
        uow.commit()
    drafts = {
        d.recipient_id: d
        for d in sweep_assessment_season(uow_factory, date(2026, 12, 5), zone=ZONE)
    }
    township = drafts[ids["township_secretary"]].payload["parts"]
    assert township == [
        {"key": "filings.assessment_goals", "params": {"year": 2026, "filed": 1, "cadres": 2}},
        {"key": "filings.assessment_goals_missing", "params": {"names": "李四"}},
    ]
    district = drafts[ids["org_dept"]].payload["parts"]
    assert district[0]["params"] == {"year": 2026, "filed": 1, "cadres": 3}
    assert district[1]["params"] == {"names": "李四、王五"}
    catalog = Catalog("zh")
    zh, _ = render_text(catalog, "zh", drafts[ids["township_secretary"]].payload)
    assert (
        "2026 年度目标已备案 1/2 人" in zh and "“规划与目标”表" in zh and "未报年度目标：李四" in zh
    )
    en, _ = render_text(catalog, "en", drafts[ids["org_dept"]].payload)
    assert "1 of 3 cadres have filed their goals for 2026" in en and "李四、王五" in en
    # the half-year season's reminder carries no goals
    half = sweep_assessment_season(uow_factory, date(2026, 6, 15), zone=ZONE)
    assert all("parts" not in d.payload for d in half)


def test_the_term_summary_is_reminded_15_and_3_days_before_the_terms_end(uow_factory, ids) -> None:
    """The sample's First Secretaries are posted from 2026-01-01: their terms end on
    2027-12-31, the day the second half-year's report is due too; 李四, a work-team member
    without a roster end, owes no term summary."""
    drafts = sweep(uow_factory, date(2027, 12, 16))
    summary = {d.recipient_id for d in drafts if d.period == "term:2027-12-31:15"}
    assert summary == {ids["cadre"], ids["cadre3"]}
    half = {d.recipient_id for d in drafts if d.period == "2027-H2:15"}
    assert half == {ids["cadre"], ids["cadre2"], ids["cadre3"]}
    [own] = [d for d in drafts if d.period.startswith("term:") and d.recipient_id == ids["cadre"]]
    text, _ = render_text(Catalog(), "zh", own.payload)
    assert "期满书面总结" in text and "2027-12-31" in text and "15" in text
    assert sweep(uow_factory, date(2027, 12, 16)) == []  # a rerun adds nothing
    with uow_factory() as uow:  # 张三 files his summary; 王五 does not
        now = datetime(2027, 12, 20, 10, tzinfo=ZONE)
        person = uow.people.get(ids["cadre"])
        filings.submit(uow, person, FilingKind.TERM_SUMMARY, now=now, text="期满总结")
        uow.commit()
    late = sweep(uow_factory, date(2027, 12, 29))  # 3 days before
    assert {d.recipient_id for d in late if d.period.startswith("term:")} == {ids["cadre3"]}
    assert {d.period for d in late if d.recipient_id == ids["cadre3"]} == {
        "term:2027-12-31:3",
        "2027-H2:3",
    }
    text, _ = render_text(Catalog(), "en", late[0].payload)
    assert "left" in text


def test_a_change_of_unit_in_the_village_keeps_the_summary_on_the_terms_end(
    uow_factory, ids
) -> None:
    with uow_factory() as uow:
        old = uow.assignments.current(ids["cadre"], date(2027, 2, 1))
        old.end = date(2027, 2, 28)
        other = uow.assignments.current(ids["cadre3"], date(2027, 2, 1))
        uow.assignments.add(
            Assignment(
                person_id=ids["cadre"],
                village_id=old.village_id,
                unit_id=other.unit_id,
                start=date(2027, 3, 1),
                change_approval="区组干〔2027〕3号",
            )
        )
        uow.commit()
    drafts = sweep(uow_factory, date(2027, 12, 16))
    assert ids["cadre"] in {d.recipient_id for d in drafts if d.period == "term:2027-12-31:15"}
