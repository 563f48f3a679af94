"""The clock is injected so tests and ``--as-of`` runs can pick any moment."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    zone: ZoneInfo

    def now(self) -> datetime: ...

    def today(self) -> date: ...


class SystemClock:
    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone

    def now(self) -> datetime:
        return datetime.now(self.zone)

    def today(self) -> date:
        return self.now().date()


class FixedClock:
    """A clock that stays where it is put (tests, the demo's clock control, --as-of)."""

    def __init__(self, moment: datetime, zone: ZoneInfo | None = None) -> None:
        self.zone = zone or (
            moment.tzinfo if isinstance(moment.tzinfo, ZoneInfo) else ZoneInfo("Asia/Shanghai")
        )
        self.moment = moment if moment.tzinfo else moment.replace(tzinfo=self.zone)

    def now(self) -> datetime:
        return self.moment

    def today(self) -> date:
        return self.moment.date()

    def set(self, moment: datetime) -> None:
        self.moment = moment if moment.tzinfo else moment.replace(tzinfo=self.zone)

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)
