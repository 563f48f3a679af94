"""What the loop is given: the framework's side of it (``UpdateSource``) and its knobs
(``InboxSettings``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from bot.handlers.events import Incoming

#: Updates kept read (``Incoming``) between storing and handling them, at most.
READ_AHEAD = 10_000


class UpdateSource(Protocol):
    """One framework's part of the loop: its Bot makes the HTTP call, its models parse."""

    async def fetch(self, offset: int | None, timeout: int) -> list[dict[str, Any]]:
        """getUpdates from ``offset`` (None: from the oldest unconfirmed), as raw dicts."""
        ...

    def read(self, payload: dict[str, Any]) -> Incoming | None:
        """The ``Incoming`` of a raw update; None for a kind the bot does not handle.
        Raises if the payload is not a valid update."""
        ...

    def is_fatal(self, exc: Exception) -> bool:
        """True for an error no retry can cure (a bad token): the loop stops on it."""
        ...


@dataclass(frozen=True)
class InboxSettings:
    workers: int = 8  # updates (so chats) handled at the same time
    in_flight: int = 64  # chats with an update handled or its replies being sent
    lease: timedelta = timedelta(seconds=30)  # a dead process's claims lapse after this
    poll_timeout: int = 10  # seconds a getUpdates long poll may hang
    idle_poll: float = 0.5  # how often idle workers look for updates other processes stored
    keep: timedelta = timedelta(days=2)  # handled updates kept to recognise a redelivery
    reply_rounds: int = 5  # rounds of Delivery's retries before a reply is given up
    reply_retry: timedelta = timedelta(seconds=10)  # wait between those rounds
    handling_retries: int = 3  # tries of an update whose transaction conflicted
