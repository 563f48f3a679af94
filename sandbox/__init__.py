"""A loopback Telegram Bot API emulator for end-to-end tests and the browser demo.

Real aiogram / python-telegram-bot bots talk HTTP to :class:`BotApiEmulator` exactly as they
would to api.telegram.org, while tests script people with :class:`SimulatedUser` and assert
on what the bot sent.
"""

from sandbox.emulator import ApiCall, BotApiEmulator
from sandbox.errors import ApiError
from sandbox.media import TINY_PNG
from sandbox.state import CallbackAnswer, SentMessage
from sandbox.users import SimulatedUser

__all__ = [
    "ApiCall",
    "ApiError",
    "BotApiEmulator",
    "CallbackAnswer",
    "SentMessage",
    "SimulatedUser",
    "TINY_PNG",
]
