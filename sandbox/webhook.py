"""Webhook mode: pushing updates to the bot's HTTP endpoint like Telegram does.

Updates go out one at a time in queue order as JSON POSTs (with the
``X-Telegram-Bot-Api-Secret-Token`` header when a secret is set). An update counts as
delivered only when the receiver answers 2xx; otherwise it is retried after a short, growing
delay, and the failure shows up in getWebhookInfo. A 2xx answer may carry a Bot API call
(``{"method": ...}`` as JSON or multipart form), which is executed like Telegram does.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from typing import TYPE_CHECKING, Any

import aiohttp

from sandbox import validation as v
from sandbox.errors import ApiError, bad_request
from sandbox.params import read_multipart

if TYPE_CHECKING:
    from sandbox.emulator import BotApiEmulator

_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookDeliverer:
    """Webhook configuration plus the background task that delivers updates."""

    def __init__(self, emulator: BotApiEmulator) -> None:
        self._emu = emulator
        self._state = emulator.state
        self.url = ""
        self.secret_token: str | None = None
        self.max_connections = 40
        self.retry_delays: tuple[float, ...] = (0.05, 0.1, 0.2, 0.5, 1.0)
        """Waits between failed attempts (Telegram's are longer; tests need speed)."""
        self.request_timeout = 10.0
        self.last_error_date: int | None = None
        self.last_error_message: str | None = None
        self.attempts = 0
        """Every POST made to the webhook, successful or not."""
        self._task: asyncio.Task[None] | None = None

    @property
    def active(self) -> bool:
        return bool(self.url)

    async def set(self, params: dict[str, Any]) -> bool:
        url = str(params.get("url") or "").strip()
        if url and not url.startswith(("http://", "https://")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret not in (None, "") and not _SECRET.fullmatch(str(secret)):
            raise bad_request("secret token contains unallowed characters")
        if v.bool_param(params, "drop_pending_updates"):
            self._state.drop_pending()
        if "allowed_updates" in params:
            self._state.set_allowed_updates(v.json_param(params, "allowed_updates"))
        if not url:
            await self._disable()
            return True
        self.url = url
        self.secret_token = str(secret) if secret not in (None, "") else None
        self.max_connections = v.int_param(params, "max_connections", required=False) or 40
        self.last_error_date = self.last_error_message = None
        self._emu.poller.terminate_active()
        self.resume()
        self._state.updates_signal.notify()
        return True

    def resume(self) -> None:
        """(Re)start the delivery task if a webhook is set and it is not running."""
        if self.url and (self._task is None or self._task.done()):
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def delete(self, params: dict[str, Any]) -> bool:
        if v.bool_param(params, "drop_pending_updates"):
            self._state.drop_pending()
        await self._disable()
        return True

    async def _disable(self) -> None:
        self.url = ""
        self.secret_token = None
        await self.stop()

    def info(self) -> dict[str, Any]:
        """The getWebhookInfo result."""
        info: dict[str, Any] = {
            "url": self.url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._state.pending),
        }
        if self.url:
            info["max_connections"] = self.max_connections
            info["ip_address"] = "127.0.0.1"
            if self._state.requested_allowed_updates:
                info["allowed_updates"] = list(self._state.requested_allowed_updates)
        if self.last_error_date is not None:
            info["last_error_date"] = self.last_error_date
            info["last_error_message"] = self.last_error_message
        return info

    async def stop(self) -> None:
        """Stop delivering (the pending updates stay queued)."""
        task, self._task = self._task, None
        if task is not None and task is not asyncio.current_task():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        failures = 0
        while self.url:
            if not self._state.pending:
                await self._state.updates_signal.wait(1.0)
                continue
            update = self._state.pending[0]
            error = await self._post(update.to_json())
            if error is None:
                failures = 0
                if update in self._state.pending:
                    self._state.pending.remove(update)
                    self._state.updates_signal.notify()
                continue
            self.last_error_date = self._state.now()
            self.last_error_message = error
            await asyncio.sleep(self.retry_delays[min(failures, len(self.retry_delays) - 1)])
            failures += 1

    async def _post(self, payload: dict[str, Any]) -> str | None:
        """POST one update; None on success, else the error text for getWebhookInfo."""
        headers = {SECRET_HEADER: self.secret_token} if self.secret_token else {}
        timeout = aiohttp.ClientTimeout(total=self.request_timeout)
        self.attempts += 1
        try:
            session = self._emu.http_session()
            async with session.post(
                self.url,
                data=json.dumps(payload, ensure_ascii=False).encode(),
                headers={"Content-Type": "application/json", **headers},
                timeout=timeout,
            ) as response:
                if not 200 <= response.status < 300:
                    return f"Wrong response from the webhook: {response.status} {response.reason}"
                await self._execute_reply(response)
        except TimeoutError:
            return "Read timeout expired"
        except (aiohttp.ClientError, OSError) as exc:
            return f"Connection error: {exc}"
        return None

    async def _execute_reply(self, response: aiohttp.ClientResponse) -> None:
        """Run a Bot API call the receiver put into its answer, ignoring its result."""
        files: dict[str, Any] = {}
        if response.content_type == "multipart/form-data":
            params, files = await read_multipart(
                aiohttp.MultipartReader(response.headers, response.content)
            )
        elif response.content_type == "application/json":
            try:
                params = json.loads(await response.read() or b"{}")
            except ValueError:
                return
        else:
            return
        if not isinstance(params, dict) or not params.get("method"):
            return
        method = str(params.pop("method"))
        with contextlib.suppress(ApiError):
            await self._emu.execute(method, params, files)
