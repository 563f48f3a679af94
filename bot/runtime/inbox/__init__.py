"""The durable update loop both runtimes share: nothing confirmed before it is stored,
nothing handled twice, no reply lost, and one slow chat never holds up the others.

- **Fetching** (polling): the framework's Bot calls getUpdates; the raw updates are stored
  in the ``inbox`` table (a duplicate ``update_id`` is ignored) and committed, and only
  then is the offset moved past them, which the next getUpdates confirms to Telegram. If
  the database is down nothing is confirmed: Telegram keeps the updates (about a day) and
  the loop retries. Webhook mode stores the posted update the same way and answers 200
  only after the commit (503 otherwise, so Telegram posts it again).
- **Handling**: the oldest unhandled update of chats with nothing in flight is claimed
  (``storage.inbox``: row claims with a lease, ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so
  several processes share one inbox) in batches of up to twice ``workers``: in the store
  transaction itself when workers are free (at a trickle that saves a transaction per
  update), otherwise by the claimer, which runs only when something may be claimable (new
  updates, a chat with updates waiting handed back, a slot freed after a full claim, or
  ``idle_poll`` passed). Claimed updates go to at most ``workers`` workers at a time. A
  worker runs the conversations in one unit of work that also marks the update handled and
  stores the replies in the reply outbox; one commit holds all three, or none. A
  redelivered update is already handled and is never claimed again.
- **Replying**: after the commit the worker answers the button press (ephemeral: never
  stored) and sends the replies through the shared ``Delivery``; it keeps the chat's claim
  until then, so the chat's next update waits for them. Then the replies' outcomes and the
  chat's release are written as one ``Settlement``, together with those of every worker
  that finished meanwhile (a group commit: a burst costs a few commits, not one per reply).
  A courier sends the replies nobody is sending any more (a worker died between commit and
  send; Telegram kept failing and the retry is due), oldest first per chat.
- **Failures**: a database outage is retried with backoff (the process stays up); a bug
  in a handler marks that update failed, logs it and answers the press, as before; a
  conflict between two chats' transactions is retried a few times.

The only duplicate left is the one Telegram's API cannot rule out: a reply Telegram
accepted just before the process died, not yet marked sent (an update's replies are marked
together once the last is out), goes out again on restart.

The loop is split by job, each a class adding to the one before: ``state`` (what one
process keeps in memory), ``retries`` (the database, patiently), ``settling`` (sending
and recording replies; the courier), ``workers`` (claiming and handling) and ``intake``
(storing polled and posted updates); ``leases`` (renewal, housekeeping, start-up and
shutdown) stands beside them. ``Inbox`` puts them together and starts and stops them.
"""

from __future__ import annotations

import asyncio
import contextlib
from concurrent.futures import ThreadPoolExecutor

from bot.runtime.inbox.intake import Intake
from bot.runtime.inbox.leases import Leases
from bot.runtime.inbox.settings import READ_AHEAD, InboxSettings, UpdateSource
from bot.runtime.inbox.settling import Settlement
from bot.runtime.inbox.state import ClaimLost, log
from storage.failures import brief, is_database_outage

__all__ = [
    "READ_AHEAD",
    "ClaimLost",
    "Inbox",
    "InboxSettings",
    "Settlement",
    "UpdateSource",
    "brief",
    "is_database_outage",
]


class Inbox(Intake, Leases):
    """The loop of one process: a poller (or the webhook's ``accept``), a claimer feeding
    ``workers`` workers, a courier and a lease keeper."""

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Release claims left by a dead process (SQLite only: one process uses the file,
        so any claim found belongs to one that is gone), then start claiming."""
        self._stopping = False
        self._may_claim = True
        if self._executor is None:
            self._executor = ThreadPoolExecutor(
                max_workers=self.settings.workers + 8, thread_name_prefix="inbox"
            )
        released, waiting = await self._db(self._release_stale)
        if released:
            log.warning("released %d claims left by a previous run", released)
        for chat_id, count in waiting.items():
            self._waiting[chat_id] = self._waiting.get(chat_id, 0) + count
        self._loops = [
            asyncio.create_task(self._claimer(), name="inbox-claimer"),
            asyncio.create_task(self._courier(), name="inbox-courier"),
            asyncio.create_task(self._keeper(), name="inbox-keeper"),
        ]

    async def stop(self, grace: float = 10.0) -> None:
        """Stop claiming, let the workers in hand finish (up to ``grace`` seconds), then
        hand back whatever this process still holds."""
        self._stopping = True
        self._wake.set()
        self._courier_wake.set()
        loops, self._loops = self._loops, []
        for task in loops:
            task.cancel()
        await asyncio.gather(*loops, return_exceptions=True)
        if self._tasks:
            _done, pending = await asyncio.wait(set(self._tasks), timeout=grace)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        with contextlib.suppress(Exception):
            await self._thread(self._release_mine)
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False)

    def wake(self) -> None:
        self._may_claim = True
        self._wake.set()
