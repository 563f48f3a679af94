"""销假: a cadre back before an approved leave is over ends it early.

The day back is today or tomorrow (a cadre says so when they are back, or the evening
before, not a week ahead: a leave no longer wanted in full is asked again, not shortened
in advance). It must fall after the leave's first day (that day was taken; a leave not
started yet is not ended early) and no later than its last (the day after the last is
simply the leave ending). The leave then ends the day before: the days from the day back
on are released and count as ordinary days again.
"""

from __future__ import annotations

from datetime import date, timedelta

from domain.leave import DateSpan

#: The day back may be up to this many days after today: today (0) or tomorrow (1).
BACK_WITHIN_DAYS = 1


def back_days(start: date, end: date, today: date) -> list[date]:
    """The days a cadre on the leave ``start``..``end`` may be back on, as of ``today``;
    empty when it cannot be ended early now."""
    days = (today + timedelta(days=n) for n in range(BACK_WITHIN_DAYS + 1))
    return [d for d in days if start < d <= end]


def ended(start: date, back_on: date) -> DateSpan:
    """The leave as it stands after 销假 with the cadre back on ``back_on``."""
    return DateSpan(start, back_on - timedelta(days=1))
