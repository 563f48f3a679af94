"""Flood limits and injected transport faults, observed by a raw aiohttp client."""

from __future__ import annotations

import aiohttp
import pytest

from sandbox import BotApiEmulator
from sandbox.flood import FloodLimiter

pytestmark = pytest.mark.paced


@pytest.fixture
def user(emu: BotApiEmulator):
    user = emu.user(1001, "张三")
    user.send_text("/start")
    return user


async def burst(api, count: int, chat_id: int = 1001) -> list[tuple[int, dict]]:
    return [await api.call("sendMessage", chat_id=chat_id, text=f"m{i}") for i in range(count)]


async def test_per_chat_flood_limit(api, emu: BotApiEmulator, user) -> None:
    emu.enforce_flood_limits = True
    results = await burst(api, 5)
    rejected = [body for status, body in results if status == 429]
    assert rejected, results
    for body in rejected:
        assert body["error_code"] == 429
        assert body["parameters"]["retry_after"] >= 1
        assert (
            body["description"]
            == f"Too Many Requests: retry after {body['parameters']['retry_after']}"
        )
    assert emu.flood_rejections == len(rejected)
    assert len(user.inbox) == 5 - len(rejected)  # rejected sends are not delivered

    # edits count against the same chat budget
    status, body = await api.call("editMessageText", chat_id=1001, message_id=2, text="edited")
    assert status == 429


async def test_flood_limit_off_by_default(api, emu: BotApiEmulator, user) -> None:
    assert all(status == 200 for status, _ in await burst(api, 10))
    assert emu.flood_rejections == 0


async def test_global_flood_limit(api, emu: BotApiEmulator) -> None:
    # A frozen clock: 40 sends "in the same instant" whatever the machine's speed.
    emu.flood = FloodLimiter(enabled=True, clock=lambda: 100.0)
    for user_id in range(1, 41):
        emu.user(user_id).send_text("hi")
    statuses = [(await api.call("sendMessage", chat_id=uid, text="x"))[0] for uid in range(1, 41)]
    assert statuses == [200] * 30 + [429] * 10  # 30 per second across all chats
    assert emu.flood_rejections == 10


async def test_fail_next_json_and_html(api, emu: BotApiEmulator, user) -> None:
    emu.faults.fail_next()
    status, body = await api.call("sendMessage", chat_id=1001, text="lost")
    assert status == 500 and body == {
        "ok": False,
        "error_code": 500,
        "description": "Internal Server Error",
    }
    emu.faults.fail_next(status=502, html=True)
    async with api.session.post(api.url("getMe")) as response:
        assert response.status == 502
        assert response.content_type == "text/html"
        assert "502 Bad Gateway" in await response.text()
    assert user.inbox == []  # failed calls were not executed
    assert (await api.call("getMe"))[0] == 200


async def test_drop_next(api, emu: BotApiEmulator, user) -> None:
    emu.faults.drop_next(2)
    for _ in range(2):
        with pytest.raises(aiohttp.ServerDisconnectedError):
            await api.call("sendMessage", chat_id=1001, text="dropped")
    await api.ok("sendMessage", chat_id=1001, text="through")
    assert [m.text for m in user.inbox] == ["through"]
    assert [c.method for c in emu.calls if c.method == "sendMessage"] == ["sendMessage"] * 3


async def test_throttle_next_filtered_by_method(api, emu: BotApiEmulator, user) -> None:
    emu.faults.throttle_next(1, retry_after=2, method="sendmessage")
    assert (await api.call("getMe"))[0] == 200  # other methods unaffected
    status, body = await api.call("sendMessage", chat_id=1001, text="x")
    assert status == 429 and body["parameters"] == {"retry_after": 2}
    assert emu.faults.armed == 0
    assert (await api.call("sendMessage", chat_id=1001, text="x"))[0] == 200
    assert emu.flood_rejections == 0  # injected throttles are not flood-limit rejections
