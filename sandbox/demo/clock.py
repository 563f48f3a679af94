"""The demo's clock: the real wall clock, moved to another day on request.

The page's clock control lets a visitor jump to, say, the last workday of the month to see
reminders. The bot must then agree on what "today" is (a check-in or a leave picked after
the jump belongs to that day), so the runtime and the sweeps share this one clock. Only the
day moves: time keeps running, so messages still get sensible times.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo


class ShiftableClock:
    """A ``services.clock.Clock`` that runs like the system clock, shifted by whole days."""

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone
        self._shift = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(self.zone) + self._shift

    def today(self) -> date:
        return self.now().date()

    def move_to(self, day: date) -> None:
        """From now on, ``today()`` is ``day`` (and tomorrow comes at midnight as usual)."""
        real_today = datetime.now(self.zone).date()
        self._shift = timedelta(days=(day - real_today).days)

    def reset(self) -> None:
        """Follow the wall clock again."""
        self._shift = timedelta(0)

    @property
    def shifted(self) -> bool:
        """Whether the clock shows another day than the wall clock."""
        return self._shift != timedelta(0)
