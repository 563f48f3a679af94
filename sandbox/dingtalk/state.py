"""The emulator's world: members, what each was sent, stored files and session webhooks.

Both sides change it: the HTTP handlers (the bot sending) and
:class:`~sandbox.dingtalk.users.DingTalkUser` (a person sending). One plain object per
emulator keeps several emulators in one process independent, and keeps each person's
transcript, revision counter and wake-up signal consistent with each other.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from sandbox.dingtalk.cards import CardView
from sandbox.dingtalk.markdown import plain
from sandbox.state import Signal

#: Named as the Telegram emulator names what a person receives (a photo, a document).
Kind = Literal["text", "markdown", "card", "photo", "document"]
Via = Literal["session", "otm", "card"]


@dataclass
class Member:
    """One person in the organisation's directory."""

    staff_id: str
    name: str
    mobile: str
    in_directory: bool = True
    blocked: bool = False

    @property
    def reachable(self) -> bool:
        """False once the person left (remove_member) or blocked the robot."""
        return self.in_directory and not self.blocked


@dataclass
class Received:
    """One message the bot sent a person, as their client shows it (edits applied)."""

    message_id: int
    kind: Kind
    text: str
    via: Via
    markdown: str | None = None
    buttons: list[dict[str, str]] = field(default_factory=list)
    rows: list[list[dict[str, str]]] = field(default_factory=list)
    document: bytes | None = None
    filename: str | None = None
    photo: bytes | None = None
    edited: bool = False
    card_biz_id: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)
    date: int = 0
    edit_date: int | None = None

    @property
    def html(self) -> str:
        """Always empty (DingTalk has no HTML): kept so ``"<b>x</b>" in received.html or
        "x" in received.text`` reads as for Telegram."""
        return ""

    @property
    def button_texts(self) -> list[str]:
        return [button["text"] for button in self.buttons]

    def show_card(self, view: CardView) -> None:
        """Set the text and buttons from a card (on send, and again on each update)."""
        self.markdown = view.markdown
        self.text = plain(f"{view.title}\n{view.markdown}" if view.title else view.markdown)
        self.rows = view.rows
        self.buttons = view.buttons


@dataclass
class Entry:
    """One line of a person's chat, either direction; ``rev`` moves on every change."""

    rev: int
    direction: Literal["in", "out"]
    message_id: int
    date: int
    received: Received | None = None
    sent: dict[str, Any] | None = None
    file_code: str | None = None


@dataclass
class StoredFile:
    """Bytes the emulator can serve: a person's upload (download code) or the bot's media."""

    code: str
    data: bytes
    filename: str
    mime_type: str
    media_id: str | None = None


@dataclass
class Session:
    """A session webhook: who it answers and until when (ms since epoch)."""

    staff_id: str
    expires_ms: int
    revoked: bool = False


class Chat:
    """A person's conversation with the robot: transcript, message ids and activity."""

    def __init__(self, state: DingTalkState, staff_id: str) -> None:
        self._state = state
        self.staff_id = staff_id
        self.transcript: list[Entry] = []
        self.inbox: list[Received] = []
        self.callback_answers: list[Any] = []
        self._ids = itertools.count(1)
        self.last_bot_activity = 0.0

    def next_message_id(self) -> int:
        return next(self._ids)

    def add_incoming(self, sent: dict[str, Any], file_code: str | None = None) -> Entry:
        entry = Entry(
            self._state.next_rev(),
            "in",
            self.next_message_id(),
            self._state.now_s(),
            sent=sent,
            file_code=file_code,
        )
        self.transcript.append(entry)
        return entry

    def deliver(self, received: Received, file_code: str | None = None) -> Received:
        """Append a bot message to the inbox and wake whoever waits for it."""
        received.date = self._state.now_s()
        self.inbox.append(received)
        self.transcript.append(
            Entry(
                self._state.next_rev(),
                "out",
                received.message_id,
                received.date,
                received=received,
                file_code=file_code,
            )
        )
        self.touched()
        return received

    def edited(self, received: Received) -> None:
        """Mark ``received`` changed (a card update) for the demo's revision polling."""
        received.edited = True
        received.edit_date = self._state.now_s()
        for entry in self.transcript:
            if entry.received is received:
                entry.rev = self._state.next_rev()
        self.touched()

    def touched(self) -> None:
        self.last_bot_activity = time.monotonic()
        self._state.messages_signal.notify()


class DingTalkState:
    """Everything the emulator remembers, keyed the way the wire protocol looks it up."""

    def __init__(self, clock: Callable[[], float] | None) -> None:
        self.clock = clock or time.time
        self.members: dict[str, Member] = {}
        self.chats: dict[str, Chat] = {}
        self.files: dict[str, StoredFile] = {}
        self.media: dict[str, StoredFile] = {}
        self.sessions: dict[str, Session] = {}
        self.cards: dict[str, list[tuple[str, Received]]] = {}
        self.messages_signal = Signal()
        self._rev = itertools.count(1)
        self._codes = itertools.count(1)

    def now_ms(self) -> int:
        return int(self.clock() * 1000)

    def now_s(self) -> int:
        return int(self.clock())

    def next_rev(self) -> int:
        return next(self._rev)

    def new_code(self, prefix: str) -> str:
        return f"{prefix}{next(self._codes):06d}"

    def chat(self, staff_id: str) -> Chat:
        chat = self.chats.get(staff_id)
        if chat is None:
            chat = self.chats[staff_id] = Chat(self, staff_id)
        return chat

    def store_file(self, data: bytes, filename: str, mime_type: str) -> StoredFile:
        stored = StoredFile(self.new_code("dc"), data, filename, mime_type)
        self.files[stored.code] = stored
        return stored

    def store_media(self, data: bytes, filename: str, mime_type: str) -> StoredFile:
        stored = self.store_file(data, filename, mime_type)
        stored.media_id = "@lAD" + stored.code
        self.media[stored.media_id] = stored
        return stored
