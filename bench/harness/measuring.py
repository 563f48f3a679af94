"""Measuring: the load driver that queues updates in the emulator, the clock that times
the replies, and one shape's run (a ``Phase``)."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from harness.bot_process import Child, database_cpu
from harness.district import Cadre
from harness.machine import load_average
from sandbox import BotApiEmulator


@dataclass
class _Sent:
    at: float
    replies: int
    remaining: int


class ReplyClock:
    """When each update was queued and when its replies reached the emulator.

    It wraps the emulator state's ``add_message`` (every message the bot sends lands
    there) rather than polling transcripts, so the timestamp is taken the moment the
    emulator handles the sendMessage. Replies are matched to updates per chat in order
    (the bot answers one chat's updates in order) by the number each kind gets."""

    def __init__(
        self, emu: BotApiEmulator, aside: Callable[[int, str], bool] | None = None
    ) -> None:
        """``aside(chat_id, text)``: True for a message that answers no update (a pushed
        reminder, bench/push.py), left out of the replies."""
        self._pending: dict[int, collections.deque[_Sent]] = collections.defaultdict(
            collections.deque
        )
        self.first: list[float] = []
        self.last: list[float] = []
        self.expected = 0
        self.received = 0
        self.unexpected = 0
        self.last_reply_at = 0.0
        self.texts: dict[int, str] = {}  # the latest reply per chat, to show what went wrong
        self._done = asyncio.Event()
        original = emu.state.add_message

        def add_message(chat: Any, direction: Any, message: Any, sent: Any = None) -> Any:
            entry = original(chat, direction, message, sent)
            if direction == "out":
                body = message.get("text", "")
                if aside is None or not aside(chat.id, body):
                    self._reply(chat.id, body)
            return entry

        emu.state.add_message = add_message  # type: ignore[method-assign]

    def reset(self) -> None:
        self.first, self.last = [], []
        self.expected = self.received = self.unexpected = 0
        self._done.clear()

    def expect(self, chat_id: int, replies: int) -> None:
        self._pending[chat_id].append(_Sent(time.perf_counter(), replies, replies))
        self.expected += replies
        self._done.clear()

    def _reply(self, chat_id: int, body: str) -> None:
        now = time.perf_counter()
        self.received += 1
        self.last_reply_at = now
        self.texts[chat_id] = body
        queue = self._pending.get(chat_id)
        if not queue:
            self.unexpected += 1
            return
        head = queue[0]
        if head.remaining == head.replies:
            self.first.append((now - head.at) * 1000)
        head.remaining -= 1
        if head.remaining == 0:
            self.last.append((now - head.at) * 1000)
            queue.popleft()
        if self.received >= self.expected:
            self._done.set()

    async def drained(self, timeout: float) -> bool:
        """Wait until every expected reply has arrived; False on timeout."""
        if self.received >= self.expected:
            return True
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._done.wait()
        return self.received >= self.expected


def plan(cadres: list[Cadre], updates: int) -> list[tuple[Cadre, str]]:
    """Round-robin over the cadres, a check-in then a diary and so on: one cadre's next
    update comes ``len(cadres)`` updates after its previous one."""
    n = len(cadres)
    return [(cadres[i % n], "location" if (i // n) % 2 == 0 else "diary") for i in range(updates)]


class Driver:
    """Queues simulated cadres' updates in the emulator, as the e2e tests' users do."""

    def __init__(self, emu: BotApiEmulator, clock: ReplyClock, replies: dict[str, int]) -> None:
        self.emu = emu
        self.clock = clock
        self.replies = replies
        self.sent = 0

    def send(self, cadre: Cadre, kind: str) -> None:
        """Queue one update ("location": a check-in; "diary": ``/diary`` with a line)."""
        user = self.emu.user(cadre.user_id, "干部", language_code="zh")
        self.clock.expect(cadre.user_id, self.replies[kind])
        self.sent += 1
        if kind == "location":
            user.send_location(cadre.lat, cadre.lon)
        else:
            user.send_text(f"/diary 入户走访第{self.sent}户，了解种植和务工情况。")


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0.5, 0.95, 0.99) of the latencies; NaN when there are none."""
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=1000, method="inclusive")[int(q * 1000) - 1]


@dataclass
class Phase:
    """One shape's figures."""

    shape: str
    updates: int
    replies: int
    expected: int
    seconds: float
    first_ms: list[float]
    last_ms: list[float]
    bot_cpu: float
    bot_system_cpu: float
    bot_loop_cpu: float
    driver_cpu: float
    database_cpu: float | None
    load: str
    offered: float | None = None
    complete: bool = True

    @property
    def throughput(self) -> float:
        return self.updates / self.seconds if self.seconds > 0 else float("nan")

    def cpu_ms(self, seconds: float) -> float:
        return seconds / self.updates * 1000 if self.updates else float("nan")


async def run_phase(
    driver: Driver,
    child: Child,
    work: list[tuple[Cadre, str]],
    *,
    rate: float | None,
    drain: float,
    backend: str = "sqlite",
    serial: bool = False,
) -> Phase:
    """Queue ``work`` (all at once, ``rate`` a second, or ``serial``: each update once the
    previous one's reply has arrived, light load) and wait for every reply."""
    clock = driver.clock
    clock.reset()
    cpu0, system0, driver0 = child.cpu(), child.system_cpu(), time.process_time()
    loop0 = child.loop_cpu()
    db0 = database_cpu() if backend == "postgresql" else None
    t0 = time.perf_counter()
    if serial:
        for cadre, kind in work:
            driver.send(cadre, kind)
            if not await clock.drained(drain):
                break
    elif rate is None:
        for cadre, kind in work:
            driver.send(cadre, kind)
    else:
        for i, (cadre, kind) in enumerate(work):
            delay = t0 + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            driver.send(cadre, kind)
    complete = await clock.drained(drain)
    end = clock.last_reply_at if complete else time.perf_counter()
    phase = Phase(
        shape="light" if serial else "burst" if rate is None else "paced",
        updates=len(work),
        replies=clock.received,
        expected=clock.expected,
        seconds=end - t0,
        first_ms=list(clock.first),
        last_ms=list(clock.last),
        bot_cpu=child.cpu() - cpu0,
        bot_system_cpu=child.system_cpu() - system0,
        bot_loop_cpu=child.loop_cpu() - loop0,
        driver_cpu=time.process_time() - driver0,
        database_cpu=None
        if db0 is None
        else sum(t - db0.get(pid, 0.0) for pid, t in database_cpu().items()),
        load=load_average(),
        offered=rate,
        complete=complete and clock.unexpected == 0,
    )
    await asyncio.sleep(0.5)  # the bot marks its last replies sent; not in the figures
    return phase
