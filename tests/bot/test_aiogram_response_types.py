"""aiogram parses each Bot API answer as ``Response[returning]``; the runtime keeps those
classes alive so a garbage collection does not make the next call rebuild them."""

from __future__ import annotations

import gc

from aiogram.methods.base import Response

from bot.runtime.aiogram_runtime import CALLED_METHODS, response_types


def test_every_called_method_keeps_its_response_type_across_a_collection() -> None:
    kept = response_types()
    ids = [id(t) for t in kept]
    gc.collect()
    again = [id(Response[m.__returning__]) for m in CALLED_METHODS]
    assert again == ids


def test_the_runtime_calls_no_method_outside_the_list() -> None:
    """A method added to ``AiogramCalls`` but not to ``CALLED_METHODS`` would be rebuilt
    after every collection: the calls module names only listed methods."""
    import inspect

    from bot.runtime import aiogram_runtime

    source = inspect.getsource(aiogram_runtime)
    called = {
        name
        for name in (
            "send_message",
            "edit_message_text",
            "send_document",
            "send_photo",
            "send_media_group",
            "answer_callback_query",
            "get_updates",
            "set_my_commands",
            "set_webhook",
            "delete_webhook",
            "send_chat_action",
            "get_me",
        )
        if f"bot.{name}(" in source
    }
    snake = {
        "".join("_" + c.lower() if c.isupper() else c for c in m.__name__).lstrip("_")
        for m in CALLED_METHODS
    }
    assert called <= snake
