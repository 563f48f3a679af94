"""Logging that never shows the bot token or people's phone numbers.

The token sits in every Bot API URL (``/bot<TOKEN>/getUpdates``) and HTTP clients log URLs;
phones travel in contacts and rosters. A filter on the root handlers rewrites every record
after formatting its arguments, so no logger, ours or a library's, can leak either.
"""

from __future__ import annotations

import logging
import re

_PHONE = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}(?!\d)")


class Redactor(logging.Filter):
    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "<token>")
            _, _, rest = secret.partition(":")
            if rest:
                text = text.replace(rest, "<token>")
        return _PHONE.sub("<phone>", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self.redact(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        return True


def configure_logging(secrets: list[str], level: int = logging.INFO) -> None:
    """Log to stderr at ``level`` through the redactor, whatever the level: at DEBUG the
    frameworks log every Bot API call with its parameters and result (phones in shared
    contacts, the token in httpx's URLs), and those lines pass the same filter.

    SQLAlchemy stays at WARNING even then: its INFO/DEBUG lines carry every statement's
    parameters and rows (names, diaries, leave reasons), which no filter can recognise."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
    if level > logging.DEBUG:  # one line per HTTP request: only worth it when debugging
        logging.getLogger("httpx").setLevel(logging.WARNING)
        logging.getLogger("httpcore").setLevel(logging.WARNING)
    redactor = Redactor(secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redactor)
