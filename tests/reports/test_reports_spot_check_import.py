"""``cadrebot spotcheck import`` on both databases: rounds done on paper are recorded for
their own moment, all-or-nothing with every bad row listed by line, judged like a visit
in the chat (a non-working day does not count, ordinals follow the dates), and their
messages go out through the outbox. Then the command itself, on a SQLite file."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from services import spot_checks
from services.clock import FixedClock
from services.imports import ImportRejected, read_bytes
from services.imports.spot_checks import import_spot_checks
from storage.tables import AssessmentGrade, Person, Reminder, SpotCheck
from storage.unit_of_work import UnitOfWork

ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=ZONE)  # a Thursday
HEADER = "inspector_phone,cadre_phone,at,found\n"

UowFactory = Callable[[], UnitOfWork]


def run(uow_factory: UowFactory, text: str):
    table = read_bytes(text.encode("utf-8"), "checks.csv")
    return import_spot_checks(uow_factory, table, now=NOW, zone=ZONE)


def stored(uow_factory: UowFactory) -> list[SpotCheck]:
    with uow_factory() as uow:
        return list(uow.session.exec(select(SpotCheck).order_by(SpotCheck.started_at)).all())


def test_a_paper_round_is_recorded_for_its_moments_and_its_messages_queued(
    uow_factory: UowFactory, people: dict[str, Person]
) -> None:
    org, bureau = people["org_dept"].phone, people["poverty_bureau"].phone
    cadre, cadre3 = people["cadre"].phone, people["cadre3"].phone
    result = run(
        uow_factory,
        HEADER
        + f"{org},{cadre},2026-12-02 10:30,absent\n"  # Wednesday: the 2nd by date
        + f"{bureau},{cadre},2026-11-29 10:00,absent\n"  # Sunday: does not count
        + f"{org},{cadre},2026/11/27 15:05,不在岗\n"  # Friday: the 1st
        + f"{bureau},{cadre3},2026-12-01 09:10,present\n",
    )
    assert result.summary.splitlines() == [
        "imported 4 spot checks (4 new, 0 updated); 1 on non-working days do not count",
        "line 4: 张三 (东店子村) 2026-11-27 15:05 unexcused, no. 1 in 2026: criticism",
        "line 3: 张三 (东店子村) 2026-11-29 10:00 not_counted (not a working day)",
        "line 5: 王五 (广东坪村) 2026-12-01 09:10 present",
        "line 2: 张三 (东店子村) 2026-12-02 10:30 unexcused, no. 2 in 2026: district_notice",
    ]
    checks = stored(uow_factory)
    assert [(c.started_at, c.result, c.method) for c in checks] == [
        (datetime(2026, 11, 27, 15, 5, tzinfo=ZONE), "unexcused", "in_person"),
        (datetime(2026, 11, 29, 10, 0, tzinfo=ZONE), "not_counted", "in_person"),
        (datetime(2026, 12, 1, 9, 10, tzinfo=ZONE), "present", "in_person"),
        (datetime(2026, 12, 2, 10, 30, tzinfo=ZONE), "unexcused", "in_person"),
    ]
    assert {c.recorded_at for c in checks} == {NOW}
    with uow_factory() as uow:
        queued = {(r.recipient_id, r.payload["key"]) for r in uow.session.exec(select(Reminder))}
    assert (people["org_dept"].id, "spotcheck.told_criticism") in queued
    assert (people["cadre"].id, "spotcheck.you_criticism") in queued
    assert (people["township_secretary"].id, "spotcheck.told_district_notice") in queued
    assert (people["poverty_bureau"].id, "spotcheck.found_not_counted") in queued
    assert (people["poverty_bureau"].id, "spotcheck.found_present") in queued
    # the chat then counts on from the imported checks: the third locks the grade
    with uow_factory() as uow:
        third = spot_checks.record_in_person(
            uow, uow.people.get(people["org_dept"].id), people["cadre"].id, found=False, now=NOW
        )
        uow.commit()
    assert third.unexcused_this_year == 3


def test_a_file_with_any_bad_row_records_nothing_and_lists_every_bad_row(
    uow_factory: UowFactory, people: dict[str, Person]
) -> None:
    org, cadre = people["org_dept"].phone, people["cadre"].phone
    secretary = people["township_secretary"].phone
    with uow_factory() as uow:  # already recorded in the chat
        spot_checks.record_in_person(
            uow,
            uow.people.get(people["org_dept"].id),
            people["cadre"].id,
            found=True,
            now=NOW,
            visited_at=datetime(2026, 12, 1, 11, 0, 30, tzinfo=ZONE),
        )
        uow.commit()
    with pytest.raises(ImportRejected) as refused:
        run(
            uow_factory,
            HEADER
            + f"{org},{cadre},2026-11-27 15:00,absent\n"  # 2: good
            + f"13900009999,{cadre},2026-11-27 16:00,absent\n"  # 3
            + f"{secretary},{cadre},2026-11-27 17:00,absent\n"  # 4
            + f"{org},{secretary},2026-11-27 17:00,absent\n"  # 5
            + f"{org},{cadre},2025-06-02 10:00,absent\n"  # 6: not posted yet
            + f"{org},{cadre},2026-13-01 10:00,absent\n"  # 7
            + f"{org},{cadre},2026-11-27 10:00,maybe\n"  # 8
            + f"{org},{cadre},2026-12-03 09:01,absent\n"  # 9: a minute ahead
            + f"{org},{cadre},2026-11-27 15:00,present\n"  # 10: as line 2
            + f"{org},{cadre},2026-12-01 11:00,absent\n"  # 11: as the chat's
            + f"{org},{cadre},2024-05-06 10:00,absent\n"  # 12: two years back
            + f"{org},{cadre},yesterday,absent\n"  # 13
            + f"{org},not a phone,2026-11-27 10:00,absent\n",  # 14
        )
    assert refused.value.lines() == [
        "line 3: unknown inspector_phone +8613900009999",
        f"line 4: {secretary} (孙书记) is a township_secretary: spot checks are made by org_dept "
        "or poverty_bureau",
        f"line 5: {secretary} (孙书记) is a township_secretary, not a cadre",
        f"line 6: {cadre} (张三) was not posted on 2025-06-02",
        "line 7: bad time '2026-13-01 10:00' (no such day or time)",
        "line 8: bad found 'maybe' (present or absent)",
        "line 9: 2026-12-03 09:01 is in the future",
        f"line 10: {cadre} at 2026-11-27 15:00 already listed on line 2",
        "line 11: 张三 already has a check recorded at 2026-12-01 11:00",
        "line 12: 2024-05-06 10:00: only this year's or last year's visits",
        "line 13: bad time 'yesterday' (expected YYYY-MM-DD HH:MM)",
        "line 14: bad cadre_phone 'not a phone'",
    ]
    assert [c.result for c in stored(uow_factory)] == ["present"]  # only the chat's
    with uow_factory() as uow:
        assert uow.session.exec(select(Reminder)).all() == []


def test_three_absences_in_one_file_lock_the_grade(
    uow_factory: UowFactory, people: dict[str, Person]
) -> None:
    org, cadre = people["org_dept"].phone, people["cadre"].phone
    result = run(
        uow_factory,
        HEADER + "".join(f"{org},{cadre},2026-11-{day} 10:00,absent\n" for day in (23, 24, 25)),
    )
    assert result.summary.splitlines()[-1].endswith("no. 3 in 2026: notice_and_incompetent")
    with uow_factory() as uow:
        grade = uow.session.exec(select(AssessmentGrade)).one()
    assert (grade.cadre_id, grade.grade, grade.source) == (
        people["cadre"].id,
        "incompetent",
        "spot_check",
    )


# --- the command --------------------------------------------------------------------------

runner = CliRunner()


def test_the_command_prints_what_was_recorded_or_every_bad_row(
    tmp_path,
    monkeypatch,
) -> None:
    from bot.cli import _register_subcommands, app
    from services.sample_district import seed_sample_district
    from storage.engine import make_engine, session_factory

    url = f"sqlite:///{tmp_path}/cadrebot.db"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CADREBOT_DATABASE_URL", url)
    monkeypatch.setenv("CADREBOT_TIMEZONE", "Asia/Shanghai")
    tuesday = datetime(2026, 12, 8, 9, 0, tzinfo=ZONE)
    monkeypatch.setattr("bot.admin_cli.build_clock", lambda _settings: FixedClock(tuesday))
    _register_subcommands()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    engine = make_engine(url)
    try:
        with UnitOfWork(session_factory(engine)) as uow:
            seeded = seed_sample_district(uow, posted_from=datetime(2026, 1, 1).date())
            phones = {key: p.phone for key, p in seeded.items()}
            uow.commit()
    finally:
        engine.dispose()
    good = tmp_path / "checks.csv"
    good.write_text(
        HEADER + f"{phones['org_dept']},{phones['cadre']},2026-12-06 10:00,absent\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["spotcheck", "import", str(good)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "imported 1 spot check (1 new, 0 updated); 1 on non-working days do not count",
        "line 2: 张三 (东店子村) 2026-12-06 10:00 not_counted (not a working day)",
    ]
    bad = tmp_path / "bad.csv"
    bad.write_text(
        HEADER + f"{phones['org_dept']},{phones['cadre']},2026-12-06 10:00,absent\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["spotcheck", "import", str(bad)])
    assert result.exit_code == 1
    assert "line 2: 张三 already has a check recorded at 2026-12-06 10:00" in result.stderr
    assert "bad.csv refused, nothing imported (1 problem)" in result.stderr
