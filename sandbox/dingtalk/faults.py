"""Scripted API failures and the per-app QPS limit, so the runtime's retry paths get tested.

The runtime maps DingTalk's answers to retry / wait / give up (contract section 7). A test
arms :meth:`ApiFaults.fail_api` for the next calls, switches an :meth:`ApiFaults.outage` on
and off, or bursts past the QPS limit; the server asks :meth:`ApiFaults.check` before it
runs a call, and a call hit by a fault is not executed. Connection faults (disconnect,
silence, kills) act on sockets and live in :mod:`sandbox.dingtalk.connections`.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from sandbox.faults import html_error_page

SEND_PATHS = (
    "/v1.0/robot/oToMessages/batchSend",
    "/v1.0/im/v1.0/robot/interactiveCards/send",
    "/v1.0/im/robots/interactiveCards",
)
"""The api-host send endpoints: the QPS limit counts these."""

DEFAULT_FAULT_PATHS = (
    *SEND_PATHS,
    "/robot/sendBySession",
    "/v1.0/robot/messageFiles/download",
    "/media/upload",
    "/files/",
)
"""What ``fail_api`` hits without ``paths``: sending, updating, uploading, downloading."""

QPS_BODY = {
    "code": "Forbidden.AccessDenied.QpsLimitForApi",
    "message": "调用该接口触发了限流，请稍后重试",
    "requestid": "emulated",
}


@dataclass
class ArmedFailure:
    """``remaining`` more calls to ``paths`` answer ``status`` with ``body``."""

    status: int
    remaining: int
    paths: tuple[str, ...]
    body: Any = None

    def matches(self, path: str) -> bool:
        return any(path.startswith(prefix) for prefix in self.paths)


def failure_response(status: int, body: Any = None) -> web.Response:
    """The answer of a failing call: a given body, QpsLimitForApi for 429/403, else nginx."""
    if body is None:
        if status in (403, 429):
            return web.json_response(QPS_BODY, status=status)
        return web.Response(text=html_error_page(status), status=status, content_type="text/html")
    if isinstance(body, str | bytes):
        return web.Response(body=body, status=status, content_type="text/html")
    return web.json_response(body, status=status)


class ApiFaults:
    """Armed failures, the outage switch and the sliding-window QPS limiter."""

    def __init__(self, qps: float) -> None:
        self.qps = qps
        self.armed: list[ArmedFailure] = []
        self.outage_on = False
        self.injected: list[tuple[str, int]] = []
        self.throttled = 0
        self._window: deque[float] = deque()

    def fail_api(
        self,
        status: int = 503,
        times: int = 1,
        paths: list[str] | tuple[str, ...] | None = None,
        body: Any = None,
    ) -> None:
        if times < 1:
            raise ValueError("times must be at least 1")
        self.armed.append(ArmedFailure(status, times, tuple(paths or DEFAULT_FAULT_PATHS), body))

    def outage(self, on: bool) -> None:
        self.outage_on = on

    def clear(self) -> None:
        self.armed.clear()
        self.outage_on = False

    def check(self, path: str) -> web.Response | None:
        """The response that replaces this call, if a fault or the limit applies."""
        if self.outage_on:
            self.injected.append((path, 503))
            return failure_response(503)
        for failure in self.armed:
            if failure.matches(path):
                failure.remaining -= 1
                if failure.remaining == 0:
                    self.armed.remove(failure)
                self.injected.append((path, failure.status))
                return failure_response(failure.status, failure.body)
        if path in SEND_PATHS and self._over_limit():
            self.throttled += 1
            return web.json_response(QPS_BODY, status=403)
        return None

    def _over_limit(self) -> bool:
        if self.qps <= 0:
            return False
        now = time.monotonic()
        while self._window and now - self._window[0] >= 1.0:
            self._window.popleft()
        if len(self._window) >= self.qps:
            return True
        self._window.append(now)
        return False
