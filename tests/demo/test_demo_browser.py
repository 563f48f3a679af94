"""The ``cadrebot demo`` page, driven in real headless Chromium.

The demo stack is started in-process by the same function the CLI uses
(``start_demo_stack``): the real bot runtime long-polls the loopback emulator, the page is
served on a free port, and Playwright clicks through it as a visitor would. Only Debian's
``/usr/bin/chromium`` is used (Playwright's own browser downloads do not work offline).

Without Chromium or Playwright these tests fail (``scripts/test.sh`` installs both): a
missing browser must never pass the run silently.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from domain.calendar import calendar_from_overrides
from sandbox.demo import DemoStack, start_demo_stack
from sandbox.demo.roster import user_id_of
from sandbox.dingtalk import DingTalkEmulator
from sandbox.emulator import BotApiEmulator
from sandbox.media import TINY_PNG
from sandbox.params import UploadedFile

try:
    from playwright.async_api import BrowserContext, Locator, Page, async_playwright, expect
except ImportError:  # pragma: no cover - depends on the environment
    async_playwright = None  # type: ignore[assignment]

CHROMIUM = Path(os.environ.get("CADREBOT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WAIT_MS = 15_000
CSV_BYTES = "姓名,天数\n张三,1\n".encode()


def _unavailable(reason: str) -> None:
    """A browser test that cannot run is a failure, never a skip."""
    pytest.fail(f"{reason}: run the suite with scripts/test.sh", pytrace=False)


@pytest.fixture
async def stack(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[DemoStack]:
    framework = getattr(request, "param", "aiogram")
    demo = await start_demo_stack(port=0, framework=framework, data_dir=tmp_path / "data")
    yield demo
    await demo.stop()


@pytest.fixture
async def browser(tmp_path: Path) -> AsyncIterator[BrowserContext]:
    if async_playwright is None:
        _unavailable("the playwright package is not installed (pip install '.[test]')")
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),  # a fresh --user-data-dir
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1440, "height": 900},
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
        )
        context.set_default_timeout(WAIT_MS)
        try:
            yield context
        finally:
            await context.close()


@pytest.fixture
async def page(browser: BrowserContext, stack: DemoStack) -> AsyncIterator[Page]:
    page = browser.pages[0] if browser.pages else await browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(stack.url)
    await expect(page.locator('[data-person="cadre"]')).to_be_visible()
    yield page
    assert not errors, f"JavaScript errors on the page: {errors}"
    task = stack.polling_task
    assert task is not None and not task.done(), "the bot stopped polling during the test"


# -- helpers ------------------------------------------------------------------------------


def panel_of(page: Page, key: str) -> Locator:
    return page.locator(f'.panel[data-user-key="{key}"]')


async def open_chat(page: Page, key: str) -> Locator:
    """Open (or switch to) the person's tab, the way a visitor does: roster, then tab."""
    tab = page.locator(f'[data-tab="{key}"]')
    if await tab.count():
        await tab.click()
    else:
        await page.locator(f'[data-person="{key}"]').click()
    panel = panel_of(page, key)
    await expect(panel).to_be_visible()
    return panel


async def onboard(page: Page, key: str) -> Locator:
    """START, then the reply keyboard's «📱 发送我的手机号» (shares the roster phone)."""
    panel = await open_chat(page, key)
    await panel.locator(".start-btn").click()
    await panel.locator(".rkb-btn", has_text="发送我的手机号").click()
    await expect(panel.locator(".msg.bot", has_text="绑定成功")).to_be_visible()
    share = panel.locator(".rkb-btn", has_text="发送我的手机号")
    await expect(share).to_have_count(0)  # the one-time keyboard is used up
    if key.startswith("cadre"):  # a cadre has their own keyboard instead, kept shown
        await expect(panel.locator(".rkb-btn", has_text="签到")).to_be_visible()
    else:
        await expect(panel.locator(".reply-kb")).to_be_hidden()
    return panel


async def expect_at_latest(panel: Locator) -> None:
    """The panel's chat is scrolled to its last message (a panel hidden in tab mode and
    shown side by side used to stay at its top)."""
    box = panel.locator(".messages")
    for _ in range(50):
        gap = await box.evaluate("m => m.scrollHeight - m.scrollTop - m.clientHeight")
        if gap < 4:
            return
        await panel.page.wait_for_timeout(100)
    raise AssertionError(f"{await panel.get_attribute('data-user-key')}: {gap}px above the end")


def bot_says(panel: Locator, text: str) -> Locator:
    return panel.locator(".msg.bot", has_text=text).last


