"""Group commit: what callers submit while a write is running is written together in the
next one, so a burst costs a handful of transactions instead of one per item.

The inbox uses it twice: for the settlements of workers that finish at the same time
(replies' outcomes, chats handed back) and for updates Telegram posts to the webhook at
the same time (up to ``max_connections`` at once). Each caller waits until its own item
is committed; if a batch fails, its items are written one by one so that one bad item
fails alone (unless the database is down: then they all wait or fail alike).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class GroupCommit(Generic[T]):
    def __init__(
        self,
        write: Callable[[list[T]], Awaitable[None]],
        *,
        alike: Callable[[BaseException], bool] = lambda _exc: False,
    ) -> None:
        """``write`` commits a list of items in one transaction; ``alike(exc)`` says a
        failure would fail every item the same way (no point in trying them one by one)."""
        self._write = write
        self._alike = alike
        self._pending: list[tuple[T, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None
        self.batches = 0  # transactions written (tests, logs)

    async def submit(self, item: T) -> None:
        """Write ``item`` with whatever else is submitted meanwhile; returns once it is
        committed, raises what its write raised."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.ensure_future(self._drain())
        await future

    async def _drain(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                outcomes = await self._outcomes([item for item, _ in batch])
            except BaseException:  # cancelled (a shutdown): nobody may wait forever
                for _, future in batch + self._pending:
                    future.cancel()
                raise
            for (_, future), outcome in zip(batch, outcomes, strict=True):
                if future.done():
                    continue
                if outcome is None:
                    future.set_result(None)
                else:
                    future.set_exception(outcome)

    async def _outcomes(self, items: list[T]) -> list[BaseException | None]:
        try:
            self.batches += 1
            await self._write(items)
            return [None] * len(items)
        except Exception as exc:
            if len(items) == 1 or self._alike(exc):
                return [exc] * len(items)
        outcomes: list[BaseException | None] = []
        for item in items:
            try:
                self.batches += 1
                await self._write([item])
                outcomes.append(None)
            except Exception as one:
                outcomes.append(one)
        return outcomes
