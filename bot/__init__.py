"""The Telegram side: framework-neutral conversations in ``bot.handlers`` and thin
runtimes (aiogram, python-telegram-bot) that translate updates and replies."""
