"""A real aiogram 3 bot, polling the emulator over HTTP."""

from __future__ import annotations

import asyncio
import io

import pytest
from aiogram import Bot, Dispatcher, F, Router, html
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import CommandStart
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)

from sandbox import TINY_PNG, BotApiEmulator


def build_router() -> Router:
    router = Router()

    @router.message(CommandStart())
    async def start(message: Message) -> None:
        keyboard = InlineKeyboardMarkup(
            inline_keyboard=[
                [
                    InlineKeyboardButton(text="确认", callback_data="confirm"),
                    InlineKeyboardButton(text="取消", callback_data="cancel"),
                ]
            ]
        )
        await message.answer(f"<b>欢迎</b>, {html.quote(message.from_user.first_name)}!")
        await message.answer("请选择:", reply_markup=keyboard)

    @router.callback_query(F.data == "confirm")
    async def confirm(query: CallbackQuery) -> None:
        await query.answer("已确认")
        await query.message.edit_text("<i>已确认</i> ✅")

    @router.message(F.photo)
    async def photo(message: Message, bot: Bot) -> None:
        data = await bot.download(message.photo[-1])
        assert isinstance(data, io.BytesIO)
        await message.answer_document(
            BufferedInputFile(data.getvalue(), filename="原图.png"), caption="收到照片"
        )

    @router.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(f"你说: <code>{html.quote(message.text)}</code>")

    return router


@pytest.fixture
async def polling_bot(emu: BotApiEmulator):
    bot = Bot(
        emu.token,
        session=AiohttpSession(api=TelegramAPIServer.from_base(emu.base_url)),
        default=DefaultBotProperties(parse_mode="HTML"),
    )
    dispatcher = Dispatcher()
    dispatcher.include_router(build_router())
    task = asyncio.create_task(
        dispatcher.start_polling(bot, handle_signals=False, polling_timeout=1)
    )
    for _ in range(200):  # until the first getUpdates is in flight
        if emu.poller.in_flight:
            break
        await asyncio.sleep(0.01)
    try:
        yield bot
    finally:
        await dispatcher.stop_polling()
        await task
        await bot.session.close()


async def test_aiogram_conversation(emu: BotApiEmulator, polling_bot: Bot) -> None:
    user = emu.user(1001, "张三", language_code="zh")
    user.send_text("/start")
    greeting = await user.next_message()
    assert greeting.text == "欢迎, 张三!"
    assert greeting.html == "<b>欢迎</b>, 张三!"
    menu = await user.next_message()
    assert menu.text == "请选择:" and menu.button_texts == ["确认", "取消"]

    user.press(menu, "确认")
    await user.wait_until_quiet(0.2)
    assert user.last_callback_answer.text == "已确认"
    assert menu.edited and menu.text == "已确认 ✅" and menu.reply_markup is None

    user.send_text("a < b & c")
    echo = await user.next_message()
    assert echo.text == "你说: a < b & c"
    assert echo.entities == [{"type": "code", "offset": 4, "length": 9}]

    user.send_photo(TINY_PNG)
    document = await user.next_message()
    assert document.kind == "document" and document.document == TINY_PNG
    assert document.filename == "原图.png" and document.text == "收到照片"
    await emu.wait_idle(3)


async def test_aiogram_sees_telegram_errors(emu: BotApiEmulator, polling_bot: Bot) -> None:
    user = emu.user(1001, "张三")
    user.send_text("hi")
    await user.next_message()
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await polling_bot.send_message(1001, "a < b")
    too_long = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="x", callback_data="x" * 65)]]
    )
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await polling_bot.send_message(1001, "menu", reply_markup=too_long)
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await polling_bot.send_message(4242, "hello")
    assert [m.text for m in user.inbox] == ["你说: hi"]
