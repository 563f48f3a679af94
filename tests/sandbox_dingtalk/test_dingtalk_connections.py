"""Stream connections on the wire: tickets, delivery to the newest, acks, and the faults
the runtime must survive (disconnect with grace, silence, kills, lost unacked frames)."""

from __future__ import annotations

import json

import pytest
import websockets

from sandbox.dingtalk import DingTalkEmulator
from sandbox.dingtalk.frames import ROBOT_TOPIC
from tests.sandbox_dingtalk.conftest import RawClient


async def connect(
    emu: DingTalkEmulator, clients: list[RawClient], *, auto_ack: bool = True
) -> RawClient:
    client = await RawClient(emu, auto_ack=auto_ack).connect()
    clients.append(client)
    return client


async def test_frame_shape_ack_and_wait_idle(emu: DingTalkEmulator, raw_clients) -> None:
    client = await connect(emu, raw_clients)
    sent = emu.user("staff1").send_text("你好")
    frame = await client.next_frame()
    assert frame["type"] == "CALLBACK" and frame["specVersion"] == "1.0"
    headers = frame["headers"]
    assert headers["topic"] == ROBOT_TOPIC
    assert headers["connectionId"] == emu.connections[0].connection_id
    assert json.loads(frame["data"]) == sent
    await emu.wait_idle(1)
    assert headers["messageId"] in emu.acked
    record = emu.frames[-1]
    assert record.ack_code == 200 and record.ack_connection_id == headers["connectionId"]


async def test_wait_idle_fails_while_unacked(emu: DingTalkEmulator, raw_clients) -> None:
    client = await connect(emu, raw_clients, auto_ack=False)
    emu.user("staff1").send_text("one")
    frame = await client.next_frame()
    with pytest.raises(AssertionError, match="unacked"):
        await emu.wait_idle(0.2)
    await client.ack(frame)
    await emu.wait_idle(1)


async def test_frames_wait_for_a_connection(emu: DingTalkEmulator, raw_clients) -> None:
    emu.user("staff1").send_text("early")
    with pytest.raises(AssertionError, match="queued"):
        await emu.wait_idle(0.1)
    client = await connect(emu, raw_clients)
    frame = await client.next_frame()
    assert json.loads(frame["data"])["text"]["content"] == "early"
    await emu.wait_idle(1)


async def test_ticket_is_good_once(emu: DingTalkEmulator, raw_clients) -> None:
    opened = await RawClient(emu).open()
    uri = f"{opened['endpoint']}?ticket={opened['ticket']}"
    ws = await websockets.connect(uri)
    await ws.close()
    with pytest.raises(websockets.InvalidStatus) as caught:
        await websockets.connect(uri)
    assert caught.value.response.status_code == 401


async def test_newest_connection_gets_the_frame(emu: DingTalkEmulator, raw_clients) -> None:
    old = await connect(emu, raw_clients)
    new = await connect(emu, raw_clients)
    emu.user("staff1").send_text("to the newest")
    await new.next_frame()
    await old.no_frame(0.2)


async def test_ping_is_acked_with_its_data(emu: DingTalkEmulator, raw_clients) -> None:
    client = await connect(emu, raw_clients)
    record = await emu.send_ping("abc")
    frame = await client.next_frame()
    assert frame["type"] == "SYSTEM" and frame["headers"]["topic"] == "ping"
    await emu.wait_acked(record, 1)
    assert record.acked and json.loads(record.ack_data or "{}") == {"opaque": "abc"}


async def test_disconnect_drains_then_closes(emu: DingTalkEmulator, raw_clients) -> None:
    old = await connect(emu, raw_clients)
    emu.send_disconnect()
    system = await old.next_frame()
    assert system["type"] == "SYSTEM" and system["headers"]["topic"] == "disconnect"
    assert emu.connections[0].draining
    emu.user("staff1").send_text("while draining")
    await old.no_frame(0.1)
    new = await connect(emu, raw_clients)
    frame = await new.next_frame()
    assert json.loads(frame["data"])["text"]["content"] == "while draining"
    closed = await old.wait_closed(1)
    assert isinstance(closed, RuntimeError | websockets.ConnectionClosedOK)
    assert [c.connection_id for c in emu.connections] == [frame["headers"]["connectionId"]]
    await emu.wait_idle(1)


async def test_silent_connection_answers_pings_but_gets_nothing(
    emu: DingTalkEmulator, raw_clients
) -> None:
    quiet = await connect(emu, raw_clients)
    emu.go_silent(True)
    emu.user("staff1").send_text("held back")
    pong = await quiet.ws.ping()
    await pong  # the WebSocket itself is alive
    await quiet.no_frame(0.2)
    fresh = await connect(emu, raw_clients)  # a new connection is never silent
    frame = await fresh.next_frame()
    assert json.loads(frame["data"])["text"]["content"] == "held back"
    await quiet.no_frame(0.1)


async def test_go_silent_false_resumes(emu: DingTalkEmulator, raw_clients) -> None:
    client = await connect(emu, raw_clients)
    emu.go_silent(True)
    emu.user("staff1").send_text("later")
    await client.no_frame(0.15)
    emu.go_silent(False)
    await client.next_frame()


async def test_kill_connections_is_abrupt(emu: DingTalkEmulator, raw_clients) -> None:
    client = await connect(emu, raw_clients)
    emu.kill_connections()
    closed = await client.wait_closed(1)
    assert isinstance(closed, websockets.ConnectionClosedError)
    assert closed.rcvd is None  # no close frame: the TCP connection was dropped
    assert emu.connections == []
    emu.user("staff1").send_text("after the kill")
    again = await connect(emu, raw_clients)
    await again.next_frame()


async def test_unacked_frames_are_lost_with_their_connection(
    emu: DingTalkEmulator, raw_clients
) -> None:
    first = await connect(emu, raw_clients, auto_ack=False)
    emu.user("staff1").send_text("never acked")
    await first.next_frame()
    emu.kill_connections()
    await first.wait_closed(1)
    second = await connect(emu, raw_clients)
    await second.no_frame(0.2)
    assert emu.frames[-1].lost and not emu.frames[-1].acked
    await emu.wait_idle(0.5)  # a lost frame is settled


async def test_redeliver_unacked_when_asked(clock, raw_clients) -> None:
    async with DingTalkEmulator(clock=clock, redeliver_unacked=True) as emu:
        emu.add_member("staff1", "张三", "13800000001")
        first = await RawClient(emu, auto_ack=False).connect()
        emu.user("staff1").send_text("again please")
        original = await first.next_frame()
        emu.kill_connections()
        await first.wait_closed(1)
        second = await RawClient(emu).connect()
        redelivered = await second.next_frame()
        assert redelivered["headers"]["messageId"] == original["headers"]["messageId"]
        assert redelivered["headers"]["connectionId"] != original["headers"]["connectionId"]
        await emu.wait_idle(1)
        await second.close()


async def test_gateway_rejects_bad_credentials(emu: DingTalkEmulator, http) -> None:
    url = emu.base_url + "/v1.0/gateway/connections/open"
    body = {"clientId": emu.client_id, "clientSecret": "wrong", "subscriptions": []}
    async with http.post(url, json=body) as response:
        assert response.status == 401
        assert (await response.json())["code"] == "InvalidAuthentication"
