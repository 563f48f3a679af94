"""The Bot API methods the emulator implements, each validating and answering like Telegram.

Handlers receive decoded parameters and uploaded files (see :mod:`sandbox.params`) and return
the ``result`` value, or raise :class:`~sandbox.errors.ApiError`. They change the shared
:class:`~sandbox.state.EmulatorState`, which is what simulated users then observe. Transport
concerns (routing, auth, faults, JSON envelopes) stay in :mod:`sandbox.server`.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import aiohttp

from sandbox import validation as v
from sandbox.errors import ApiError, bad_request, forbidden, too_many_requests
from sandbox.media import extension, guess_mime, image_size
from sandbox.params import UploadedFile
from sandbox.state import CallbackAnswer, Chat, SentMessage, StoredFile, TranscriptEntry

if TYPE_CHECKING:
    from sandbox.emulator import BotApiEmulator

Params = dict[str, Any]
Files = dict[str, UploadedFile]
Handler = Callable[[Params, Files], Awaitable[Any]]

MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
_QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
_COMMAND_SCOPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)


def _inline_or_none(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    """Normalise an inline keyboard for storage and comparison (empty means none)."""
    if markup is None:
        return None
    if "inline_keyboard" not in markup:
        raise bad_request("inline keyboard expected")
    if not any(markup["inline_keyboard"]):
        return None
    return markup


def _current_inline(sent: SentMessage) -> dict[str, Any] | None:
    """The inline keyboard a sent message carries now (reply keyboards are not attached)."""
    markup = sent.reply_markup
    if markup and "inline_keyboard" in markup and any(markup["inline_keyboard"]):
        return markup
    return None


def _same_markup(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


class BotApiMethods:
    """Method table of one emulator; look methods up case-insensitively with :meth:`resolve`."""

    def __init__(self, emulator: BotApiEmulator) -> None:
        self._emu = emulator
        self._state = emulator.state
        self._menu_button: dict[str, Any] = {"type": "commands"}
        self._media_groups = itertools.count(13_000_000_000_000_000)  # media_group_id
        handlers: dict[str, Handler] = {
            "getMe": self.get_me,
            "logOut": self.accept,
            "close": self.accept,
            "getUpdates": self.get_updates,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "sendMessage": self.send_message,
            "sendPhoto": self.send_photo,
            "sendDocument": self.send_document,
            "sendMediaGroup": self.send_media_group,
            "editMessageText": self.edit_message_text,
            "editMessageCaption": self.edit_message_caption,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "deleteMessage": self.delete_message,
            "answerCallbackQuery": self.answer_callback_query,
            "sendChatAction": self.send_chat_action,
            "getFile": self.get_file,
            "setMyCommands": self.set_my_commands,
            "getMyCommands": self.get_my_commands,
            "deleteMyCommands": self.delete_my_commands,
            "setChatMenuButton": self.set_chat_menu_button,
            "getChatMenuButton": self.get_chat_menu_button,
            "setMyDescription": self.accept,
            "setMyShortDescription": self.accept,
            "setMyName": self.accept,
        }
        self._table = {name.lower(): (name, handler) for name, handler in handlers.items()}

    def resolve(self, name: str) -> tuple[str, Handler] | None:
        """(canonical name, handler) for a method name in any letter case."""
        return self._table.get(name.lower())

    # -- shared helpers -------------------------------------------------------------------

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

    def _editable(self, params: Params) -> tuple[Chat, TranscriptEntry, SentMessage]:
        if params.get("inline_message_id"):
            raise bad_request("message to edit not found")
        chat = self._chat(params)
        if params.get("message_id") in (None, ""):
            raise bad_request("message identifier is not specified")
        entry = chat.by_id.get(v.required_int(params, "message_id"))
        if entry is None or entry.deleted:
            raise bad_request("message to edit not found")
        if entry.sent is None:
            raise bad_request("message can't be edited")
        return chat, entry, entry.sent

    def _apply_edit(
        self, chat: Chat, entry: TranscriptEntry, changes: dict[str, Any], markup: Any
    ) -> dict[str, Any]:
        """Replace the stored Message object with its edited version."""
        message = {k: val for k, val in entry.message.items() if k not in changes}
        message.pop("reply_markup", None)
        message.update({k: val for k, val in changes.items() if val})
        message["edit_date"] = self._state.now()
        if markup:
            message["reply_markup"] = markup
        entry.message = message
        assert entry.sent is not None
        entry.sent.raw = message
        entry.sent.edited = True
        self._state.touch(chat, entry)
        return message

    # -- bot identity and lifecycle -------------------------------------------------------

    async def get_me(self, params: Params, files: Files) -> Any:
        return {
            **self._state.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def accept(self, params: Params, files: Files) -> Any:
        """Methods the emulator accepts and ignores."""
        return True

    # -- updates --------------------------------------------------------------------------

    async def get_updates(self, params: Params, files: Files) -> Any:
        return await self._emu.poller.get_updates(params)

    async def set_webhook(self, params: Params, files: Files) -> Any:
        return await self._emu.webhook.set(params)

    async def delete_webhook(self, params: Params, files: Files) -> Any:
        return await self._emu.webhook.delete(params)

    async def get_webhook_info(self, params: Params, files: Files) -> Any:
        return self._emu.webhook.info()

    # -- sending --------------------------------------------------------------------------

    async def send_message(self, params: Params, files: Files) -> Any:
        chat = self._chat(params)
        formatted = v.message_text(
            params.get("text"), params.get("parse_mode"), params.get("entities")
        )
        markup = v.reply_markup(params.get("reply_markup"))
        reply = self._reply_to(chat, params)
        self._flood("sendMessage", chat.id)
        body: dict[str, Any] = {"text": formatted.text}
        if formatted.entities:
            body["entities"] = formatted.entities
        if reply:
            body["reply_to_message"] = reply
        message_id = self._state.allocate_message_id(chat)
        message = self._out_message(chat, message_id, body, markup)
        sent = SentMessage(
            message_id=message_id,
            chat_id=chat.id,
            text=formatted.text,
            html=str(params["text"]),
            reply_markup=markup,
            kind="text",
            parse_mode=params.get("parse_mode"),
            entities=formatted.entities,
            raw=message,
        )
        self._deliver(chat, message, sent)
        return message

    async def _send_media(self, method: str, field: str, params: Params, files: Files) -> Any:
        chat = self._chat(params)
        caption = v.caption_text(
            params.get("caption"), params.get("parse_mode"), params.get("caption_entities")
        )
        markup = v.reply_markup(params.get("reply_markup"))
        reply = self._reply_to(chat, params)
        stored = await self._input_file(params, files, field)
        self._flood(method, chat.id)
        body: dict[str, Any] = (
            {"photo": [stored.photo_size_json()]}
            if field == "photo"
            else {"document": stored.document_json()}
        )
        if caption.text:
            body["caption"] = caption.text
        if caption.entities:
            body["caption_entities"] = caption.entities
        if reply:
            body["reply_to_message"] = reply
        message_id = self._state.allocate_message_id(chat)
        message = self._out_message(chat, message_id, body, markup)
        sent = SentMessage(
            message_id=message_id,
            chat_id=chat.id,
            text=caption.text,
            html=None if params.get("caption") is None else str(params["caption"]),
            reply_markup=markup,
            kind=field,
            parse_mode=params.get("parse_mode"),
            entities=caption.entities,
            photo=stored.data if field == "photo" else None,
            document=stored.data if field == "document" else None,
            filename=stored.filename,
            raw=message,
        )
        self._deliver(chat, message, sent)
        return message

    async def send_photo(self, params: Params, files: Files) -> Any:
        return await self._send_media("sendPhoto", "photo", params, files)

    async def send_document(self, params: Params, files: Files) -> Any:
        return await self._send_media("sendDocument", "document", params, files)

    async def send_media_group(self, params: Params, files: Files) -> Any:
        """An album of 2 to 10 photos (file ids, uploads or URLs), each a message of its
        own sharing one ``media_group_id``; the answer is the array of those messages.
        Errors as Telegram words them ("media to send are not specified", "too much
        messages to send as an album"); Telegram's text for a one-item album is not
        documented, the emulator says "wrong number of media specified"."""
        chat = self._chat(params)
        if params.get("media") in (None, ""):
            raise bad_request("media to send are not specified")
        media = v.json_param(params, "media")
        if not isinstance(media, list) or not all(isinstance(m, dict) for m in media):
            raise bad_request("expected an Array of InputMedia")
        if len(media) > 10:
            raise bad_request("too much messages to send as an album")
        if len(media) < 2:
            raise bad_request("wrong number of media specified")
        items = []
        for item in media:
            if item.get("type") != "photo":
                raise bad_request("the emulator's albums hold photos only")
            caption = v.caption_text(
                item.get("caption"), item.get("parse_mode"), item.get("caption_entities")
            )
            stored = await self._input_file({"photo": item.get("media")}, files, "photo")
            items.append((caption, stored))
        self._flood("sendMediaGroup", chat.id)
        group_id = str(next(self._media_groups))
        sent_messages = []
        for caption, stored in items:
            body: dict[str, Any] = {"photo": [stored.photo_size_json()], "media_group_id": group_id}
            if caption.text:
                body["caption"] = caption.text
            if caption.entities:
                body["caption_entities"] = caption.entities
            message_id = self._state.allocate_message_id(chat)
            message = self._out_message(chat, message_id, body, None)
            sent = SentMessage(
                message_id=message_id,
                chat_id=chat.id,
                text=caption.text,
                html=None,
                reply_markup=None,
                kind="photo",
                entities=caption.entities,
                photo=stored.data,
                raw=message,
            )
            self._deliver(chat, message, sent)
            sent_messages.append(message)
        return sent_messages

    async def send_chat_action(self, params: Params, files: Files) -> Any:
        chat = self._chat(params)
        chat.chat_actions.append(v.chat_action(params.get("action")))
        return True

    # -- editing and deleting -------------------------------------------------------------

    async def edit_message_text(self, params: Params, files: Files) -> Any:
        chat, entry, sent = self._editable(params)
        if sent.kind != "text":
            raise bad_request("there is no text in the message to edit")
        formatted = v.message_text(
            params.get("text"), params.get("parse_mode"), params.get("entities")
        )
        markup = _inline_or_none(v.reply_markup(params.get("reply_markup")))
        if (
            formatted.text == sent.text
            and formatted.entities == sent.entities
            and _same_markup(markup, _current_inline(sent))
        ):
            raise bad_request(_NOT_MODIFIED)
        self._flood("editMessageText", chat.id)
        message = self._apply_edit(
            chat, entry, {"text": formatted.text, "entities": formatted.entities}, markup
        )
        sent.text, sent.html, sent.entities = (
            formatted.text,
            str(params["text"]),
            formatted.entities,
        )
        sent.parse_mode, sent.reply_markup = params.get("parse_mode"), markup
        return message

    async def edit_message_caption(self, params: Params, files: Files) -> Any:
        chat, entry, sent = self._editable(params)
        if sent.kind == "text":
            raise bad_request("there is no caption in the message to edit")
        caption = v.caption_text(
            params.get("caption"), params.get("parse_mode"), params.get("caption_entities")
        )
        markup = _inline_or_none(v.reply_markup(params.get("reply_markup")))
        if (
            caption.text == sent.text
            and caption.entities == sent.entities
            and _same_markup(markup, _current_inline(sent))
        ):
            raise bad_request(_NOT_MODIFIED)
        self._flood("editMessageCaption", chat.id)
        message = self._apply_edit(
            chat, entry, {"caption": caption.text, "caption_entities": caption.entities}, markup
        )
        sent.text, sent.entities = caption.text, caption.entities
        sent.html = None if params.get("caption") is None else str(params["caption"])
        sent.parse_mode, sent.reply_markup = params.get("parse_mode"), markup
        return message

    async def edit_message_reply_markup(self, params: Params, files: Files) -> Any:
        chat, entry, sent = self._editable(params)
        markup = _inline_or_none(v.reply_markup(params.get("reply_markup")))
        if _same_markup(markup, _current_inline(sent)):
            raise bad_request(_NOT_MODIFIED)
        self._flood("editMessageReplyMarkup", chat.id)
        message = self._apply_edit(chat, entry, {}, markup)
        sent.reply_markup = markup
        return message

    async def delete_message(self, params: Params, files: Files) -> Any:
        chat = self._chat(params)
        entry = chat.by_id.get(v.required_int(params, "message_id"))
        if entry is None or entry.deleted:
            raise bad_request("message to delete not found")
        entry.deleted = True
        if entry.sent is not None:
            entry.sent.deleted = True
        self._state.touch(chat, entry)
        return True

    # -- callback queries -----------------------------------------------------------------

    async def answer_callback_query(self, params: Params, files: Files) -> Any:
        query_id = str(params.get("callback_query_id") or "")
        record = self._state.callback_queries.get(query_id)
        if record is None or record.answered:
            raise bad_request(_QUERY_INVALID)
        record.answered = True
        text = params.get("text")
        chat = self._state.chats[record.chat_id]
        chat.callback_answers.append(
            CallbackAnswer(
                query_id=query_id,
                text=None if text is None else str(text),
                show_alert=v.bool_param(params, "show_alert"),
                url=params.get("url"),
            )
        )
        return True

    # -- files ----------------------------------------------------------------------------

    async def get_file(self, params: Params, files: Files) -> Any:
        file_id = str(params.get("file_id") or "")
        if not file_id:
            raise bad_request("file_id is empty")
        stored = self._state.files.get(file_id)
        if stored is None:
            raise bad_request("invalid file_id")
        if stored.size > MAX_DOWNLOAD_BYTES:
            raise bad_request("file is too big")
        return stored.file_json()

    # -- commands and menu ----------------------------------------------------------------

    def _commands_key(self, params: Params) -> tuple[str, str]:
        scope = v.json_param(params, "scope") or {"type": "default"}
        if not isinstance(scope, dict) or scope.get("type") not in _COMMAND_SCOPES:
            raise bad_request("can't parse BotCommandScope JSON object")
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    async def set_my_commands(self, params: Params, files: Files) -> Any:
        commands = v.bot_commands(params.get("commands"))
        key = self._commands_key(params)
        if commands:
            self._state.commands[key] = commands
        else:
            self._state.commands.pop(key, None)
        return True

    async def get_my_commands(self, params: Params, files: Files) -> Any:
        return list(self._state.commands.get(self._commands_key(params), []))

    async def delete_my_commands(self, params: Params, files: Files) -> Any:
        self._state.commands.pop(self._commands_key(params), None)
        return True

    async def set_chat_menu_button(self, params: Params, files: Files) -> Any:
        button = v.json_param(params, "menu_button")
        if isinstance(button, dict) and "chat_id" not in params:
            self._menu_button = button
        return True

    async def get_chat_menu_button(self, params: Params, files: Files) -> Any:
        return dict(self._menu_button)
