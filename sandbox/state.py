"""The emulator's world: private chats, their messages, the update queue and stored files.

Both sides mutate the same state object: Bot API method handlers (the bot talking) and
:class:`~sandbox.users.SimulatedUser` (a person talking). Keeping it in one plain object per
emulator makes several emulators in one process independent and keeps the transcript, the
update queue and the files consistent with each other.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from sandbox.validation import inline_buttons

DEFAULT_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)
"""What Telegram delivers when ``allowed_updates`` is unset or empty (no chat_member, reactions)."""


class Signal:
    """A level-free broadcast: ``notify()`` wakes everybody currently in ``wait()``."""

    def __init__(self) -> None:
        self._event: asyncio.Event | None = None

    def notify(self) -> None:
        if self._event is not None:
            self._event.set()
            self._event = None

    async def wait(self, timeout: float) -> bool:
        """Wait for the next ``notify()``; False when ``timeout`` passed first."""
        if self._event is None:
            self._event = asyncio.Event()
        event = self._event
        try:
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a
            # cancellation that races with the event being set, and the waiter never stops.
            async with asyncio.timeout(max(timeout, 0.0)):
                await event.wait()
        except TimeoutError:
            return False
        return True


@dataclass
class StoredFile:
    """A file known to the emulator (uploaded by the bot or sent by a user)."""

    file_id: str
    file_unique_id: str
    data: bytes
    file_path: str
    kind: str
    filename: str | None = None
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None

    @property
    def size(self) -> int:
        return len(self.data)

    def photo_size_json(self) -> dict[str, Any]:
        """A Bot API PhotoSize."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "width": self.width or 0,
            "height": self.height or 0,
            "file_size": self.size,
        }

    def document_json(self) -> dict[str, Any]:
        """A Bot API Document."""
        document: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
        }
        if self.filename:
            document["file_name"] = self.filename
        if self.mime_type:
            document["mime_type"] = self.mime_type
        return document

    def file_json(self) -> dict[str, Any]:
        """A Bot API File (the getFile result)."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
            "file_path": self.file_path,
        }


@dataclass
class SentMessage:
    """A message the bot sent, as the user sees it now (edits applied in place)."""

    message_id: int
    chat_id: int
    text: str
    """Plain text (or caption) with markup removed and entities unescaped."""
    html: str | None
    """The ``text``/``caption`` parameter exactly as the bot sent it."""
    reply_markup: dict[str, Any] | None
    """The markup as sent (inline keyboards, reply keyboards, remove_keyboard, force_reply)."""
    kind: str = "text"
    parse_mode: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    photo: bytes | None = None
    document: bytes | None = None
    filename: str | None = None
    edited: bool = False
    deleted: bool = False
    raw: dict[str, Any] = field(default_factory=dict, repr=False)
    """The Bot API Message object as returned to the bot."""

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """Inline keyboard buttons, row by row (empty without an inline keyboard)."""
        return inline_buttons(self.reply_markup)

    @property
    def button_texts(self) -> list[str]:
        return [button["text"] for button in self.buttons]


@dataclass
class TranscriptEntry:
    """One message in a chat, either direction, stamped with the chat revision it last changed."""

    direction: Literal["in", "out"]
    message: dict[str, Any]
    sent: SentMessage | None
    rev: int
    deleted: bool = False


@dataclass
class CallbackAnswer:
    """What the bot answered to one of the user's button presses."""

    query_id: str
    text: str | None
    show_alert: bool
    url: str | None


@dataclass
class CallbackRecord:
    chat_id: int
    message_id: int
    answered: bool = False


@dataclass
class PendingUpdate:
    update_id: int
    kind: str
    payload: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"update_id": self.update_id, self.kind: self.payload}


@dataclass
class Chat:
    """A private chat between the bot and one simulated user (chat id == user id)."""

    user: dict[str, Any]
    chat_instance: str
    started: bool = False
    blocked: bool = False
    next_message_id: int = 1
    rev: int = 0
    transcript: list[TranscriptEntry] = field(default_factory=list)
    by_id: dict[int, TranscriptEntry] = field(default_factory=dict)
    last_bot_activity: float = 0.0
    reply_keyboard: dict[str, Any] | None = None
    callback_answers: list[CallbackAnswer] = field(default_factory=list)
    chat_actions: list[str] = field(default_factory=list)

    @property
    def id(self) -> int:
        return int(self.user["id"])

    def chat_json(self) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": self.id, "type": "private"}
        for key in ("first_name", "last_name", "username"):
            if self.user.get(key):
                chat[key] = self.user[key]
        return chat

    def bot_messages(self) -> list[SentMessage]:
        return [entry.sent for entry in self.transcript if entry.sent is not None]


