"""Assessment records and what grading brings (Art. 26-28, 30) on SQLite and PostgreSQL:
the records of a cadre's year in order; after grading, each unit's list of rewards
(優秀 800, 称职 500 yuan) to its unit leader, once per list; a 不称职 opens one recall
(the posting joins the district's list of recalls) and one district-wide notice, which
regrading, by hand or by import, never repeats."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from domain.assessment import AssessmentItem, AssessmentKind, EvidenceKind, Grade
from domain.errors import DomainError
from services import assessment
from services.grade_outcomes import RECALL_KIND, REWARDS_KIND, reward_rows
from services.grades import record_grade
from services.imports.grades import import_grades
from services.imports.table import read_bytes
from services.sample_district import seed_sample_district
from services.worklist import recalls_pending
from storage.tables import AssessmentRecord, Assignment, GradeRecall, Person, Reminder
from storage.unit_of_work import UnitOfWork
from tests.assessment_district import add_team_members

NOW = datetime(2026, 12, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
UowFactory = Callable[[], UnitOfWork]


@pytest.fixture
def people(uow_factory: UowFactory) -> dict[str, Person]:
    """The sample district and two more work-team members of 区农业农村局 in 广东坪村: five
    cadres, so one may be rated 优秀 (20%)."""
    with uow_factory() as uow:
        people = seed_sample_district(uow, posted_from=date(2026, 1, 1))
        add_team_members(uow, people, "cadre4", "cadre5")
        uow.commit()
        return {k: uow.people.get(p.id) for k, p in people.items()}


def outbox(uow_factory: UowFactory, kind: str) -> list[tuple[int, str, dict]]:
    with uow_factory() as uow:
        rows = uow.session.exec(select(Reminder).where(Reminder.kind == kind).order_by(Reminder.id))
        return [(r.recipient_id, r.period, r.payload) for r in rows]


def grade(uow_factory: UowFactory, people, key: str, value: Grade) -> None:
    with uow_factory() as uow:
        record_grade(uow, people[key].id, 2026, value, by=people["org_dept"], now=NOW)
        uow.commit()


def test_a_cadres_records_in_order(uow_factory: UowFactory, people) -> None:
    notes = {item: f"{item}的说明" for item in AssessmentItem}
    with uow_factory() as uow:
        secretary, cadre = people["township_secretary"], people["cadre"]
        assessment.record_township_assessment(
            uow, secretary, cadre.id, AssessmentKind.HALF_YEAR, notes, now=NOW.replace(month=6)
        )
        assessment.record_evidence(
            uow,
            people["org_dept"],
            cadre.id,
            EvidenceKind.DEMOCRATIC_RATING,
            23,
            "优秀15票",
            now=NOW,
        )
        with pytest.raises(DomainError) as refused:
            assessment.record_evidence(
                uow, people["org_dept"], cadre.id, EvidenceKind.INTERVIEWS, 14, "谈话", now=NOW
            )
        assert refused.value.key == "assessment.too_few_interviewed"
        with pytest.raises(DomainError) as refused:  # a work-team member is the bureau's
            assessment.record_evidence(
                uow,
                people["org_dept"],
                people["cadre2"].id,
                EvidenceKind.INTERVIEWS,
                16,
                "x",
                now=NOW,
            )
        assert refused.value.key == "assess.not_grader_team_member"
        uow.commit()
    with uow_factory() as uow:
        records = uow.assessments.for_cadre(people["cadre"].id, 2026)
        assert [(r.kind, r.count, r.on_post) for r in records] == [
            ("half_year", None, "on_post的说明"),
            ("democratic_rating", 23, None),
        ]
        assert uow.assessments.for_cadre(people["cadre"].id, 2025) == []
        assert len(uow.session.exec(select(AssessmentRecord)).all()) == 2


def test_each_unit_gets_its_rewards_list_once(uow_factory: UowFactory, people) -> None:
    grade(uow_factory, people, "cadre", Grade.EXCELLENT)
    leader, other = people["unit_leader"].id, people["unit_leader_b"].id
    [(to, _, first)] = outbox(uow_factory, REWARDS_KIND)
    assert to == leader and first["params"] == {
        "year": 2026,
        "unit": "区财政局",
        "total": 800,
        "graded": 1,
    }
    assert first["parts"] == [{"key": "assess.rewards_ungraded", "params": {"count": 1}}]
    grade(uow_factory, people, "cadre2", Grade.COMPETENT)
    grade(uow_factory, people, "cadre2", Grade.COMPETENT)  # the same grade again: nothing new
    lists = outbox(uow_factory, REWARDS_KIND)
    assert [to for to, _, _ in lists] == [leader, leader]
    last = lists[-1][2]
    assert last["params"]["total"] == 1300 and "parts" not in last
    by_grade = {spec["param"]: spec["items"] for spec in last["lines"]}
    assert by_grade == {
        "excellent": [{"name": "张三", "village": "东店子村", "yuan": 800}],
        "competent": [{"name": "李四", "village": "西关社区", "yuan": 500}],
        "incompetent": [],
    }
    assert other not in {to for to, _, _ in lists}  # the other unit's cadres were not graded
    with uow_factory() as uow:
        rows = reward_rows(uow, 2026, unit_id=people["cadre"].unit_id)
        assert [(r.name, r.yuan) for r in rows] == [("张三", 800), ("李四", 500)]


def test_incompetent_opens_one_recall_and_one_district_wide_notice(
    uow_factory: UowFactory, people
) -> None:
    grade(uow_factory, people, "cadre3", Grade.INCOMPETENT)
    told = {to for to, _, _ in outbox(uow_factory, RECALL_KIND)}
    assert told == {
        people[k].id
        for k in ("org_dept", "poverty_bureau", "township_secretary_b", "unit_leader_b")
    }
    # regraded 称职, then 不称职 again by hand and by import: the recall stays one
    grade(uow_factory, people, "cadre3", Grade.COMPETENT)
    grade(uow_factory, people, "cadre3", Grade.INCOMPETENT)
    rows = "手机号,年度,等次\n13900000003,2026,称职\n"
    import_grades(uow_factory, read_bytes(rows.encode(), "g.csv"), now=NOW)
    rows = "手机号,年度,等次\n13900000003,2026,不称职\n"
    import_grades(uow_factory, read_bytes(rows.encode(), "g.csv"), now=NOW)
    assert len(outbox(uow_factory, RECALL_KIND)) == 4
    with uow_factory() as uow:
        [recall] = uow.session.exec(select(GradeRecall)).all()
        assert (recall.cadre_id, recall.year) == (people["cadre3"].id, 2026)
        [(person, posting, village, unit)] = recalls_pending(uow)
        assert (person.name, village.name, unit.name) == ("王五", "广东坪村", "区农业农村局")
        assert posting.recall_pending and uow.assessments.recalled_ids(2026) == {person.id}
    payload = outbox(uow_factory, RECALL_KIND)[0][2]
    assert payload["key"] == "assess.recall_notice" and payload["params"]["name"] == "王五"


def test_an_import_sends_each_unit_one_list(uow_factory: UowFactory, people) -> None:
    rows = "\n".join(
        [
            "手机号,年度,等次",
            "13900000001,2026,优秀",
            "13900000002,2026,称职",
            "13900000003,2026,称职",
        ]
    )
    import_grades(uow_factory, read_bytes(rows.encode(), "g.csv"), now=NOW)
    lists = outbox(uow_factory, REWARDS_KIND)
    totals = {to: payload["params"]["total"] for to, _, payload in lists}
    assert totals == {people["unit_leader"].id: 1300, people["unit_leader_b"].id: 500}
    import_grades(uow_factory, read_bytes(rows.encode(), "g.csv"), now=NOW)  # unchanged
    assert len(outbox(uow_factory, REWARDS_KIND)) == 2
    assert outbox(uow_factory, RECALL_KIND) == []


def test_the_notices_read_well_in_both_languages(uow_factory: UowFactory, people) -> None:
    from bot.i18n import Catalog
    from scheduler.render import render_text

    grade(uow_factory, people, "cadre", Grade.COMPETENT)
    grade(uow_factory, people, "cadre3", Grade.INCOMPETENT)
    catalog = Catalog("zh")
    [(_, _, rewards)] = [
        row for row in outbox(uow_factory, REWARDS_KIND) if row[0] == people["unit_leader"].id
    ]
    text, _ = render_text(catalog, "zh", rewards)
    assert "· 张三（东店子村）：称职，奖励 500 元" in text and "合计 <b>500</b> 元" in text
    assert "另有 1 人尚未评定" in text and "优秀" not in text.split("）。", 1)[1]
    text, _ = render_text(catalog, "en", rewards)
    assert "· 张三 (东店子村): competent, reward 500 yuan" in text and "1 more" in text
    recall = outbox(uow_factory, RECALL_KIND)[0][2]
    text, _ = render_text(catalog, "zh", recall)
    assert "<b>王五</b>（北宽坪镇广东坪村，区农业农村局派驻）2026 年度考核为<b>不称职</b>" in text
    assert "请区农业农村局召回并选派接替人选" in text
    assert "rated <b>incompetent</b> for 2026" in render_text(catalog, "en", recall)[0]


def test_a_cadre_moved_mid_year_is_rewarded_by_the_unit_they_ended_with(
    uow_factory: UowFactory, people
) -> None:
    """李四 leaves 区财政局's 西关社区 at the end of June for 区农业农村局's 广东坪村: one
    row, under the new unit, whose leader gets the list; the old unit's list loses him."""
    with uow_factory() as uow:
        [first] = uow.assignments.for_person(people["cadre2"].id)
        first.end = date(2026, 6, 30)
        village = next(v for v in uow.places.villages() if v.name == "广东坪村")
        uow.assignments.add(
            Assignment(
                person_id=people["cadre2"].id,
                village_id=village.id,
                unit_id=uow.places.unit("区农业农村局").id,
                start=date(2026, 7, 1),
            )
        )
        uow.commit()
    grade(uow_factory, people, "cadre2", Grade.COMPETENT)
    [(to, _, payload)] = outbox(uow_factory, REWARDS_KIND)
    assert to == people["unit_leader_b"].id and payload["params"]["total"] == 500
    with uow_factory() as uow:
        rows = [(r.name, r.unit, r.village) for r in reward_rows(uow, 2026)]
    assert rows.count(("李四", "区农业农村局", "广东坪村")) == 1
    assert [r for r in rows if r[0] == "李四"] == [("李四", "区农业农村局", "广东坪村")]
    with uow_factory() as uow:  # a new year starts with no grade, no recall
        assert (
            uow.assessments.recalled_ids(2027) == set() and reward_rows(uow, 2027)[0].grade is None
        )


def test_the_incompetent_of_a_third_unexcused_absence_recalls_too(
    uow_factory: UowFactory, people
) -> None:
    """Art. 26.3's 不称职 (imposed by spot checks) is a 不称职 like any other (Art. 30)."""
    from services.grades import impose_incompetent

    for _ in range(2):  # imposed again by a fourth absence: still one recall
        with uow_factory() as uow:
            impose_incompetent(uow, uow.people.get(people["cadre"].id), 2026, NOW)
            uow.commit()
    told = sorted(to for to, _, _ in outbox(uow_factory, RECALL_KIND))
    expected = ("org_dept", "poverty_bureau", "township_secretary", "unit_leader")
    assert told == sorted(people[k].id for k in expected)
    with uow_factory() as uow:
        assert uow.assessments.recalled_ids(2026) == {people["cadre"].id}
