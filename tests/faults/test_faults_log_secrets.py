"""Neither the bot token nor a phone number reaches the logs, even at DEBUG.

The bot runs as ``cadrebot run`` does (``python -m bot run``, so ``configure_logging``)
with ``CADREBOT_LOG_LEVEL=DEBUG`` on both frameworks: at that level PTB logs every Bot
API call with its parameters and result and httpx every URL (the token is in it); aiogram
and aiohttp log no requests. Three people onboard by sharing their contact (their phone,
written three ways), then check in, write a diary and ask for their status; the whole
captured output is searched for the token, its secret part and every form of the phones.
"""

from __future__ import annotations

from pathlib import Path

from sandbox import BotApiEmulator
from services.sample_district import PEOPLE
from tests.faults.conftest import (
    TOKEN,
    BotProcess,
    bot_env,
    prepare_database,
    until_polling,
)

INSIDE = (33.8702, 109.9405)  # ~50 m from 东店子村's centre
#: person key -> the phone as the contact carries it
SHARED = {"cadre": "8613900000001", "cadre2": "+86 139 0000 0002", "cadre3": "13900000003"}


def phone_forms(national: str) -> list[str]:
    """``13900000001`` as people and programs write it."""
    a, b, c = national[:3], national[3:7], national[7:]
    return [national, f"{a} {b} {c}", f"{a}-{b}-{c}", f"86{national}", f"{b}{c}"]


async def test_debug_logs_show_neither_token_nor_phones(
    emulator: BotApiEmulator, framework: str, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path}/district.db"
    prepare_database(url, 0)
    bot = BotProcess(
        bot_env(emulator, url, framework, CADREBOT_LOG_LEVEL="DEBUG"), tmp_path / "bot.log"
    )
    bot.start()
    try:
        await until_polling(emulator, bot)
        people = {p.key: p for p in PEOPLE}
        for index, (key, shared) in enumerate(SHARED.items()):
            user = emulator.user(7000 + index, people[key].name, language_code="zh")
            user.share_contact(shared)
            welcome = await user.next_message(timeout=15)
            assert "绑定成功" in welcome.text, welcome.text
            await user.next_message(timeout=5)  # help
            user.send_text("/checkin")
            await user.next_message(timeout=5)
            user.send_location(*INSIDE)
            await user.next_message(timeout=5)
            user.send_text(f"/diary 走访{index}")
            await user.next_message(timeout=5)
            user.send_text("/status")
            await user.next_message(timeout=5)
        await emulator.wait_idle(5)
    finally:
        bot.stop()

    output = bot.output()
    assert "DEBUG bot.runtime.inbox" in output  # the level was really DEBUG
    if framework == "ptb":  # PTB and httpx log each call (aiogram logs none of them)
        assert "<token>" in output  # token-bearing URLs were logged, masked
        assert "<phone>" in output  # ... and so were the contacts in getUpdates results
    secret = TOKEN.partition(":")[2]
    assert TOKEN not in output and secret not in output
    for key in SHARED:
        national = people[key].phone.removeprefix("+86")
        for form in phone_forms(national):
            assert form not in output, f"{form!r} is in the log"
