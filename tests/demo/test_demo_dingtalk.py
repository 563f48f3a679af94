"""``cadrebot demo --framework dingtalk`` without a browser: ``serve_demo`` starts the
DingTalk emulator and runtime, the page's API carries a message to the bot and its reply
back, and cancelling the demo (Ctrl-C) takes it all down."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from sandbox.demo import serve_demo


async def _poll_until(session: aiohttp.ClientSession, url: str, chat: str, text: str) -> Any:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 20
    while loop.time() < deadline:
        async with session.get(f"{url}demo/api/poll", params={"chats": f"{chat}.0.0"}) as reply:
            assert reply.status == 200, await reply.text()
            body = await reply.json()
        state = body["chats"].get(chat)
        if state is not None:
            for item in state["messages"]:
                if item["direction"] == "out" and text in item["text"]:
                    return state
        await asyncio.sleep(0.1)
    raise AssertionError(f"no bot message with {text!r} in {chat}'s chat")


async def test_serve_demo_on_dingtalk_answers_through_the_page_api(tmp_path: Path) -> None:
    announced: list[str] = []
    demo = asyncio.create_task(
        serve_demo(
            host="127.0.0.1",
            port=0,
            framework="dingtalk",
            data_dir=tmp_path / "data",
            announce=announced.append,
        )
    )
    try:
        for _ in range(400):
            if announced or demo.done():
                break
            await asyncio.sleep(0.05)
        assert not demo.done(), demo.exception()
        assert announced and announced[0].startswith("cadrebot demo: open http://127.0.0.1:")
        url = announced[0].removeprefix("cadrebot demo: open ")
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{url}demo/api/info") as reply:
                info = await reply.json()
            assert info["framework"] == "dingtalk"
            cadre = next(p for p in info["roster"] if p["key"] == "cadre")
            assert cadre["user_id"] == "staff000"  # staff ids, not Telegram's integers
            assert any(c["command"] == "diary" for c in info["commands"][""])

            # a first message binds by the directory's mobile (no contact to share)
            async with session.post(
                f"{url}sandbox/chats/staff000/send", json={"kind": "text", "text": "你好"}
            ) as reply:
                assert reply.status == 200, await reply.text()
            await _poll_until(session, url, "staff000", "绑定成功")

            async with session.post(
                f"{url}sandbox/chats/staff000/send",
                json={"kind": "text", "text": "/diary 走访李家"},
            ) as reply:
                assert reply.status == 200
            state = await _poll_until(session, url, "staff000", "日记已保存")
            card = [m for m in state["messages"] if "日记已保存" in m["text"]][-1]
            buttons = [b["text"] for row in card["reply_markup"]["inline_keyboard"] for b in row]
            assert "✅ 完成" in buttons
            # a Telegram-style integer id is no DingTalk chat
            async with session.get(f"{url}demo/api/poll", params={"chats": "7000.0.0"}) as reply:
                assert (await reply.json())["chats"] == {}
            async with session.get(f"{url}demo/api/poll", params={"chats": "a-b.0.0"}) as reply:
                assert reply.status == 400
    finally:
        demo.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(demo, 20)
    assert demo.cancelled()
    # stopped cleanly: the page's port is closed, the run's database stays for a look
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientConnectionError):
            await session.get(f"{url}demo/api/info")
    assert len(list((tmp_path / "data").glob("demo-*.db"))) == 1
