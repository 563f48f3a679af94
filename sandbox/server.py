"""The HTTP face of the emulator: Bot API routes, auth, fault injection and JSON envelopes.

Routes mirror api.telegram.org (``/bot<token>/<method>`` for calls, ``/file/bot<token>/<path>``
for downloads) so unmodified aiogram and python-telegram-bot clients work against it; method
semantics live in :mod:`sandbox.methods`, the demo control API in :mod:`sandbox.control`.
"""

from __future__ import annotations

import asyncio
import functools
import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

from sandbox.control import add_control_routes
from sandbox.errors import ApiError, too_many_requests
from sandbox.faults import Fault, html_error_page, reason
from sandbox.params import read_request

if TYPE_CHECKING:
    from sandbox.emulator import BotApiEmulator

MAX_REQUEST_BYTES = 64 * 1024 * 1024
_dumps = functools.partial(json.dumps, ensure_ascii=False)


def json_response(body: Any, status: int = 200) -> web.Response:
    return web.json_response(body, status=status, dumps=_dumps)


def error_response(error: ApiError) -> web.Response:
    return json_response(error.to_json(), status=error.error_code)


UNAUTHORIZED = ApiError(401, "Unauthorized")
NOT_FOUND = ApiError(404, "Not Found")


class BotApiRoutes:
    """Request handlers bound to one emulator."""

    def __init__(self, emulator: BotApiEmulator) -> None:
        self._emu = emulator

    async def call(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self._emu.token:
            return error_response(UNAUTHORIZED)
        try:
            params, files = await read_request(request)
        except ApiError as error:
            return error_response(error)
        name = request.match_info["method"]
        resolved = self._emu.methods.resolve(name)
        canonical = resolved[0] if resolved else name
        self._emu.record_call(canonical, params, files)
        fault = self._emu.faults.take(canonical)
        if fault is not None:
            return await self._inject(request, fault)
        if resolved is None:
            return error_response(NOT_FOUND)
        try:
            result = await resolved[1](params, files)
        except ApiError as error:
            return error_response(error)
        return json_response({"ok": True, "result": result})

    async def _inject(self, request: web.Request, fault: Fault) -> web.StreamResponse:
        if fault.kind == "throttle":
            return error_response(too_many_requests(fault.retry_after))
        if fault.kind == "fail":
            if fault.html:
                return web.Response(
                    status=fault.status,
                    text=html_error_page(fault.status),
                    content_type="text/html",
                )
            return error_response(ApiError(fault.status, reason(fault.status)))
        transport = request.transport
        if transport is not None:
            transport.abort()
        await asyncio.sleep(0)  # lets aiohttp notice the lost connection and cancel us
        return web.Response(status=500)

    async def download(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self._emu.token:
            return error_response(UNAUTHORIZED)
        stored = self._emu.state.files_by_path.get(request.match_info["file_path"])
        if stored is None:
            return error_response(NOT_FOUND)
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )


def build_app(emulator: BotApiEmulator) -> web.Application:
    """The aiohttp application serving one emulator."""
    app = web.Application(client_max_size=MAX_REQUEST_BYTES)
    routes = BotApiRoutes(emulator)
    app.router.add_route("*", "/bot{token}/{method}", routes.call)
    app.router.add_get("/file/bot{token}/{file_path:.+}", routes.download)
    add_control_routes(app, emulator)
    return app
