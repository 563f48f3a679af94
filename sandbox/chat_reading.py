"""Reading a chat as the person on the other side, shared by both emulators' people
(``sandbox.users.SimulatedUser``, ``sandbox.dingtalk.users.DingTalkUser``): the next
message in order, and waiting until the bot has gone quiet."""

from __future__ import annotations

import asyncio
import time
from typing import Any


class ChatReading:
    """Needs ``inbox`` (the bot's messages in order), ``chat.last_bot_activity``,
    ``_state.messages_signal``, ``_cursor`` and ``transcript()``."""

    _cursor: int
    _state: Any
    chat: Any

    @property
    def inbox(self) -> list[Any]:
        raise NotImplementedError

    def transcript(self) -> str:
        raise NotImplementedError

    async def next_message(self, timeout: float = 5.0) -> Any:
        """The next bot message this person has not consumed yet (FIFO), waiting for it."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            messages = self.inbox
            if self._cursor < len(messages):
                self._cursor += 1
                return messages[self._cursor - 1]
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(
                    f"{self!r} got no new message from the bot within {timeout}s.\n"
                    f"Transcript:\n{self.transcript()}"
                )
            await self._state.messages_signal.wait(remaining)

    async def wait_until_quiet(self, quiet: float = 0.3, timeout: float = 10.0) -> None:
        """Return once the bot has sent/edited nothing in this chat for ``quiet`` seconds."""
        start = time.monotonic()
        while True:
            current = time.monotonic()
            idle = current - max(self.chat.last_bot_activity, start)
            if idle >= quiet:
                return
            if current - start >= timeout:
                raise AssertionError(
                    f"the bot kept talking to {self!r} for {timeout}s.\n"
                    f"Transcript:\n{self.transcript()}"
                )
            await asyncio.sleep(quiet - idle)
