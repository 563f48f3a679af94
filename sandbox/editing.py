"""The Bot API methods that change or delete a message already sent, with Telegram's
'message is not modified' and 'message to edit not found' errors."""

from __future__ import annotations

import json
from typing import Any

from sandbox import validation as v
from sandbox.errors import bad_request
from sandbox.method_context import Files, MethodContext, Params
from sandbox.state import Chat, SentMessage, TranscriptEntry

_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
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


class EditingMethods(MethodContext):
    """editMessageText, editMessageCaption, editMessageReplyMarkup and deleteMessage."""

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
