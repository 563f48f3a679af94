"""What a person did (``Incoming``) and what the bot answers (``Response``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from services.notices import CardRef


@dataclass(frozen=True)
class Contact:
    phone: str
    user_id: int | None


@dataclass(frozen=True)
class Location:
    lat: float
    lon: float
    live_period: int | None = None


@dataclass(frozen=True)
class Press:
    """An inline button press: the callback query id and its data."""

    query_id: str
    data: str


@dataclass(frozen=True)
class Incoming:
    update_id: int
    user_id: int
    chat_id: int
    first_name: str = ""
    language_code: str | None = None
    message_id: int | None = None
    text: str | None = None
    contact: Contact | None = None
    location: Location | None = None
    photo_file_id: str | None = None
    #: A document (a file sent as such: a written report in Word or PDF), by the id
    #: Telegram keeps it under, and its file name.
    document_file_id: str | None = None
    document_name: str | None = None
    press: Press | None = None
    forwarded: bool = False
    edited: bool = False
    other: str | None = None  # a kind we do not handle: sticker, voice, video...
    #: When Telegram dated the message (its ``date``; a live location's move: its
    #: ``edit_date``), UTC. Evidence counts at this moment, however late it is handled.
    sent_at: datetime | None = None

    @property
    def command(self) -> tuple[str, str] | None:
        """``("leave", "2026-12-01 2026-12-02 reason")`` for "/leave@bot 2026-12-01 ..."."""
        if not self.text or not self.text.startswith("/"):
            return None
        head, _, rest = self.text.partition(" ")
        name = head[1:].split("@", 1)[0].lower()
        return (name, rest.strip()) if name else None


@dataclass(frozen=True)
class Button:
    text: str
    data: str


@dataclass(frozen=True)
class KeyButton:
    """A reply-keyboard button; it may ask the client for the contact or the location."""

    text: str
    request_contact: bool = False
    request_location: bool = False


@dataclass
class Outgoing:
    chat_id: int
    text: str  # HTML, user text already escaped
    buttons: list[list[Button]] | None = None
    keyboard: list[list[KeyButton]] | None = None
    #: The keyboard stays under the input field after use (a bound cadre's 签到 / 日记 /
    #: 请假 / 我的情况), rather than hiding once pressed (the share-contact button).
    persistent_keyboard: bool = False
    remove_keyboard: bool = False
    edit_message_id: int | None = None
    document: tuple[str, bytes] | None = None
    photo: bytes | None = None
    #: Photos Telegram already holds (their file ids), sent back as one album (a single
    #: one as a photo), without a caption: a diary's photos, after its text.
    photo_ids: list[str] | None = None
    #: A document Telegram already holds (its file id), sent again by that id with
    #: ``text`` as the caption: a filed written report, to the people it is filed with.
    document_id: str | None = None
    #: A leave card: recorded with its message id once delivered (``storage.leave_cards``).
    card: CardRef | None = None


@dataclass
class Response:
    messages: list[Outgoing] = field(default_factory=list)
    answer: str | None = None  # the toast for a button press
    alert: bool = False
    #: The update put reminders back into the outbox (a late binding): the runtime asks
    #: the dispatcher to drain once the replies are out, so they follow the welcome.
    outbox_waiting: bool = False
