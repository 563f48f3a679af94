"""The emulator's HTTP face: routes of both DingTalk hosts, the request log and faults.

One aiohttp app plays api.dingtalk.com and oapi.dingtalk.com (contract preamble). A
middleware consults the fault injector before a call runs, turns the handlers'
:class:`~sandbox.dingtalk.replies.ApiHostError` / ``OapiError`` into DingTalk's error shapes
and logs every call (never its token) for tests that count or inspect requests.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp import web

from sandbox.dingtalk.api import OpenApi
from sandbox.dingtalk.control import add_control_routes
from sandbox.dingtalk.directory import DirectoryApi
from sandbox.dingtalk.gateway import Gateway
from sandbox.dingtalk.replies import ApiHostError, OapiError

if TYPE_CHECKING:
    from sandbox.dingtalk.emulator import DingTalkEmulator

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_UNFAULTED = ("/connect", "/sandbox/")


@dataclass(frozen=True)
class ApiRequest:
    """One call as logged: method, path (no query: tokens stay out of the log), status."""

    method: str
    path: str
    status: int
    endpoint: str


def _endpoint(request: web.Request) -> str:
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else request.path


def build_app(emulator: DingTalkEmulator) -> web.Application:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        response: web.StreamResponse
        fault = None
        if not request.path.startswith(_UNFAULTED):
            fault = emulator.faults.check(request.path)
        try:
            response = fault if fault is not None else await handler(request)
        except (ApiHostError, OapiError) as error:
            response = error.response()
        except web.HTTPException as error:
            emulator.log_request(
                ApiRequest(request.method, request.path, error.status, _endpoint(request))
            )
            raise
        status = 101 if isinstance(response, web.WebSocketResponse) else response.status
        emulator.log_request(ApiRequest(request.method, request.path, status, _endpoint(request)))
        return response

    app = web.Application(middlewares=[middleware], client_max_size=64 * 1024 * 1024)
    gateway = Gateway(emulator)
    api = OpenApi(emulator)
    directory = DirectoryApi(emulator)
    add = app.router
    add.add_post("/v1.0/gateway/connections/open", gateway.open)
    add.add_get("/connect", gateway.connect)
    add.add_post("/v1.0/oauth2/accessToken", api.access_token)
    add.add_post("/robot/sendBySession", api.session_send)
    add.add_post("/v1.0/robot/oToMessages/batchSend", api.batch_send)
    add.add_post("/v1.0/im/v1.0/robot/interactiveCards/send", api.card_send)
    add.add_put("/v1.0/im/robots/interactiveCards", api.card_update)
    add.add_get("/v1.0/robot/messageFiles/download", api.download_url)
    add.add_post("/v1.0/robot/messageFiles/download", api.download_url)
    add.add_get("/files/{code}", api.file)
    add.add_post("/media/upload", api.media_upload)
    add.add_post("/topapi/v2/user/get", directory.user_get)
    add.add_post("/topapi/v2/user/getbymobile", directory.user_by_mobile)
    add.add_post("/attendance/list", directory.attendance_list)
    add_control_routes(app, emulator)
    return app
