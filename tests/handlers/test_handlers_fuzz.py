"""Property-based fuzzing of every handler: arbitrary text, unicode, oversized input,
random and forged callback data, impossible coordinates, events from unbound or
wrong-role accounts. No exception escapes; every reply is one Telegram would accept;
nobody changes what their role does not allow; unbound people change nothing."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlmodel import SQLModel

from bot.handlers.callbacks import (
    ClaimVote,
    DiarySign,
    Done,
    LeaveComment,
    LeaveDelegate,
    LeaveVote,
    LeaveWithdraw,
    PickDate,
    PickMonth,
)
from bot.handlers.conversation import COMMANDS, Conversations
from bot.handlers.events import Contact, Incoming, Location, Press, Response
from sandbox.validation import message_text, reply_markup
from tests.handlers.conftest import BOUND

FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
UNBOUND = [1, 42, 999_999_999]
NON_CADRES = [v for k, v in BOUND.items() if not k.startswith("cadre")]

texts = st.one_of(
    st.text(max_size=60),
    st.text(min_size=4000, max_size=5000),
    st.sampled_from(["<b>", "</i>", "&", "&amp;", "<script>alert(1)</script>", "\x00", "​"]),
)
commands = st.builds(
    lambda name, args: f"/{name} {args}",
    st.sampled_from([*COMMANDS, "nosuch", "start@cadrebot_bot"]),
    st.one_of(
        texts,
        st.builds(
            lambda a, b, r: f"{a} {b} {r}",
            st.dates().map(str) | st.text(max_size=12),
            st.dates().map(str) | st.text(max_size=12),
            texts,
        ),
    ),
)
ints = st.integers(min_value=-(2**40), max_value=2**40)
packed = st.one_of(
    st.builds(LeaveVote, ints, st.booleans()),
    st.builds(LeaveComment, ints),
    st.builds(LeaveDelegate, ints, ints),
    st.builds(LeaveWithdraw, ints),
    st.builds(ClaimVote, ints, st.booleans()),
    st.builds(
        DiarySign,
        ints,
        st.sampled_from(["week", "month", "year"]),
        st.sampled_from(["2026-W49", "2026-11", "x"]),
    ),
    st.builds(PickDate, st.dates()),
    st.builds(PickMonth, st.dates()),
    st.builds(Done, st.sampled_from(["diary", "workrecord", "zzz"])),
).map(lambda c: c.pack())
callback_data = st.one_of(packed, st.text(max_size=70))
floats = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True), st.floats(min_value=33.0, max_value=34.5)
)


@st.composite
def events(draw: st.DrawFn, users: list[int]) -> Incoming:
    user = draw(st.sampled_from(users))
    kind = draw(
        st.sampled_from(["text", "command", "press", "location", "contact", "photo", "other"])
    )
    base = dict(
        update_id=draw(st.integers(1, 10**9)),
        user_id=user,
        chat_id=user,
        message_id=draw(st.integers(1, 10**6)),
        language_code=draw(st.sampled_from([None, "zh", "en", "ru"])),
    )
    if kind == "text":
        return Incoming(**base, text=draw(texts))
    if kind == "command":
        return Incoming(**base, text=draw(commands))
    if kind == "press":
        return Incoming(**base, press=Press(str(draw(ints)), draw(callback_data)))
    if kind == "location":
        return Incoming(
            **base,
            location=Location(draw(floats), draw(floats), draw(st.none() | st.integers(0, 86400))),
            forwarded=draw(st.booleans()),
            edited=draw(st.booleans()),
        )
    if kind == "contact":
        return Incoming(
            **base,
            contact=Contact(
                draw(st.text(max_size=20)), draw(st.none() | st.sampled_from([user, 7]))
            ),
        )
    if kind == "photo":
        return Incoming(
            **base,
            photo_file_id=draw(st.text(min_size=1, max_size=30)),
            text=draw(st.none() | texts),
        )
    return Incoming(**base, other="sticker")


def row_counts(conversations: Conversations) -> dict[str, int]:
    with conversations.uow_factory() as uow:
        return {
            name: uow.session.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in SQLModel.metadata.tables.items()
        }


def assert_telegram_would_accept(response: Response) -> None:
    for message in response.messages:
        formatted = message_text(message.text, "HTML")  # raises like Telegram's 400
        assert 1 <= len(formatted.text) <= 4096
        for row in message.buttons or []:
            for button in row:
                assert 1 <= len(button.data.encode()) <= 64 and button.text.strip()
        reply_markup(None)
    if response.answer is not None:
        assert len(response.answer) <= 200


@FUZZ
@given(event=events(list(BOUND.values()) + UNBOUND))
def test_no_exception_escapes_and_every_reply_is_valid(conversations, event) -> None:
    response = conversations.handle(event)
    assert_telegram_would_accept(response)
    if event.press is None and not event.edited:
        # every message gets an answer; edits of a live location are kept silently
        assert response.messages, "every message gets an answer"


@FUZZ
@given(event=events(UNBOUND))
def test_unbound_accounts_change_nothing(conversations, event) -> None:
    if event.contact is not None:
        return  # sharing a contact is how binding works; tested end to end
    before = row_counts(conversations)
    response = conversations.handle(event)
    assert row_counts(conversations) == before
    if event.press is None:
        assert any("手机号" in m.text or "phone" in m.text for m in response.messages)


@FUZZ
@given(event=events(NON_CADRES))
def test_non_cadres_never_create_cadre_records(conversations, event) -> None:
    before = row_counts(conversations)
    conversations.handle(event)
    after = row_counts(conversations)
    for table in ("checkin", "diaryentry", "leaverequest", "misseddayclaim", "workrecord"):
        assert after[table] == before[table], table


def test_coordinates_that_are_not_numbers_are_refused(conversations) -> None:
    cadre = BOUND["cadre"]
    before = row_counts(conversations)
    response = conversations.handle(
        Incoming(
            update_id=1,
            user_id=cadre,
            chat_id=cadre,
            message_id=1,
            location=Location(math.nan, 109.9),
        )
    )
    assert "坐标无效" in response.messages[0].text
    assert row_counts(conversations) == before
