"""PTB's HTTP on aiohttp: a ``telegram.request.BaseRequest``, the extension point PTB
documents for other networking backends.

Why not PTB's default ``HTTPXRequest``: per call httpx and httpcore cost more CPU than the
rest of a reply's path (building the request, the pool's bookkeeping, the response
object), and a bot on a small district server spends most of its time sending replies.
aiohttp is already here (aiogram and the webhook endpoint use it). PTB still does
everything above the wire: the methods, the models, and the mapping of status codes to
its errors (``BaseRequest._request_wrapper``); this class only moves bytes and turns
aiohttp's failures into PTB's ``TimedOut`` and ``NetworkError``.

The getUpdates request keeps the body of its last answer (``keep_last``): the inbox stores
Telegram's own JSON, instead of re-serialising PTB's objects.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

#: PTB's "not passed" marker (``DEFAULT_NONE``): its class is private, its value is not, so
#: the class is taken from the value; mypy is shown the class itself.
if TYPE_CHECKING:
    from telegram._utils.defaultvalue import DefaultValue
else:
    DefaultValue = type(BaseRequest.DEFAULT_NONE)


class AiohttpRequest(BaseRequest):
    """Up to ``connections`` requests at once on one aiohttp session; timeouts as PTB's
    ``HTTPXRequest`` has them by default (5 s; 20 s more for the answer to an upload; 1 s
    to get a free connection)."""

    def __init__(
        self,
        connections: int = 8,
        *,
        read_timeout: float = 5.0,
        media_write_timeout: float = 20.0,
        connect_timeout: float = 5.0,
        pool_timeout: float = 1.0,
        keep_last: bool = False,
    ) -> None:
        self.connections = connections
        self._read_timeout = read_timeout
        self._media_write_timeout = media_write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._keep_last = keep_last
        self._session: aiohttp.ClientSession | None = None
        self.last_body: bytes | None = None  # with ``keep_last``: the last answer, as sent

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self.connections),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: float | None | DefaultValue[Any] = BaseRequest.DEFAULT_NONE,
        write_timeout: float | None | DefaultValue[Any] = BaseRequest.DEFAULT_NONE,
        connect_timeout: float | None | DefaultValue[Any] = BaseRequest.DEFAULT_NONE,
        pool_timeout: float | None | DefaultValue[Any] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data and request_data.contains_files else {}
        body: aiohttp.FormData | bytes | None = None
        headers: dict[str, str] = {}
        if request_data is not None:
            fields = request_data.json_parameters
            if files:  # multipart: the parameters as fields, then the files
                form = aiohttp.FormData(quote_fields=False)  # UTF-8 names, as HTTPX sends them
                for name, value in fields.items():
                    form.add_field(name, value)
                for name, (filename, content, mime) in files.items():
                    form.add_field(name, content, filename=filename, content_type=mime)
                body = form
            else:  # what HTTPXRequest sends: the JSON-encoded values, form-encoded
                body = urlencode(fields).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
        connect = _pick(connect_timeout, self._connect_timeout)
        read = _pick(read_timeout, self._read_timeout)
        if files:  # aiohttp has no write timeout: the answer to an upload may take longer
            read += _pick(write_timeout, self._media_write_timeout)
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=_pick(pool_timeout, self._pool_timeout) + connect,  # a free connection
            sock_connect=connect,
            sock_read=read,
        )
        try:
            async with session.request(
                method, url, data=body, headers=headers, timeout=timeout
            ) as response:
                payload = await response.read()
                status = response.status
        except TimeoutError as exc:
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            # The URL holds the token: keep it out of the message (it reaches the logs).
            raise NetworkError(
                f"aiohttp.{type(exc).__name__}: {str(exc).replace(url, '<the Bot API>')}"
            ) from exc
        if self._keep_last:
            self.last_body = payload
        return status, payload


def _pick(value: float | None | DefaultValue[Any], default: float) -> float:
    """A timeout PTB passed, or this request's default; ``None`` (no limit) as a day."""
    if isinstance(value, DefaultValue):
        return default
    return 86_400.0 if value is None else float(value)
