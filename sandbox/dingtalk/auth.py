"""Access tokens: issued for the app's credentials, checked on every OpenAPI call.

Tokens expire by the emulator's clock (7200 s, as DingTalk says in ``expireIn``), and
:meth:`Tokens.expire_all` invalidates them at once, so the runtime's "401 → refresh the
token once" path can be exercised without waiting two hours.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from aiohttp import web

from sandbox.dingtalk.replies import INVALID_TOKEN_MESSAGE, ApiHostError, OapiError

TOKEN_LIFETIME_S = 7200
API_TOKEN_HEADER = "x-acs-dingtalk-access-token"


class Tokens:
    """The tokens issued so far and when (emulator clock, seconds) each expires."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._expiry: dict[str, float] = {}
        self.issued = 0

    def issue(self) -> str:
        token = "tok" + secrets.token_hex(12)
        self._expiry[token] = self._clock() + TOKEN_LIFETIME_S
        self.issued += 1
        return token

    def valid(self, token: str | None) -> bool:
        expiry = self._expiry.get(token or "")
        return expiry is not None and self._clock() < expiry

    def expire_all(self) -> None:
        self._expiry.clear()

    def check_api(self, request: web.Request) -> None:
        """api host: the ``x-acs-dingtalk-access-token`` header; else 401."""
        if not self.valid(request.headers.get(API_TOKEN_HEADER)):
            raise ApiHostError(401, "InvalidAuthentication", INVALID_TOKEN_MESSAGE)

    def check_oapi(self, request: web.Request) -> None:
        """oapi host: the ``access_token`` query parameter; else errcode 40014."""
        if not self.valid(request.query.get("access_token")):
            raise OapiError(40014, INVALID_TOKEN_MESSAGE)
