"""Scripted exchanges with the bot, played against ``bot.handlers`` directly (no HTTP,
no runtime), on a real SQLite unit of work: the Zulip bots' ``verify_dialog`` style.

    dialog(conversations, "cadre", [
        ("/leave", Bot("开始日期", buttons=["30", "🤒 补假（因病/急事）"])),
        (Tap("›"), "12月"),
        (Tap("1"), "结束日期"),
        (Tap("2"), "事由"),
        ("看病", "2026-12-01 至 2026-12-02"),
    ])

Each step is what the person does (a string is typed text or a command; ``Tap`` presses
the button with that label on a message the chat shows; ``Photo`` and ``Share`` send a
photo or a location) and what the bot answers: a string that one of its answers (a
message to this chat, an edit of one, or the toast) contains, or a ``Bot`` naming several
fragments, buttons that must be offered and fragments that must not appear. The chat
keeps the messages it was sent, edits applied, so a later ``Tap`` finds the buttons as a
person would see them. Several people talk through ``People``: a notice or an
approver's card lands in its recipient's chat, to be tapped there with ``play``. (Cards
edited in other chats once settled need the runtime's record of their message ids: that
stays in tests/e2e.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import count

from bot.handlers.conversation import Conversations
from bot.handlers.events import Incoming, Location, Outgoing, Press, Response
from tests.handlers.conftest import BOUND

_ids = count(10_000_000)


@dataclass(frozen=True)
class Tap:
    """Press the button labelled ``label`` (exactly, else the only one containing it) on
    the latest message showing it; with ``data``, press that callback data on the latest
    message instead (a button edited away, pressed again from a stale screen)."""

    label: str
    data: str | None = None


@dataclass(frozen=True)
class Photo:
    file_id: str = "photo-file"
    caption: str | None = None


@dataclass(frozen=True)
class Share:
    location: Location


@dataclass(frozen=True)
class Document:
    """A file sent as a document (a written report in Word or PDF)."""

    file_id: str = "document-file"
    name: str | None = "report.docx"


Act = str | Tap | Photo | Share | Document


@dataclass(frozen=True)
class Bot:
    """What the answer to one step must show: each of ``says`` in its text or toast,
    each of ``buttons`` as a button label, none of ``not_says`` and ``not_buttons``, and
    with ``only_buttons`` exactly those labels."""

    says: str | Sequence[str] = ()
    buttons: Sequence[str] = ()
    not_says: str | Sequence[str] = ()
    not_buttons: Sequence[str] = ()
    #: All the answer's button labels, in order (None: not checked).
    only_buttons: Sequence[str] | None = None

    def check(self, answer: Answer, step: int) -> None:
        for fragment in _fragments(self.says):
            assert fragment in answer.text, f"step {step}: {fragment!r} not in {answer.text!r}"
        for fragment in _fragments(self.not_says):
            assert fragment not in answer.text, f"step {step}: {fragment!r} in {answer.text!r}"
        for label in self.buttons:
            assert label in answer.buttons, f"step {step}: no button {label!r}: {answer.buttons}"
        for label in self.not_buttons:
            assert label not in answer.buttons, f"step {step}: button {label!r} offered"
        if self.only_buttons is not None:
            assert answer.buttons == list(self.only_buttons), f"step {step}: {answer.buttons}"


def _fragments(text: str | Sequence[str]) -> list[str]:
    return [text] if isinstance(text, str) else list(text)


@dataclass
class Answer:
    """The bot's answer to one step, as this person sees it."""

    response: Response
    messages: list[Outgoing]

    @property
    def text(self) -> str:
        return "\n".join([m.text for m in self.messages] + [self.response.answer or ""])

    @property
    def buttons(self) -> list[str]:
        return [b.text for m in self.messages for row in m.buttons or [] for b in row]


class People:
    """The chats of an exchange between several people: what one person's update sends
    another (a notice, an approver's card) arrives in that person's chat, where they can
    tap its buttons in turn."""

    def __init__(self, conversations: Conversations, language_code: str | None = None) -> None:
        self.conversations = conversations
        self.language_code = language_code
        self.chats: dict[int, Chat] = {}

    def __getitem__(self, who: str) -> Chat:
        return self.chat(BOUND[who])

    def chat(self, user_id: int) -> Chat:
        if user_id not in self.chats:
            self.chats[user_id] = Chat(self, user_id, self.language_code)
        return self.chats[user_id]


@dataclass
class Chat:
    """One person's chat with the bot: what they were shown, by message id (edits
    applied), and everything sent to them in order (``inbox``)."""

    people: People
    user_id: int
    language_code: str | None = None
    shown: dict[int, Outgoing] = field(default_factory=dict)
    inbox: list[Outgoing] = field(default_factory=list)

    def act(self, act: Act) -> Answer:
        """Do ``act``; the answer is what came back to this chat (others' go to theirs)."""
        message_id = next(_ids)
        base = dict(
            update_id=message_id,
            user_id=self.user_id,
            chat_id=self.user_id,
            language_code=self.language_code,
        )
        if isinstance(act, Tap):
            shown_id, data = (max(self.shown), act.data) if act.data else self._button(act.label)
            event = Incoming(**base, message_id=shown_id, press=Press(str(message_id), data))
        elif isinstance(act, Photo):
            event = Incoming(
                **base, message_id=message_id, photo_file_id=act.file_id, text=act.caption
            )
        elif isinstance(act, Document):
            event = Incoming(
                **base, message_id=message_id, document_file_id=act.file_id, document_name=act.name
            )
        elif isinstance(act, Share):
            event = Incoming(**base, message_id=message_id, location=act.location)
        else:
            event = Incoming(**base, message_id=message_id, text=act)
        response = self.people.conversations.handle(event)
        for message in response.messages:
            self.people.chat(message.chat_id).receive(message)
        mine = [m for m in response.messages if m.chat_id == self.user_id]
        return Answer(response, mine)

    def receive(self, message: Outgoing) -> None:
        self.inbox.append(message)
        self.shown[message.edit_message_id or next(_ids)] = message

    def _button(self, label: str) -> tuple[int, str]:
        for exact in (True, False):
            for shown_id in sorted(self.shown, reverse=True):
                for row in self.shown[shown_id].buttons or []:
                    for button in row:
                        if button.text == label if exact else label in button.text:
                            return shown_id, button.data
        raise AssertionError(f"no button {label!r} in the chat")

    @property
    def last(self) -> str:
        """The text of the latest message sent to this chat."""
        assert self.inbox, "nothing was sent to this chat"
        return self.inbox[-1].text


def dialog(
    conversations: Conversations,
    who: str,
    script: Sequence[tuple[Act, Bot | str]],
    *,
    language_code: str | None = None,
) -> Chat:
    """Play ``script`` as the sample person ``who`` (bound already) and check each
    answer; returns the chat, to look at further or to go on with."""
    chat = People(conversations, language_code)[who]
    play(chat, script)
    return chat


def play(chat: Chat, script: Sequence[tuple[Act, Bot | str]]) -> None:
    """Go on with a chat: each step's answer is checked as ``dialog`` does."""
    for step, (act, expected) in enumerate(script, 1):
        answer = chat.act(act)
        (Bot(expected) if isinstance(expected, str) else expected).check(answer, step)