class EmulatorState:
    """All mutable state of one emulator instance."""

    def __init__(self, bot_user: dict[str, Any], clock: Callable[[], float] | None = None) -> None:
        self.bot_user = bot_user
        #: What "now" is for the ``date`` fields of messages: the wall clock, or the
        #: clock of the test or demo driving the bot (so a message is dated when the
        #: simulated person sent it, as Telegram dates it).
        self.clock = clock or time.time
        self.chats: dict[int, Chat] = {}
        self.pending: list[PendingUpdate] = []
        self.next_update_id = 1
        self.allowed_updates: frozenset[str] = DEFAULT_UPDATE_TYPES
        self.requested_allowed_updates: list[str] = []
        """``allowed_updates`` as the bot last set it (getWebhookInfo reports this)."""
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.callback_queries: dict[str, CallbackRecord] = {}
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.updates_signal = Signal()
        """Notified when the update queue changes (new update, confirmation, drop)."""
        self.messages_signal = Signal()
        """Notified when the bot sends, edits or deletes a message."""
        self._file_counter = itertools.count(1)
        self._callback_counter = itertools.count(1)

    def now(self) -> int:
        """Unix time as Telegram's ``date`` fields carry it, by this emulator's clock."""
        return int(self.clock())

    # -- update queue -------------------------------------------------------------------

    def set_allowed_updates(self, allowed: Any) -> None:
        """Apply ``allowed_updates``; an empty list restores the default set."""
        if not isinstance(allowed, list):
            return
        self.requested_allowed_updates = [str(kind) for kind in allowed]
        self.allowed_updates = frozenset(self.requested_allowed_updates) or DEFAULT_UPDATE_TYPES

    def enqueue(self, kind: str, payload: dict[str, Any]) -> PendingUpdate | None:
        """Queue an update unless the bot's ``allowed_updates`` excludes its type."""
        if kind not in self.allowed_updates:
            return None
        update = PendingUpdate(self.next_update_id, kind, payload)
        self.next_update_id += 1
        self.pending.append(update)
        self.updates_signal.notify()
        return update

    def confirm_below(self, update_id: int) -> None:
        """Forget every update whose id is lower than ``update_id`` (getUpdates offset)."""
        before = len(self.pending)
        self.pending = [u for u in self.pending if u.update_id >= update_id]
        if len(self.pending) != before:
            self.updates_signal.notify()

    def keep_last(self, count: int) -> None:
        """Negative getUpdates offset: keep only the last ``count`` updates."""
        if count < len(self.pending):
            self.pending = self.pending[len(self.pending) - count :]
            self.updates_signal.notify()

    def drop_pending(self) -> None:
        self.pending.clear()
        self.updates_signal.notify()

    # -- chats and messages -------------------------------------------------------------

    def add_message(
        self,
        chat: Chat,
        direction: Literal["in", "out"],
        message: dict[str, Any],
        sent: SentMessage | None = None,
    ) -> TranscriptEntry:
        """Append a message to the chat transcript under a new revision."""
        chat.rev += 1
        entry = TranscriptEntry(direction, message, sent, chat.rev)
        chat.transcript.append(entry)
        chat.by_id[message["message_id"]] = entry
        if direction == "out":
            self._bot_activity(chat)
        return entry

    def touch(self, chat: Chat, entry: TranscriptEntry) -> None:
        """Mark an existing message as changed (edit, delete) under a new revision."""
        chat.rev += 1
        entry.rev = chat.rev
        if entry.direction == "out":
            self._bot_activity(chat)

    def _bot_activity(self, chat: Chat) -> None:
        chat.last_bot_activity = time.monotonic()
        self.messages_signal.notify()

    @staticmethod
    def allocate_message_id(chat: Chat) -> int:
        message_id = chat.next_message_id
        chat.next_message_id += 1
        return message_id

    # -- files and callback queries -----------------------------------------------------

    def store_file(
        self,
        data: bytes,
        kind: str,
        *,
        filename: str | None = None,
        mime_type: str | None = None,
        width: int | None = None,
        height: int | None = None,
        ext: str = "bin",
    ) -> StoredFile:
        """Keep file bytes under a fresh file_id and a Telegram-like file_path."""
        number = next(self._file_counter)
        prefix = {"photo": "AgACAgI", "sticker": "CAACAgI"}.get(kind, "BQACAgI")
        folder = {"photo": "photos", "sticker": "stickers"}.get(kind, "documents")
        stored = StoredFile(
            file_id=f"{prefix}AAx{number:08d}",
            file_unique_id=f"AQAD{number:08d}",
            data=data,
            file_path=f"{folder}/file_{number}.{ext}",
            kind=kind,
            filename=filename,
            mime_type=mime_type,
            width=width,
            height=height,
        )
        self.files[stored.file_id] = stored
        self.files_by_path[stored.file_path] = stored
        return stored

    def new_callback_query(self, chat_id: int, message_id: int) -> str:
        query_id = str(4_000_000_000_000_000_000 + next(self._callback_counter))
        self.callback_queries[query_id] = CallbackRecord(chat_id, message_id)
        return query_id
