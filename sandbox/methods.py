"""The Bot API methods the emulator implements, each validating and answering like Telegram.

Handlers receive decoded parameters and uploaded files (see :mod:`sandbox.params`) and return
the ``result`` value, or raise :class:`~sandbox.errors.ApiError`. They change the shared
:class:`~sandbox.state.EmulatorState`, which is what simulated users then observe. Transport
concerns (routing, auth, faults, JSON envelopes) stay in :mod:`sandbox.server`. What the
methods share (the target chat, flood limits, files) is in :mod:`sandbox.method_context`;
the editing methods are in :mod:`sandbox.editing`.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sandbox import validation as v
from sandbox.editing import EditingMethods
from sandbox.errors import bad_request
from sandbox.method_context import Files, Handler, Params
from sandbox.state import CallbackAnswer, SentMessage

if TYPE_CHECKING:
    from sandbox.emulator import BotApiEmulator

MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
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


class BotApiMethods(EditingMethods):
    """Method table of one emulator; look methods up case-insensitively with :meth:`resolve`."""

    def __init__(self, emulator: BotApiEmulator) -> None:
        super().__init__(emulator)
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
