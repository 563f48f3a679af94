"""``cadrebot remind`` and ``cadrebot scheduler`` through the real command line."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from bot.cli import _register_subcommands, app
from sandbox import BotApiEmulator
from services.clock import FixedClock
from services.sample_district import seed_sample_district
from storage.engine import make_engine, session_factory
from storage.migrations import upgrade
from storage.tables import Person
from storage.unit_of_work import UnitOfWork
from tests.scheduler.conftest import outbox

_register_subcommands()
runner = CliRunner()
TOKEN = "123456:CLI-TEST-TOKEN"


@pytest.fixture
def cli_db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path}/cli.db"
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("CADREBOT_DATABASE_URL", url)
    monkeypatch.delenv("CADREBOT_TOKEN", raising=False)
    engine = make_engine(url)
    upgrade(engine)
    sessions = session_factory(engine)

    def uow_factory() -> UnitOfWork:
        return UnitOfWork(sessions)

    with uow_factory() as uow:
        seed_sample_district(uow, posted_from=date(2026, 11, 1))
        uow.commit()
    yield uow_factory
    engine.dispose()


def test_dry_run_shows_who_would_get_what_and_stores_nothing(cli_db) -> None:
    result = runner.invoke(app, ["remind", "--as-of", "2026-11-30", "--dry-run"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    nudges = [line.split("\t") for line in lines if "\tcheckin_nudge\t" in line]
    assert [(n[1], n[2]) for n in nudges] == [
        ("张三", "+86139****0001"),
        ("李四", "+86139****0002"),
        ("王五", "+86139****0003"),
    ]
    assert "东店子村" in nudges[0][4]
    assert any("孙书记" in line and "\tweekly_township\t" in line for line in lines)
    assert lines[-1].startswith("dry run: ")
    assert "+8613900000001" not in result.output  # phones are masked
    assert outbox(cli_db) == []


def test_remind_refuses_without_a_token_and_a_bad_date(cli_db) -> None:
    result = runner.invoke(app, ["remind", "--as-of", "2026-11-30"])
    assert result.exit_code == 2 and "CADREBOT_TOKEN" in result.output
    assert outbox(cli_db) == []
    result = runner.invoke(app, ["remind", "--as-of", "30/11/2026", "--dry-run"])
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output
    assert runner.invoke(app, ["scheduler"]).exit_code == 2


SHANGHAI = ZoneInfo("Asia/Shanghai")


def clock_at(monkeypatch, moment: datetime) -> None:
    """The CLI's clock (its composition root's ``build_clock``) stands at ``moment``."""
    monkeypatch.setattr("bot.scheduler_cli.build_clock", lambda _settings: FixedClock(moment))


async def test_remind_sends_through_the_bot_api_once(cli_db, monkeypatch) -> None:
    # Run on the evening of the day it is run as of: the nudge is still worth sending.
    clock_at(monkeypatch, datetime(2026, 11, 30, 21, 0, tzinfo=SHANGHAI))
    async with BotApiEmulator(TOKEN) as emulator:
        with cli_db() as uow:
            wang = uow.session.get(Person, 3)
            wang.telegram_user_id = 777
            uow.commit()
        user = emulator.user(777, "王五")
        user.send_text("/start")  # a bot can only write to someone who wrote first
        monkeypatch.setenv("CADREBOT_TOKEN", TOKEN)
        monkeypatch.setenv("CADREBOT_API_URL", emulator.base_url)

        def remind() -> str:
            result = runner.invoke(app, ["remind", "--as-of", "2026-11-30"])
            assert result.exit_code == 0, result.output
            return result.output

        output = await asyncio.to_thread(remind)
        # 王五's nudge and weekly standing; the others (and the admin asked for 2027's
        # calendar, the unit leaders told no cadre's insurance is recorded) never bound
        # their Telegram accounts.
        assert "sent 2;" in output and "'unbound': 23" in output
        nudge = await user.next_message()
        assert "广东坪村" in nudge.text
        assert "sent 0;" in await asyncio.to_thread(remind)
        await user.wait_until_quiet(0.3)
        assert len(user.inbox) == 2  # the nudge and the weekly standing, once each


async def test_remind_as_of_a_past_day_never_sends_that_days_nudge(cli_db, monkeypatch) -> None:
    """``--as-of`` picks the day the sweeps plan for; the send is judged by the clock. Run
    three days late, the evening nudge of 30 November ("check in today") has expired and
    is closed, while the week's standing is still worth sending."""
    clock_at(monkeypatch, datetime(2026, 12, 3, 10, 0, tzinfo=SHANGHAI))
    async with BotApiEmulator(TOKEN) as emulator:
        with cli_db() as uow:
            uow.session.get(Person, 3).telegram_user_id = 777
            uow.commit()
        user = emulator.user(777, "王五")
        user.send_text("/start")
        monkeypatch.setenv("CADREBOT_TOKEN", TOKEN)
        monkeypatch.setenv("CADREBOT_API_URL", emulator.base_url)
        result = await asyncio.to_thread(runner.invoke, app, ["remind", "--as-of", "2026-11-30"])
        assert result.exit_code == 0, result.output
        assert "sent 1;" in result.output and "'expired':" in result.output
        standing = await user.next_message()
        await user.wait_until_quiet(0.3)
        assert len(user.inbox) == 1
        assert "广东坪村" not in standing.text  # the nudge names the village; it was not sent
    kinds = {row.kind: row.failed for row in outbox(cli_db) if row.recipient_id == 3}
    assert kinds["checkin_nudge"] == "expired" and kinds["weekly_standing"] is None
