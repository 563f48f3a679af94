"""A reply (``Outgoing``) as DingTalk's calls: the runtime's ``BotCalls``.

- Plain text answering a message goes to that message's session webhook while it is
  valid (DingTalk's own way to answer; no token, no send quota); anything else — a card,
  a file, a photo, a reminder, an approver's request, or text after the webhook expired
  — through the robot's one-to-one send (``oToMessages/batchSend``).
- Buttons make the reply an interactive card (``cards``); an edit updates that card.
  A text message cannot be edited on DingTalk: an edit of one is sent as a new message.
- A document is uploaded as media and sent as a file; a photo DingTalk holds (a diary's,
  by its download code) is sent by its download URL.
- A press has no toast on DingTalk: an alert is sent as a line of text, a toast dropped.

Message ids are the runtime's own (DingTalk returns none that can be edited by): a
millisecond clock times a thousand plus a counter, increasing across restarts, so a
card's ``cardBizId`` is rebuilt from the id the leave cards table keeps.
"""

from __future__ import annotations

import itertools
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any

import aiohttp

from bot.handlers.events import Outgoing
from bot.runtime.delivery import Blocked, Rejected, RetryAfter, TransientFailure
from bot.runtime.dingtalk.cards import button_rows, card_biz_id, card_data
from bot.runtime.dingtalk.markdown import title_of, to_markdown
from bot.runtime.dingtalk.openapi import THROTTLE_WAIT, DingTalkApi

log = logging.getLogger(__name__)

SEND = "/v1.0/robot/oToMessages/batchSend"
CARD_SEND = "/v1.0/im/v1.0/robot/interactiveCards/send"
CARD_UPDATE = "/v1.0/im/robots/interactiveCards"
FILE_URL = "/v1.0/robot/messageFiles/download"
UPLOAD = "/media/upload"
#: The session webhook's errcode once it has expired: send one to one instead.
SESSION_EXPIRED = 300001
#: Seconds before a session webhook's stated expiry it is no longer used.
SESSION_MARGIN = 60.0


@dataclass
class SessionWebhook:
    url: str
    expires_at: float  # Unix time


class MessageIds:
    """Increasing message ids: milliseconds × 1000 + a counter (unique per process and,
    the clock being later, after a restart)."""

    def __init__(self) -> None:
        self._counter = itertools.count()

    def next(self) -> int:
        return int(time.time() * 1000) * 1000 + next(self._counter) % 1000


