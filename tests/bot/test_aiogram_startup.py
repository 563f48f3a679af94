"""Start-up on aiogram: ``bot.runtime.aiogram_models`` leaves aiogram's ~400 pydantic
models to build on first use (aiogram builds them all at import: 1.7 s of a 3.3 s
start-up). These check the import structure in a fresh interpreter, not timings (those
are bench/e2e.py's): what is built after importing the runtime, that a model built late
validates and serialises exactly as one built at import, and that start-up does not pull
in the reports' heavy libraries."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

#: One update as the Bot API sends it, with types the runtime never builds up front
#: (a sticker in the reply, an inline keyboard), and one method call.
PROBE = r"""
import json, sys
if sys.argv[1] == "lazy":
    import bot.app
    import bot.runtime.aiogram_runtime
import aiogram.types as T
from aiogram import methods
built = {n: getattr(T, n).__pydantic_complete__ for n in ("Update", "Message", "Sticker",
         "InlineKeyboardMarkup", "PassportData", "Invoice")}
update = T.Update.model_validate({
    "update_id": 5, "message": {
        "message_id": 9, "date": 1764547200, "chat": {"id": 42, "type": "private"},
        "from": {"id": 42, "is_bot": False, "first_name": "干部", "language_code": "zh"},
        "location": {"latitude": 30.0009, "longitude": 100.0},
        "reply_to_message": {"message_id": 8, "date": 1764547100,
            "chat": {"id": 42, "type": "private"},
            "sticker": {"file_id": "s", "file_unique_id": "u", "type": "regular",
                        "width": 1, "height": 1, "is_animated": False, "is_video": False}},
        "reply_markup": {"inline_keyboard": [[{"text": "同意", "callback_data": "a:1"}]]}}})
markup = T.InlineKeyboardMarkup.model_validate(
    {"inline_keyboard": [[{"text": "驳回", "callback_data": "r:1"}]]})
call = methods.SendMessage(chat_id=42, text="<b>x</b>", reply_markup=markup)
print(json.dumps({
    "built": built,
    "update": update.model_dump(mode="json", exclude_none=True),
    "call": repr(call),
    "modules": sorted(m for m in ("matplotlib", "openpyxl", "PIL") if m in sys.modules),
}))
"""


def probe(mode: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, mode], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


@pytest.fixture(scope="module")
def lazy() -> dict:
    return probe("lazy")


def test_importing_the_runtime_builds_only_the_models_every_update_needs(lazy: dict) -> None:
    built = lazy["built"]
    assert built["Update"] and built["Message"]
    # Types nobody sent or received (passport data, invoices) were never built.
    assert not built["PassportData"] and not built["Invoice"]


def test_models_built_on_first_use_read_and_write_as_built_at_import(lazy: dict) -> None:
    eager = probe("eager")
    assert all(eager["built"].values())  # plain aiogram: everything built at import
    assert lazy["update"] == eager["update"]
    assert lazy["call"] == eager["call"]
    assert lazy["update"]["message"]["reply_to_message"]["sticker"]["file_id"] == "s"


def test_start_up_does_not_import_the_reports_libraries(lazy: dict) -> None:
    assert lazy["modules"] == []