async def pick_day(panel: Locator, day: date) -> None:
    """Tap ``day`` on the inline calendar of the newest bot message, turning months."""
    calendar = panel.locator(".msg.bot .ikb").last
    month_label = f"{day.year}年{day.month}月"
    for _ in range(3):
        if await calendar.get_by_role("button", name=month_label, exact=True).count():
            break
        await calendar.get_by_role("button", name="›", exact=True).click()
        await expect(calendar.get_by_role("button", name=month_label, exact=True)).to_be_visible()
    await calendar.get_by_role("button", name=str(day.day), exact=True).click()


def next_workday(after: date) -> date:
    """The first working day after ``after`` (the package's official calendar)."""
    calendar = calendar_from_overrides({})
    day = after + timedelta(days=1)
    while not calendar.is_workday(day):
        day += timedelta(days=1)
    return day


# -- tests --------------------------------------------------------------------------------


async def test_leave_is_approved_through_both_township_steps(
    page: Page, stack: DemoStack, tmp_path: Path
) -> None:
    cadre = await onboard(page, "cadre")
    leader = await onboard(page, "township_leader")
    secretary = await onboard(page, "township_secretary")

    # the cadre asks for two days off through the command menu and the inline calendar
    cadre = await open_chat(page, "cadre")
    await cadre.locator(".menu-btn").click()
    await cadre.locator('.cmd-item[data-command="leave"]').click()
    # (the help message also says 开始/结束: wait for the calendar's own words)
    await expect(bot_says(cadre, "请选择请假开始日期").locator(".ikb")).to_be_visible()
    first = stack.clock.today()
    await pick_day(cadre, first)
    await expect(bot_says(cadre, "请选择结束日期").locator(".ikb")).to_be_visible()
    await pick_day(cadre, first + timedelta(days=1))
    await expect(bot_says(cadre, "请输入请假事由")).to_be_visible()
    await cadre.locator(".composer .text").fill("孩子生病 <发烧>")
    await cadre.locator(".composer .text").press("Enter")
    submitted = bot_says(cadre, "已提交")
    await expect(submitted).to_contain_text("共 2 天")

    # the township leader comments first ...
    leader = await open_chat(page, "township_leader")
    ask = bot_says(leader, "请您填注意见")
    await expect(ask).to_contain_text("张三")
    await expect(ask).to_contain_text("<发烧>")  # user text shown as typed, not as markup
    # (填注意见 is an opinion: 同意 / 不同意, not 批准)
    await expect(ask.get_by_role("button", name="批准", exact=True)).to_have_count(0)
    await ask.get_by_role("button", name="同意", exact=True).click()
    await expect(bot_says(leader, "已填注意见（同意）")).to_be_visible()
    await expect(leader.locator(".toast").first).to_contain_text("已填注意见（同意）")

    # ... then the township secretary approves, with the leader's opinion on the card
    secretary = await open_chat(page, "township_secretary")
    final = bot_says(secretary, "请您审批")
    await expect(final).to_contain_text("镇党委书记")
    await expect(final).to_contain_text("钱分管（镇党委分管领导）：同意")
    await final.get_by_role("button", name="批准", exact=True).click()
    await expect(bot_says(secretary, "您已批准")).to_be_visible()
    await expect(secretary.locator(".msg.bot").last.locator(".ikb")).to_have_count(0)

    # back in the cadre's tab, the outcome (the unread badge told there was news)
    await expect(page.locator('[data-tab="cadre"] .badge')).to_be_visible()
    cadre = await open_chat(page, "cadre")
    await expect(bot_says(cadre, "已批准")).to_be_visible()
    await expect(bot_says(cadre, "已填注意见，同意")).to_contain_text("下一步：镇党委书记审批")

    # a reload brings back the history, which is not news: no unread badges
    await page.reload()
    await expect(bot_says(panel_of(page, "cadre"), "已批准")).to_be_attached()
    await page.wait_for_timeout(1500)  # a few polls
    assert await page.locator(".tab .badge:not([hidden])").count() == 0

    # everyone side by side, for the screenshot; a reload keeps the tabs and the chats
    await page.locator("#side-by-side").check()
    for key in ("cadre", "township_leader", "township_secretary"):
        await expect(panel_of(page, key)).to_be_visible()
        await expect_at_latest(panel_of(page, key))
    await page.reload()
    for key in ("cadre", "township_leader", "township_secretary"):
        await expect(panel_of(page, key)).to_be_visible()
        await expect_at_latest(panel_of(page, key))
    await expect(bot_says(panel_of(page, "cadre"), "已批准")).to_be_visible()
    await expect(bot_says(panel_of(page, "township_secretary"), "您已批准")).to_be_visible()
    assert await page.locator(".toast").count() == 0  # old press answers are not replayed
    await expect(page.locator('[data-tab="cadre"]')).to_have_class(re.compile(r"\bactive\b"))
    shot = tmp_path / "leave-approved.png"
    await page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    print(f"screenshot: {shot}")


