"""No idle waits: a chat's next update, stored while its previous reply is settling, is
claimed as soon as the chat is handed back, not at the inbox's next idle look.

The race, forced here step by step on the real runtime: the cadre's second message is
stored while the first one's reply is being sent (its chat still busy, so the store's claim
skips it); the reply's settlement hands the chat back before the store has counted the new
update as waiting, so the worker sees nothing waiting for the chat. Before the fix nobody
claimed it until ``idle_poll`` passed (0.5 s by default: the light-load replies that took
half a second); the idle look is set to 60 s here, so a missed wake-up cannot hide behind it.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import replace
from typing import Any

from bot.handlers.events import Outgoing
from tests.e2e.conftest import District


async def test_the_next_update_of_a_chat_handed_back_during_its_store_is_claimed_at_once(
    running_bot: Any, district: District
) -> None:
    inbox, delivery = running_bot.inbox, running_bot.delivery
    cadre = await district.onboard("cadre")
    await running_bot.idle()
    inbox.settings = replace(inbox.settings, idle_poll=60.0)
    await asyncio.sleep(0.6)  # the claimer's last short idle wait runs out

    second_stored = threading.Event()  # the store of the second message has committed
    settled = threading.Event()  # the first reply's settlement has committed
    send, store, apply = delivery.transport, inbox._store, inbox._apply_settlements
    armed = {"send": True, "store": False}

    async def send_first_reply_once_the_next_message_is_stored(message: Outgoing) -> int | None:
        if armed["send"] and message.chat_id == cadre.id:
            armed["send"], armed["store"] = False, True
            cadre.send_text("/diary 第二篇")
            for _ in range(1000):  # the poller stores it (its claim skips the busy chat)
                if second_stored.is_set():
                    break
                await asyncio.sleep(0.01)
            assert second_stored.is_set(), "the second message was never stored"
        return await send(message)

    def store_then_wait_for_the_settlement(*args: Any) -> Any:
        result = store(*args)
        if armed["store"]:
            armed["store"] = False
            second_stored.set()
            assert settled.wait(30), "the first reply was never settled"
            threading.Event().wait(0.5)  # the loop runs the worker's hand-back meanwhile
        return result

    def apply_and_tell(settlements: list[Any]) -> None:
        apply(settlements)
        settled.set()

    delivery.transport = send_first_reply_once_the_next_message_is_stored
    inbox._store = store_then_wait_for_the_settlement
    inbox._apply_settlements = apply_and_tell

    cadre.send_text("/diary 第一篇")
    first = await cadre.next_message(timeout=20)
    assert "日记已保存" in first.text and "1/10" in first.text
    # Within a generous bound far below the 60 s idle look: only a wake-up brings it.
    second = await cadre.next_message(timeout=15)
    assert "日记已保存" in second.text and "2/10" in second.text
    assert not armed["send"] and settled.is_set()
