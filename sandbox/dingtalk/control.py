"""A small HTTP API for driving members from the browser demo, like :mod:`sandbox.control`.

``GET /sandbox/chats`` lists members; ``GET /sandbox/chats/{staff_id}/messages?after=K``
returns the chat's entries (both directions) changed after revision K, in the shape of
:func:`sandbox.control.entry_json` (a Telegram-like ``message`` with ``reply_markup``), so
the existing demo page can show a DingTalk chat; ``POST /sandbox/chats/{staff_id}/send``
acts as the person (kinds ``text``, ``photo``, ``press``) through
:class:`~sandbox.dingtalk.users.DingTalkUser`, the code tests use.
"""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING, Any

from aiohttp import web

from sandbox.dingtalk.markdown import to_html
from sandbox.dingtalk.state import Entry
from sandbox.media import TINY_PNG

if TYPE_CHECKING:
    from sandbox.dingtalk.emulator import DingTalkEmulator
    from sandbox.dingtalk.users import DingTalkUser


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _fail(status: int, description: str) -> web.Response:
    return web.json_response({"ok": False, "description": description}, status=status)


def _incoming_text(data: dict[str, Any]) -> str:
    if data.get("msgtype") == "text":
        return str(data["text"]["content"])
    if data.get("msgtype") == "richText":
        return " ".join(str(p["text"]) for p in data["content"]["richText"] if "text" in p)
    return ""


def entry_json(entry: Entry, file_size: int = 0) -> dict[str, Any]:
    """One chat entry as the demo page consumes it."""
    message: dict[str, Any] = {"message_id": entry.message_id, "date": entry.date}
    received = entry.received
    html = None
    markup = None
    if received is not None:
        message["text"] = received.text
        if received.markdown is not None:
            html = to_html(received.markdown)
        if received.rows:
            markup = {
                "inline_keyboard": [
                    [{"text": b["text"], "callback_data": b["callback_data"]} for b in row]
                    for row in received.rows
                ]
            }
            message["reply_markup"] = markup
        if received.edit_date is not None:
            message["edit_date"] = received.edit_date
        kind: str = received.kind
        name = received.filename
    else:
        data = entry.sent or {}
        message["text"] = _incoming_text(data)
        kind = {"picture": "photo", "richText": "photo", "file": "document"}.get(
            str(data.get("msgtype")), "text"
        )
        name = (data.get("content") or {}).get("fileName")
    if entry.file_code and kind == "photo":
        message["photo"] = [{"file_id": entry.file_code}]
    elif entry.file_code and kind == "document":
        message["document"] = {"file_name": name or "file", "file_size": file_size}
    item: dict[str, Any] = {
        "rev": entry.rev,
        "direction": entry.direction,
        "message_id": entry.message_id,
        "date": entry.date,
        "text": message["text"],
        "html": html,
        "reply_markup": markup,
        "edited": bool(received and received.edited),
        "deleted": False,
        "message": message,
    }
    if entry.file_code:
        item["file_url"] = f"/sandbox/files/{entry.file_code}"
    return item


class ControlRoutes:
    def __init__(self, emulator: DingTalkEmulator) -> None:
        self._emu = emulator

    def _user(self, request: web.Request) -> DingTalkUser:
        return self._emu.user(request.match_info["staff_id"])

    async def chats(self, request: web.Request) -> web.Response:
        members = self._emu.state.members.values()
        return _ok(
            [
                {
                    "staff_id": m.staff_id,
                    "first_name": m.name,
                    "mobile": m.mobile,
                    "in_directory": m.in_directory,
                    "blocked": m.blocked,
                }
                for m in members
            ]
        )

    async def messages(self, request: web.Request) -> web.Response:
        try:
            user = self._user(request)
            after = int(request.query.get("after", "0"))
        except (KeyError, ValueError) as error:
            return _fail(404, str(error))
        files = self._emu.state.files
        return _ok(
            [
                entry_json(e, len(files[e.file_code].data) if e.file_code in files else 0)
                for e in user.chat.transcript
                if e.rev > after
            ]
        )

    async def send(self, request: web.Request) -> web.Response:
        try:
            body = await request.json()
            if not isinstance(body, dict):
                raise ValueError("body must be a JSON object")
            return _ok(self._act(self._user(request), body))
        except (KeyError, ValueError, TypeError, RuntimeError, binascii.Error) as error:
            return _fail(400, str(error))

    @staticmethod
    def _act(user: DingTalkUser, body: dict[str, Any]) -> Any:
        kind = body.get("kind")
        if kind == "text":
            return user.send_text(str(body["text"]))
        if kind == "photo":
            data = base64.b64decode(body["data_base64"]) if body.get("data_base64") else TINY_PNG
            return user.send_photo(data, caption=body.get("caption"))
        if kind == "press":
            return user.press(
                int(body["message_id"]), body.get("button_text"), data=body.get("data")
            )
        raise ValueError(f"unknown kind {kind!r}")

    async def file(self, request: web.Request) -> web.Response:
        stored = self._emu.state.files.get(request.match_info["code"])
        if stored is None:
            return _fail(404, "no such file")
        return web.Response(body=stored.data, content_type=stored.mime_type)


def add_control_routes(app: web.Application, emulator: DingTalkEmulator) -> None:
    routes = ControlRoutes(emulator)
    app.router.add_get("/sandbox/chats", routes.chats)
    app.router.add_get("/sandbox/chats/{staff_id}/messages", routes.messages)
    app.router.add_post("/sandbox/chats/{staff_id}/send", routes.send)
    app.router.add_get("/sandbox/files/{code}", routes.file)
