"""The SQL one update costs: most of the bot's CPU per update is SQLAlchemy around each
statement, so the check-in and the diary (the bulk of the traffic) are held to a budget,
counted with an event listener, and the dialog state they leave behind is checked to be
what the next update reads."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from itertools import count

import pytest
from sqlalchemy import event, func, select

from bot.handlers.conversation import Conversations
from bot.handlers.events import Incoming, Location, Response
from services.sample_district import VILLAGES
from storage.tables import AuditEntry, CheckIn, DialogState, DiaryEntry
from tests.handlers.conftest import BOUND

CADRE = BOUND["cadre2"]  # posted to 西关社区 (the sample's second village)
INSIDE = Location(VILLAGES[1][2], VILLAGES[1][3])
FAR = Location(VILLAGES[1][2] + 0.05, VILLAGES[1][3])
_update_ids = count(1)


@contextmanager
def statements(conversations: Conversations) -> Iterator[list[str]]:
    """Every statement sent to the database inside the block (commits not included)."""
    with conversations.uow_factory() as uow:
        engine = uow.session.get_bind()
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def send(conversations: Conversations, **what: object) -> Response:
    update_id = next(_update_ids)
    return conversations.handle(
        Incoming(
            update_id=update_id,
            user_id=CADRE,
            chat_id=CADRE,
            language_code="en",
            message_id=update_id,
            **what,
        )
    )


def stored_dialog(conversations: Conversations) -> tuple[str, str, dict] | None:
    with conversations.uow_factory() as uow:
        row = uow.session.get(DialogState, uow.people.by_telegram_id(CADRE).id)
        return (row.dialog, row.step, row.data) if row is not None else None


def rows(conversations: Conversations, table: type) -> int:
    with conversations.uow_factory() as uow:
        return uow.session.execute(select(func.count()).select_from(table)).scalar_one()


def test_checkin_and_diary_stay_within_their_statement_budget(conversations) -> None:
    with statements(conversations) as seen:
        first = send(conversations, location=INSIDE)
    # person+dialog, open spot check, posting+village, on-site days, INSERT, dialog upsert
    assert len(seen) <= 6, seen
    assert sum("SELECT DISTINCT checkin.day" in s for s in seen) == 1
    assert "On-site days this year: <b>1</b>" in first.messages[0].text
    assert stored_dialog(conversations) == ("workrecord", "note", {})

    with statements(conversations) as seen:
        again = send(conversations, location=INSIDE)
    assert len(seen) <= 5, seen  # the dialog is unchanged: not written again
    assert not any("dialogstate" in s and not s.startswith("SELECT") for s in seen), seen
    assert again.messages[0].text.startswith("Already checked in today")
    assert "On-site days this year: <b>1</b>" in again.messages[0].text

    diaries, audits = rows(conversations, DiaryEntry), rows(conversations, AuditEntry)
    with statements(conversations) as seen:
        saved = send(conversations, text="/diary 入户走访，了解种植情况。")
    # person+dialog, INSERT entry, INSERT audit, month's count, dialog upsert
    assert len(seen) <= 5, seen
    assert not any(s.startswith("DELETE") for s in seen), seen
    assert "This month: <b>1</b>/" in saved.messages[0].text
    assert rows(conversations, DiaryEntry) == diaries + 1
    assert rows(conversations, AuditEntry) == audits + 1
    dialog, step, data = stored_dialog(conversations)
    assert (dialog, step) == ("diary", "photos")

    added = send(conversations, photo_file_id="photo-1")
    assert added.messages[0].text.startswith("Photo added (1/")
    with conversations.uow_factory() as uow:
        assert uow.diaries.get(data["entry_id"]).photo_file_ids == ["photo-1"]


def test_off_site_checkin_ends_the_dialog_and_cancel_finds_nothing(conversations) -> None:
    send(conversations, text="/checkin")
    assert stored_dialog(conversations) == ("checkin", "location", {})
    checkins = rows(conversations, CheckIn)
    off = send(conversations, location=FAR)
    assert rows(conversations, CheckIn) == checkins + 1
    assert "Location recorded" in off.messages[0].text  # counted or not, it was kept
    assert stored_dialog(conversations) is None

    with statements(conversations) as seen:
        nothing = send(conversations, text="/cancel")
    assert nothing.messages[0].text == "Nothing in progress."
    assert len(seen) == 1, seen  # no DELETE for a dialog that is not there

    send(conversations, text="/checkin")
    assert send(conversations, text="/cancel").messages[0].text == "Cancelled."
    assert stored_dialog(conversations) is None


@pytest.mark.parametrize("command", ["/status", "/help"])
def test_commands_that_keep_the_dialog_leave_it_stored(conversations, command: str) -> None:
    send(conversations, text="/checkin")
    send(conversations, text=command)
    assert stored_dialog(conversations) == ("checkin", "location", {})
    send(conversations, text="/cancel")
