"""Telegram's flood control for outgoing messages, so rate-limiting bugs show up in tests.

Telegram lets a bot send about one message per second to a chat (short bursts tolerated) and
about thirty per second overall; beyond that it answers 429 with ``retry_after`` and does not
deliver. Token buckets model "a burst, then the sustained rate" directly.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class TokenBucket:
    """``capacity`` tokens, refilled at ``rate`` per second."""

    capacity: float
    rate: float
    tokens: float = field(init=False)
    updated: float | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.tokens = self.capacity

    def refill(self, now: float) -> None:
        if self.updated is not None:
            self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    def wait_time(self) -> float:
        """Seconds until one token is available (0 if one is available now)."""
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


@dataclass
class FloodRejection:
    """One 429 served by the flood limiter."""

    method: str
    chat_id: int
    retry_after: int
    at: float


class FloodLimiter:
    """Per-chat and global token buckets; ``check`` either admits a message or says how long
    to wait."""

    def __init__(
        self,
        *,
        enabled: bool = False,
        per_chat_burst: int = 3,
        per_chat_rate: float = 1.0,
        global_burst: int = 30,
        global_rate: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.enabled = enabled
        self.per_chat_burst = per_chat_burst
        self.per_chat_rate = per_chat_rate
        self._clock = clock
        self._global = TokenBucket(global_burst, global_rate)
        self._chats: dict[int, TokenBucket] = {}
        self.rejections: list[FloodRejection] = []

    def check(self, method: str, chat_id: int) -> int | None:
        """Admit one message to ``chat_id`` (returns None) or return ``retry_after`` seconds.

        A rejected message consumes nothing, as Telegram does not deliver it.
        """
        if not self.enabled:
            return None
        now = self._clock()
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = self._chats[chat_id] = TokenBucket(self.per_chat_burst, self.per_chat_rate)
        chat.refill(now)
        self._global.refill(now)
        wait = max(chat.wait_time(), self._global.wait_time())
        if wait > 0:
            retry_after = max(1, math.ceil(wait))
            self.rejections.append(FloodRejection(method, chat_id, retry_after, now))
            return retry_after
        chat.tokens -= 1
        self._global.tokens -= 1
        return None

    def reset(self) -> None:
        """Forget all history (full buckets)."""
        self._chats.clear()
        self._global = TokenBucket(self._global.capacity, self._global.rate)
