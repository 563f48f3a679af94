"""An inline month calendar: tap a day; ‹ › turn the month. Days before ``earliest`` (and
after ``latest``, if given) are shown but not tappable, so a leave in the past, or a
township's correction of a day not over yet, cannot be picked."""

from __future__ import annotations

import calendar
from datetime import date

from bot.handlers.callbacks import Noop, PickDate, PickMonth
from bot.handlers.context import Context
from bot.handlers.events import Button


def _shift(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_keyboard(
    ctx: Context, first: date, earliest: date, latest: date | None = None
) -> list[list[Button]]:
    first = first.replace(day=1)
    later = _shift(first, 1)
    noop = Noop().pack()
    rows = [
        [
            Button("‹", PickMonth(_shift(first, -1)).pack())
            if _shift(first, -1) >= earliest.replace(day=1)
            else Button("·", noop),
            Button(ctx.t("picker.month", year=first.year, month=first.month), noop),
            Button("›", PickMonth(later).pack())
            if latest is None or later <= latest
            else Button("·", noop),
        ],
        [Button(d, noop) for d in ctx.t("picker.weekdays").split()],
    ]
    for week in calendar.Calendar().monthdatescalendar(first.year, first.month):
        row = []
        for day in week:
            if day.month != first.month or day < earliest or (latest and day > latest):
                row.append(Button("·", noop))
            else:
                row.append(Button(str(day.day), PickDate(day).pack()))
        rows.append(row)
    return rows
