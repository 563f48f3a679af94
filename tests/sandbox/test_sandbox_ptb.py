"""A real python-telegram-bot 22 Application, polling the emulator over HTTP."""

from __future__ import annotations

import html

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from sandbox import TINY_PNG, BotApiEmulator

PHOTO = TINY_PNG + b""  # the user's photo bytes, compared after the bot downloads them


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("确认", callback_data="confirm")]])
    await update.message.reply_html(
        f"<b>欢迎</b>, {html.escape(update.effective_user.first_name)}!", reply_markup=keyboard
    )


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.callback_query.answer("已确认", show_alert=True)
    await update.callback_query.edit_message_text("已确认 ✅")


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.message.reply_text(
        f"你说: <i>{html.escape(update.message.text)}</i>", parse_mode=ParseMode.HTML
    )


async def on_photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    file = await context.bot.get_file(update.message.photo[-1].file_id)
    data = await file.download_as_bytearray()
    context.bot_data["photo"] = bytes(data)
    await update.message.reply_text(f"照片 {len(data)} 字节")
    await update.message.reply_photo(photo=bytes(data), caption="<b>原图</b>", parse_mode="HTML")


@pytest.fixture
async def app(emu: BotApiEmulator):
    application: Application = (
        ApplicationBuilder()
        .token(emu.token)
        .base_url(emu.base_url + "/bot")
        .base_file_url(emu.base_url + "/file/bot")
        .build()
    )
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(MessageHandler(filters.PHOTO, on_photo))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    async with application:
        await application.start()
        await application.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            yield application
        finally:
            await application.updater.stop()
            await application.stop()


async def test_ptb_conversation(emu: BotApiEmulator, app: Application) -> None:
    user = emu.user(1002, "李四", username="lisi")
    user.send_text("/start")
    welcome = await user.next_message()
    assert welcome.text == "欢迎, 李四!" and welcome.button_texts == ["确认"]

    user.press("确认")
    await user.wait_until_quiet(0.2)
    assert user.last_callback_answer.text == "已确认" and user.last_callback_answer.show_alert
    assert welcome.edited and welcome.text == "已确认 ✅"

    user.send_text("<script>")
    echo_reply = await user.next_message()
    assert echo_reply.text == "你说: <script>"

    user.send_photo(PHOTO, caption="现场照片")
    reply = await user.next_message()
    assert reply.text == f"照片 {len(PHOTO)} 字节"
    assert app.bot_data["photo"] == PHOTO
    echoed = await user.next_message()
    assert echoed.kind == "photo" and echoed.photo == PHOTO and echoed.text == "原图"

    with pytest.raises(BadRequest, match="(?i)message is too long"):
        await app.bot.send_message(1002, "x" * 4097)
    await emu.wait_idle(3)
