"""Decoding Bot API request parameters from every encoding Telegram accepts.

aiogram posts form data (multipart when files are attached) with complex values JSON-encoded;
python-telegram-bot posts form fields whose non-string values are JSON-encoded; other clients
send a JSON body or a query string. All of them end up as one ``dict`` of decoded values plus
the uploaded files, so method handlers never see the transport encoding.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from aiohttp import BodyPartReader, MultipartReader, web

from sandbox.errors import bad_request

# Fields whose value is a string even when it looks like a number or JSON.
STRING_FIELDS = frozenset(
    {
        "text",
        "caption",
        "callback_query_id",
        "inline_message_id",
        "parse_mode",
        "url",
        "secret_token",
        "ip_address",
        "language_code",
        "action",
        "file_id",
        "phone_number",
        "first_name",
        "last_name",
        "vcard",
        "title",
        "address",
        "description",
        "short_description",
        "name",
        "filename",
        "emoji",
        "message_effect_id",
        "business_connection_id",
        "photo",
        "document",
        "audio",
        "video",
        "voice",
        "animation",
        "sticker",
        "video_note",
        "thumbnail",
        "certificate",
        "method",
    }
)

_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?")


@dataclass
class UploadedFile:
    """A file part of a multipart request."""

    field: str
    filename: str | None
    content_type: str | None
    data: bytes

    def __repr__(self) -> str:
        return f"<UploadedFile {self.field} {self.filename!r} {len(self.data)} bytes>"


def decode_value(name: str, value: str) -> Any:
    """Turn a form value into what the client meant: JSON object/array/number/bool or string."""
    if name in STRING_FIELDS:
        return value
    stripped = value.strip()
    if stripped in ("true", "false"):
        return stripped == "true"
    if stripped[:1] in ("{", "[") or _NUMBER.fullmatch(stripped):
        try:
            decoded = json.loads(stripped)
        except ValueError:
            return value
        if isinstance(decoded, dict | list | int | float | bool):
            return decoded
    return value


async def read_multipart(
    reader: MultipartReader,
) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    """Read every part: file parts (those with a filename) become :class:`UploadedFile`."""
    params: dict[str, Any] = {}
    files: dict[str, UploadedFile] = {}
    while True:
        part = await reader.next()
        if part is None:
            break
        if not isinstance(part, BodyPartReader) or not part.name:
            continue
        if part.filename is not None:
            data = await part.read(decode=True)
            files[part.name] = UploadedFile(
                part.name, _filename(part.filename), part.headers.get("Content-Type"), bytes(data)
            )
        else:
            params[part.name] = decode_value(part.name, await part.text())
    return params, files


def _filename(raw: str) -> str:
    """Undo the percent-encoding some clients (aiohttp's default) apply to non-ASCII names."""
    if "%" in raw:
        try:
            return unquote(raw, errors="strict")
        except UnicodeDecodeError:
            return raw
    return raw


def _from_json_body(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise bad_request("can't parse request JSON object")
    params: dict[str, Any] = {}
    for key, value in body.items():
        # JSON bodies are already typed; complex fields may still be JSON-encoded strings.
        if isinstance(value, str) and key not in STRING_FIELDS and value.strip()[:1] in "{[":
            params[key] = decode_value(key, value)
        else:
            params[key] = value
    return params


async def read_request(request: web.Request) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    """Parameters from the query string and the body (JSON, urlencoded or multipart)."""
    params: dict[str, Any] = {k: decode_value(k, v) for k, v in request.query.items()}
    files: dict[str, UploadedFile] = {}
    if not request.body_exists:
        return params, files
    content_type = request.content_type
    if content_type == "application/json":
        try:
            body = json.loads(await request.text() or "{}")
        except ValueError:
            raise bad_request("can't parse request JSON object") from None
        params.update(_from_json_body(body))
    elif content_type == "multipart/form-data":
        form, files = await read_multipart(await request.multipart())
        params.update(form)
    elif content_type == "application/x-www-form-urlencoded":
        form_data = await request.post()
        for key, value in form_data.items():
            if isinstance(value, str):
                params[key] = decode_value(key, value)
    return params, files
