"""The demo page's HTTP side: the static chat simulator and the small API it polls.

The page and its API share one origin (no CORS, works offline). The emulator's own control
routes (``/sandbox/...``: send as a person, fetch files) are mounted here as well, so the page
talks to a single server, while the bot keeps talking to the emulator's loopback Bot API
port. What the control API lacks for a chat client (every open chat in one poll, the reply
keyboard currently shown, button-press toasts, the command menu, the demo clock) lives in
``/demo/api/...``.
"""

from __future__ import annotations

from datetime import date
from importlib import resources
from typing import TYPE_CHECKING, Any

from aiohttp import web

from sandbox import control as telegram_control
from sandbox.control import entry_json
from sandbox.demo import dingtalk
from sandbox.demo.roster import roster_json
from sandbox.demo.scheduler_hook import SweepReport
from sandbox.dingtalk import DingTalkEmulator
from sandbox.dingtalk import control as dingtalk_control

if TYPE_CHECKING:
    from sandbox.demo.stack import DemoStack

#: Photos a visitor uploads are sent base64 in JSON; keep well under Telegram's 10 MB.
MAX_REQUEST_BYTES = 16 * 1024 * 1024
#: At most this many chats per poll (a page has one per open tab).
MAX_POLLED_CHATS = 32

#: The page's ES modules (``app.js`` imports the others): served as JavaScript, as a
#: browser demands of a module script.
_MODULES = (
    "app.js",
    "state.js",
    "labels.js",
    "dom.js",
    "richtext.js",
    "roster.js",
    "tabs.js",
    "panel.js",
    "acting.js",
    "attachments.js",
    "messages.js",
    "polling.js",
    "clock.js",
)
_STATIC_TYPES = {
    "index.html": "text/html",
    "app.css": "text/css",
    **{name: "text/javascript" for name in _MODULES},
}


def _static_bytes(name: str) -> bytes:
    """A file of ``sandbox/demo/static`` (a package, so a wheel install ships it)."""
    return resources.files("sandbox.demo.static").joinpath(name).read_bytes()


def _parse_cursors(raw: str, *, numeric: bool = True) -> list[tuple[str, int, int]]:
    """``"7000.12.1,7004.0.0"`` → [(chat id, last rev seen, toasts seen), ...]. Chat ids
    are Telegram's integers (``numeric``) or DingTalk's staff ids (``staff003``)."""
    cursors = []
    for part in raw.split(","):
        if not part.strip():
            continue
        fields = part.split(".")
        if len(fields) != 3:
            raise ValueError(f"bad cursor {part!r}: want CHAT.REV.ANSWERS")
        chat_id, rev, answers = fields[0], int(fields[1]), int(fields[2])
        if numeric:
            chat_id = str(int(chat_id))
        elif not chat_id.isalnum():
            raise ValueError(f"bad staff id {chat_id!r}")
        cursors.append((chat_id, max(rev, 0), max(answers, 0)))
    if len(cursors) > MAX_POLLED_CHATS:
        raise ValueError(f"at most {MAX_POLLED_CHATS} chats per poll")
    return cursors


