"""Framework-neutral conversations: an ``Incoming`` event in, a ``Response`` out.

The runtimes in ``bot.runtime`` translate Telegram updates into ``Incoming`` and send the
``Response``; everything a person experiences is decided here, once, for both frameworks.
"""
