"""The person on the other side of the chat, scripted by tests and the browser demo.

A :class:`SimulatedUser` turns actions (typing text, sharing a contact or a location, sending
a photo, pressing an inline button, blocking the bot) into the exact Update objects Telegram
would queue, and lets a test wait for the bot's replies in order. Actions are synchronous:
they only queue updates; the bot picks them up through getUpdates or the webhook.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from sandbox.chat_reading import ChatReading
from sandbox.formatting import utf16_len
from sandbox.media import STICKER_BYTES, TINY_PNG, extension, guess_mime, image_size
from sandbox.state import CallbackAnswer, Chat, SentMessage

if TYPE_CHECKING:
    from sandbox.emulator import BotApiEmulator

_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{3,32})?(?=\s|$)")


class SimulatedUser(ChatReading):
    """One Telegram user in a private chat with the bot (chat id == user id)."""

    def __init__(self, emulator: BotApiEmulator, chat: Chat) -> None:
        self._emu = emulator
        self._state = emulator.state
        self.chat = chat
        self._cursor = 0

    # -- identity -------------------------------------------------------------------------

    @property
    def emulator(self) -> BotApiEmulator:
        return self._emu

    @property
    def id(self) -> int:
        return self.chat.id

    @property
    def first_name(self) -> str:
        return str(self.chat.user["first_name"])

    @property
    def user_json(self) -> dict[str, Any]:
        """The Bot API User object of this user."""
        return dict(self.chat.user)

    def __repr__(self) -> str:
        return f"<SimulatedUser {self.id} {self.first_name!r}>"

    # -- actions --------------------------------------------------------------------------

    def _check_can_act(self) -> None:
        if self.chat.blocked:
            raise RuntimeError(f"{self!r} has blocked the bot; call unblock() first")

    def _send(self, body: dict[str, Any]) -> dict[str, Any]:
        """Create an incoming message and queue it as a ``message`` update."""
        self._check_can_act()
        self.chat.started = True
        message = {
            "message_id": self._state.allocate_message_id(self.chat),
            "from": self.user_json,
            "chat": self.chat.chat_json(),
            "date": self._state.now(),
            **body,
        }
        self._state.add_message(self.chat, "in", message)
        keyboard = self.chat.reply_keyboard
        if keyboard and keyboard.get("one_time_keyboard"):
            self.chat.reply_keyboard = None
        self._state.enqueue("message", message)
        return message

    def send_text(self, text: str) -> dict[str, Any]:
        """Type a message; a leading /command gets its ``bot_command`` entity."""
        if not text.strip():
            raise ValueError("Telegram clients do not send empty messages")
        body: dict[str, Any] = {"text": text}
        match = _COMMAND.match(text)
        if match:
            body["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(match.group())}
            ]
        return self._send(body)

    def share_contact(
        self,
        phone: str,
        contact_user_id: int | None = None,
        first_name: str | None = None,
        *,
        last_name: str | None = None,
        with_user_id: bool = True,
    ) -> dict[str, Any]:
        """Share a contact; by default the user's own (what a request_contact button sends)."""
        contact: dict[str, Any] = {
            "phone_number": phone,
            "first_name": first_name or self.first_name,
        }
        own = contact_user_id is None or contact_user_id == self.id
        surname = (
            last_name
            if last_name is not None
            else (self.chat.user.get("last_name") if own else None)
        )
        if surname:
            contact["last_name"] = surname
        if with_user_id:
            contact["user_id"] = self.id if contact_user_id is None else contact_user_id
        return self._send({"contact": contact})

    def send_location(
        self,
        latitude: float,
        longitude: float,
        *,
        live_period: int | None = None,
        forwarded: bool = False,
        horizontal_accuracy: float | None = None,
    ) -> dict[str, Any]:
        """Send a location: live (``live_period`` seconds) and/or forwarded from elsewhere."""
        location: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
        if live_period is not None:
            location["live_period"] = live_period
        if horizontal_accuracy is not None:
            location["horizontal_accuracy"] = horizontal_accuracy
        body: dict[str, Any] = {"location": location}
        if forwarded:
            original_date = self._state.now() - 3600
            body["forward_origin"] = {
                "type": "user",
                "date": original_date,
                "sender_user": self.user_json,
            }
            body["forward_date"] = original_date
        return self._send(body)

    def update_live_location(
        self, message_id: int, latitude: float, longitude: float
    ) -> dict[str, Any]:
        """Move a live location: Telegram delivers it as an ``edited_message`` update."""
        self._check_can_act()
        entry = self.chat.by_id.get(message_id)
        if entry is None or entry.direction != "in" or entry.deleted:
            raise ValueError(f"{self!r} has no message {message_id}")
        old_location = entry.message.get("location")
        if not old_location or "live_period" not in old_location:
            raise ValueError(f"message {message_id} is not a live location")
        message = {
            **entry.message,
            "location": {**old_location, "latitude": latitude, "longitude": longitude},
            "edit_date": self._state.now(),
        }
        entry.message = message
        self._state.touch(self.chat, entry)
        self._state.enqueue("edited_message", message)
        return message

    def send_photo(self, data: bytes = TINY_PNG, caption: str | None = None) -> dict[str, Any]:
        """Send a photo; getFile and the file URL then serve exactly ``data``."""
        size = image_size(data)
        if size is None:
            raise ValueError("data is not a PNG/JPEG/GIF/BMP image")
        stored = self._state.store_file(data, "photo", width=size[0], height=size[1], ext="jpg")
        body: dict[str, Any] = {"photo": [stored.photo_size_json()]}
        if caption:
            body["caption"] = caption
        return self._send(body)

    def send_document(
        self,
        data: bytes,
        filename: str = "document.bin",
        caption: str | None = None,
        mime_type: str | None = None,
    ) -> dict[str, Any]:
        """Send a file as a document."""
        stored = self._state.store_file(
            data,
            "document",
            filename=filename,
            mime_type=mime_type or guess_mime(filename),
            ext=extension(filename, "bin"),
        )
        body: dict[str, Any] = {"document": stored.document_json()}
        if caption:
            body["caption"] = caption
        return self._send(body)

    def send_sticker(self, emoji: str = "👍") -> dict[str, Any]:
        """Send a (static, 512x512) sticker."""
        stored = self._state.store_file(
            STICKER_BYTES, "sticker", width=512, height=512, mime_type="image/webp", ext="webp"
        )
        sticker = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": stored.size,
        }
        return self._send({"sticker": sticker})

    def press(
        self,
        target: SentMessage | int | str,
        button_text: str | None = None,
        *,
        data: str | None = None,
    ) -> dict[str, Any]:
        """Press an inline button and queue the ``callback_query`` update.

        ``press(sent_message, "OK")`` presses the button labelled "OK" on that message;
        ``press("OK")`` looks for it on the newest bot message that has it;
        ``press(message_or_id, data="forged")`` sends arbitrary callback data.
        """
        self._check_can_act()
        if isinstance(target, str):
            if button_text is not None or data is not None:
                raise TypeError("press(text) takes no further button text or data")
            message_id = self._message_with_button(target)
            button_text = target
        elif isinstance(target, SentMessage):
            message_id = target.message_id
        else:
            message_id = int(target)
        entry = self.chat.by_id.get(message_id)
        if entry is None or entry.sent is None or entry.deleted:
            raise ValueError(f"the bot has no message {message_id} in chat {self.id}")
        if data is None:
            if button_text is None:
                raise TypeError("give a button text or data")
            data = _callback_data(entry.sent, button_text)
        query_id = self._state.new_callback_query(self.id, message_id)
        query = {
            "id": query_id,
            "from": self.user_json,
            "message": entry.message,
            "chat_instance": self.chat.chat_instance,
            "data": data,
        }
        self._state.enqueue("callback_query", query)
        return query

    def _message_with_button(self, text: str) -> int:
        for sent in reversed(self.chat.bot_messages()):
            if not sent.deleted and _find_button(sent, text) is not None:
                return sent.message_id
        raise ValueError(f"no bot message in chat {self.id} has a button {text!r}")

    def block(self) -> None:
        """Block the bot: its sends fail with 403 and it gets a ``my_chat_member`` update."""
        if not self.chat.blocked:
            self._member_update("member", "kicked")
            self.chat.blocked = True

    def unblock(self) -> None:
        """Unblock (restart) the bot."""
        if self.chat.blocked:
            self.chat.blocked = False
            self._member_update("kicked", "member")

    def _member_update(self, old: str, new: str) -> None:
        if not self.chat.started:
            return

        def member(status: str) -> dict[str, Any]:
            result: dict[str, Any] = {"status": status, "user": dict(self._state.bot_user)}
            if status == "kicked":
                result["until_date"] = 0
            return result

        self._state.enqueue(
            "my_chat_member",
            {
                "chat": self.chat.chat_json(),
                "from": self.user_json,
                "date": self._state.now(),
                "old_chat_member": member(old),
                "new_chat_member": member(new),
            },
        )

    # -- observing the bot ----------------------------------------------------------------

    @property
    def inbox(self) -> list[SentMessage]:
        """Every message the bot sent to this chat, in order (edits applied)."""
        return self.chat.bot_messages()

    @property
    def last_callback_answer(self) -> CallbackAnswer | None:
        """The bot's answerCallbackQuery for this user's most recent answered press."""
        answers = self.chat.callback_answers
        return answers[-1] if answers else None

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        return list(self.chat.callback_answers)

    @property
    def reply_keyboard(self) -> dict[str, Any] | None:
        """The reply keyboard the user currently sees (None once removed or used up)."""
        return self.chat.reply_keyboard

    @property
    def chat_actions(self) -> list[str]:
        """Every sendChatAction the bot made in this chat."""
        return list(self.chat.chat_actions)

    def transcript(self) -> str:
        """The chat so far, one line per message, for assertion messages."""
        lines = []
        for entry in self.chat.transcript:
            message = entry.message
            who = "bot" if entry.direction == "out" else self.first_name
            flags = " (deleted)" if entry.deleted else ""
            flags += " (edited)" if "edit_date" in message else ""
            summary = _summary(message)
            if entry.sent is not None and entry.sent.button_texts:
                summary += " [" + " | ".join(entry.sent.button_texts) + "]"
            lines.append(f"  #{message['message_id']} {who}: {summary}{flags}")
        return "\n".join(lines) or "  (empty)"


def _summary(message: dict[str, Any]) -> str:
    for key in ("text", "caption"):
        if message.get(key):
            prefix = "" if key == "text" else "[media] "
            return prefix + str(message[key])
    for key in ("contact", "location", "photo", "document", "sticker"):
        if key in message:
            return f"[{key}]"
    return "[message]"


def _find_button(sent: SentMessage, text: str) -> dict[str, Any] | None:
    buttons = sent.buttons
    exact = [b for b in buttons if b["text"] == text]
    if exact:
        return exact[0]
    partial = [b for b in buttons if text in b["text"]]
    return partial[0] if len(partial) == 1 else None


def _callback_data(sent: SentMessage, text: str) -> str:
    button = _find_button(sent, text)
    if button is None:
        raise ValueError(
            f"message {sent.message_id} has no button {text!r}; buttons: {sent.button_texts}"
        )
    if "callback_data" not in button:
        raise ValueError(f"button {text!r} is not a callback button: {button}")
    return str(button["callback_data"])
