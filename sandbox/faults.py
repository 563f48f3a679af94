"""Scripted transport failures, so tests can prove the bot survives a flaky Telegram.

Real deployments see 5xx JSON errors, HTML error pages from proxies, dropped connections and
unexpected 429s. A test arms a fault for the next *n* Bot API calls (optionally only calls of
one method); the server consults :meth:`FaultInjector.take` before executing each call, and a
call hit by a fault is not executed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FaultKind = Literal["fail", "drop", "throttle"]

_REASONS = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def reason(status: int) -> str:
    return _REASONS.get(status, "Server Error")


def html_error_page(status: int) -> str:
    """The page an nginx reverse proxy serves for a failing upstream."""
    title = f"{status} {reason(status)}"
    return (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
        f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n"
        "</body>\r\n</html>\r\n"
    )


@dataclass
class Fault:
    """One armed fault; ``remaining`` counts the calls it still applies to."""

    kind: FaultKind
    remaining: int
    method: str | None = None
    status: int = 500
    html: bool = False
    retry_after: int = 1

    def matches(self, method: str) -> bool:
        return self.method is None or self.method == method.lower()


@dataclass
class InjectedFault:
    """Record of a fault that hit a call."""

    kind: FaultKind
    method: str


class FaultInjector:
    """Armed faults, consumed first-armed-first by matching calls."""

    def __init__(self) -> None:
        self._armed: list[Fault] = []
        self.injected: list[InjectedFault] = []

    def _arm(self, fault: Fault) -> None:
        if fault.remaining < 1:
            raise ValueError("n must be at least 1")
        if fault.method is not None:
            fault.method = fault.method.lower()
        self._armed.append(fault)

    def fail_next(
        self, n: int = 1, *, status: int = 500, html: bool = False, method: str | None = None
    ) -> None:
        """Answer the next ``n`` calls with a 5xx: Telegram-style JSON, or an nginx HTML page."""
        if not 500 <= status <= 599:
            raise ValueError("status must be a 5xx code")
        self._arm(Fault("fail", n, method, status=status, html=html))

    def drop_next(self, n: int = 1, *, method: str | None = None) -> None:
        """Close the connection of the next ``n`` calls without any response."""
        self._arm(Fault("drop", n, method))

    def throttle_next(self, n: int = 1, *, retry_after: int = 1, method: str | None = None) -> None:
        """Answer the next ``n`` calls with 429 ``retry_after``."""
        if retry_after < 1:
            raise ValueError("retry_after must be at least 1 second")
        self._arm(Fault("throttle", n, method, retry_after=retry_after))

    def clear(self) -> None:
        """Disarm everything."""
        self._armed.clear()

    @property
    def armed(self) -> int:
        """How many calls the armed faults will still hit."""
        return sum(fault.remaining for fault in self._armed)

    def take(self, method: str) -> Fault | None:
        """The fault that applies to this call, if any (consuming one use of it)."""
        for fault in self._armed:
            if fault.matches(method):
                fault.remaining -= 1
                if fault.remaining == 0:
                    self._armed.remove(fault)
                self.injected.append(InjectedFault(fault.kind, method))
                return fault
        return None
