"""Telegram's input validations, so a bot that passes here does not fail against the real API.

The checks follow the Bot API documentation and the error texts Telegram actually returns
(``Bad Request: message is too long``, ``can't parse entities: ...``, ``BUTTON_DATA_INVALID``).
Everything here is pure: functions take decoded request values and either return the
normalised value or raise :class:`~sandbox.errors.ApiError`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from sandbox.errors import bad_request

# The formatting of texts lives in sandbox.formatting; the emulator's methods and the
# tests keep importing it from here.
from sandbox.formatting import (  # noqa: F401 - re-exported
    MAX_CAPTION_LENGTH,
    MAX_TEXT_LENGTH,
    FormattedText,
    caption_text,
    format_text,
    message_text,
    parse_html,
    utf16_len,
)

MAX_CALLBACK_DATA_BYTES = 64
MAX_INLINE_BUTTONS = 100

_INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_URL_SCHEMES = ("http://", "https://", "tg://")

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)

_COMMAND = re.compile(r"[a-z0-9_]{1,32}")


def _markup_error() -> Exception:
    return bad_request("can't parse reply keyboard markup JSON object")


def _inline_button(button: Any) -> dict[str, Any]:
    if not isinstance(button, dict):
        raise bad_request(
            "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
        )
    text = button.get("text")
    if not isinstance(text, str):
        raise bad_request(
            'can\'t parse inline keyboard button: Field "text" must be of type String'
        )
    if not text.strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    actions = [key for key in _INLINE_ACTIONS if key in button]
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if len(actions) > 1:
        raise bad_request(
            "can't parse inline keyboard button: exactly one of the optional fields must be used, "
            f"got {', '.join(actions)}"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        if (
            not isinstance(data, str)
            or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES
        ):
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button:
        url = button["url"]
        if not isinstance(url, str) or not url.startswith(_URL_SCHEMES) or " " in url:
            raise bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")
    return button


def _keyboard_button(button: Any) -> dict[str, Any]:
    if isinstance(button, str):
        button = {"text": button}
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request('can\'t parse keyboard button: Field "text" must be of type String')
    if not button["text"].strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    return button


def _rows(value: Any) -> list[list[Any]]:
    if not isinstance(value, list) or not all(isinstance(row, list) for row in value):
        raise _markup_error()
    return value


def reply_markup(value: Any) -> dict[str, Any] | None:
    """Validate ``reply_markup``; returns the (JSON-decoded) markup or None when absent."""
    if value is None:
        return None
    if isinstance(value, str):
        if not value.strip():
            return None
        try:
            value = json.loads(value)
        except ValueError:
            raise _markup_error() from None
    if not isinstance(value, dict):
        raise _markup_error()
    if "inline_keyboard" in value:
        rows = _rows(value["inline_keyboard"])
        count = 0
        for row in rows:
            for button in row:
                _inline_button(button)
                count += 1
        if count > MAX_INLINE_BUTTONS:
            raise bad_request("REPLY_MARKUP_TOO_LONG")
        return value
    if "keyboard" in value:
        rows = _rows(value["keyboard"])
        normalised = [[_keyboard_button(button) for button in row] for row in rows]
        if not any(normalised):
            raise bad_request("keyboard must be non-empty")
        return {**value, "keyboard": normalised}
    if value.get("remove_keyboard") is True or value.get("force_reply") is True:
        return value
    raise _markup_error()


def is_inline_markup(markup: dict[str, Any] | None) -> bool:
    """True for an InlineKeyboardMarkup: the only markup a Message object carries."""
    return markup is not None and "inline_keyboard" in markup


def inline_buttons(markup: dict[str, Any] | None) -> list[dict[str, Any]]:
    """All inline buttons of a markup, row by row."""
    if not is_inline_markup(markup):
        return []
    assert markup is not None
    return [button for row in markup["inline_keyboard"] for button in row]


def bot_commands(value: Any) -> list[dict[str, str]]:
    """Validate setMyCommands' ``commands``: 1-32 chars [a-z0-9_], description 1-256."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise bad_request("can't parse commands JSON object") from None
    if not isinstance(value, list):
        raise bad_request("can't parse commands JSON object")
    if len(value) > 100:
        raise bad_request("too many commands")
    commands = []
    for item in value:
        if not isinstance(item, dict):
            raise bad_request("can't parse BotCommand JSON object")
        command = str(item.get("command", "")).removeprefix("/")
        description = str(item.get("description", ""))
        if not _COMMAND.fullmatch(command):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(description.strip()) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        commands.append({"command": command, "description": description})
    return commands


def chat_action(value: Any) -> str:
    """Validate sendChatAction's ``action``."""
    if value not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return str(value)


def int_param(params: dict[str, Any], name: str, *, required: bool = True) -> int | None:
    """Read an integer parameter that may have arrived as a string."""
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise bad_request(f"{name} is empty")
        return None
    if isinstance(value, bool):
        raise bad_request(f"invalid {name} specified")
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        raise bad_request(f"invalid {name} specified") from None


def required_int(params: dict[str, Any], name: str) -> int:
    """Like :func:`int_param`, for parameters Telegram requires."""
    value = int_param(params, name)
    assert value is not None
    return value


def bool_param(params: dict[str, Any], name: str) -> bool:
    """Read a boolean parameter that may have arrived as ``"true"``/``"false"``."""
    value = params.get(name)
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1")
    return bool(value)


def json_param(params: dict[str, Any], name: str) -> Any:
    """Read a JSON-serialised parameter that may still be a string."""
    value = params.get(name)
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {name} JSON object") from None
    return value
