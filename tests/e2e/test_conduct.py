"""Rules of conduct that cut across features: escaping, the command menu, and dialogs that
survive a restart because their state lives in the database."""

from __future__ import annotations

import asyncio
import contextlib

from bot.app import build_runtime
from storage.tables import Person
from tests.e2e.conftest import District, tap


async def test_names_with_markup_characters_and_emoji_show_as_typed(district: District) -> None:
    with district.storage.uow() as uow:
        uow.people.add(Person(name="<Tom & 小明> 😀", phone="+8613900000077", role="org_dept"))
        uow.commit()
    user = district.emulator.user(user_id=8080, first_name="Tom", language_code="zh")
    user.share_contact("+8613900000077")
    welcome = await user.next_message()
    assert welcome.text == "绑定成功：<Tom & 小明> 😀（区委组织部）。"
    assert "&lt;Tom &amp; 小明&gt;" in welcome.html


async def test_the_command_menu_is_set_in_both_languages(district: District) -> None:
    await district.onboard("cadre")  # the runtime has set the menu before it polled
    calls = district.emulator.calls_to("setMyCommands")
    by_language = {c.get("language_code"): c["commands"] for c in calls}
    assert {None, "zh", "en"} <= set(by_language)
    zh = {c["command"]: c["description"] for c in by_language["zh"]}
    en = {c["command"]: c["description"] for c in by_language["en"]}
    assert zh["leave"] == "请假" and en["leave"] == "Ask for leave"
    assert zh["lang"] == "切换语言 / Language" and en["lang"] == "Language / 切换语言"
    assert list(zh) == list(en)


async def test_a_dialog_continues_after_the_bot_restarts(
    district: District,
    running_bot,
    settings,
    framework,
) -> None:
    cadre = await district.onboard("cadre")
    leader = await district.onboard("township_leader")
    cadre.send_text("/leave")
    picker = await cadre.next_message()
    await tap(cadre, picker, "30")
    await tap(cadre, picker, "›")
    await tap(cadre, picker, "1")
    assert "事由" in (await cadre.next_message()).text
    # the process goes away between two messages of the dialog ...
    await running_bot.stop()
    await asyncio.sleep(0.2)
    live = settings.model_copy(
        update={"api_url": district.emulator.base_url, "framework": framework}
    )
    second = build_runtime(live, district.storage, district.clock)
    task = asyncio.create_task(second.run_polling())
    try:
        # ... and a new one picks the dialog up where it was
        cadre.send_text("家中有事")
        submitted = await cadre.next_message(timeout=10)
        assert "2026-11-30 至 2026-12-01" in submitted.text
        assert "家中有事" in (await leader.next_message(timeout=10)).text
    finally:
        await second.stop()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 10)
