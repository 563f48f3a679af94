"""The replies' Telegram HTML as DingTalk markdown.

The conversations write Telegram's HTML subset (``<b>``, ``<i>``, ``<u>``, ``<s>``,
``<code>``, ``<pre>``, ``<a href>``, ``<blockquote>``) with every piece of user text
escaped. DingTalk's robot markdown knows bold, italics, links, code and quotes, and needs
a hard break (two spaces) to keep a line break inside a paragraph. User text that looks
like markdown (a leading ``#``, ``*`` or ``>``) is escaped so a diary never renders as a
heading.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_MARKS = {"b": "**", "strong": "**", "i": "*", "em": "*", "code": "`", "s": "~~", "u": ""}
_LINE_START = re.compile(r"^(?:([#>*+-])|(\d+)\.)", re.MULTILINE)


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._href: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _MARKS:
            self.parts.append(_MARKS[tag])
        elif tag == "a":
            self._href.append(dict(attrs).get("href"))
            self.parts.append("[")
        elif tag == "pre":
            self.parts.append("\n```\n")
        elif tag == "blockquote":
            self.parts.append("\n> ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _MARKS:
            self.parts.append(_MARKS[tag])
        elif tag == "a":
            href = self._href.pop() if self._href else None
            self.parts.append(f"]({href})" if href else "]")
        elif tag == "pre":
            self.parts.append("\n```\n")
        elif tag == "blockquote":
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(_LINE_START.sub(_escaped, data))


def _escaped(match: re.Match[str]) -> str:
    """``# x`` → ``\\# x``; ``1. x`` → ``1\\. x``: what would start a heading, a quote or
    a list, shown as typed."""
    mark, number = match.groups()
    return f"\\{mark}" if mark else f"{number}\\."


def to_markdown(text: str) -> str:
    """Telegram HTML → DingTalk markdown (line breaks kept as hard breaks)."""
    converter = _Converter()
    converter.feed(text)
    converter.close()
    body = "".join(converter.parts).strip("\n")
    return "  \n".join(body.split("\n"))


def to_plain(text: str) -> str:
    """Telegram HTML → plain text (a card's title, a text message)."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def title_of(text: str, limit: int = 40) -> str:
    """The first line as plain text: DingTalk shows it in the chat list and notifications."""
    first = to_plain(text).strip().split("\n", 1)[0].strip() or "cadrebot"
    return first if len(first) <= limit else first[: limit - 1] + "…"
