"""The one sending path both runtimes share: Telegram's flood limits and retries.

Telegram allows about 30 messages a second overall and about one a second per chat
(short bursts tolerated); over that it answers 429 with ``retry_after``. Neither framework
enforces both (aiogram has no limiter; PTB's AIORateLimiter has no per-chat limit and does
not retry by default), so every reply and reminder goes through ``Delivery``: it waits
for both limiters (aiolimiter), waits out a 429 and retries, retries transient failures
(5xx, dropped connections) with backoff, and records a permanent refusal (403: the person
blocked the bot) instead of retrying forever. Messages to one chat keep their order.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import Enum

from aiolimiter import AsyncLimiter

from bot.handlers.events import Outgoing

log = logging.getLogger(__name__)


class RetryAfter(Exception):
    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds}s")
        self.seconds = seconds


class TransientFailure(Exception):
    """5xx, a proxy's HTML error page, a dropped connection: worth trying again."""


class Blocked(Exception):
    """403: the person blocked the bot or deleted their account; retrying cannot help."""


class Rejected(Exception):
    """400: the request itself is wrong; retrying cannot help."""


Transport = Callable[[Outgoing], Awaitable[int | None]]


class Outcome(Enum):
    SENT = "sent"
    BLOCKED = "blocked"  # 403: never retried
    REJECTED = "rejected"  # 400: never retried
    GAVE_UP = "gave_up"  # transient failures ran out of attempts: worth a later try


@dataclass(frozen=True)
class Delivered:
    outcome: Outcome
    message_id: int | None = None


@dataclass
class DeliveryLimits:
    overall_per_second: float = 30
    per_chat_burst: float = 3
    per_chat_period: float = 3.0  # a burst of 3, then one a second on average
    max_attempts: int = 8
    first_backoff: float = 0.5
    max_backoff: float = 30.0


@dataclass
class Delivery:
    transport: Transport
    limits: DeliveryLimits = field(default_factory=DeliveryLimits)
    on_blocked: Callable[[int], Awaitable[None]] | None = None

    def __post_init__(self) -> None:
        self._overall = AsyncLimiter(self.limits.overall_per_second, 1)
        self._chats: dict[int, AsyncLimiter] = {}
        self._chat_locks: dict[int, asyncio.Lock] = {}
        self.sent = 0
        self.retried_429 = 0

    def _chat_limiter(self, chat_id: int) -> AsyncLimiter:
        limiter = self._chats.get(chat_id)
        if limiter is None:
            limiter = AsyncLimiter(self.limits.per_chat_burst, self.limits.per_chat_period)
            self._chats[chat_id] = limiter
        return limiter

    async def send_all(self, messages: list[Outgoing]) -> None:
        """Send to several chats at once, each chat's messages in order."""
        by_chat: dict[int, list[Outgoing]] = {}
        for message in messages:
            by_chat.setdefault(message.chat_id, []).append(message)
        await asyncio.gather(*(self._send_chat(chat, items) for chat, items in by_chat.items()))

    async def _send_chat(self, chat_id: int, messages: list[Outgoing]) -> None:
        lock = self._chat_locks.setdefault(chat_id, asyncio.Lock())
        async with lock:
            for message in messages:
                await self.send(message)

    async def send(self, message: Outgoing) -> int | None:
        """Deliver one message; returns its message id, or None if it cannot be delivered."""
        result = await self.deliver(message)
        return result.message_id

    async def deliver(self, message: Outgoing) -> Delivered:
        """Deliver one message and say how it went: the reply outbox must tell a message
        that can never go (403, 400) from one worth trying again later (Telegram kept
        failing), which ``send``'s None does not.

        A 429 is always waited out (it is Telegram asking us to slow down, not a failure);
        only transient failures count towards ``max_attempts``."""
        delay = self.limits.first_backoff
        failures = 0
        while True:
            async with self._chat_limiter(message.chat_id), self._overall:
                try:
                    message_id = await self.transport(message)
                    self.sent += 1
                    return Delivered(Outcome.SENT, message_id)
                except RetryAfter as exc:
                    self.retried_429 += 1
                    wait = max(exc.seconds, 0.05)
                except TransientFailure as exc:
                    failures += 1
                    if failures >= self.limits.max_attempts:
                        log.error("gave up after %d transient failures: %s", failures, exc)
                        return Delivered(Outcome.GAVE_UP)
                    log.warning("transient failure (attempt %d): %s", failures, exc)
                    wait, delay = delay, min(delay * 2, self.limits.max_backoff)
                except Blocked:
                    log.info("a chat blocked the bot; not retrying")
                    if self.on_blocked is not None:
                        await self.on_blocked(message.chat_id)
                    return Delivered(Outcome.BLOCKED)
                except Rejected as exc:
                    log.warning("Bot API refused a message: %s", exc)
                    return Delivered(Outcome.REJECTED)
            await asyncio.sleep(wait)
