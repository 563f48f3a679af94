"""The DingTalk runtime: Stream mode frames in, the shared inbox, DingTalk's calls out.

Like the Telegram runtimes it only translates: a robot message or a card press becomes
an ``Incoming`` and goes through the same durable inbox, conversations, reply outbox and
``Delivery``. What DingTalk adds is said where it is handled:

- intake (``_FrameHandler``): a frame is stored in the inbox, and only then does the
  SDK's ``CallbackHandler.raw_process`` acknowledge it (on the socket it came on);
- people: a staff id gets a chat number (``uow.messenger_accounts``); while the person is
  not bound, their mobile is read from the organisation's directory and handed to the
  conversations as their own shared contact, so the roster decides who gets in;
- connections: ``stream.Stream`` (reconnect before close, a silence watchdog);
- replies: ``calls.DingTalkCalls`` (session webhook, one-to-one send, cards, files).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from dingtalk_stream import CallbackHandler
from dingtalk_stream.frames import AckMessage, CallbackMessage

from bot.handlers.events import Incoming
from bot.runtime.base import InboxRuntime
from bot.runtime.delivery import DeliveryLimits
from bot.runtime.dingtalk import frames
from bot.runtime.dingtalk.calls import DingTalkCalls, SessionWebhook
from bot.runtime.dingtalk.openapi import CredentialsRejected, DingTalkApi
from bot.runtime.dingtalk.stream import Stream
from bot.runtime.inbox import InboxSettings
from bot.runtime.menu import MenuEntry
from bot.runtime.pipeline import Handle
from bot.settings import SettingsError
from storage.failures import brief
from storage.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

MESSENGER = "dingtalk"
DIRECTORY_USER = "/topapi/v2/user/get"
#: DingTalk's documented limit for an enterprise robot's sends is per app and per second
#: (20 a second is the usual quota); a little under it, as for Telegram.
LIMITS = DeliveryLimits(overall_per_second=18.0, per_chat_burst=3, per_chat_period=3.0)


class _FrameHandler(CallbackHandler):
    """A topic's frames: stored, then acknowledged (``raw_process`` acks what this
    returns; an exception means no acknowledgement)."""

    def __init__(self, runtime: DingTalkRuntime, topic: str) -> None:
        super().__init__()
        self.runtime = runtime
        self.topic = topic

    async def process(self, message: CallbackMessage) -> tuple[int, str]:
        await self.runtime.intake(self.topic, message)
        return AckMessage.STATUS_OK, "OK"


class DingTalkRuntime(InboxRuntime):
    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        robot_code: str,
        api_url: str,
        oapi_url: str,
        handle: Handle,
        menu: list[MenuEntry],
        uow_factory: Callable[[], UnitOfWork],
        on_blocked: Callable[[int], None] | None = None,
        inbox: InboxSettings | None = None,
        silence: float = 60.0,
        no_location: str = "",
    ) -> None:
        self.api = DingTalkApi(
            client_id=client_id, client_secret=client_secret, api_url=api_url, oapi_url=oapi_url
        )
        self.calls = DingTalkCalls(
            self.api, robot_code=robot_code, staff_of=self.staff_of, no_location=no_location
        )
        self.uow_factory = uow_factory
        self._staff: dict[int, str] = {}
        self._chats: dict[str, int] = {}
        self.stream = Stream(
            api_url=api_url,
            client_id=client_id,
            client_secret=client_secret,
            handlers={
                topic: _FrameHandler(self, topic)
                for topic in (frames.ROBOT_TOPIC, frames.CARD_TOPIC)
            },
            silence=silence,
        )
        super().__init__(
            calls=self.calls,
            handle=handle,
            menu=menu,
            uow_factory=uow_factory,
            on_blocked=on_blocked,
            inbox=inbox,
            limits=LIMITS,
        )

    # -- intake ------------------------------------------------------------------------------

    async def intake(self, topic: str, message: CallbackMessage) -> None:
        """Store one frame in the inbox (raises if it could not be: no acknowledgement)."""
        data = message.data if isinstance(message.data, dict) else json.loads(message.data)
        staff = frames.sender_of(topic, data)
        if staff is None:
            log.warning("DingTalk frame without a sender on %s: ignored", topic)
            return
        chat, bound = await asyncio.to_thread(self._account, staff)
        mobile = None
        if not bound and topic == frames.ROBOT_TOPIC:
            mobile = await self._directory_mobile(staff)
        if topic == frames.ROBOT_TOPIC and data.get("sessionWebhook"):
            # Valid for as long as DingTalk says from when it was sent, counted on our
            # clock from now: a skew between the two clocks cannot make it look fresh.
            lasts = int(data.get("sessionWebhookExpiredTime") or 0) - int(data.get("createAt") or 0)
            self.calls.sessions[chat] = SessionWebhook(
                str(data["sessionWebhook"]), time.time() + max(lasts, 0) / 1000
            )
        frame_id = str(message.headers.message_id or data.get("msgId") or "")
        await self.inbox.accept(frames.stored(topic, frame_id, data, chat, mobile))

    def _account(self, staff: str) -> tuple[int, bool]:
        """The staff id's chat number (given on first sight) and whether a person of the
        roster is bound to it."""
        with self.uow_factory() as uow:
            chat = uow.messenger_accounts.number_for(MESSENGER, staff, datetime.now(UTC))
            bound = uow.people.by_telegram_id(chat) is not None
            uow.commit()
        self._staff[chat] = staff
        self._chats[staff] = chat
        return chat, bound

    async def _directory_mobile(self, staff: str) -> str | None:
        """The member's mobile in the organisation's directory, as +<country><number>;
        None if the directory cannot say (the conversations then answer as to anyone
        unknown, and the next message tries again)."""
        try:
            answer = await self.api.call_oapi(
                DIRECTORY_USER, {"userid": staff, "language": "zh_CN"}
            )
        except Exception as exc:
            log.warning("directory lookup failed (%s)", brief(exc))
            return None
        result = answer.get("result") or {}
        mobile = str(result.get("mobile") or "").strip()
        if not mobile:
            return None
        if mobile.startswith("+"):
            return mobile
        return f"+{result.get('state_code') or '86'}{mobile}"

    async def staff_of(self, chat: int) -> str | None:
        staff = self._staff.get(chat)
        if staff is None:
            staff = await asyncio.to_thread(self._lookup_staff, chat)
            if staff is not None:
                self._staff[chat] = staff
        return staff

    def _lookup_staff(self, chat: int) -> str | None:
        with self.uow_factory() as uow:
            return uow.messenger_accounts.external_id(MESSENGER, chat)

    def parse(self, payload: dict[str, Any]) -> Incoming | None:
        event = frames.incoming(payload)
        if event is not None and event.press is not None:
            self.calls.presses[event.press.query_id] = event.chat_id
        return event

    # -- InboxRuntime ------------------------------------------------------------------------

    async def open(self) -> None:
        await self.api.token()  # the credentials are checked before anything else

    async def close(self) -> None:
        await self.api.close()

    def is_fatal(self, exc: Exception) -> bool:
        return isinstance(exc, CredentialsRejected)

    def rejected(self) -> SettingsError:
        return SettingsError(
            "CADREBOT_DINGTALK_CLIENT_ID/CLIENT_SECRET: rejected by DingTalk "
            "(check the app's credentials in the developer console)"
        )

    async def set_menu(self) -> None:
        """DingTalk's robot has no command menu set by API (its 快捷指令 are set in the
        developer console): /help lists the commands."""

    async def delete_webhook(self) -> None:
        """Stream mode has no webhook to remove."""

    async def fetch(self, offset: int | None, timeout: int) -> list[dict[str, Any]]:
        raise NotImplementedError("DingTalk pushes frames: nothing is fetched")

    async def run_polling(self) -> None:
        """Stream mode until ``stop()``: the frames are stored as they come (the SDK's
        handlers acknowledge each after it is stored), the inbox's workers handle them."""
        async with self._running():
            stream = asyncio.create_task(self.stream.run(), name="dingtalk-stream")
            stopped = asyncio.create_task(self._stop.wait())
            try:
                await asyncio.wait({stream, stopped}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for task in (stream, stopped):
                    task.cancel()
                await asyncio.gather(stream, stopped, return_exceptions=True)
            if not stream.cancelled() and (error := stream.exception()) is not None:
                if isinstance(error, CredentialsRejected):
                    raise self.rejected() from None
                raise error

    async def run_webhook(self, url: str, host: str, port: int, secret: str | None) -> None:
        raise SettingsError(
            "--webhook: DingTalk runs in Stream mode (the bot opens the connection; no "
            "public address is needed): start `cadrebot run` without it"
        )
