"""Term notices (Art. 6) swept as of chosen days: 60 and 30 days before a posting's last
day and on it, to the cadre, their unit's leaders, the township secretary and org_dept;
each once, a missed run caught up once; a transfer's new posting moves the term; a
roster end decides it where given."""

from __future__ import annotations

from datetime import date, timedelta

from bot.i18n import Catalog
from scheduler.jobs import BY_NAME
from scheduler.posting_term import KIND, sweep_posting_terms
from scheduler.render import render_text
from storage.tables import Assignment
from tests.scheduler.conftest import ZONE

#: The sample district's cadres are posted from 2026-01-01: a First Secretary's term runs
#: to 2027-12-31 (two years), so its notices fall on 2027-11-01, 2027-12-01, 2027-12-31.
LAST_DAY = date(2027, 12, 31)


def sweep(uow_factory, day: date):
    return sweep_posting_terms(uow_factory, day, zone=ZONE)


def by_recipient(drafts, ids, who: str):
    return [d for d in drafts if d.recipient_id == ids[who]]


def test_sixty_days_before_the_four_recipients_are_told_once(uow_factory, ids) -> None:
    drafts = sweep(uow_factory, LAST_DAY - timedelta(days=60))
    zhang = [d for d in drafts if d.payload["params"]["name"] == "张三"]
    assert sorted(d.recipient_id for d in zhang) == sorted(
        ids[k] for k in ("cadre", "unit_leader", "township_secretary", "org_dept")
    )
    [own] = by_recipient(zhang, ids, "cadre")
    assert own.kind == KIND and own.payload["key"] == "tenure.cadre_before"
    assert own.payload["params"]["days_left"] == 60
    assert own.payload["params"]["last_day"] == "2027-12-31"
    assert {d.payload["key"] for d in zhang if d is not own} == {"tenure.others_before"}
    # 王五 (the other First Secretary) has his own four; 李四, a work-team member without a
    # roster end, has no term to end (不脱贫不脱钩)
    wang = [d for d in drafts if d.payload["params"]["name"] == "王五"]
    assert sorted(d.recipient_id for d in wang) == sorted(
        ids[k] for k in ("cadre3", "unit_leader_b", "township_secretary_b", "org_dept")
    )
    assert not by_recipient(drafts, ids, "cadre2") and len(drafts) == 8
    assert sweep(uow_factory, LAST_DAY - timedelta(days=60)) == []  # a rerun adds nothing
    assert sweep(uow_factory, LAST_DAY - timedelta(days=59)) == []  # nor the next day


def test_the_notices_on_their_days_and_the_end_says_what_is_due(uow_factory, ids) -> None:
    assert sweep(uow_factory, LAST_DAY - timedelta(days=61)) == []
    assert len(by_recipient(sweep(uow_factory, LAST_DAY - timedelta(days=60)), ids, "cadre")) == 1
    assert sweep(uow_factory, LAST_DAY - timedelta(days=31)) == []
    [thirty] = by_recipient(sweep(uow_factory, LAST_DAY - timedelta(days=30)), ids, "cadre")
    assert thirty.payload["params"]["notice"] == "days_30"
    ends = sweep(uow_factory, LAST_DAY)
    [own] = by_recipient(ends, ids, "cadre")
    [org] = [
        d for d in by_recipient(ends, ids, "org_dept") if d.payload["params"]["name"] == "张三"
    ]
    catalog = Catalog()
    text, _ = render_text(catalog, "zh", own.payload)
    assert "期满考核" in text and "期满书面总结" in text and "2027-12-31" in text
    text, _ = render_text(catalog, "zh", org.payload)
    assert "张三" in text and "第一书记" in text and "期满考核" in text and "区财政局" in text
    text, _ = render_text(catalog, "en", org.payload)
    assert "end-of-term assessment" in text and "First Secretary" in text


def test_a_missed_run_catches_up_once_with_the_days_actually_left(uow_factory, ids) -> None:
    # the process was down from 2027-10-25: the first run after is on 2027-11-10
    [late] = by_recipient(sweep(uow_factory, date(2027, 11, 10)), ids, "cadre")
    assert late.payload["params"]["notice"] == "days_60"
    assert late.payload["params"]["days_left"] == 51
    for day in (date(2027, 11, 11), date(2027, 11, 30)):
        assert sweep(uow_factory, day) == []


def test_a_long_outage_tells_the_latest_notice_only(uow_factory, ids) -> None:
    # down from 2027-10-20 to 2027-12-05: both the 60- and the 30-day notice were missed
    drafts = by_recipient(sweep(uow_factory, date(2027, 12, 5)), ids, "cadre")
    assert [d.payload["params"]["notice"] for d in drafts] == ["days_30"]
    assert drafts[0].payload["params"]["days_left"] == 26


