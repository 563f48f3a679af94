"""What a service asks the bot to tell other people.

A notice names a catalog message and its values, plus the actions the recipient may take
(rendered as buttons by the bot). Services stay free of Telegram and of wording.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Action:
    """Something the recipient can do with one tap: ``verb`` on the record ``ref``."""

    verb: str
    ref: int


@dataclass(frozen=True)
class CardRef:
    """What a message with buttons is about, so it can be edited once they no longer
    apply: a holder's card of leave step ``step_id`` (``kind`` ``step``), or the
    applicant's card of the request (``withdraw``, ``end``: /myleave's buttons)."""

    request_id: int
    kind: str = "step"
    step_id: int | None = None


@dataclass(frozen=True)
class Replaces:
    """A card already delivered whose buttons no longer apply: the notice's text is
    added under ``text`` (the card as sent) and the buttons go."""

    chat_id: int
    message_id: int
    text: str


@dataclass(frozen=True)
class Attachment:
    """What a notice carries besides its text: a document Telegram holds (``file_id``,
    re-sent by its id) or a text of any length (``text``: under the notice when it fits
    one message, else as a ``name``.txt document), e.g. a filed written report."""

    file_id: str | None = None
    name: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class Notice:
    person_id: int
    key: str
    params: dict[str, Any] = field(default_factory=dict)
    actions: tuple[Action, ...] = ()
    #: The card this notice's message is (recorded once delivered), if it has buttons.
    card: CardRef | None = None
    #: Edit this delivered card instead of sending a new message.
    replaces: Replaces | None = None
    #: A document or long text sent with the notice (a filed written report).
    attachment: Attachment | None = None
