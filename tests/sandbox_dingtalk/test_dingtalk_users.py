"""What a DingTalkUser's actions put on the wire, and how its inbox reads."""

from __future__ import annotations

import json

import pytest

from sandbox.dingtalk import DingTalkEmulator
from sandbox.media import TINY_PNG
from tests.sandbox_dingtalk.conftest import RawClient


async def test_actions_frame_shapes(emu: DingTalkEmulator, raw_clients) -> None:
    client = await RawClient(emu).connect()
    raw_clients.append(client)
    person = emu.user("staff1")
    assert emu.user("staff1") is person and person.first_name == "张三"
    person.send_photo(TINY_PNG, caption="村口")
    person.send_document(b"data", "报告.docx", caption="请查收")
    person.send_sticker()
    rich, document, caption, audio = [
        json.loads((await client.next_frame())["data"]) for _ in range(4)
    ]
    assert rich["msgtype"] == "richText"
    parts = rich["content"]["richText"]
    assert parts[0] == {"text": "村口"} and parts[1]["type"] == "picture"
    assert emu.state.files[parts[1]["downloadCode"]].data == TINY_PNG
    assert document["msgtype"] == "file" and document["content"]["fileName"] == "报告.docx"
    assert caption["text"]["content"] == "请查收"
    assert audio["msgtype"] == "audio"
    assert "[picture] 村口" in person.transcript()
    await emu.wait_idle(1)


async def test_next_message_timeout_and_membership(emu: DingTalkEmulator) -> None:
    person = emu.user("staff1")
    person.send_text("有人吗")
    with pytest.raises(AssertionError, match="有人吗"):
        await person.next_message(0.05)
    with pytest.raises(KeyError):
        emu.user("ghost")
    emu.remove_member("staff1")
    with pytest.raises(RuntimeError, match="left"):
        person.send_text("again")
    with pytest.raises(ValueError):
        emu.user("staff2").send_text("  ")