def test_a_missed_last_day_of_a_roster_end_is_caught_up(uow_factory, ids) -> None:
    end = date(2027, 6, 30)
    with uow_factory() as uow:
        uow.assignments.current(ids["cadre2"], date(2027, 1, 1)).end = end
        uow.commit()
    # the posting is over by the next run, but its 期满 is still told
    [own] = by_recipient(sweep(uow_factory, end + timedelta(days=2)), ids, "cadre2")
    assert own.payload["key"] == "tenure.cadre_ends"


def test_a_transfer_moves_the_term_to_the_new_posting(uow_factory, ids) -> None:
    move = date(2027, 6, 1)
    with uow_factory() as uow:
        old = uow.assignments.current(ids["cadre"], date(2027, 5, 1))
        old.end = move - timedelta(days=1)
        village = next(v for v in uow.places.villages() if v.name == "西关社区")
        uow.assignments.add(
            Assignment(
                person_id=ids["cadre"],
                village_id=village.id,
                unit_id=old.unit_id,
                start=move,
                change_approval="市组干〔2027〕12号",
            )
        )
        uow.commit()
    # the old posting's end is a transfer, no 期满: nothing on its last day or before
    for day in (move - timedelta(days=30), move - timedelta(days=1)):
        assert not by_recipient(sweep(uow_factory, day), ids, "cadre")
    assert not by_recipient(sweep(uow_factory, LAST_DAY - timedelta(days=60)), ids, "cadre")
    # the new posting's two years end on 2029-05-31
    [own] = by_recipient(sweep(uow_factory, date(2029, 4, 1)), ids, "cadre")
    assert own.payload["params"]["last_day"] == "2029-05-31"
    assert own.payload["params"]["village"] == "西关社区"


def test_a_change_of_unit_in_the_same_village_keeps_the_term(uow_factory, ids) -> None:
    """因人事调整不在原单位工作 (Art. 6): the cadre moves to another dispatching unit but
    stays in the village; the roster gives a new posting, the term goes on from the first."""
    change = date(2027, 3, 1)
    with uow_factory() as uow:
        old = uow.assignments.current(ids["cadre"], date(2027, 2, 1))
        old.end = change - timedelta(days=1)
        other_unit = next(
            a.unit_id
            for a in uow.assignments.for_people([ids["cadre3"]])[ids["cadre3"]]
            if a.unit_id != old.unit_id
        )
        uow.assignments.add(
            Assignment(
                person_id=ids["cadre"],
                village_id=old.village_id,
                unit_id=other_unit,
                start=change,
                change_approval="区组干〔2027〕3号",
            )
        )
        uow.commit()
    # still 2027-12-31, two years from the first posting, not 2029-02-28
    [own] = by_recipient(sweep(uow_factory, LAST_DAY - timedelta(days=60)), ids, "cadre")
    assert own.payload["params"]["last_day"] == LAST_DAY.isoformat()
    assert not by_recipient(sweep(uow_factory, date(2029, 1, 1)), ids, "cadre")


def test_a_roster_end_decides_the_term(uow_factory, ids) -> None:
    with uow_factory() as uow:
        # 李四 (work team): the roster says 2027-03-31; 王五: a shorter term than two years
        uow.assignments.current(ids["cadre2"], date(2027, 1, 1)).end = date(2027, 3, 31)
        uow.assignments.current(ids["cadre3"], date(2027, 1, 1)).end = date(2027, 4, 30)
        uow.commit()
    drafts = sweep(uow_factory, date(2027, 1, 30))  # 60 days before 2027-03-31
    [li] = by_recipient(drafts, ids, "cadre2")
    assert li.payload["params"]["last_day"] == "2027-03-31"
    assert li.payload["params"]["role"] == "team_member"
    assert not by_recipient(drafts, ids, "cadre3")
    [wang] = by_recipient(sweep(uow_factory, date(2027, 3, 1)), ids, "cadre3")
    assert wang.payload["params"]["last_day"] == "2027-04-30"
    # no notice of the two-year term: the roster's end replaced it
    assert not by_recipient(sweep(uow_factory, LAST_DAY - timedelta(days=60)), ids, "cadre3")


def test_registered_by_name_and_a_dry_run_stores_nothing(uow_factory, ids) -> None:
    day = LAST_DAY - timedelta(days=60)
    assert len(BY_NAME["posting_term"](uow_factory, day, zone=ZONE, dry_run=True)) == 8
    assert len(sweep(uow_factory, day)) == 8


def test_a_notice_held_for_binding_goes_until_the_last_day(uow_factory, ids) -> None:
    [before] = by_recipient(sweep(uow_factory, LAST_DAY - timedelta(days=30)), ids, "cadre")
    assert before.not_after.astimezone(ZONE).date() == LAST_DAY
    [ends] = by_recipient(sweep(uow_factory, LAST_DAY), ids, "cadre")
    assert ends.not_after.astimezone(ZONE).date() == LAST_DAY + timedelta(days=30)