@pytest.mark.parametrize("stack", ["ptb"], indirect=True)
async def test_checkin_inside_the_village_and_a_diary(
    page: Page, stack: DemoStack, tmp_path: Path
) -> None:
    cadre = await onboard(page, "cadre")

    await cadre.locator(".composer .text").fill("/checkin")
    await cadre.locator(".composer .text").press("Enter")
    await cadre.locator(".rkb-btn", has_text="签到").click()
    picker = cadre.locator(".loc-picker")
    await expect(picker).to_contain_text("东店子村")
    await picker.get_by_role("button", name="在村内").click()
    done = bot_says(cadre, "签到成功")
    await expect(done).to_contain_text("东店子村")
    await expect(done.locator("b", has_text="东店子村")).to_be_visible()  # Telegram <b> kept
    await expect(cadre.locator(".msg.me .location")).to_contain_text("东店子村")
    await expect(bot_says(cadre, "工作纪实")).to_be_visible()

    # a point picked on the map far from the centre is recorded; the morning's on-site
    # check-in still counts, and the bot says so, with the metres the picker showed
    await cadre.locator(".composer .text").fill("/checkin")
    await cadre.locator(".composer .text").press("Enter")
    await cadre.locator(".rkb-btn", has_text="签到").click()
    await picker.locator(".loc-map").click(position={"x": 12, "y": 12})
    await expect(picker.locator(".loc-point")).to_contain_text("米")
    found = re.search(r"(\d+) 米", await picker.locator(".loc-point").inner_text())
    assert found is not None
    metres = found.group(1)
    await picker.locator(".loc-send").click()
    await expect(bot_says(cadre, "仍计为")).to_contain_text(f"约 {metres} 米")

    # a one-line diary whose text looks like HTML: shown as typed, never as markup
    await cadre.locator(".composer .text").fill("/diary 走访李家 <b>孩子</b>上学 & 医保")
    await cadre.locator(".composer .text").press("Enter")
    saved = bot_says(cadre, "日记已保存")
    await expect(saved).to_contain_text("1/10")
    await cadre.locator(".attach-btn").click()
    await cadre.locator(".attach-sample").click()
    await expect(cadre.locator(".msg.me img.photo")).to_be_visible()
    await expect(bot_says(cadre, "已添加照片")).to_be_visible()
    await saved.get_by_role("button", name="✅ 完成").click()
    await cadre.locator(".composer .text").fill("/diaries")
    await cadre.locator(".composer .text").press("Enter")
    listing = bot_says(cadre, "本月民情日记")
    await expect(listing).to_contain_text("<b>孩子</b>上学 & 医保")
    assert await cadre.locator(".msg b", has_text="孩子").count() == 0
    assert await listing.locator("a.cmd").count() == 0  # "1</b>/10" is not a /command

    shot = tmp_path / "checkin-diary.png"
    await page.screenshot(path=str(shot))
    print(f"screenshot: {shot}")


