"""What every Bot API method of the emulator stands on: the emulator's state, the target
chat (with Telegram's 'chat not found' and 'blocked' errors), the flood limits, the
replied-to message, delivering a message to the chat, and the files a request sends
(uploads, file ids, HTTP URLs)."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import aiohttp

from sandbox import validation as v
from sandbox.errors import ApiError, bad_request, forbidden, too_many_requests
from sandbox.media import extension, guess_mime, image_size
from sandbox.params import UploadedFile
from sandbox.state import Chat, SentMessage, StoredFile

if TYPE_CHECKING:
    from sandbox.emulator import BotApiEmulator

Params = dict[str, Any]
Files = dict[str, UploadedFile]
Handler = Callable[[Params, Files], Awaitable[Any]]

MAX_DOCUMENT_BYTES = 50 * 1024 * 1024


class MethodContext:
    """The shared part of :class:`~sandbox.methods.BotApiMethods`."""

    def __init__(self, emulator: BotApiEmulator) -> None:
        self._emu = emulator
        self._state = emulator.state
        self._menu_button: dict[str, Any] = {"type": "commands"}
        self._media_groups = itertools.count(13_000_000_000_000_000)  # media_group_id

    def _chat(self, params: Params) -> Chat:
        """The target private chat; Telegram's 'chat not found' / 'blocked' errors otherwise."""
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise bad_request("chat_id is empty")
        try:
            chat_id = int(raw)
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None
        chat = self._state.chats.get(chat_id)
        if chat is None or not chat.started:
            raise bad_request("chat not found")
        if chat.blocked:
            raise forbidden("bot was blocked by the user")
        return chat

    def _flood(self, method: str, chat_id: int) -> None:
        retry_after = self._emu.flood.check(method, chat_id)
        if retry_after is not None:
            raise too_many_requests(retry_after)

    def _reply_to(self, chat: Chat, params: Params) -> dict[str, Any] | None:
        """The replied-to message for ``reply_parameters`` / ``reply_to_message_id``."""
        reply = v.json_param(params, "reply_parameters")
        message_id: Any  # as the client sent it: checked by int() below
        if isinstance(reply, dict):
            message_id = reply.get("message_id")
            allow = bool(reply.get("allow_sending_without_reply"))
        else:
            message_id = params.get("reply_to_message_id")
            allow = v.bool_param(params, "allow_sending_without_reply")
        if message_id in (None, ""):
            return None
        try:
            entry = chat.by_id.get(int(message_id))
        except (TypeError, ValueError):
            raise bad_request("message to be replied not found") from None
        if entry is None or entry.deleted:
            if allow:
                return None
            raise bad_request("message to be replied not found")
        return {k: val for k, val in entry.message.items() if k != "reply_to_message"}

    def _out_message(
        self, chat: Chat, message_id: int, body: dict[str, Any], markup: dict[str, Any] | None
    ) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": message_id,
            "from": dict(self._state.bot_user),
            "chat": chat.chat_json(),
            "date": self._state.now(),
            **body,
        }
        if markup is not None and v.inline_buttons(markup):
            message["reply_markup"] = markup
        return message

    def _deliver(self, chat: Chat, message: dict[str, Any], sent: SentMessage) -> None:
        markup = sent.reply_markup or {}
        if "keyboard" in markup:
            chat.reply_keyboard = markup
        elif markup.get("remove_keyboard"):
            chat.reply_keyboard = None
        self._state.add_message(chat, "out", message, sent)

    async def _input_file(self, params: Params, files: Files, field: str) -> StoredFile:
        """Resolve a file parameter: upload (attach:// or direct part), file_id or HTTP URL."""
        value = params.get(field)
        upload: UploadedFile | None = None
        if isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value.removeprefix("attach://"))
            if upload is None:
                raise bad_request(f"there is no {field} in the request")
        elif value is None or value == "":
            upload = files.get(field)
            if upload is None:
                raise bad_request(f"there is no {field} in the request")
        if upload is not None:
            return self._store_upload(upload.data, field, upload.filename, upload.content_type)
        text = str(value)
        if text.startswith(("http://", "https://")):
            data = await self._fetch(text)
            return self._store_upload(data, field, text.rsplit("/", 1)[-1] or None, None)
        stored = self._state.files.get(text)
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if field == "photo" and stored.kind != "photo":
            raise bad_request(f"can't use file of type {stored.kind.title()} as Photo")
        return stored

    async def _fetch(self, url: str) -> bytes:
        try:
            session = self._emu.http_session()
            timeout = aiohttp.ClientTimeout(total=5)
            async with session.get(url, timeout=timeout) as response:
                if response.status != 200:
                    raise bad_request("failed to get HTTP URL content")
                return await response.read()
        except (aiohttp.ClientError, TimeoutError, OSError):
            raise bad_request("failed to get HTTP URL content") from None

    def _store_upload(
        self, data: bytes, field: str, filename: str | None, content_type: str | None
    ) -> StoredFile:
        if not data:
            raise bad_request("file must be non-empty")
        if field == "photo":
            size = image_size(data)
            if size is None:
                raise bad_request("IMAGE_PROCESS_FAILED")
            width, height = size
            if width + height > 10000 or max(width, height) > 20 * max(min(width, height), 1):
                raise bad_request("PHOTO_INVALID_DIMENSIONS")
            return self._state.store_file(
                data, "photo", width=width, height=height, ext=extension(filename, "jpg")
            )
        if len(data) > MAX_DOCUMENT_BYTES:
            raise ApiError(413, "Request Entity Too Large")
        mime = content_type if content_type not in (None, "application/octet-stream") else None
        return self._state.store_file(
            data,
            "document",
            filename=filename,
            mime_type=mime or guess_mime(filename),
            ext=extension(filename, "bin"),
        )
