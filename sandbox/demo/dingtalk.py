"""The demo on DingTalk (钉钉): the loopback DingTalk emulator instead of the Bot API one.

What differs from Telegram is kept here, so :mod:`sandbox.demo.stack` stays one path:

* every person of the sample district is a member of the emulator's directory (staff id
  ``staff000``, ``staff001``, ... by their index in ``PEOPLE``, mobile without ``+86``):
  on DingTalk there is no contact to share, a person's first message binds them by it;
* the bot runs on settings pointing both DingTalk hosts at the emulator;
* the page's poll reads a person's chat by staff id (a string; Telegram's are integers);
* check-ins come from DingTalk's attendance app (考勤打卡), so the page can record one
  for a person (:func:`record_checkin`), which the scheduler's records sweep then reads.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.runtime.menu import MenuEntry
from bot.settings import Framework, Settings
from sandbox.dingtalk import DingTalkEmulator
from sandbox.dingtalk.control import entry_json
from services.sample_district import PEOPLE

#: The demo bot's DingTalk app (only the loopback emulator ever sees these).
CLIENT_ID = "ding-cadrebot-demo"
CLIENT_SECRET = "ding-cadrebot-demo-secret"
ROBOT_CODE = "ding-cadrebot-demo-robot"


def is_dingtalk(framework: str | Framework) -> bool:
    return Framework(framework) is Framework.DINGTALK


def staff_id_of(index: int) -> str:
    """The DingTalk staff id of the sample person at ``index`` in ``PEOPLE``."""
    return f"staff{index:03d}"


async def start_emulator() -> DingTalkEmulator:
    """A running emulator whose directory holds the whole sample district."""
    emulator = DingTalkEmulator(CLIENT_ID, CLIENT_SECRET, ROBOT_CODE)
    for index, person in enumerate(PEOPLE):
        emulator.add_member(staff_id_of(index), person.name, person.phone.removeprefix("+86"))
    await emulator.start("127.0.0.1", 0)
    return emulator


def dingtalk_settings(base: Settings, emulator: DingTalkEmulator, database_url: str) -> Settings:
    """``base`` serving ``emulator`` (validated again, so the framework is an enum)."""
    values = base.model_dump() | {
        "framework": Framework.DINGTALK,
        "token": None,
        "database_url": database_url,
        "dingtalk_client_id": emulator.client_id,
        "dingtalk_client_secret": emulator.client_secret,
        "dingtalk_robot_code": emulator.robot_code,
        "dingtalk_api_url": emulator.base_url,
        "dingtalk_oapi_url": emulator.base_url,
    }
    return Settings.model_validate(values)


def is_connected(emulator: DingTalkEmulator) -> bool:
    """The bot's Stream connection is up (DingTalk's "polling")."""
    return bool(emulator.connections)


def menu_json(runtime: Any) -> dict[str, list[dict[str, str]]]:
    """The bot's command menu as the page wants it. DingTalk's robot has none set by API
    (its 快捷指令 live in the developer console), so the page shows the runtime's own."""
    menus: dict[str, list[dict[str, str]]] = {}
    entry: MenuEntry
    for entry in getattr(runtime, "menu", []):
        menus[entry.language_code or ""] = [
            {"command": name, "description": text} for name, text in entry.commands
        ]
    return menus


def chat_json(emulator: DingTalkEmulator, staff_id: str, after: int, answers_seen: int) -> Any:
    """One chat's changes since revision ``after``, shaped as the Telegram poll's (no reply
    keyboard, no toasts: DingTalk has neither); None for an unknown or untouched chat."""
    member = emulator.state.members.get(staff_id)
    chat = emulator.state.chats.get(staff_id)
    if member is None or chat is None:
        return None
    files = emulator.state.files
    entries = [e for e in chat.transcript if e.rev > after]
    return {
        "rev": max((e.rev for e in chat.transcript), default=0),
        "messages": [
            entry_json(e, len(files[e.file_code].data) if e.file_code in files else 0)
            for e in entries
        ],
        "keyboard": None,
        "answers": [],
        "answers_seen": len(chat.callback_answers),
        "blocked": member.blocked,
    }


def record_checkin(emulator: DingTalkEmulator, staff_id: str, when: datetime, inside: bool) -> Any:
    """A 考勤打卡 of ``staff_id`` at ``when``, inside or outside the allowed place."""
    if staff_id not in emulator.state.members:
        raise KeyError(f"no member {staff_id!r}")
    return emulator.record_attendance(staff_id, when, inside=inside)
