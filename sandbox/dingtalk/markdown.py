"""DingTalk markdown as the person reads it: plain text for assertions, minimal HTML for the demo.

The bot writes DingTalk's markdown subset (bold, italics, code, links, hard breaks). Tests
written for Telegram assert on what a person reads, so :func:`plain` drops the markup the
client would render; :func:`to_html` gives the browser demo bold and line breaks, escaping
everything else so bot text never becomes markup.
"""

from __future__ import annotations

import html
import re

_LINK = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")
_HARD_BREAK = re.compile(r" {2,}\n")
_BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)


def plain(markdown: str) -> str:
    """The text a DingTalk client shows for ``markdown``, without its markup; a
    backslash-escaped character (``\\#``, ``1\\.``) shows as itself."""
    escaped: list[str] = []

    def keep(match: re.Match[str]) -> str:
        escaped.append(match.group(1))
        return f"\x00{len(escaped) - 1}\x00"

    text = _ESCAPE.sub(keep, _HARD_BREAK.sub("\n", markdown))
    text = _LINK.sub(r"\1", text)
    text = text.replace("**", "").replace("*", "").replace("`", "")
    return re.sub("\x00(\\d+)\x00", lambda m: escaped[int(m.group(1))], text)


_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>~|])")


def to_html(markdown: str) -> str:
    """Escaped HTML with ``<b>`` for bold and ``<br>`` for line breaks (links become text)."""
    text = _HARD_BREAK.sub("\n", markdown)
    text = _LINK.sub(r"\1", text)
    escaped = html.escape(text, quote=False)
    escaped = _BOLD.sub(r"<b>\1</b>", escaped)
    escaped = escaped.replace("*", "").replace("`", "")
    return escaped.replace("\n", "<br>")
