"""Bare echo bots on aiogram 3 and python-telegram-bot 22: the benchmark's baseline.

Why: bench/e2e.py compares cadrebot's throughput with the most a bot on the same framework,
HTTP client and emulator can do at all; what is left is the cost of cadrebot's own work
(the durable inbox, the conversations, the database, the reply outbox). Each bot answers
every message with one fixed text and nothing else, using the framework's own polling:

- aiogram: ``Dispatcher.start_polling`` with its default ``handle_as_tasks=True`` (every
  update handled concurrently, as our runtime's workers handle chats concurrently);
- PTB: ``Application.run_polling`` with ``concurrent_updates(True)`` (256 at once), for the
  same reason; PTB's default handles one update at a time and would be a weaker baseline.

Run by bench/e2e.py as a subprocess, so its CPU time is measured apart from the emulator:

    .venv/bin/python bench/echo.py aiogram http://127.0.0.1:PORT 123456:TOKEN
"""

from __future__ import annotations

import asyncio
import logging
import sys

REPLY = "收到"


async def run_aiogram(api_url: str, token: str) -> None:
    """Polls until SIGINT/SIGTERM (aiogram installs the signal handlers)."""
    from aiogram import Bot, Dispatcher
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.types import Message

    bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(api_url)))
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def echo(message: Message) -> None:
        await message.answer(REPLY)

    await dispatcher.start_polling(bot, allowed_updates=["message"], handle_signals=True)


def run_ptb(api_url: str, token: str) -> None:
    """Polls until SIGINT/SIGTERM (``run_polling`` owns the loop and the signals)."""
    from telegram import Update
    from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

    application = (
        ApplicationBuilder()
        .token(token)
        .base_url(api_url + "/bot")
        .base_file_url(api_url + "/file/bot")
        .concurrent_updates(True)
        .build()
    )

    async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(REPLY)

    application.add_handler(MessageHandler(filters.ALL, echo))
    application.run_polling(allowed_updates=["message"], poll_interval=0.0, timeout=10)


def main(argv: list[str]) -> None:
    framework, api_url, token = argv
    logging.basicConfig(level=logging.WARNING)
    if framework == "aiogram":
        asyncio.run(run_aiogram(api_url.rstrip("/"), token))
    elif framework == "ptb":
        run_ptb(api_url.rstrip("/"), token)
    else:
        raise SystemExit(f"unknown framework {framework!r} (aiogram, ptb)")


if __name__ == "__main__":
    main(sys.argv[1:])
