"""Error bodies in the two shapes DingTalk uses, and reading a request's JSON body.

The api host (api.dingtalk.com) answers errors with an HTTP status and
``{"code", "message"}``; the oapi host (oapi.dingtalk.com) and session webhooks answer HTTP
200 with ``{"errcode", "errmsg"}`` (contract sections 4-7). Handlers raise
:class:`ApiHostError` / :class:`OapiError`; the server turns them into those responses.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

INVALID_TOKEN_MESSAGE = "不合法的access_token"


class ApiHostError(Exception):
    """An api-host error: HTTP ``status`` with ``{"code", "message"}``."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message

    def response(self) -> web.Response:
        return web.json_response(
            {"code": self.code, "message": self.message, "requestid": "emulated"},
            status=self.status,
            dumps=dumps,
        )


class OapiError(Exception):
    """An oapi / session-webhook error: HTTP 200 with ``{"errcode", "errmsg"}``."""

    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(f"errcode {errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg

    def response(self) -> web.Response:
        return ok_oapi({"errcode": self.errcode, "errmsg": self.errmsg})


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def ok_json(body: Any) -> web.Response:
    return web.json_response(body, dumps=dumps)


def ok_oapi(body: dict[str, Any]) -> web.Response:
    return web.json_response({"errcode": 0, "errmsg": "ok", **body}, dumps=dumps)


def missing(name: str) -> ApiHostError:
    return ApiHostError(400, f"Missing{name}", f"{name} is mandatory for this action.")


def invalid(name: str, message: str) -> ApiHostError:
    return ApiHostError(400, f"invalidParameter.{name}", message)


async def json_object(request: web.Request, *, oapi: bool = False) -> dict[str, Any]:
    """The request's JSON object body (the SDK sends JSON without a content type too)."""
    raw = await request.read()
    try:
        body = json.loads(raw) if raw else {}
    except ValueError:
        body = None
    if not isinstance(body, dict):
        if oapi:
            raise OapiError(40035, "不合法的参数: the body must be a JSON object")
        raise ApiHostError(400, "InvalidParameter", "the body must be a JSON object")
    return body


def require(body: dict[str, Any], *names: str) -> None:
    """Raise MissingX for the first absent or empty field."""
    for name in names:
        if body.get(name) in (None, "", []):
            raise missing(name)
