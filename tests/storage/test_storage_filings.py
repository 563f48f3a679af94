"""Written reports and plans on both databases: one live filing per cadre, kind and
period (the partial unique index holds even against a second live row written behind
the repository's back), a resubmission replaces the earlier one and keeps it, the
township's list, and a document re-sent by its file id survives the reply outbox."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.exc import IntegrityError

from bot.handlers.events import Outgoing
from bot.runtime.replies import from_row, to_row
from domain.errors import DomainError
from domain.filings import FilingKind
from services import filings
from services.sample_district import seed_sample_district
from storage.tables import Filing

ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=ZONE)


@pytest.fixture
def people(uow_factory):
    with uow_factory() as uow:
        people = seed_sample_district(uow, posted_from=date(2026, 1, 1))
        uow.commit()
    return {key: p.id for key, p in people.items()}


def file(uow_factory, people, key: str, kind: FilingKind, at: datetime, **content):
    with uow_factory() as uow:
        outcome = filings.submit(uow, uow.people.get(people[key]), kind, now=at, **content)
        uow.commit()
        return outcome


def test_a_resubmission_replaces_the_live_filing_and_keeps_the_earlier(uow_factory, people):
    first = file(uow_factory, people, "cadre", FilingKind.HALF_YEAR, NOW, text="初稿")
    assert first.replaced_at is None and first.recipients == 3
    later = NOW + timedelta(days=2)
    second = file(
        uow_factory, people, "cadre", FilingKind.HALF_YEAR, later, file_id="f-1", file_name="a.pdf"
    )
    assert second.replaced_at == first.filing.filed_at
    assert {n.params["version"] for n in second.notices} == {2}
    with uow_factory() as uow:
        live = uow.filings.live(people["cadre"], "half_year", "2026-H2")
        assert live is not None and (live.file_id, live.file_name, live.text) == (
            "f-1",
            "a.pdf",
            None,
        )
        old, new = uow.filings.history(people["cadre"])
        assert old.text == "初稿" and old.replaced_at is not None and new.replaced_at is None
        assert uow.filings.replaced_count(people["cadre"], "half_year", "2026-H2") == 1
        # another period or kind is another filing
        assert uow.filings.live(people["cadre"], "half_year", "2026-H1") is None
        assert uow.filings.live(people["cadre"], "year_goals", "2026") is None


def test_two_live_filings_of_one_period_are_refused_by_the_database(uow_factory, people):
    with uow_factory() as uow:
        for _ in range(2):
            uow.filings.stage(
                Filing(
                    person_id=people["cadre"],
                    kind="half_year",
                    period="2026-H2",
                    text="x",
                    filed_at=NOW,
                )
            )
        with pytest.raises(IntegrityError):
            uow.flush()


def test_filed_lists_live_filings_by_cadre_for_a_period(uow_factory, people):
    file(uow_factory, people, "cadre", FilingKind.YEAR_GOALS, NOW, text="目标")
    file(uow_factory, people, "cadre3", FilingKind.YEAR_GOALS, NOW, text="目标")
    file(uow_factory, people, "cadre3", FilingKind.YEAR_GOALS, NOW + timedelta(hours=1), text="新")
    with uow_factory() as uow:
        found = uow.filings.filed(
            [people["cadre"], people["cadre2"], people["cadre3"]], "year_goals", "2026"
        )
        assert set(found) == {people["cadre"], people["cadre3"]}
        assert found[people["cadre3"]].text == "新"
        assert uow.filings.filed([people["cadre"]], "half_year", "2026-H2") == {}


def test_plans_go_to_the_township_secretary_and_reports_to_the_unit(uow_factory, people):
    plan = file(uow_factory, people, "cadre3", FilingKind.THREE_YEAR_PLAN, NOW, text="规划")
    report = file(uow_factory, people, "cadre3", FilingKind.HALF_YEAR, NOW, text="汇报")
    plan_to = {n.person_id for n in plan.notices}
    report_to = {n.person_id for n in report.notices}
    assert plan_to == {people["township_secretary_b"], people["org_dept"], people["poverty_bureau"]}
    assert report_to == {people["unit_leader_b"], people["org_dept"], people["poverty_bureau"]}
    assert {n.key for n in report.notices} == {"filings.notice_half_year_2"}
    assert plan.filing.period == "term"


def test_the_township_list_puts_who_has_not_filed_first(uow_factory, people):
    file(uow_factory, people, "cadre", FilingKind.HALF_YEAR, NOW, text="汇报")
    with uow_factory() as uow:
        rows = filings.township_status(
            uow, uow.people.get(people["township_secretary"]), NOW.date()
        )
    assert [(r.name, r.report_at is not None, r.goals_at) for r in rows] == [
        ("李四", False, None),
        ("张三", True, None),
    ]


def test_refusals_change_nothing(uow_factory, people):
    with uow_factory() as uow:
        cadre = uow.people.get(people["cadre"])
        with pytest.raises(DomainError) as empty:
            filings.submit(uow, cadre, FilingKind.HALF_YEAR, now=NOW, text="   ")
        assert empty.value.key == "filings.empty"
        with pytest.raises(DomainError) as early:
            filings.submit(uow, cadre, FilingKind.TERM_SUMMARY, now=NOW, text="总结")
        assert early.value.key == "filings.summary_not_due"
        with pytest.raises(DomainError) as long:
            filings.submit(uow, cadre, FilingKind.HALF_YEAR, now=NOW, text="字" * 50_001)
        assert long.value.key == "filings.too_long"
        with pytest.raises(DomainError) as not_cadre:
            filings.submit(
                uow, uow.people.get(people["org_dept"]), FilingKind.HALF_YEAR, now=NOW, text="x"
            )
        assert not_cadre.value.key == "filings.cadres_only"
    with uow_factory() as uow:
        assert uow.filings.history(people["cadre"]) == []


def test_the_term_summary_is_offered_from_30_days_before_the_end(uow_factory, people):
    with uow_factory() as uow:
        cadre = uow.people.get(people["cadre"])
        uow.assignments.current(people["cadre"], NOW.date()).end = date(2026, 12, 20)
        uow.flush()
        kinds = [c.kind for c in filings.choices(uow, cadre, NOW.date())]
        assert FilingKind.TERM_SUMMARY in kinds
        later = filings.choices(uow, cadre, date(2026, 11, 19))
        assert FilingKind.TERM_SUMMARY not in [c.kind for c in later]


def test_a_document_re_sent_by_file_id_survives_the_reply_outbox() -> None:
    payload, blob = to_row(Outgoing(42, "caption", document_id="file-9"))
    assert blob is None and from_row(42, payload, blob).document_id == "file-9"
