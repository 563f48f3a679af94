"""The cadre's keyboard: every label in either language stands for its command, nothing
else does, and a reply carrying it keeps it persistent through the reply outbox."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.handlers.conversation import COMMANDS
from bot.handlers.events import Outgoing
from bot.handlers.keyboard import KEYS, cadre_keyboard, keyboard_command
from bot.i18n import LANGUAGES, Catalog
from bot.runtime.markup import reply_markup
from bot.runtime.replies import from_row, to_row

CATALOG = Catalog("zh")
LABELS = {CATALOG.text(lang, key) for lang in LANGUAGES for row in KEYS for key, _ in row}


def test_each_label_in_each_language_is_its_command() -> None:
    for lang in LANGUAGES:
        for row in KEYS:
            for key, command in row:
                assert command in COMMANDS
                assert keyboard_command(CATALOG, CATALOG.text(lang, key)) == command
                assert keyboard_command(CATALOG, f" {CATALOG.text(lang, key)}\n") == command


@given(st.text(max_size=12))
def test_no_other_text_is_a_button(text: str) -> None:
    if text.strip() not in LABELS:
        assert keyboard_command(CATALOG, text) is None


def test_only_the_checkin_button_asks_for_the_location() -> None:
    for lang in LANGUAGES:
        rows = cadre_keyboard(CATALOG, lang)
        asking = [b.text for row in rows for b in row if b.request_location]
        assert asking == [CATALOG.text(lang, "keyboard.checkin")]


def test_a_persistent_keyboard_survives_the_reply_outbox() -> None:
    message = Outgoing(1, "x", keyboard=cadre_keyboard(CATALOG, "zh"), persistent_keyboard=True)
    payload, blob = to_row(message)
    again = from_row(1, payload, blob)
    assert again == message
    markup = reply_markup(again)
    assert markup["is_persistent"] is True and "one_time_keyboard" not in markup
    one_time = Outgoing(1, "x", keyboard=cadre_keyboard(CATALOG, "zh"))
    assert reply_markup(from_row(1, *to_row(one_time)))["one_time_keyboard"] is True
