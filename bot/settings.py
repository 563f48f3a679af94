"""Settings from the environment (prefix ``CADREBOT_``) and an optional ``.env`` file."""

from __future__ import annotations

import re
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from domain.attendance import AllowanceRule
from domain.township_attendance import AttendanceSource


class Framework(StrEnum):
    AIOGRAM = "aiogram"
    PTB = "ptb"
    DINGTALK = "dingtalk"


class Language(StrEnum):
    ZH = "zh"
    EN = "en"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CADREBOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    token: SecretStr | None = None
    api_url: str = "https://api.telegram.org"
    database_url: str = "sqlite:///data/cadrebot.db"
    # DingTalk (CADREBOT_FRAMEWORK=dingtalk): the app's credentials from the developer
    # console and its robot; the two OpenAPI hosts (tests point both at the emulator).
    dingtalk_client_id: str | None = None
    dingtalk_client_secret: SecretStr | None = None
    dingtalk_robot_code: str | None = None
    dingtalk_api_url: str = "https://api.dingtalk.com"
    dingtalk_oapi_url: str = "https://oapi.dingtalk.com"
    # A Stream connection without any frame (DingTalk pings) this long is taken for dead.
    dingtalk_silence_seconds: float = Field(default=60.0, gt=0)
    framework: Framework = Framework.AIOGRAM
    language: Language = Language.ZH
    timezone: str = "Asia/Shanghai"
    # Chats whose updates one bot process handles at the same time (each chat in order).
    workers: int = Field(default=8, ge=1, le=256)
    # Telegram repeats it in a header on every webhook post; a post without it is refused.
    webhook_secret: SecretStr | None = None
    # Who keeps daily attendance: the cadres' check-ins (nudged each working evening) or
    # the township (a weekly grid to confirm; no nudges, 国办函〔2026〕12号).
    attendance_source: AttendanceSource = AttendanceSource.CHECKIN
    # Whether official duty days (training, meetings, duty the district or township called)
    # earn the 40 yuan of an on-site day in the sheets (Art. 21 pays days in the village).
    duty_days_earn_allowance: bool = False
    log_level: str = "INFO"  # DEBUG, INFO, WARNING or ERROR (tokens and phones are masked)
    # The scheduler's timetable, in ``timezone`` (checked by scheduler/timetable.py).
    scheduler_in_run: bool = True  # false when a separate `cadrebot scheduler` runs it
    schedule_daily_nudge: str = "20:00"  # working days only
    # Only where the runtime reads a messenger's attendance app (DingTalk's 考勤打卡): its
    # checks are swept daily at this time, and again just before the evening nudge.
    schedule_attendance_records: str = "21:30"
    schedule_removal_check: str = "07:30"
    schedule_weekly: str = "mon 09:00"
    schedule_monthly: str = "09:00"  # on the 1st; quarterly sheets too in Jan/Apr/Jul/Oct
    schedule_half_year: str = "06-15 09:00"
    schedule_year_end: str = "12-05 09:00"
    schedule_leave_check_minutes: int = 60
    schedule_dispatch_seconds: int = 30

    @field_validator("webhook_secret")
    @classmethod
    def _secret_token(cls, value: SecretStr | None) -> SecretStr | None:
        """Telegram accepts 1-256 characters A-Z, a-z, 0-9, _ and -."""
        if value is None or not value.get_secret_value():
            return None
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()):
            raise ValueError("1-256 characters: letters, digits, _ and -")
        return value

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ValueError("one of DEBUG, INFO, WARNING, ERROR")
        return level

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("api_url", "dingtalk_api_url", "dingtalk_oapi_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _sqlalchemy_url(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql")):
            raise ValueError("must be a sqlite:/// or postgresql+psycopg:// URL")
        if value.startswith("postgresql://"):
            value = "postgresql+psycopg://" + value.removeprefix("postgresql://")
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def allowance_rule(self) -> AllowanceRule:
        return AllowanceRule(duty_days_earn=self.duty_days_earn_allowance)

    def require_token(self) -> str:
        if self.token is None or not self.token.get_secret_value().strip():
            raise SettingsError("CADREBOT_TOKEN: not set (the bot's token from @BotFather)")
        token = self.token.get_secret_value().strip()
        bot_id, _, secret = token.partition(":")
        if not bot_id.isdigit() or not secret:
            raise SettingsError("CADREBOT_TOKEN: malformed (expected 123456:ABC...)")
        return token

    def require_secrets(self) -> list[str]:
        """The credentials of the configured messenger (each said by name when missing),
        for the log's redactor: the token on Telegram, the app secret on DingTalk."""
        if Framework(self.framework) is Framework.DINGTALK:
            return [self.require_dingtalk()[1]]
        return [self.require_token()]

    def require_dingtalk(self) -> tuple[str, str, str]:
        """The client id, secret and robot code, each said by name when missing."""
        secret = (
            self.dingtalk_client_secret.get_secret_value().strip()
            if (self.dingtalk_client_secret)
            else ""
        )
        for name, value in (
            ("CADREBOT_DINGTALK_CLIENT_ID", self.dingtalk_client_id),
            ("CADREBOT_DINGTALK_CLIENT_SECRET", secret),
            ("CADREBOT_DINGTALK_ROBOT_CODE", self.dingtalk_robot_code),
        ):
            if not value or not value.strip():
                raise SettingsError(
                    f"{name}: not set (the DingTalk app's credentials, developer console)"
                )
        assert self.dingtalk_client_id and self.dingtalk_robot_code
        return self.dingtalk_client_id.strip(), secret, self.dingtalk_robot_code.strip()


class SettingsError(Exception):
    """A setting is missing or malformed: one line naming it, shown instead of a traceback."""


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "CADREBOT_" + str(first["loc"][0]).upper() if first["loc"] else "CADREBOT_*"
        raise SettingsError(f"{name}: {first['msg']}") from None
