"""A round-robin reverse proxy for webhook workers: what nginx does in front of several
``cadrebot run --webhook`` processes (docs/deploy.md), small enough to run inside a test
or a benchmark. The emulator posts every update to one URL; the proxy forwards each POST to
the next worker and passes its status and body back (a worker answers 200 only once the
update is stored, so a refusal reaches the emulator, which posts the update again)."""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
from aiohttp import web

HOOK_PATH = "/telegram/hook"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RoundRobin:
    """Forwards each webhook POST to the next worker; remembers which worker got which
    update (``routed``: update id → worker index)."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self.turn = 0
        self.routed: dict[int, int] = {}
        self.session: aiohttp.ClientSession | None = None

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        worker = self.turn % len(self.ports)
        self.turn += 1
        headers = {k: v for k, v in request.headers.items() if k.lower().startswith("x-")}
        headers["Content-Type"] = "application/json"
        assert self.session is not None
        url = f"http://127.0.0.1:{self.ports[worker]}{request.path}"
        try:
            async with self.session.post(url, data=body, headers=headers) as upstream:
                status, answer = upstream.status, await upstream.read()
        except aiohttp.ClientError:
            return web.Response(status=502)
        if 200 <= status < 300:
            self.routed[json.loads(body)["update_id"]] = worker
        return web.Response(status=status, body=answer)


@asynccontextmanager
async def round_robin(workers: int) -> AsyncIterator[tuple[str, RoundRobin]]:
    """A proxy on a free loopback port in front of ``workers`` free ports (the workers'
    ``--listen`` ports): yields the webhook URL to give them and the proxy."""
    balancer = RoundRobin([free_port() for _ in range(workers)])
    balancer.session = aiohttp.ClientSession()
    app = web.Application()
    app.router.add_post(HOOK_PATH, balancer.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}{HOOK_PATH}", balancer
    finally:
        await runner.cleanup()
        await balancer.session.close()
