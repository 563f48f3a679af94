"""``duty import`` (公务) on SQLite and PostgreSQL: all-or-nothing, every bad row listed
by line with what is wrong, and the records and their audit entries as stored."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select

from services.imports import ImportRejected, import_duties, read_table
from services.sample_district import seed_sample_district
from storage.tables import Assignment, AuditEntry, DutyRecord, LeaveRequest
from storage.unit_of_work import UnitOfWork

NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
ZHANG, LI, WANG = "+8613900000001", "+8613900000002", "+8613900000003"  # the sample cadres
SECRETARY = "+8613900000022"


@pytest.fixture
def district(uow_factory: Callable[[], UnitOfWork]) -> Callable[[], UnitOfWork]:
    """The sample district, cadres posted from 2026-01-01; 王五's posting ends on 11-30,
    and 张三 has approved leave on 12-14..12-15."""
    with uow_factory() as uow:
        people = seed_sample_district(uow, posted_from=date(2026, 1, 1))
        wang = uow.session.exec(
            select(Assignment).where(Assignment.person_id == people["cadre3"].id)
        ).one()
        wang.end = date(2026, 11, 30)
        uow.leaves.add(
            LeaveRequest(
                applicant_id=people["cadre"].id,
                start=date(2026, 12, 14),
                end=date(2026, 12, 15),
                days=2,
                combined_days=2,
                tier="short",
                reason="看病",
                status="approved",
                created_at=NOW,
            )
        )
        uow.commit()
    return uow_factory


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "duties.csv"
    path.write_text(text, encoding="utf-8")
    return path


def stored(uow_factory: Callable[[], UnitOfWork]) -> list[tuple[date, date, str, str | None]]:
    with uow_factory() as uow:
        rows = uow.session.exec(select(DutyRecord).order_by(DutyRecord.start)).all()
        return [(r.start, r.end, r.kind, r.note) for r in rows]


def test_a_good_file_stores_every_record_with_an_audit_entry(district, tmp_path) -> None:
    text = (
        "phone,start,end,kind,note\n"
        f"{ZHANG},2026-12-08,2026-12-10,training,区委党校\n"
        f"{ZHANG},2026/3/2,2026/3/3,岗前培训,\n"
        f"{LI},2026-12-08,2026-12-08,座谈会,观摩产业项目\n"
        f"{WANG},2026-11-30,2026-11-30,official,\n"
    )
    result = import_duties(district, read_table(write(tmp_path, text)), now=NOW)
    assert result.summary == "imported 4 duty records (4 new, 0 updated)"
    assert stored(district) == [
        (date(2026, 3, 2), date(2026, 3, 3), "pre_training", None),
        (date(2026, 11, 30), date(2026, 11, 30), "official", None),
        (date(2026, 12, 8), date(2026, 12, 10), "training", "区委党校"),
        (date(2026, 12, 8), date(2026, 12, 8), "meeting", "观摩产业项目"),
    ]
    with district() as uow:
        audit = uow.session.exec(select(AuditEntry).where(AuditEntry.action == "duty:record"))
        entries = list(audit)
    assert len(entries) == 4
    assert all(e.actor_id is None and e.detail["source"] == "import" for e in entries)


def test_chinese_headers_and_no_note_column(district, tmp_path) -> None:
    text = f"手机号,开始日期,结束日期,类型\n{ZHANG},2026-12-08,2026-12-09,岗位培训\n"
    import_duties(district, read_table(write(tmp_path, text)), now=NOW)
    assert stored(district) == [(date(2026, 12, 8), date(2026, 12, 9), "training", None)]


def test_any_bad_row_refuses_the_file_listing_every_bad_row(district, tmp_path) -> None:
    with district() as uow:  # 李四 already has a meeting on 12-20
        li = uow.people.by_phone(LI)
        uow.duties.add(
            DutyRecord(
                person_id=li.id,
                start=date(2026, 12, 20),
                end=date(2026, 12, 20),
                kind="meeting",
                recorded_at=NOW,
            )
        )
        uow.commit()
    text = (
        "phone,start,end,kind,note\n"
        f"{ZHANG},2026-12-08,2026-12-10,training,\n"  # 2: fine on its own
        "13900009999,2026-12-08,2026-12-08,training,\n"  # 3
        f"{SECRETARY},2026-12-08,2026-12-08,training,\n"  # 4
        f"{WANG},2026-11-30,2026-12-01,training,\n"  # 5: posting ended
        f"{ZHANG},2026-12-05,2026-12-04,training,\n"  # 6
        f"{ZHANG},2026-12-05,2026-12-05,holiday,\n"  # 7
        f"{LI},2026-12-19,2026-12-21,meeting,\n"  # 8: the stored meeting
        f"{ZHANG},2026-12-10,2026-12-11,official,\n"  # 9: line 2 of the file
        f"{ZHANG},2026-01-01,2026-02-01,official,\n"  # 10: 32 days
        f"{ZHANG},2026-12-15,2026-12-16,training,\n"  # 11: approved leave
        f"{ZHANG},2026-12-32,,,\n"  # 12
        f"{ZHANG},2026-12-22,2026-12-22,training,{'长' * 201}\n"  # 13
    )
    with pytest.raises(ImportRejected) as info:
        import_duties(district, read_table(write(tmp_path, text)), now=NOW)
    lines = info.value.lines()
    assert lines == [
        "line 3: unknown phone +8613900009999",
        f"line 4: {SECRETARY} (孙书记) is a township_secretary, not a cadre",
        "line 5: 王五 is not posted on 2026-12-01",
        "line 6: end 2026-12-04 is before start 2026-12-05",
        "line 7: unknown kind 'holiday' (pre_training/岗前培训, training/岗位培训, "
        "meeting/座谈会/观摩, official/公务)",
        "line 8: 李四 already has duty (meeting) from 2026-12-20 to 2026-12-20",
        "line 9: 张三: overlaps line 2 of this file",
        "line 10: 32 days from 2026-01-01 to 2026-02-01: one record covers at most 31",
        "line 11: 张三 has approved leave #1 from 2026-12-14 to 2026-12-15 on these days",
        "line 12: start: bad date '2026-12-32' (no such day)",
        "line 12: missing end",
        "line 12: missing kind",
        "line 13: note longer than 200 characters",
    ]
    assert stored(district) == [(date(2026, 12, 20), date(2026, 12, 20), "meeting", None)]
    with district() as uow:
        assert uow.session.exec(select(func.count()).select_from(AuditEntry)).one() == 0


def test_a_file_without_a_required_column_is_refused(district, tmp_path) -> None:
    text = f"phone,start,kind\n{ZHANG},2026-12-08,training\n"
    with pytest.raises(ImportRejected, match="end"):
        import_duties(district, read_table(write(tmp_path, text)), now=NOW)
    assert stored(district) == []
