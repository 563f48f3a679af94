"""DingTalk's OpenAPI over one aiohttp session: the access token, and every answer in the
``Delivery``'s terms.

DingTalk has two hosts. The new API (``api.dingtalk.com``: sends, cards, files, the
gateway) takes the token in a header and answers errors with an HTTP status and a
``code``; the old one (``oapi.dingtalk.com``: media upload, directory, attendance) takes it
in the query and answers HTTP 200 with an ``errcode``. Both are mapped here, once, to the
four outcomes the delivery knows (wait and retry, retry later, never retry this person,
never retry this message), so the runtime's calls read as plain requests.

The SDK's own helpers (``get_access_token``, ``reply_card``...) are synchronous
``requests`` calls without a timeout, made from the event loop; this client is async with
a timeout, and never logs a URL (the old host's URLs carry the token).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import aiohttp

from bot.runtime.delivery import Blocked, Rejected, RetryAfter, TransientFailure

log = logging.getLogger(__name__)

#: The old host's errcodes for "too many requests" (per app, per API, per user).
OAPI_THROTTLED = {88, 90002, 90006, 90018, 90019}
#: The old host's errcodes for a token that is no longer good.
OAPI_TOKEN_ERRORS = {40014, 42001}
#: The old host's "system busy": worth another try.
OAPI_BUSY = {-1}
#: The old host's "no such user" (left the organisation): never send to them again.
OAPI_NO_USER = {60121, 60111}
#: How long to wait on a throttled call when DingTalk does not say (it does not).
THROTTLE_WAIT = 1.0
TIMEOUT = aiohttp.ClientTimeout(total=30, connect=10)


class CredentialsRejected(Exception):
    """The client id or secret is wrong: no retry can cure it."""


class DingTalkApi:
    def __init__(self, *, client_id: str, client_secret: str, api_url: str, oapi_url: str):
        self.client_id = client_id
        self._secret = client_secret
        self.api_url = api_url.rstrip("/")
        self.oapi_url = oapi_url.rstrip("/")
        self._session: aiohttp.ClientSession | None = None
        self._token: str | None = None
        self._token_until = 0.0
        self._token_lock = asyncio.Lock()

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=TIMEOUT)
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    # -- the token -----------------------------------------------------------------------

    async def token(self) -> str:
        """The app's access token, fetched once and kept until 5 minutes before it ends."""
        async with self._token_lock:
            if self._token is not None and time.monotonic() < self._token_until:
                return self._token
            body = {"appKey": self.client_id, "appSecret": self._secret}
            try:
                async with self.session.post(
                    f"{self.api_url}/v1.0/oauth2/accessToken", json=body
                ) as response:
                    data = await _json(response)
                    if response.status in (400, 401, 403):
                        raise CredentialsRejected(str(data.get("code") or response.status))
                    if response.status >= 300:
                        raise TransientFailure(f"accessToken: HTTP {response.status}")
            except aiohttp.ClientError as exc:
                raise TransientFailure(f"accessToken: {type(exc).__name__}") from exc
            self._token = str(data["accessToken"])
            self._token_until = time.monotonic() + max(int(data.get("expireIn", 7200)) - 300, 60)
            return self._token

    def forget_token(self) -> None:
        self._token = None

    # -- calls -----------------------------------------------------------------------------

    async def call(self, method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """A call to the new host; a 401 fetches a new token and tries once more."""
        for attempt in (1, 2):
            headers = {"x-acs-dingtalk-access-token": await self.token()}
            try:
                async with self.session.request(
                    method, f"{self.api_url}{path}", json=body, headers=headers
                ) as response:
                    data = await _json(response)
                    status = response.status
            except (aiohttp.ClientError, TimeoutError) as exc:
                raise TransientFailure(f"{path}: {type(exc).__name__}") from exc
            if status == 401 and attempt == 1:
                self.forget_token()
                continue
            return _checked(path, status, data)
        raise TransientFailure(f"{path}: token refused twice")

    async def call_oapi(
        self, path: str, body: dict[str, Any] | None = None, *, form: aiohttp.FormData | None = None
    ) -> dict[str, Any]:
        """A call to the old host (token in the query; errors as ``errcode``)."""
        for attempt in (1, 2):
            params = {"access_token": await self.token()}
            try:
                async with self.session.post(
                    f"{self.oapi_url}{path}",
                    params=params,
                    json=body if form is None else None,
                    data=form,
                ) as response:
                    data = await _json(response)
                    status = response.status
            except (aiohttp.ClientError, TimeoutError) as exc:
                raise TransientFailure(f"{path}: {type(exc).__name__}") from exc
            errcode = data.get("errcode", 0)
            if (errcode in OAPI_TOKEN_ERRORS or status == 401) and attempt == 1:
                self.forget_token()
                continue
            if status >= 500:
                raise TransientFailure(f"{path}: HTTP {status}")
            if errcode in OAPI_THROTTLED:
                raise RetryAfter(THROTTLE_WAIT)
            if errcode in OAPI_BUSY:
                raise TransientFailure(f"{path}: errcode {errcode}")
            if errcode in OAPI_NO_USER:
                raise Blocked(f"{path}: errcode {errcode}")
            if errcode:
                raise Rejected(f"{path}: errcode {errcode} {data.get('errmsg', '')}")
            if status >= 300:
                raise Rejected(f"{path}: HTTP {status}")
            return data
        raise TransientFailure(f"{path}: token refused twice")

    async def post_plain(self, url: str, body: dict[str, Any]) -> dict[str, Any]:
        """A post to a URL that carries its own authority (a message's session webhook)."""
        try:
            async with self.session.post(url, json=body) as response:
                data = await _json(response)
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise TransientFailure(f"session webhook: {type(exc).__name__}") from exc
        if status >= 500:
            raise TransientFailure(f"session webhook: HTTP {status}")
        return data | {"_status": status}

    async def download(self, url: str) -> bytes:
        try:
            async with self.session.get(url) as response:
                if response.status >= 500:
                    raise TransientFailure(f"download: HTTP {response.status}")
                if response.status >= 300:
                    raise Rejected(f"download: HTTP {response.status}")
                return await response.read()
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise TransientFailure(f"download: {type(exc).__name__}") from exc


async def _json(response: aiohttp.ClientResponse) -> dict[str, Any]:
    """The body as JSON, or ``{}`` for a proxy's HTML page or an empty body."""
    try:
        data = await response.json(content_type=None)
    except (ValueError, aiohttp.ContentTypeError):
        return {}
    return data if isinstance(data, dict) else {}


def _checked(path: str, status: int, data: dict[str, Any]) -> dict[str, Any]:
    """The new host's answer, or the delivery exception it means."""
    code = str(data.get("code") or "")
    if status == 429 or "QpsLimit" in code or code.startswith("Throttling"):
        raise RetryAfter(THROTTLE_WAIT)
    if status >= 500:
        raise TransientFailure(f"{path}: HTTP {status} {code}")
    if status >= 300:
        raise Rejected(f"{path}: HTTP {status} {code}")
    return data