class DingTalkCalls:
    def __init__(
        self,
        api: DingTalkApi,
        *,
        robot_code: str,
        staff_of: Callable[[int], Awaitable[str | None]],
        no_location: str = "",
    ) -> None:
        self.api = api
        #: Said under a reply whose location button is left out (a robot message carries
        #: no location): how check-ins work on DingTalk instead.
        self.no_location = no_location
        self.robot_code = robot_code
        self._staff_of = staff_of
        self.ids = MessageIds()
        #: chat number → the session webhook of their latest message
        self.sessions: dict[int, SessionWebhook] = {}
        #: press (frame) id → chat number, for an alert's line of text
        self.presses: dict[str, int] = {}

    async def _staff(self, chat_id: int) -> str:
        staff = await self._staff_of(chat_id)
        if staff is None:
            raise Rejected(f"chat {chat_id} is no DingTalk account")
        return staff

    # -- BotCalls ----------------------------------------------------------------------------

    async def send_text(self, message: Outgoing) -> int:
        message = self._said_plainly(message)
        rows = button_rows(message)
        if rows:
            return await self._send_card(message, rows)
        if await self._by_session(message):
            return self.ids.next()
        await self._one_to_one(
            message.chat_id,
            "sampleMarkdown",
            {"title": title_of(message.text), "text": to_markdown(message.text)},
        )
        return self.ids.next()

    async def edit_text(self, message: Outgoing) -> None:
        assert message.edit_message_id is not None
        rows = button_rows(message)
        body = {
            "cardBizId": card_biz_id(message.edit_message_id),
            "cardData": json.dumps(card_data(message, rows), ensure_ascii=False),
        }
        try:
            await self.api.call("PUT", CARD_UPDATE, body)
        except Rejected:
            # Not a card (a text message cannot be edited): say it again as a new one.
            await self.send_text(
                Outgoing(chat_id=message.chat_id, text=message.text, buttons=message.buttons)
            )

    async def send_document(self, message: Outgoing) -> int:
        assert message.document is not None
        name, data = message.document
        await self._send_file(message.chat_id, name, data)
        return await self._caption(message)

    async def send_stored_document(self, message: Outgoing) -> int:
        assert message.document_id is not None
        data = await self.api.download(await self._file_url(message.document_id))
        await self._send_file(message.chat_id, _stored_name(message), data)
        return await self._caption(message)

    async def send_photo(self, message: Outgoing) -> int:
        assert message.photo is not None
        media = await self._upload("image", "chart.png", message.photo, "image/png")
        await self._one_to_one(message.chat_id, "sampleImageMsg", {"photoURL": media})
        return await self._caption(message)

    async def send_album(self, message: Outgoing) -> int:
        assert message.photo_ids
        for code in message.photo_ids:
            url = await self._file_url(code)
            await self._one_to_one(message.chat_id, "sampleImageMsg", {"photoURL": url})
        return self.ids.next()

    async def answer_press(self, query_id: str, text: str | None, alert: bool) -> None:
        chat = self.presses.pop(query_id, None)
        if alert and text and chat is not None:
            await self._one_to_one(chat, "sampleText", {"content": text})

    def delivery_error(self, exc: Exception) -> Exception | None:
        """The OpenAPI client raises the delivery's exceptions itself; a dropped
        connection inside aiohttp is transient."""
        if isinstance(exc, RetryAfter | TransientFailure | Blocked | Rejected):
            return exc
        if isinstance(exc, aiohttp.ClientError | TimeoutError):
            return TransientFailure(type(exc).__name__)
        return None

    # -- sending -----------------------------------------------------------------------------

    def _said_plainly(self, message: Outgoing) -> Outgoing:
        """The reply with the note on check-ins when it asks for a location DingTalk
        cannot send (its button is left out of the card)."""
        asks = any(k.request_location for row in message.keyboard or [] for k in row)
        if not asks or not self.no_location:
            return message
        return replace(message, text=f"{message.text}\n\n{self.no_location}")

    async def _by_session(self, message: Outgoing) -> bool:
        """Answer through the session webhook if there is a fresh one; False otherwise."""
        session = self.sessions.get(message.chat_id)
        if session is None or session.expires_at - SESSION_MARGIN < time.time():
            return False
        body = {
            "msgtype": "markdown",
            "markdown": {"title": title_of(message.text), "text": to_markdown(message.text)},
        }
        answer = await self.api.post_plain(session.url, body)
        errcode = answer.get("errcode", 0)
        if errcode == SESSION_EXPIRED or answer.get("_status", 200) >= 400:
            self.sessions.pop(message.chat_id, None)
            return False
        if errcode in (130101, 660026):  # the robot sends too fast to this session
            raise RetryAfter(THROTTLE_WAIT)
        if errcode:
            self.sessions.pop(message.chat_id, None)
            return False
        return True

    async def _one_to_one(self, chat_id: int, key: str, param: dict[str, Any]) -> None:
        staff = await self._staff(chat_id)
        body = {
            "robotCode": self.robot_code,
            "userIds": [staff],
            "msgKey": key,
            "msgParam": json.dumps(param, ensure_ascii=False),
        }
        answer = await self.api.call("POST", SEND, body)
        if staff in (answer.get("invalidStaffIdList") or []):
            raise Blocked("not in the organisation any more")
        if staff in (answer.get("flowControlledStaffIdList") or []):
            raise RetryAfter(THROTTLE_WAIT)

    async def _send_card(self, message: Outgoing, rows: list[list[tuple[str, str]]]) -> int:
        message_id = self.ids.next()
        body = {
            "cardTemplateId": "StandardCard",
            "robotCode": self.robot_code,
            "cardBizId": card_biz_id(message_id),
            "cardData": json.dumps(card_data(message, rows), ensure_ascii=False),
            "singleChatReceiver": json.dumps({"userId": await self._staff(message.chat_id)}),
            "sendOptions": {},
        }
        await self.api.call("POST", CARD_SEND, body)
        return message_id

    async def _file_url(self, download_code: str) -> str:
        answer = await self.api.call(
            "POST", FILE_URL, {"downloadCode": download_code, "robotCode": self.robot_code}
        )
        url = answer.get("downloadUrl")
        if not url:
            raise Rejected("no download URL for the file")
        return str(url)

    async def _upload(self, kind: str, name: str, data: bytes, mime: str) -> str:
        form = aiohttp.FormData()
        form.add_field("type", kind)
        form.add_field("media", data, filename=name, content_type=mime)
        answer = await self.api.call_oapi(UPLOAD, form=form)
        media = answer.get("media_id")
        if not media:
            raise Rejected("the upload returned no media id")
        return str(media)

    async def _send_file(self, chat_id: int, name: str, data: bytes) -> None:
        media = await self._upload("file", name, data, "application/octet-stream")
        kind = name.rsplit(".", 1)[-1].lower() if "." in name else "file"
        await self._one_to_one(
            chat_id, "sampleFile", {"mediaId": media, "fileName": name, "fileType": kind}
        )

    async def _caption(self, message: Outgoing) -> int:
        """A file or photo's caption, sent after it (DingTalk files carry none)."""
        if message.text.strip():
            return await self.send_text(Outgoing(chat_id=message.chat_id, text=message.text))
        return self.ids.next()


def _stored_name(message: Outgoing) -> str:
    """A filed document's name: DingTalk needs one to send it; the caption's first line
    says what it is."""
    return f"{title_of(message.text, 30) or 'document'}.docx"
