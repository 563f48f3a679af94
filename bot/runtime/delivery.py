"""The one sending path both runtimes share: Telegram's flood limits and retries.

Telegram allows about 30 messages a second overall and about one a second per chat
(short bursts tolerated); over that it answers 429 with ``retry_after``. Neither framework
enforces both (aiogram has no limiter; PTB's AIORateLimiter has no per-chat limit and does
not retry by default), so every reply and reminder goes through ``Delivery``: it waits
for both limiters (aiolimiter), waits out a 429 and retries, retries transient failures
(5xx, dropped connections) with backoff, and records a permanent refusal (403: the person
blocked the bot) instead of retrying forever. Messages to one chat keep their order.

What people feel under the cap decides two more things:

- **Replies first.** A person's reply (the answer to their own update and the notices it
  causes, ``deliver``/``send``) takes the next of the 30 slots a second before any
  scheduled reminder (``send_reminder``): a Monday push to the whole roster takes minutes
  at 30/s, and an answer must not queue behind it. Reminders get every slot replies leave.
- **Fast recovery.** The backoff after a transient failure is bounded (2 s, with jitter so
  the waiting sends do not retry in step); while Telegram keeps failing one send about
  every second tries (a probe), the others wait for it, and the first success lets them
  all go at once. An exponential backoff to 30 s kept sleeping long after Telegram was back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
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
    # A little under Telegram's 30: messages admitted here at exactly 30/s reach Telegram
    # bunched by the network, and the odd early one was answered 429.
    overall_per_second: float = 28.5
    per_chat_burst: float = 3
    per_chat_period: float = 3.0  # a burst of 3, then one a second on average
    max_attempts: int = 8
    first_backoff: float = 0.5
    max_backoff: float = 2.0  # bounded: a send tries again soon after Telegram is back
    probe_interval: float = 1.0  # while Telegram fails, one send tries about this often


class PriorityLimiter:
    """Telegram's overall limit (``rate`` messages a ``period``, a burst of ``rate``) as a
    leaky bucket shared by two classes: a reply takes the next free slot; a reminder only
    when no reply is waiting for one, so a push uses what replies leave."""

    def __init__(self, rate: float, period: float = 1.0) -> None:
        self.capacity = rate
        self._leak_rate = rate / period
        self._level = 0.0
        self._last = time.monotonic()
        self._replies_waiting = 0
        self._no_reply_waiting = asyncio.Event()
        self._no_reply_waiting.set()

    def _has_room(self) -> bool:
        now = time.monotonic()
        self._level = max(0.0, self._level - (now - self._last) * self._leak_rate)
        self._last = now
        return self._level + 1 <= self.capacity

    def _until_room(self) -> float:
        return max((self._level + 1 - self.capacity) / self._leak_rate, 0.001)

    async def acquire(self, *, reply: bool) -> None:
        if reply:
            self._replies_waiting += 1
            self._no_reply_waiting.clear()
        try:
            while True:
                if not reply and self._replies_waiting:
                    await self._no_reply_waiting.wait()
                    continue
                if self._has_room():
                    self._level += 1
                    return
                await asyncio.sleep(self._until_room())
        finally:
            if reply:
                self._replies_waiting -= 1
                if not self._replies_waiting:
                    self._no_reply_waiting.set()


@dataclass
class Delivery:
    transport: Transport
    limits: DeliveryLimits = field(default_factory=DeliveryLimits)
    on_blocked: Callable[[int], Awaitable[None]] | None = None

    def __post_init__(self) -> None:
        self._overall = PriorityLimiter(self.limits.overall_per_second, 1)
        self._healthy = asyncio.Event()  # cleared by a transient failure, set by a success
        self._healthy.set()
        self._next_probe = 0.0  # loop time when a send may next try while Telegram fails
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
        """Deliver one reply; returns its message id, or None if it cannot be delivered."""
        result = await self.deliver(message)
        return result.message_id

    async def send_reminder(self, message: Outgoing) -> int | None:
        """Deliver a scheduled message (a reminder, a report): it takes a slot of the
        overall limit only when no reply is waiting for one."""
        result = await self.deliver(message, reply=False)
        return result.message_id

    async def deliver(self, message: Outgoing, *, reply: bool = True) -> Delivered:
        """Deliver one message and say how it went: the reply outbox must tell a message
        that can never go (403, 400) from one worth trying again later (Telegram kept
        failing), which ``send``'s None does not.

        A 429 is always waited out (it is Telegram asking us to slow down, not a failure);
        only transient failures count towards ``max_attempts``."""
        delay = self.limits.first_backoff
        failures = 0
        while True:
            await self._wait_for_turn()
            async with self._chat_limiter(message.chat_id):
                await self._overall.acquire(reply=reply)
                try:
                    message_id = await self.transport(message)
                    self.sent += 1
                    self._healthy.set()  # Telegram answers: every waiting send may go
                    return Delivered(Outcome.SENT, message_id)
                except RetryAfter as exc:
                    self._healthy.set()  # Telegram answers (it asks to slow down)
                    self.retried_429 += 1
                    await asyncio.sleep(max(exc.seconds, 0.05))  # asked to: never cut short
                    continue
                except TransientFailure as exc:
                    self._healthy.clear()
                    failures += 1
                    if failures >= self.limits.max_attempts:
                        log.error("gave up after %d transient failures: %s", failures, exc)
                        return Delivered(Outcome.GAVE_UP)
                    log.warning("transient failure (attempt %d): %s", failures, exc)
                    wait = delay * random.uniform(0.5, 1.0)
                    delay = min(delay * 2, self.limits.max_backoff)
                except Blocked:
                    self._healthy.set()  # Telegram answers, about this chat only
                    log.info("a chat blocked the bot; not retrying")
                    if self.on_blocked is not None:
                        await self.on_blocked(message.chat_id)
                    return Delivered(Outcome.BLOCKED)
                except Rejected as exc:
                    self._healthy.set()  # Telegram answers, about this message only
                    log.warning("Bot API refused a message: %s", exc)
                    return Delivered(Outcome.REJECTED)
            await self._sleep_unless_recovered(wait)

    async def _sleep_unless_recovered(self, seconds: float) -> None:
        """Wait ``seconds``, or less if another send succeeds meanwhile."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._healthy.wait(), seconds)

    async def _wait_for_turn(self) -> None:
        """While Telegram fails, one send every ``probe_interval`` (with jitter) tries:
        the probe. The others wait for its success (then all go at once) or their turn,
        so an outage costs about one failed call a second, however many replies wait."""
        loop = asyncio.get_running_loop()
        while not self._healthy.is_set():
            due = self._next_probe - loop.time()
            if due <= 0:
                jitter = random.uniform(0.75, 1.25)
                self._next_probe = loop.time() + self.limits.probe_interval * jitter
                return
            await self._sleep_unless_recovered(due)
