"""Each kind of reminder payload, in the JSON the sweeps stored before
``scheduler.payload`` existed, reads into a ``Payload`` and writes back byte for byte
(rows already in an outbox render as before, and new rows are stored as old ones were)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from scheduler.payload import ActionRef, Card, Lines, OpenStep, Part, Payload
from scheduler.render import render_text

KINDS: dict[str, dict[str, Any]] = {
    "checkin_nudge": {
        "key": "reminder.checkin_nudge",
        "params": {"village": "东村", "day": "2026-11-30"},
    },
    "leave_pending": {
        "key": "reminder.leave_pending",
        "params": {"id": 7, "name": "张三", "start": "2026-12-01", "opinions": []},
        "actions": [{"verb": "leave:yes", "ref": 12}, {"verb": "leave:no", "ref": 12}],
        "open_step": {"id": 12, "holder": True},
        "card": {"request": 7, "step": 12},
    },
    "leave_overdue": {
        "key": "reminder.leave_overdue",
        "params": {"id": 7, "hours": 80},
        "open_step": {"id": 12, "holder": False},
    },
    "weekly_standing": {
        "key": "reminder.weekly_standing",
        "params": {"onsite": 3, "diaries": 1},
        "parts": [
            {"key": "reminder.behind_diary", "params": {"done": 1, "expected": 4}},
            {"key": "reminder.onsite_out_of_reach", "params": {"done": 3, "best": 9}},
        ],
    },
    "weekly_standing_on_pace": {
        "key": "reminder.weekly_standing",
        "params": {"onsite": 20, "diaries": 8},
        "parts": [],
    },
    "weekly_signoff": {
        "key": "reminder.weekly_signoff",
        "params": {"village": "东村", "entries": 4, "cadres": 2},
    },
    "weekly_township": {
        "key": "reminder.weekly_township",
        "params": {"township": "城关镇", "cadres": 41, "steps": 0},
        "lines": [
            {
                "param": "lines",
                "key": "reminder.township_line",
                "alert_key": "reminder.township_line_alert",
                "items": [{"name": "张三", "village": "东村", "alert": True}],
                "more": 1,
            }
        ],
    },
    "weekly_grid": {
        "key": "reminder.weekly_grid",
        "params": {"township": "城关镇", "week": "2026-W48", "page": 1, "pages": 1},
        "lines": [
            {
                "param": "lines",
                "key": "reminder.grid_line",
                "marks": "marks",
                "items": [{"name": "张三", "village": "东村", "marks": "PPAL-"}],
            }
        ],
        "actions": [
            {"verb": "attendance:grid_fix", "ref": "2026-W48"},
            {"verb": "attendance:week_confirm", "ref": "2026-W48"},
        ],
    },
    "attendance_review": {
        "key": "reminder.attendance_review",
        "params": {"township": "城关镇", "month": "2026-11", "cadres": 1},
        "lines": [
            {
                "param": "lines",
                "key": "reminder.review_line",
                "alert_key": "reminder.review_line_alert",
                "items": [{"name": "张三", "absent": 0, "alert": False}],
                "more": 0,
            }
        ],
        "actions": [
            {"verb": "attendance:review", "ref": "2026-11"},
            {"verb": "attendance:correct", "ref": "2026-11"},
        ],
    },
    "quarter_sheet": {
        "key": "reminder.quarter_sheet",
        "params": {"unit": "区水利局", "quarter": "2026-Q3", "cadres": 2},
        "document": {
            "sheet": "unit",
            "id": 3,
            "name": "区水利局",
            "first": "2026-07-01",
            "last": "2026-09-30",
            "label": "2026-Q3",
        },
    },
    "removal": {
        "key": "reminder.removal_monthly",
        "params": {"name": "张三", "absent": 11, "limit": 10, "through": "2026-11-30"},
    },
    "assessment": {
        "key": "reminder.assessment_year_district",
        "params": {"year": 2026, "deadline": "2027-01-15", "cadres": 40},
    },
    "calendar_due": {"key": "reminder.calendar_due", "params": {"year": 2027}},
    # the unit's duties (Art. 15, 19)
    "unit_meeting": {
        "key": "unit_duty.reminder_meeting",
        "params": {"unit": "区农业农村局", "months": "2026-10, 2026-11"},
    },
    "unit_insurance": {
        "key": "unit_duty.reminder_insurance",
        "params": {"name": "张三", "until": "2026-12-31"},
    },
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_kind_round_trips_byte_for_byte(kind: str) -> None:
    stored = KINDS[kind]
    again = Payload.from_json(json.loads(json.dumps(stored, ensure_ascii=False))).to_json()
    assert json.dumps(again, ensure_ascii=False) == json.dumps(stored, ensure_ascii=False)


def test_built_payloads_are_stored_as_the_sweeps_wrote_them() -> None:
    built = Payload(
        "reminder.leave_pending",
        KINDS["leave_pending"]["params"],
        actions=[ActionRef("leave:yes", 12), ActionRef("leave:no", 12)],
        open_step=OpenStep(12, holder=True),
        card=Card(7, 12),
    )
    assert json.dumps(built.to_json()) == json.dumps(KINDS["leave_pending"])
    grid = KINDS["weekly_grid"]
    assert (
        Payload(
            grid["key"],
            grid["params"],
            lines=[
                Lines("lines", "reminder.grid_line", marks="marks", items=grid["lines"][0]["items"])
            ],
            actions=[ActionRef(a["verb"], a["ref"]) for a in grid["actions"]],
        ).to_json()
        == grid
    )
    standing = KINDS["weekly_standing"]
    parts = [Part(p["key"], p["params"]) for p in standing["parts"]]
    assert Payload(standing["key"], standing["params"], parts=parts).to_json() == standing


def test_a_services_payload_renders_as_a_dict_or_a_payload() -> None:
    from bot.i18n import Catalog

    stored = KINDS["calendar_due"]
    assert render_text(Catalog(), "zh", stored) == render_text(
        Catalog(), "zh", Payload.from_json(stored)
    )