async def test_files_from_the_bot_commands_menu_and_clock(
    page: Page, stack: DemoStack, tmp_path: Path
) -> None:
    cadre = await open_chat(page, "cadre")
    await cadre.locator(".start-btn").click()
    await expect(bot_says(cadre, "手机号")).to_be_visible()
    chat_id = user_id_of("cadre")
    assert isinstance(stack.emulator, BotApiEmulator)
    await stack.emulator.execute(
        "sendPhoto",
        {"chat_id": chat_id, "caption": "<b>图表</b>", "parse_mode": "HTML"},
        {"photo": UploadedFile("photo", "chart.png", "image/png", TINY_PNG)},
    )
    await stack.emulator.execute(
        "sendDocument",
        {"chat_id": chat_id, "caption": "考勤表"},
        {"document": UploadedFile("document", "考勤表.csv", "text/csv", CSV_BYTES)},
    )
    await expect(cadre.locator(".msg.bot img.photo")).to_be_visible()
    await expect(cadre.locator(".msg.bot b", has_text="图表")).to_be_visible()
    link = cadre.locator(".msg.bot a.document")
    await expect(link).to_contain_text("考勤表.csv")
    assert await link.get_attribute("download") == "考勤表.csv"
    href = await link.get_attribute("href")
    response = await page.request.get(stack.url.rstrip("/") + str(href))
    assert "张三,1" in (await response.body()).decode()

    # the command menu comes from the bot's own setMyCommands
    await cadre.locator(".menu-btn").click()
    menu = cadre.locator(".cmd-menu")
    await expect(menu.locator('[data-command="checkin"]')).to_contain_text("签到")
    await expect(menu.locator('[data-command="leave"]')).to_contain_text("请假")
    await cadre.locator(".menu-btn").click()
    await expect(menu).to_be_hidden()

    # the clock control moves the demo's day and runs every sweep as of it: on a working
    # day without a check-in, the bound cadre gets the evening nudge
    await cadre.locator(".rkb-btn", has_text="发送我的手机号").click()
    await expect(bot_says(cadre, "绑定成功")).to_be_visible()
    target = next_workday(stack.clock.today())
    await page.locator("#clock-date").fill(target.isoformat())
    await page.locator("#clock-run").click()
    status = page.locator("#clock-status")
    await expect(status).to_contain_text(target.isoformat())
    assert stack.clock.today() == target
    assert stack.scheduler.available, stack.scheduler.problem
    await expect(status).to_contain_text("签到提醒")
    nudge = bot_says(cadre, "还没有")
    await expect(nudge).to_contain_text(target.isoformat())
    await expect(nudge.locator("a.cmd", has_text="/checkin")).to_be_visible()
    await page.screenshot(path=str(tmp_path / "clock.png"))
    # the sample photo is dated by the demo's day (the one the bot counts), not the browser's
    await page.evaluate(
        """() => {
            window.__drawn = [];
            const fill = CanvasRenderingContext2D.prototype.fillText;
            CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
                window.__drawn.push(String(text));
                return fill.call(this, text, ...rest);
            };
        }"""
    )
    await cadre.locator(".attach-btn").click()
    await cadre.locator(".attach-sample").click()
    await expect(cadre.locator(".msg.me img.photo").last).to_be_visible()
    drawn = await page.evaluate("() => window.__drawn")
    assert f"东店子村 · {target.isoformat()}" in drawn, drawn
    await page.locator("#clock-reset").click()
    await expect(page.locator("#clock-status")).to_contain_text("今天")
    assert not stack.clock.shifted

    # the language toggle switches the page's own labels (not the bot's)
    await page.locator("#lang-toggle").click()
    await expect(page.locator("#clock-run")).to_have_text("Run sweeps")
    await expect(page.locator('[data-person="cadre"]')).to_contain_text("First Secretary")


@pytest.mark.parametrize("stack", ["dingtalk"], indirect=True)
async def test_dingtalk_bind_by_first_message_and_a_diary_card(
    page: Page, stack: DemoStack, tmp_path: Path
) -> None:
    # no contact to share on DingTalk: the page says so, and START (any message) binds
    await expect(page.locator("#empty .hint")).to_contain_text("任意消息")
    cadre = await open_chat(page, "cadre")
    assert await cadre.get_attribute("data-user-id") == "staff000"
    await cadre.locator(".start-btn").click()
    await expect(bot_says(cadre, "绑定成功")).to_contain_text("张三")
    await expect(cadre.locator(".rkb-btn")).to_have_count(0)  # DingTalk has no reply keyboard

    await cadre.locator(".composer .text").fill("/diary 走访李家")
    await cadre.locator(".composer .text").press("Enter")
    saved = bot_says(cadre, "日记已保存")
    await expect(saved).to_contain_text("1/10")
    await expect(saved.get_by_role("button", name="✅ 完成", exact=True)).to_be_visible()
    await saved.get_by_role("button", name="☐ 党员干部", exact=True).click()
    # the card is updated in place: the toggle now shows the kind as marked
    await expect(saved.get_by_role("button", name="✅ 党员干部", exact=True)).to_be_visible()
    await expect(saved.get_by_role("button", name="☐ 党员干部", exact=True)).to_have_count(0)

    # a photo reaches the bot as a DingTalk picture
    await cadre.locator(".attach-btn").click()
    await cadre.locator(".attach-sample").click()
    await expect(cadre.locator(".msg.me img.photo")).to_be_visible()
    await expect(bot_says(cadre, "已添加照片")).to_be_visible()

    # check-ins come from DingTalk's attendance app: the 📎 menu records one
    await cadre.locator(".attach-btn").click()
    await cadre.locator(".attach-checkin").click()
    await expect(cadre.locator(".toast").last).to_contain_text("已同步为签到")
    emulator = stack.emulator
    assert isinstance(emulator, DingTalkEmulator)
    assert [r.user_id for r in emulator.attendance.records] == ["staff000"]
    with contextlib.closing(sqlite3.connect(stack.database_path)) as db:
        rows = db.execute("SELECT day, on_site FROM checkin WHERE source = 'dingtalk'").fetchall()
    assert rows == [(stack.clock.today().isoformat(), 1)], rows
    await page.screenshot(path=str(tmp_path / "dingtalk-diary.png"))
