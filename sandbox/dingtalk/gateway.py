"""Stream mode's two doors: ``POST /v1.0/gateway/connections/open`` and ``GET /connect``.

Opening hands out a one-time ticket for the subscribed topics; the WebSocket then lives
in :class:`~sandbox.dingtalk.connections.StreamHub`, which pushes frames and reads acks.
aiohttp answers protocol-level pings itself (``autoping``), which is what the SDK's
``keepalive`` sends, so a "silent" connection still looks alive, as a stuck one does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import WSMsgType, web

from sandbox.dingtalk.replies import ApiHostError, json_object, ok_json

if TYPE_CHECKING:
    from sandbox.dingtalk.emulator import DingTalkEmulator


class Gateway:
    def __init__(self, emulator: DingTalkEmulator) -> None:
        self._emu = emulator

    async def open(self, request: web.Request) -> web.Response:
        body = await json_object(request)
        if (body.get("clientId"), body.get("clientSecret")) != (
            self._emu.client_id,
            self._emu.client_secret,
        ):
            raise ApiHostError(401, "InvalidAuthentication", "clientId 或 clientSecret 不正确")
        subscriptions = body.get("subscriptions")
        if not isinstance(subscriptions, list):
            raise ApiHostError(400, "Missingsubscriptions", "subscriptions is mandatory")
        topics = frozenset(
            str(s.get("topic"))
            for s in subscriptions
            if isinstance(s, dict) and s.get("type") == "CALLBACK"
        )
        ticket = self._emu.hub.issue_ticket(topics)
        endpoint = self._emu.base_url.replace("http://", "ws://", 1) + "/connect"
        return ok_json({"endpoint": endpoint, "ticket": ticket})

    async def connect(self, request: web.Request) -> web.StreamResponse:
        topics = self._emu.hub.redeem(request.query.get("ticket", ""))
        if topics is None:
            raise ApiHostError(401, "InvalidAuthentication", "ticket is invalid or used")
        ws = web.WebSocketResponse(autoping=True, heartbeat=None)
        await ws.prepare(request)
        connection = self._emu.hub.opened(ws, request, topics)
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    self._emu.hub.received(connection, message.data)
        finally:
            self._emu.hub.closed(connection)
        return ws
