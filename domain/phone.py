"""Phone numbers as one canonical string, so a roster row and a shared contact match.

Rosters are typed by hand ("138 0013 8000", "+86-138-0013-8000", "0086..."); Telegram
shares contacts as "8613800138000" or "+8613800138000". All become "+8613800138000".
"""

from __future__ import annotations

import re

from domain.errors import InvalidPhone

_SEPARATORS = re.compile(r"[\s\-().\u3000]")


def normalise_phone(raw: str) -> str:
    text = _SEPARATORS.sub("", str(raw or "").strip())
    plus = text.startswith("+")
    digits = text.lstrip("+")
    if not digits.isdigit() or not digits.isascii():
        raise InvalidPhone(value=raw)
    if digits.startswith("00"):
        digits, plus = digits[2:], True
    if len(digits) == 11 and digits.startswith("1") and not plus:
        return "+86" + digits
    if digits.startswith("86") and len(digits) == 13 and digits[2] == "1":
        return "+" + digits
    if plus and 8 <= len(digits) <= 15 and not digits.startswith("0"):
        return "+" + digits
    raise InvalidPhone(value=raw)


def masked(phone: str) -> str:
    """A phone for logs and screens that must not show it whole: +86138****8000."""
    return phone[:6] + "****" + phone[-4:] if len(phone) > 10 else "****"
