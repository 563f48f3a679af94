"""The database, patiently: blocking work runs on the inbox's own threads, and a step
that meets a database outage waits and tries again, so an outage delays work but loses
none."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from bot.runtime.inbox.state import InboxState, log
from storage.failures import brief, is_database_outage

T = TypeVar("T")


class DatabaseRetries(InboxState):
    """Running database steps off the event loop, waiting out outages."""

    async def _thread(self, fn: Callable[..., T], *args: Any) -> T:
        """Run blocking database work on the inbox's own threads: the loop's default pool
        has only ``cpu + 4`` threads, shared with everything else, which would cap the
        workers on a small machine."""
        if self._executor is None:
            return await asyncio.to_thread(fn, *args)
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    async def _db(self, fn: Callable[..., T], *args: Any, forever: bool = False) -> T:
        """Run a database step in a thread; while the database is down, wait and try again
        (until the loop stops, or ``forever``), so an outage delays work but loses none."""
        delay = 0.2
        while True:
            try:
                return await self._thread(fn, *args)
            except Exception as exc:
                if not is_database_outage(exc) or (self._stopping and not forever):
                    raise
                log.warning("database unavailable (%s); retrying in %.1fs", brief(exc), delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