class DemoRoutes:
    """Handlers bound to one running :class:`~sandbox.demo.stack.DemoStack`."""

    def __init__(self, stack: DemoStack) -> None:
        self._stack = stack
        self._roster = roster_json(dingtalk=stack.on_dingtalk)

    async def index(self, request: web.Request) -> web.Response:
        return self._static("index.html")

    async def static(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in _STATIC_TYPES:
            raise web.HTTPNotFound()
        return self._static(name)

    @staticmethod
    def _static(name: str) -> web.Response:
        return web.Response(
            body=_static_bytes(name),
            content_type=_STATIC_TYPES[name],
            charset="utf-8",
            headers={"Cache-Control": "no-cache"},
        )

    def _commands(self) -> dict[str, list[dict[str, str]]]:
        """The default-scope command menu per language ("" = every other language)."""
        emulator = self._stack.emulator
        if isinstance(emulator, DingTalkEmulator):
            return dingtalk.menu_json(self._stack.runtime)
        menus: dict[str, list[dict[str, str]]] = {}
        for (scope, language), commands in emulator.state.commands.items():
            if '"default"' in scope:
                menus[language] = commands
        return menus

    def _clock_json(self) -> dict[str, Any]:
        clock = self._stack.clock
        return {
            "today": clock.today().isoformat(),
            "shifted": clock.shifted,
            "scheduler": self._stack.scheduler.available,
        }

    async def info(self, request: web.Request) -> web.Response:
        emulator = self._stack.emulator
        bot = (
            {"first_name": BOT_NAME}
            if isinstance(emulator, DingTalkEmulator)
            else emulator.state.bot_user
        )
        return web.json_response(
            {
                "bot": bot,
                "roster": self._roster,
                "commands": self._commands(),
                "clock": self._clock_json(),
                "framework": str(self._stack.settings.framework),
                "database": str(self._stack.database_path),
            }
        )

    async def poll(self, request: web.Request) -> web.Response:
        """What changed in each listed chat since the page's cursor for it."""
        emulator = self._stack.emulator
        on_dingtalk = isinstance(emulator, DingTalkEmulator)
        try:
            cursors = _parse_cursors(request.query.get("chats", ""), numeric=not on_dingtalk)
        except ValueError as error:
            return web.json_response({"error": str(error)}, status=400)
        chats: dict[str, Any] = {}
        for chat_id, after, answers_seen in cursors:
            if isinstance(emulator, DingTalkEmulator):
                state = dingtalk.chat_json(emulator, chat_id, after, answers_seen)
                if state is not None:
                    chats[chat_id] = state
                continue
            chat = emulator.state.chats.get(int(chat_id))
            if chat is None:
                continue
            answers = chat.callback_answers
            chats[chat_id] = {
                "rev": chat.rev,
                "messages": [entry_json(e) for e in chat.transcript if e.rev > after],
                "keyboard": chat.reply_keyboard,
                "answers": [
                    {"text": a.text, "show_alert": a.show_alert}
                    for a in answers[answers_seen:]
                    if a.text
                ],
                "answers_seen": len(answers),
                "blocked": chat.blocked,
            }
        return web.json_response(
            {"chats": chats, "clock": self._clock_json(), "commands_ready": bool(self._commands())}
        )

    async def commands(self, request: web.Request) -> web.Response:
        """The bot's command menu (the page asks again if it loaded before the bot set it)."""
        return web.json_response(self._commands())

    async def set_clock(self, request: web.Request) -> web.Response:
        """Move the demo's day and run every scheduler sweep as of it (reminders appear)."""
        try:
            body = await request.json()
            raw = str(body.get("date") or "") if isinstance(body, dict) else ""
            day = date.fromisoformat(raw) if raw else None
        except ValueError as error:
            return web.json_response({"error": f"bad date: {error}"}, status=400)
        clock = self._stack.clock
        if day is None:  # back to the wall clock's day; nothing to sweep for that
            clock.reset()
            report = SweepReport(clock.today(), self._stack.scheduler.available, "clock reset")
        else:
            clock.move_to(day)
            report = await self._stack.scheduler.run_as_of(day)
        return web.json_response({"clock": self._clock_json(), "report": report.to_json()})

    async def attendance(self, request: web.Request) -> web.Response:
        """DingTalk only: record a 考勤打卡 for a person now (demo clock), inside the allowed
        place or not, and sweep the day's records into check-ins as the scheduler does."""
        emulator = self._stack.emulator
        if not isinstance(emulator, DingTalkEmulator):
            return web.json_response({"error": "check-ins on Telegram are locations"}, status=400)
        try:
            body = await request.json()
            if not isinstance(body, dict):
                raise ValueError("body must be a JSON object")
            staff_id = str(body["staff_id"])
            inside = bool(body.get("inside", True))
            when = self._stack.clock.now()
            dingtalk.record_checkin(emulator, staff_id, when, inside)
        except (KeyError, ValueError, TypeError) as error:
            return web.json_response({"error": str(error)}, status=400)
        service = self._stack.scheduler.service
        swept = bool(service is not None and await service.sweep_records(when))
        return web.json_response({"time": when.isoformat(), "inside": inside, "swept": swept})


#: The bot's name on the page when the messenger (DingTalk) does not say it.
BOT_NAME = "驻村干部管理助手"


def build_demo_app(stack: DemoStack) -> web.Application:
    """The page's aiohttp application (served on the address ``cadrebot demo`` prints)."""
    app = web.Application(client_max_size=MAX_REQUEST_BYTES)
    if isinstance(stack.emulator, DingTalkEmulator):
        dingtalk_control.add_control_routes(app, stack.emulator)
    else:
        telegram_control.add_control_routes(app, stack.emulator)
    routes = DemoRoutes(stack)
    app.router.add_get("/", routes.index)
    app.router.add_get("/static/{name}", routes.static)
    app.router.add_get("/demo/api/info", routes.info)
    app.router.add_get("/demo/api/poll", routes.poll)
    app.router.add_get("/demo/api/commands", routes.commands)
    app.router.add_post("/demo/api/clock", routes.set_clock)
    app.router.add_post("/demo/api/attendance", routes.attendance)
    return app
