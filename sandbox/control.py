"""A small HTTP API for driving simulated users from a browser demo.

``GET /sandbox/chats/{user_id}/messages?after=K`` returns the chat's messages (both
directions) changed after revision K; ``POST /sandbox/chats/{user_id}/send`` performs a user
action. Actions go through :class:`~sandbox.users.SimulatedUser`, the same code tests use.
"""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING, Any

from aiohttp import web

from sandbox.media import TINY_PNG
from sandbox.state import TranscriptEntry

if TYPE_CHECKING:
    from sandbox.emulator import BotApiEmulator
    from sandbox.users import SimulatedUser


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _fail(status: int, description: str) -> web.Response:
    return web.json_response({"ok": False, "description": description}, status=status)


def _file_of(message: dict[str, Any]) -> str | None:
    if message.get("photo"):
        return str(message["photo"][-1]["file_id"])
    for key in ("document", "sticker"):
        if key in message:
            return str(message[key]["file_id"])
    return None


def entry_json(entry: TranscriptEntry) -> dict[str, Any]:
    """One transcript entry as the demo page consumes it."""
    message = entry.message
    sent = entry.sent
    item: dict[str, Any] = {
        "rev": entry.rev,
        "direction": entry.direction,
        "message_id": message["message_id"],
        "date": message["date"],
        "text": sent.text if sent else message.get("text") or message.get("caption") or "",
        "html": sent.html if sent else None,
        "reply_markup": sent.reply_markup if sent else None,
        "edited": "edit_date" in message,
        "deleted": entry.deleted,
        "message": message,
    }
    file_id = _file_of(message)
    if file_id:
        item["file_url"] = f"/sandbox/files/{file_id}"
    return item


class ControlRoutes:
    def __init__(self, emulator: BotApiEmulator) -> None:
        self._emu = emulator

    def _user(self, request: web.Request, body: dict[str, Any] | None = None) -> SimulatedUser:
        """The chat's user; ``body`` (a send request) creates it on first use."""
        user_id = int(request.match_info["user_id"])
        existing = self._emu.users.get(user_id)
        if existing is not None:
            return existing
        if body is None:
            raise KeyError(f"no user {user_id}")
        return self._emu.user(
            user_id,
            str(body.get("first_name") or "Demo"),
            last_name=body.get("last_name"),
            username=body.get("username"),
            language_code=body.get("language_code"),
        )

    async def chats(self, request: web.Request) -> web.Response:
        return _ok(
            [{**user.user_json, "blocked": user.chat.blocked} for user in self._emu.users.values()]
        )

    async def messages(self, request: web.Request) -> web.Response:
        try:
            user = self._user(request)
            after = int(request.query.get("after", "0"))
        except (KeyError, ValueError) as error:
            return _fail(404, str(error))
        entries = [entry for entry in user.chat.transcript if entry.rev > after]
        return _ok([entry_json(entry) for entry in entries])

    async def send(self, request: web.Request) -> web.Response:
        try:
            body = await request.json()
            if not isinstance(body, dict):
                raise ValueError("body must be a JSON object")
            user = self._user(request, body)
            return _ok(self._act(user, body))
        except (KeyError, ValueError, TypeError, RuntimeError, binascii.Error) as error:
            return _fail(400, str(error))

    @staticmethod
    def _act(user: SimulatedUser, body: dict[str, Any]) -> Any:
        kind = body.get("kind")
        if kind == "text":
            return user.send_text(str(body["text"]))
        if kind == "contact":
            return user.share_contact(
                str(body.get("phone") or body["phone_number"]),
                body.get("contact_user_id"),
                body.get("first_name"),
            )
        if kind == "location":
            return user.send_location(
                float(body["latitude"]),
                float(body["longitude"]),
                live_period=body.get("live_period"),
                forwarded=bool(body.get("forwarded")),
            )
        if kind == "photo":
            data = base64.b64decode(body["data_base64"]) if body.get("data_base64") else TINY_PNG
            return user.send_photo(data, caption=body.get("caption"))
        if kind == "sticker":
            return user.send_sticker()
        if kind == "press":
            return user.press(
                int(body["message_id"]), body.get("button_text"), data=body.get("data")
            )
        if kind in ("block", "unblock"):
            getattr(user, kind)()
            return True
        raise ValueError(f"unknown kind {kind!r}")

    async def file(self, request: web.Request) -> web.Response:
        stored = self._emu.state.files.get(request.match_info["file_id"])
        if stored is None:
            return _fail(404, "no such file")
        mime = stored.mime_type
        if mime is None:
            mime = "image/png" if stored.data.startswith(b"\x89PNG") else "image/jpeg"
        return web.Response(body=stored.data, content_type=mime)


def add_control_routes(app: web.Application, emulator: BotApiEmulator) -> None:
    routes = ControlRoutes(emulator)
    app.router.add_get("/sandbox/chats", routes.chats)
    app.router.add_get("/sandbox/chats/{user_id}/messages", routes.messages)
    app.router.add_post("/sandbox/chats/{user_id}/send", routes.send)
    app.router.add_get("/sandbox/files/{file_id}", routes.file)
