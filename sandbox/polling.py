"""getUpdates: Telegram's long-polling queue semantics.

Offsets confirm updates (offset N forgets every update below N; a negative offset keeps only
the last -N), ``timeout`` holds the request open until an update arrives, and a second
concurrent getUpdates terminates the first with 409 Conflict, as Telegram does when two bot
instances poll with one token.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sandbox import validation as v
from sandbox.errors import conflict
from sandbox.state import EmulatorState

_TERMINATED = (
    "terminated by other getUpdates request; make sure that only one bot instance is running"
)
_WEBHOOK_ACTIVE = (
    "can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)


@dataclass
class _PollTicket:
    terminated: bool = False


class UpdatePoller:
    """Serves getUpdates for one emulator; at most one request is in flight at a time."""

    def __init__(self, state: EmulatorState, webhook_active: Callable[[], bool]) -> None:
        self._state = state
        self._webhook_active = webhook_active
        self._active: _PollTicket | None = None
        self._closing = False

    @property
    def in_flight(self) -> bool:
        return self._active is not None

    def terminate_active(self) -> None:
        """Make the in-flight getUpdates (if any) fail with 409."""
        if self._active is not None:
            self._active.terminated = True
            self._active = None
            self._state.updates_signal.notify()

    def reopen(self) -> None:
        """Serve normally again after :meth:`close` (emulator restart)."""
        self._closing = False

    def close(self) -> None:
        """Release every waiting request with whatever it has, for server shutdown."""
        self._closing = True
        self._state.updates_signal.notify()

    async def get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self._webhook_active():
            raise conflict(_WEBHOOK_ACTIVE)
        offset = v.int_param(params, "offset", required=False) or 0
        limit = min(max(v.int_param(params, "limit", required=False) or 100, 1), 100)
        timeout = _seconds(params.get("timeout"))
        if "allowed_updates" in params:
            self._state.set_allowed_updates(v.json_param(params, "allowed_updates"))

        self.terminate_active()
        ticket = _PollTicket()
        self._active = ticket
        try:
            if offset > 0:
                self._state.confirm_below(offset)
            elif offset < 0:
                self._state.keep_last(-offset)
            loop = asyncio.get_running_loop()
            deadline = loop.time() + timeout
            while True:
                if ticket.terminated:
                    raise conflict(_TERMINATED)
                batch = self._state.pending[:limit]
                remaining = deadline - loop.time()
                if batch or remaining <= 0 or self._closing:
                    return [update.to_json() for update in batch]
                await self._state.updates_signal.wait(remaining)
        finally:
            if self._active is ticket:
                self._active = None


def _seconds(value: Any) -> float:
    if value in (None, ""):
        return 0.0
    try:
        return max(float(value), 0.0)
    except (TypeError, ValueError):
        return 0.0
