"""Thin runtimes: Telegram updates in, ``Incoming`` to the conversations, replies out."""
