"""Telegram's text formatting: the HTML ``parse_mode`` parsed into plain text and entities
the way Telegram does it (its error texts included, ``can't parse entities: ...``), the
length limits of texts and captions, and offsets in UTF-16 code units. Pure, like
:mod:`sandbox.validation`, which re-exports it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from sandbox.errors import bad_request

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024

# Telegram trims these around a message (tdlib's fix_formatted_text).
_TRIMMED = " \t\r\n"

_SUPPORTED_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}

_HTML_ENTITY = re.compile(r"&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|(lt|gt|amp|quot));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TAG_NAME = re.compile(r"[a-zA-Z0-9-]*")
_ATTR_NAME = re.compile(r"[a-zA-Z0-9_-]+")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units: the unit of Telegram's entity offsets."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class FormattedText:
    """Plain text as Telegram stores it, plus the entities parsed out of the markup."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


def _byte_offset(source: str, index: int) -> int:
    return len(source[:index].encode("utf-8"))


def _entity_error(detail: str) -> Exception:
    return bad_request(f"can't parse entities: {detail}")


@dataclass
class _OpenTag:
    name: str
    attrs: dict[str, str]
    start: int  # UTF-16 offset into the plain text
    byte_offset: int


def _decode_entity(source: str, i: int) -> tuple[str, int]:
    """Decode the HTML entity at ``source[i] == '&'``; returns (char, index after it)."""
    match = _HTML_ENTITY.match(source, i)
    if match is None:
        raise _entity_error(
            f"Unsupported HTML entity at byte offset {_byte_offset(source, i)}: "
            "a literal '&' must be written as &amp;"
        )
    decimal, hexadecimal, named = match.groups()
    if named:
        return _NAMED[named], match.end()
    code = int(decimal) if decimal else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise _entity_error(f"Invalid numeric HTML entity at byte offset {_byte_offset(source, i)}")
    return chr(code), match.end()


def _parse_attributes(source: str, i: int, tag: str, tag_offset: int) -> tuple[dict[str, str], int]:
    """Parse ``name="value"`` pairs up to the closing '>'; returns (attrs, index after '>')."""
    attrs: dict[str, str] = {}
    n = len(source)
    while True:
        while i < n and source[i].isspace():
            i += 1
        if i >= n:
            raise _entity_error(f"Unclosed start tag at byte offset {tag_offset}")
        if source[i] == ">":
            return attrs, i + 1
        name_match = _ATTR_NAME.match(source, i)
        if name_match is None:
            raise _entity_error(
                f'Empty attribute name in the tag "{tag}" at byte offset {tag_offset}'
            )
        name = name_match.group().lower()
        i = name_match.end()
        while i < n and source[i].isspace():
            i += 1
        if i >= n or source[i] != "=":
            raise _entity_error(
                f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                f"at byte offset {tag_offset}"
            )
        i += 1
        while i < n and source[i].isspace():
            i += 1
        if i >= n:
            raise _entity_error(f"Unclosed start tag at byte offset {tag_offset}")
        value_chars: list[str] = []
        if source[i] in "\"'":
            quote = source[i]
            i += 1
            while i < n and source[i] != quote:
                if source[i] == "&":
                    char, i = _decode_entity(source, i)
                    value_chars.append(char)
                else:
                    value_chars.append(source[i])
                    i += 1
            if i >= n:
                raise _entity_error(f'Unclosed start tag "{tag}" at byte offset {tag_offset}')
            i += 1
        else:
            while i < n and not source[i].isspace() and source[i] != ">":
                if source[i] == "&":
                    char, i = _decode_entity(source, i)
                    value_chars.append(char)
                else:
                    value_chars.append(source[i])
                    i += 1
        attrs[name] = "".join(value_chars)


