"""The person on the other side of the robot chat, scripted by tests and the browser demo.

:class:`DingTalkUser` is duck-typed like :class:`sandbox.users.SimulatedUser` (``send_text``,
``send_photo``, ``press``, ``inbox``, ``next_message``, ``wait_until_quiet``...), so one
end-to-end test can drive the Telegram or the DingTalk emulator. Actions are synchronous:
they only queue a frame, which the hub delivers over the live Stream connection (or keeps
until one is up); the bot's answers arrive in :attr:`DingTalkUser.inbox`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sandbox.chat_reading import ChatReading
from sandbox.dingtalk.frames import (
    CARD_TOPIC,
    ROBOT_TOPIC,
    SESSION_LIFETIME_MS,
    card_callback_data,
    robot_message_data,
)
from sandbox.dingtalk.state import Chat, Member, Received, Session
from sandbox.media import TINY_PNG, guess_mime, image_size

if TYPE_CHECKING:
    from sandbox.dingtalk.emulator import DingTalkEmulator


@dataclass(frozen=True)
class CallbackAnswer:
    """The bot's ack of a card press: DingTalk shows no toast, so there is no text."""

    query_id: str
    text: str | None = None
    show_alert: bool = False


class DingTalkUser(ChatReading):
    """One member of the organisation in a one-to-one chat with the robot."""

    def __init__(self, emulator: DingTalkEmulator, member: Member) -> None:
        self._emu = emulator
        self._state = emulator.state
        self.member = member
        self._cursor = 0

    # -- identity -------------------------------------------------------------------------

    @property
    def emulator(self) -> DingTalkEmulator:
        return self._emu

    @property
    def staff_id(self) -> str:
        return self.member.staff_id

    @property
    def first_name(self) -> str:
        return self.member.name

    @property
    def name(self) -> str:
        return self.member.name

    @property
    def chat(self) -> Chat:
        return self._state.chat(self.staff_id)

    def __repr__(self) -> str:
        return f"<DingTalkUser {self.staff_id} {self.first_name!r}>"

    # -- actions --------------------------------------------------------------------------

    def _check_can_act(self) -> None:
        if not self.member.in_directory:
            raise RuntimeError(f"{self!r} has left the organisation")
        if self.member.blocked:
            raise RuntimeError(f"{self!r} has blocked the robot; call unblock() first")

    def _send(self, body: dict[str, Any], file_code: str | None = None) -> dict[str, Any]:
        """Queue a robot-message frame; returns its ``data`` dict."""
        self._check_can_act()
        now = self._state.now_ms()
        session_key = self._state.new_code("s")
        self._state.sessions[session_key] = Session(self.staff_id, now + SESSION_LIFETIME_MS)
        data = robot_message_data(
            staff_id=self.staff_id,
            name=self.first_name,
            msg_id=self._state.new_code("msg"),
            robot_code=self._emu.robot_code,
            create_at=now,
            session_webhook=f"{self._emu.base_url}/robot/sendBySession?session={session_key}",
            body=body,
        )
        self.chat.add_incoming(data, file_code=file_code)
        self._emu.hub.enqueue(ROBOT_TOPIC, data, self.staff_id)
        return data

    def send_text(self, text: str) -> dict[str, Any]:
        """Type a message."""
        if not text.strip():
            raise ValueError("DingTalk clients do not send empty messages")
        return self._send({"msgtype": "text", "text": {"content": text}})

    def send_photo(self, data: bytes = TINY_PNG, caption: str | None = None) -> dict[str, Any]:
        """Send a picture; with a caption, a ``richText`` of the text and the picture."""
        size = image_size(data)
        if size is None:
            raise ValueError("data is not a PNG/JPEG/GIF/BMP image")
        stored = self._state.store_file(data, "photo", _image_mime(data))
        if caption:
            rich = [{"text": caption}, {"downloadCode": stored.code, "type": "picture"}]
            body: dict[str, Any] = {"msgtype": "richText", "content": {"richText": rich}}
        else:
            body = {"msgtype": "picture", "content": {"downloadCode": stored.code}}
        return self._send(body, file_code=stored.code)

    def send_document(
        self,
        data: bytes,
        filename: str = "document.bin",
        caption: str | None = None,
        mime_type: str | None = None,
        *,
        file_name: str | None = None,
    ) -> dict[str, Any]:
        """Send a file (``file_name`` is an alias of ``filename``).

        DingTalk files carry no caption: a caption is sent after it as a text message, as a
        person would type it.
        """
        name = file_name or filename
        stored = self._state.store_file(data, name, mime_type or guess_mime(name))
        body = {"msgtype": "file", "content": {"downloadCode": stored.code, "fileName": name}}
        sent = self._send(body, file_code=stored.code)
        if caption:
            self.send_text(caption)
        return sent

    def send_sticker(self, emoji: str = "👍") -> dict[str, Any]:
        """Send something the robot cannot read (a voice message: msgtype ``audio``)."""
        code = self._state.new_code("dc")
        return self._send(
            {
                "msgtype": "audio",
                "content": {"downloadCode": code, "duration": 1000, "emoji": emoji},
            }
        )

    def press(
        self,
        target: Received | int | str,
        button_text: str | None = None,
        *,
        data: str | None = None,
    ) -> dict[str, Any]:
        """Press a card button and queue the card-callback frame; returns ``{"id": ...}``.

        ``press(card, "同意")`` presses the button labelled so; ``press("同意")`` looks for it
        on the newest card that has it; ``press(card, data="x")`` sends action id ``x``
        whether or not the card still shows such a button (a stale tap).
        """
        self._check_can_act()
        if isinstance(target, str):
            if button_text is not None or data is not None:
                raise TypeError("press(text) takes no further button text or data")
            button_text = target
            received = self._card_with_button(target)
        elif isinstance(target, Received):
            received = target
        else:
            received = self._message(int(target))
        if received.kind != "card" or received.card_biz_id is None:
            raise ValueError(f"message {received.message_id} is not a card: it has no buttons")
        if data is None:
            if button_text is None:
                raise TypeError("give a button text or data")
            data = _action_id(received, button_text)
        frame = card_callback_data(
            staff_id=self.staff_id, card_biz_id=received.card_biz_id, action_id=data
        )
        record = self._emu.hub.enqueue(CARD_TOPIC, frame, self.staff_id)
        return {"id": record.message_id}

    def _message(self, message_id: int) -> Received:
        for received in self.chat.inbox:
            if received.message_id == message_id:
                return received
        raise ValueError(f"the bot sent {self!r} no message {message_id}")

    def _card_with_button(self, text: str) -> Received:
        for received in reversed(self.chat.inbox):
            if received.kind == "card" and _find_button(received, text) is not None:
                return received
        raise ValueError(f"no card sent to {self!r} has a button {text!r}")

    def block(self) -> None:
        """Stop receiving: sends to this person are listed in ``invalidStaffIdList``."""
        self.member.blocked = True

    def unblock(self) -> None:
        self.member.blocked = False

    # -- observing the bot ----------------------------------------------------------------

    @property
    def inbox(self) -> list[Received]:
        """Every message the bot sent this person, in order (card updates applied)."""
        return list(self.chat.inbox)

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        return list(self.chat.callback_answers)

    @property
    def last_callback_answer(self) -> CallbackAnswer | None:
        answers = self.chat.callback_answers
        return answers[-1] if answers else None

    def transcript(self) -> str:
        """The chat so far, one line per message, for assertion messages."""
        lines = []
        for entry in self.chat.transcript:
            if entry.received is not None:
                received = entry.received
                summary = received.text or f"[{received.kind}]"
                if received.button_texts:
                    summary += " [" + " | ".join(received.button_texts) + "]"
                flags = " (edited)" if received.edited else ""
                lines.append(f"  #{entry.message_id} bot ({received.via}): {summary}{flags}")
            else:
                lines.append(f"  #{entry.message_id} {self.first_name}: {_summary(entry.sent)}")
        return "\n".join(lines) or "  (empty)"


def _image_mime(data: bytes) -> str:
    for magic, mime in ((b"\x89PNG", "image/png"), (b"GIF8", "image/gif"), (b"BM", "image/bmp")):
        if data.startswith(magic):
            return mime
    return "image/jpeg"


def _summary(data: dict[str, Any] | None) -> str:
    if not data:
        return "[message]"
    if data.get("msgtype") == "text":
        return str(data["text"]["content"])
    if data.get("msgtype") == "richText":
        texts = [str(p["text"]) for p in data["content"]["richText"] if "text" in p]
        return "[picture] " + " ".join(texts)
    return f"[{data.get('msgtype')}]"


def _find_button(received: Received, text: str) -> dict[str, str] | None:
    exact = [b for b in received.buttons if b["text"] == text]
    if exact:
        return exact[0]
    partial = [b for b in received.buttons if text in b["text"]]
    return partial[0] if len(partial) == 1 else None


def _action_id(received: Received, text: str) -> str:
    button = _find_button(received, text)
    if button is None:
        raise ValueError(
            f"card {received.message_id} has no button {text!r}; buttons: {received.button_texts}"
        )
    return button["callback_data"]
