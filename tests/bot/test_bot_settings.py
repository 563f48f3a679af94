"""Settings: defaults, and one clear line naming a missing or malformed setting."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.settings import Framework, SettingsError, load_settings
from domain.attendance import ONSITE_DAYS_ONLY, AllowanceRule
from domain.township_attendance import AttendanceSource


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    names = ("TOKEN", "API_URL", "DATABASE_URL", "FRAMEWORK", "LANGUAGE", "TIMEZONE")
    for name in (*names, "ATTENDANCE_SOURCE", "DUTY_DAYS_EARN_ALLOWANCE"):
        monkeypatch.delenv(f"CADREBOT_{name}", raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_defaults() -> None:
    settings = load_settings()
    assert settings.database_url == "sqlite:///data/cadrebot.db"
    assert settings.api_url == "https://api.telegram.org"
    assert settings.framework is Framework.AIOGRAM
    assert settings.language.value == "zh" and settings.timezone == "Asia/Shanghai"
    assert settings.attendance_source is AttendanceSource.CHECKIN
    assert settings.allowance_rule == ONSITE_DAYS_ONLY  # duty days are not paid


def test_the_township_may_keep_attendance(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CADREBOT_ATTENDANCE_SOURCE", "township")
    assert load_settings().attendance_source is AttendanceSource.TOWNSHIP


def test_the_district_may_pay_duty_days(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CADREBOT_DUTY_DAYS_EARN_ALLOWANCE", "true")
    assert load_settings().allowance_rule == AllowanceRule(duty_days_earn=True)


def test_env_file_is_read(tmp_path) -> None:
    (tmp_path / ".env").write_text("CADREBOT_FRAMEWORK=ptb\nCADREBOT_LANGUAGE=en\n")
    settings = load_settings()
    assert settings.framework is Framework.PTB and settings.language.value == "en"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("FRAMEWORK", "telethon"),
        ("LANGUAGE", "fr"),
        ("TIMEZONE", "Mars/Olympus"),
        ("API_URL", "api.telegram.org"),
        ("DATABASE_URL", "mysql://x"),
        ("ATTENDANCE_SOURCE", "gps"),
        ("DUTY_DAYS_EARN_ALLOWANCE", "maybe"),
    ],
)
def test_a_malformed_setting_is_named(monkeypatch: pytest.MonkeyPatch, name, value) -> None:
    monkeypatch.setenv(f"CADREBOT_{name}", value)
    with pytest.raises(SettingsError, match=f"^CADREBOT_{name}: "):
        load_settings()


def test_plain_postgresql_urls_use_psycopg(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CADREBOT_DATABASE_URL", "postgresql://u:p@h/db")
    assert load_settings().database_url == "postgresql+psycopg://u:p@h/db"


@pytest.mark.parametrize(("token", "word"), [(None, "not set"), ("abc", "malformed")])
def test_run_without_a_usable_token_stops_with_one_line(tmp_path, token, word) -> None:
    env = {"PATH": "/usr/bin:/bin", "CADREBOT_DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    if token:
        env["CADREBOT_TOKEN"] = token
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    [line] = done.stderr.strip().splitlines()
    assert line.startswith(f"cadrebot: CADREBOT_TOKEN: {word}")
    assert "Traceback" not in done.stderr and (token or "x") not in done.stdout


def test_run_on_an_unmigrated_database_says_what_to_do(tmp_path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "CADREBOT_DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
        "CADREBOT_TOKEN": "123:SECRET-TOKEN-VALUE",
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    [line] = done.stderr.strip().splitlines()
    assert "cadrebot db upgrade" in line
    assert "SECRET-TOKEN-VALUE" not in done.stderr + done.stdout