def parse_html(source: str) -> FormattedText:
    """Parse Telegram's HTML subset into plain text and entities.

    Rejects what Telegram rejects: unsupported tags, a stray ``<``, unclosed or mismatched
    tags and (stricter than tdlib, on purpose) an ``&`` that does not start one of the
    supported entities, so bots always escape user input.
    """
    out: list[str] = []
    utf16_pos = 0
    stack: list[_OpenTag] = []
    entities: list[dict[str, Any]] = []
    n = len(source)
    i = 0
    while i < n:
        char = source[i]
        if char == "&":
            decoded, i = _decode_entity(source, i)
            out.append(decoded)
            utf16_pos += utf16_len(decoded)
            continue
        if char != "<":
            out.append(char)
            utf16_pos += utf16_len(char)
            i += 1
            continue
        tag_offset = _byte_offset(source, i)
        if i + 1 < n and source[i + 1] == "/":
            end = source.find(">", i + 2)
            if end == -1:
                raise _entity_error(f"Unclosed end tag at byte offset {tag_offset}")
            name = source[i + 2 : end].strip().lower()
            if not stack:
                raise _entity_error(f'Unexpected end tag "{name}" at byte offset {tag_offset}')
            top = stack[-1]
            if top.name != name:
                raise _entity_error(
                    f'Unmatched end tag at byte offset {tag_offset}, expected "</{top.name}>", '
                    f'found "</{name}>"'
                )
            stack.pop()
            _close_tag(top, utf16_pos, stack, entities)
            i = end + 1
            continue
        name_match = _TAG_NAME.match(source, i + 1)
        assert name_match is not None  # the pattern accepts the empty string
        name = name_match.group().lower()
        if name not in _SUPPORTED_TAGS:
            if name_match.end() >= n:
                raise _entity_error(f"Unclosed start tag at byte offset {tag_offset}")
            raise _entity_error(f'Unsupported start tag "{name}" at byte offset {tag_offset}')
        attrs, i = _parse_attributes(source, name_match.end(), name, tag_offset)
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise _entity_error(
                f'Tag "span" must have class "tg-spoiler" at byte offset {tag_offset}'
            )
        if name == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
            raise _entity_error(
                f'Tag "tg-emoji" must have a numeric attribute "emoji-id" at byte offset '
                f"{tag_offset}"
            )
        stack.append(_OpenTag(name, attrs, utf16_pos, tag_offset))
    if stack:
        raise _entity_error(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return FormattedText("".join(out), entities)


def _close_tag(
    tag: _OpenTag, end: int, stack: list[_OpenTag], entities: list[dict[str, Any]]
) -> None:
    """Turn a closed tag into its entity (if it covers any text)."""
    length = end - tag.start
    kind = _SUPPORTED_TAGS[tag.name]
    language = tag.attrs.get("class", "")
    if kind == "code" and stack and stack[-1].name == "pre":
        # <pre><code class="language-x"> is a pre block with a language, not inline code.
        if language.startswith("language-"):
            stack[-1].attrs["language"] = language.removeprefix("language-")
        return
    if length <= 0:
        return
    entity: dict[str, Any] = {"type": kind, "offset": tag.start, "length": length}
    if kind == "text_link":
        href = tag.attrs.get("href")
        if not href:
            return
        entity["url"] = href
    elif kind == "pre" and tag.attrs.get("language"):
        entity["language"] = tag.attrs["language"]
    elif kind == "blockquote" and "expandable" in tag.attrs:
        entity["type"] = "expandable_blockquote"
    elif kind == "custom_emoji":
        entity["custom_emoji_id"] = tag.attrs["emoji-id"]
    entities.append(entity)


def _trim(formatted: FormattedText) -> FormattedText:
    """Drop leading/trailing whitespace like Telegram, shifting and clipping entities."""
    text = formatted.text
    stripped_left = text.lstrip(_TRIMMED)
    head = utf16_len(text) - utf16_len(stripped_left)
    result = stripped_left.rstrip(_TRIMMED)
    total = utf16_len(result)
    entities: list[dict[str, Any]] = []
    for entity in formatted.entities:
        start = max(entity["offset"] - head, 0)
        end = min(entity["offset"] + entity["length"] - head, total)
        if end > start:
            entities.append({**entity, "offset": start, "length": end - start})
    return FormattedText(result, entities)


def format_text(text: str, parse_mode: str | None, entities: Any = None) -> FormattedText:
    """Apply ``parse_mode`` (or explicit ``entities``) the way Telegram does, then trim."""
    mode = (parse_mode or "").strip()
    if mode.lower() == "html":
        formatted = parse_html(text)
    elif mode == "" or mode.lower() in ("markdown", "markdownv2"):
        # Markdown flavours are accepted but not parsed: the text is stored verbatim.
        formatted = FormattedText(text, _validate_entities(entities))
    else:
        raise bad_request(f"unsupported parse_mode {mode!r}")
    return _trim(formatted)


def _validate_entities(entities: Any) -> list[dict[str, Any]]:
    if entities is None:
        return []
    if isinstance(entities, str):
        try:
            entities = json.loads(entities)
        except ValueError:
            raise bad_request("can't parse entities JSON object") from None
    if not isinstance(entities, list) or not all(isinstance(e, dict) for e in entities):
        raise bad_request("can't parse entities JSON object")
    return [dict(e) for e in entities]


def message_text(text: Any, parse_mode: str | None, entities: Any = None) -> FormattedText:
    """Validate a ``text`` parameter: present, 1-4096 characters after entity parsing."""
    if text is None:
        raise bad_request("message text is empty")
    formatted = format_text(str(text), parse_mode, entities)
    if not formatted.text:
        raise bad_request("message text is empty")
    if len(formatted.text) > MAX_TEXT_LENGTH:
        raise bad_request("message is too long")
    return formatted


def caption_text(caption: Any, parse_mode: str | None, entities: Any = None) -> FormattedText:
    """Validate an optional ``caption``: at most 1024 characters after entity parsing."""
    if caption is None:
        return FormattedText("")
    formatted = format_text(str(caption), parse_mode, entities)
    if len(formatted.text) > MAX_CAPTION_LENGTH:
        raise bad_request("message caption is too long")
    return formatted
