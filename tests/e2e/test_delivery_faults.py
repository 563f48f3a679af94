"""A flaky Telegram, on both runtimes: 5xx (JSON or a proxy's HTML page) and dropped
connections are retried until the reply arrives (once), a 429 is waited out, a person who
blocked the bot is not retried forever and is marked ``blocked_bot``."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

import pytest

from bot.handlers.conversation import BeforeCommit
from bot.handlers.events import Incoming, Outgoing, Response
from sandbox import BotApiEmulator
from storage.unit_of_work import UnitOfWork
from tests.e2e.conftest import District, tap

Arm = Callable[[BotApiEmulator], None]

#: name → (the injector's kind, how to arm two of them on sendMessage)
FAULTS: dict[str, tuple[str, Arm]] = {
    "json-500": ("fail", lambda emu: emu.faults.fail_next(2, status=500, method="sendMessage")),
    "html-502": (
        "fail",
        lambda emu: emu.faults.fail_next(2, status=502, html=True, method="sendMessage"),
    ),
    "dropped": ("drop", lambda emu: emu.faults.drop_next(2, method="sendMessage")),
}


def sends_to(emulator: BotApiEmulator, chat_id: int) -> int:
    """sendMessage calls addressed to ``chat_id`` (failed ones included)."""
    return sum(str(p.get("chat_id")) == str(chat_id) for p in emulator.calls_to("sendMessage"))


@pytest.mark.parametrize("fault", list(FAULTS))
async def test_transient_failures_are_retried_and_the_reply_arrives_once(
    fault: str, district: District, emulator: BotApiEmulator
) -> None:
    cadre = await district.onboard("cadre")
    kind, arm = FAULTS[fault]
    arm(emulator)
    cadre.send_text("/checkin")
    ask = await cadre.next_message(timeout=10)
    assert ask.reply_markup["keyboard"][0][0]["request_location"] is True
    assert [(f.kind, f.method) for f in emulator.faults.injected] == [(kind, "sendMessage")] * 2
    await cadre.wait_until_quiet()
    assert len(cadre.inbox) == 3  # welcome, help, the ask: no duplicate


async def test_a_429_is_waited_out(running_bot, district: District, emulator) -> None:
    cadre = await district.onboard("cadre")
    before = running_bot.delivery.retried_429
    emulator.faults.throttle_next(1, retry_after=1, method="sendMessage")
    loop = asyncio.get_running_loop()
    started = loop.time()
    cadre.send_text("/checkin")
    await cadre.next_message(timeout=10)
    assert loop.time() - started >= 0.9  # it waited the second Telegram asked for
    assert running_bot.delivery.retried_429 == before + 1
    await cadre.wait_until_quiet()
    assert len(cadre.inbox) == 3


async def test_a_failing_callback_answer_does_not_lose_the_replies(
    district: District, emulator: BotApiEmulator
) -> None:
    cadre = await district.onboard("cadre")
    secretary = await district.onboard("township_secretary")
    cadre.send_text(f"/claim {district.clock.today() - timedelta(days=1)} 进山入户")
    await cadre.next_message()
    request = await secretary.next_message()
    emulator.faults.fail_next(1, status=500, method="answerCallbackQuery")
    secretary.press(request, "批准")
    assert "已批准" in (await cadre.next_message(timeout=10)).text


async def test_polling_survives_a_failing_get_updates(
    district: District, emulator: BotApiEmulator
) -> None:
    cadre = await district.onboard("cadre")
    emulator.faults.fail_next(2, status=502, html=True, method="getUpdates")
    cadre.send_text("/help")  # ends the long poll in flight; the next two polls fail
    await cadre.next_message()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    while emulator.faults.armed:
        assert loop.time() < deadline, "the runtime stopped polling"
        await asyncio.sleep(0.05)
    cadre.send_text("/checkin")
    assert "位置" in (await cadre.next_message(timeout=15)).text


async def test_a_person_who_blocked_the_bot_is_marked_and_not_retried(
    running_bot,
    district: District,
    emulator: BotApiEmulator,
) -> None:
    cadre = await district.onboard("cadre")
    secretary = await district.onboard("township_secretary")
    cadre.send_text(f"/claim {district.clock.today() - timedelta(days=1)} 进山入户")
    await cadre.next_message()
    request = await secretary.next_message()
    cadre.block()
    tries_before = sends_to(emulator, cadre.id)
    await tap(secretary, request, "批准")  # the approval notice to the cadre gets a 403

    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    while not blocked_bot(district, "cadre"):
        assert loop.time() < deadline, "the person was never marked blocked_bot"
        await asyncio.sleep(0.05)
    assert sends_to(emulator, cadre.id) == tries_before + 1  # tried once, not retried

    # A reminder through the shared sending path: one try, no message id, no retry loop.
    started = loop.time()
    assert await running_bot.delivery.send(Outgoing(cadre.id, "提醒：本周日记未满")) is None
    assert loop.time() - started < 2
    assert sends_to(emulator, cadre.id) == tries_before + 2
    assert cadre.inbox[-1].text != "提醒：本周日记未满"


def blocked_bot(district: District, key: str) -> bool:
    with district.storage.uow() as uow:
        return uow.people.by_phone(district.phone(key)).blocked_bot


@pytest.mark.dingtalk
async def test_a_crashing_handler_is_logged_the_press_answered_and_the_bot_goes_on(
    running_bot,
    district: District,
    caplog: pytest.LogCaptureFixture,
) -> None:
    real = running_bot.pipeline.handle

    def crashing(uow: UnitOfWork, event: Incoming, before_commit: BeforeCommit) -> Response:
        if event.text == "boom" or (event.press is not None and event.press.data == "boom"):
            raise RuntimeError("handler bug")
        return real(uow, event, before_commit)

    running_bot.pipeline.handle = crashing
    cadre = await district.onboard("cadre")
    cadre.send_text("boom")
    cadre.send_text("/checkin")
    assert "位置" in (await cadre.next_message()).text
    answer = await tap(cadre, cadre.inbox[0], data="boom")  # the spinner still stops
    assert answer.text in (None, "")
    cadre.send_text("/help")
    assert "/checkin" in (await cadre.next_message()).text
    assert any("handler bug" in str(r.exc_info and r.exc_info[1]) for r in caplog.records)
