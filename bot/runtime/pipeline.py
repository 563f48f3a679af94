"""The framework-neutral half of a runtime, shared by the aiogram and the PTB runtimes.

Both runtimes do the same thing with an update once it is an ``Incoming``: run the
synchronous conversations (in a worker thread, in the unit of work the inbox opened), answer
a button press whatever happens (or the client's spinner keeps turning), and send the
replies through the one ``Delivery``. Both also turn a reply into one of five Bot API calls
and their framework's exceptions into the delivery's four outcomes. Written once here, each
runtime only supplies ``BotCalls``: those calls and that mapping in its framework's terms.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from bot.handlers.conversation import BeforeCommit
from bot.handlers.events import Incoming, Outgoing, Response
from bot.runtime.delivery import Delivery, DeliveryLimits, Rejected, Transport
from storage.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

#: Telegram's 400 for an edit that changes nothing: the message already reads as wanted.
NOT_MODIFIED = "message is not modified"

#: ``Conversations.handle_in``: one event in an open unit of work, committed, → Response.
Handle = Callable[[UnitOfWork, Incoming, BeforeCommit | None], Response]


class BotCalls(Protocol):
    """The Bot API calls a reply can need, in one framework's terms."""

    async def send_text(self, message: Outgoing) -> int:
        """sendMessage (HTML, with the reply markup); returns the new message id."""
        ...

    async def edit_text(self, message: Outgoing) -> None:
        """editMessageText of ``message.edit_message_id`` (HTML, with the inline markup)."""
        ...

    async def send_document(self, message: Outgoing) -> int:
        """sendDocument of ``message.document`` with ``message.text`` as the caption."""
        ...

    async def send_stored_document(self, message: Outgoing) -> int:
        """sendDocument of the file id ``message.document_id`` (a file Telegram holds)
        with ``message.text`` as the caption."""
        ...

    async def send_photo(self, message: Outgoing) -> int:
        """sendPhoto of ``message.photo`` with ``message.text`` as the caption."""
        ...

    async def send_album(self, message: Outgoing) -> int:
        """sendMediaGroup of the photos ``message.photo_ids`` (file ids Telegram holds; a
        single one: sendPhoto); returns the first message's id."""
        ...

    async def answer_press(self, query_id: str, text: str | None, alert: bool) -> None:
        """answerCallbackQuery: the toast (or alert) for a button press."""
        ...

    def delivery_error(self, exc: Exception) -> Exception | None:
        """The ``Delivery`` exception (RetryAfter, TransientFailure, Blocked, Rejected) this
        framework error means, or None to let it propagate (a bad token, a bug)."""
        ...


def make_transport(calls: BotCalls) -> Transport:
    """The ``Delivery`` transport: pick the Bot API call for a reply, map the failures."""

    async def transport(message: Outgoing) -> int | None:
        try:
            if message.edit_message_id is not None:
                await calls.edit_text(message)
                return message.edit_message_id
            if message.document is not None:
                return await calls.send_document(message)
            if message.document_id is not None:
                return await calls.send_stored_document(message)
            if message.photo is not None:
                return await calls.send_photo(message)
            if message.photo_ids:
                return await calls.send_album(message)
            return await calls.send_text(message)
        except Exception as exc:
            mapped = calls.delivery_error(exc)
            if mapped is None:
                raise
            if isinstance(mapped, Rejected) and NOT_MODIFIED in str(exc).lower():
                return message.edit_message_id  # the edit is already there: a success
            raise mapped from exc

    return transport


def in_thread(callback: Callable[[int], None] | None) -> Callable[[int], Awaitable[None]] | None:
    """Run a synchronous ``on_blocked(chat_id)`` (it writes to the database) off the loop."""
    if callback is None:
        return None

    async def on_blocked(chat_id: int) -> None:
        await asyncio.to_thread(callback, chat_id)

    return on_blocked


class Pipeline:
    """What both runtimes do with an update once it is an ``Incoming``: run the
    conversations in the unit of work the inbox opened (``handle`` is
    ``Conversations.handle_in``), answer the button press after the commit (answers are
    ephemeral: never stored, a failure only loses the toast), and send the replies through
    the one ``Delivery``."""

    def __init__(
        self,
        *,
        handle: Handle,
        calls: BotCalls,
        on_blocked: Callable[[int], None] | None = None,
        limits: DeliveryLimits | None = None,
    ) -> None:
        self.handle = handle
        self.calls = calls
        #: Called once an update's replies are out when its handling put reminders back
        #: into the outbox (``Response.outbox_waiting``: a late binding); ``cadrebot run``
        #: sets it to the in-process scheduler's ``drain_soon``. None: the next periodic
        #: drain sends them.
        self.on_outbox_waiting: Callable[[], None] | None = None
        self.delivery = Delivery(
            make_transport(calls),
            limits=limits or DeliveryLimits(),
            on_blocked=in_thread(on_blocked),
        )

    def outbox_waiting(self, response: Response) -> None:
        """After the replies of ``response``: start sending the reminders it released."""
        if response.outbox_waiting and self.on_outbox_waiting is not None:
            self.on_outbox_waiting()

    async def answer(self, event: Incoming, response: Response) -> None:
        """Answer a button press; a failure only loses the toast, never the replies."""
        if event.press is None:
            return
        try:
            await self.calls.answer_press(event.press.query_id, response.answer, response.alert)
        except Exception as exc:  # an expired query, a flaky network: the toast is lost
            log.info("could not answer a callback query: %s", exc)
