"""An update fetched by getUpdates is read from the framework's models once: ``read``
hands back that ``Incoming`` instead of parsing the stored payload again; a payload that
was not fetched (a webhook post) or could not be read when fetched is parsed."""

from __future__ import annotations

from typing import Any

import pytest

from bot.handlers.events import Incoming
from bot.runtime.base import InboxRuntime


class Counting(InboxRuntime):
    def __init__(self) -> None:  # no framework: only the read path is under test
        self._fetched = {}
        self.parsed: list[int] = []

    def parse(self, payload: dict[str, Any]) -> Incoming | None:
        self.parsed.append(payload["update_id"])
        if payload.get("broken"):
            raise ValueError("not an update")
        return Incoming(update_id=payload["update_id"], user_id=1, chat_id=1)


def test_a_fetched_update_is_not_parsed_again() -> None:
    runtime = Counting()
    fetched = Incoming(update_id=7, user_id=1, chat_id=1, text="from the models")
    runtime.remember(7, lambda: fetched)
    assert runtime.read({"update_id": 7}) is fetched
    assert runtime.parsed == []
    # Read once: a second read (a retry after a failure) parses the stored payload.
    assert runtime.read({"update_id": 7}).text is None
    assert runtime.parsed == [7]


def test_an_update_unreadable_when_fetched_fails_when_parsed() -> None:
    runtime = Counting()

    def unreadable() -> Incoming:
        raise KeyError("chat")

    runtime.remember(8, unreadable)
    with pytest.raises(ValueError):
        runtime.read({"update_id": 8, "broken": True})
    assert runtime.parsed == [8]
