"""Neither the bot token nor a phone number can reach a log line."""

from __future__ import annotations

import io
import logging

import pytest

from bot.log_redaction import Redactor

TOKEN = "424242:AAE-very-secret"


@pytest.fixture
def captured() -> io.StringIO:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    handler.addFilter(Redactor([TOKEN]))
    logger = logging.getLogger("redaction-test")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield stream
    logger.removeHandler(handler)


@pytest.mark.parametrize(
    "phone", ["+8613900000001", "13900000001", "+86 139 0000 0001", "86-139-0000-0001"]
)
def test_phones_in_any_form_are_masked(captured: io.StringIO, phone: str) -> None:
    logging.getLogger("redaction-test").info("bound contact %s to person 3", phone)
    out = captured.getvalue()
    assert "0000" not in out and "<phone>" in out and "person 3" in out


def test_the_token_in_a_url_and_in_a_traceback_is_masked(captured: io.StringIO) -> None:
    log = logging.getLogger("redaction-test")
    log.info("POST https://api.telegram.org/bot%s/getUpdates", TOKEN)
    try:
        raise RuntimeError(f"connection to /bot{TOKEN}/sendMessage failed")
    except RuntimeError:
        log.exception("send failed")
    out = captured.getvalue()
    assert "very-secret" not in out and out.count("<token>") == 2


def test_ordinary_numbers_are_left_alone(captured: io.StringIO) -> None:
    logging.getLogger("redaction-test").info("update %d handled in %d ms", 123456789, 42)
    assert "update 123456789 handled in 42 ms" in captured.getvalue()
