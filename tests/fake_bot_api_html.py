"""Telegram's HTML parse mode, as the fake Bot API server applies it to message text.

The grammar follows https://core.telegram.org/bots/api#html-style strictly: only the
documented tags, only the four named entities plus numeric ones, every bare ``<``,
``>`` and ``&`` rejected. The result is the plain text and entities Telegram stores.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# tag -> entity type; span and a are special-cased for their attributes.
_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
_ALLOWED_TAGS = frozenset(_SIMPLE_TAGS) | {"a", "span", "tg-emoji"}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6}));")
_TAG_NAME_RE = re.compile(r"[a-zA-Z][a-zA-Z0-9-]*")
_ATTR_RE = re.compile(r"\s*([a-zA-Z][a-zA-Z0-9_-]*)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>\"']+))?")


class BadRequest(ValueError):
    """Raised with the exact description Telegram would answer with a 400."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = f"Bad Request: {description}"


@dataclass
class ParsedText:
    """Plain text and entities, as Telegram stores a message after parsing."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


def utf16_len(text: str) -> int:
    """Telegram measures lengths and offsets in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(source: str, index: int) -> int:
    return len(source[:index].encode("utf-8"))


def _unescape_attribute(source: str, raw: str, index: int) -> str:
    if raw[:1] in {'"', "'"}:
        raw = raw[1:-1]
    return _decode_entities(source, raw, index)


def _decode_entities(source: str, raw: str, index: int) -> str:
    out: list[str] = []
    pos = 0
    while pos < len(raw):
        amp = raw.find("&", pos)
        if amp < 0:
            out.append(raw[pos:])
            break
        out.append(raw[pos:amp])
        match = _ENTITY_RE.match(raw, amp)
        if match is None:
            raise BadRequest(
                "can't parse entities: Character entity expected at byte offset "
                f"{_byte_offset(source, index)}"
            )
        out.append(_entity_value(match))
        pos = match.end()
    return "".join(out)


def _entity_value(match: re.Match[str]) -> str:
    named, decimal, hexadecimal = match.groups()
    if named:
        return _NAMED_ENTITIES[named]
    code = int(decimal) if decimal else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return "\ufffd"
    return chr(code)


def _open_entity(name: str, attrs: dict[str, str], offset: int) -> dict[str, Any]:
    if name == "a":
        href = attrs.get("href", "")
        if not href.strip():
            raise BadRequest("can't parse entities: Empty URL in a link")
        return {"type": "text_link", "offset": offset, "url": href}
    if name == "span":
        if attrs.get("class") != "tg-spoiler":
            raise BadRequest('can\'t parse entities: Tag "span" must have class "tg-spoiler"')
        return {"type": "spoiler", "offset": offset}
    if name == "tg-emoji":
        if not attrs.get("emoji-id", "").isdigit():
            raise BadRequest("can't parse entities: Custom emoji identifier expected")
        return {"type": "custom_emoji", "offset": offset, "custom_emoji_id": attrs["emoji-id"]}
    entity: dict[str, Any] = {"type": _SIMPLE_TAGS[name], "offset": offset}
    if name == "blockquote" and "expandable" in attrs:
        entity["type"] = "expandable_blockquote"
    return entity


def _check_nesting(name: str, stack: list[tuple[str, dict[str, Any], int]], where: int) -> None:
    parents = [tag for tag, _, _ in stack]
    if parents and parents[-1] in {"code", "pre"} and not (name == "code" and parents[-1] == "pre"):
        raise BadRequest(
            f'can\'t parse entities: Tag "{name}" can\'t be nested in "{parents[-1]}" '
            f"at byte offset {where}"
        )
    if name == "a" and "a" in parents:
        raise BadRequest(f"can't parse entities: Nested links at byte offset {where}")
    if name == "blockquote" and "blockquote" in parents:
        raise BadRequest(f"can't parse entities: Nested blockquotes at byte offset {where}")


def parse_html(source: str) -> ParsedText:
    """Parse Telegram HTML into plain text and entities, or raise BadRequest."""
    out: list[str] = []
    out_len = 0  # UTF-16 length of out, for entity offsets
    entities: list[dict[str, Any]] = []
    stack: list[tuple[str, dict[str, Any], int]] = []
    i = 0
    while i < len(source):
        char = source[i]
        if char == "&":
            match = _ENTITY_RE.match(source, i)
            if match is None:
                raise BadRequest(
                    "can't parse entities: Character entity expected at byte offset "
                    f"{_byte_offset(source, i)}"
                )
            value = _entity_value(match)
            out.append(value)
            out_len += utf16_len(value)
            i = match.end()
        elif char == ">":
            raise BadRequest(
                f"can't parse entities: Unescaped '>' at byte offset {_byte_offset(source, i)}"
            )
        elif char == "<":
            i = _parse_tag(source, i, stack, entities, out_len)
        else:
            out.append(char)
            out_len += utf16_len(char)
            i += 1
    if stack:
        raise BadRequest(
            "can't parse entities: Can't find end tag corresponding to start tag "
            f'"{stack[-1][0]}"'
        )
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return ParsedText("".join(out), [e for e in entities if e["length"] > 0])


def _parse_tag(
    source: str,
    i: int,
    stack: list[tuple[str, dict[str, Any], int]],
    entities: list[dict[str, Any]],
    out_len: int,
) -> int:
    where = _byte_offset(source, i)
    closing = source.startswith("</", i)
    name_match = _TAG_NAME_RE.match(source, i + (2 if closing else 1))
    if name_match is None:
        raise BadRequest(
            f'can\'t parse entities: Unsupported start tag "" at byte offset {where}'
            if not closing
            else f"can't parse entities: Unexpected end tag at byte offset {where}"
        )
    name = name_match.group(0).lower()
    pos = name_match.end()
    if closing:
        while pos < len(source) and source[pos].isspace():
            pos += 1
        if pos >= len(source) or source[pos] != ">":
            raise BadRequest(f"can't parse entities: Unclosed end tag at byte offset {where}")
        if not stack or stack[-1][0] != name:
            raise BadRequest(
                f"can't parse entities: Unmatched end tag at byte offset {where}, expected \""
                f'</{stack[-1][0] if stack else ""}>", found "</{name}>"'
            )
        _, entity, start = stack.pop()
        entity["length"] = out_len - start
        entities.append(entity)
        return pos + 1
    if name not in _ALLOWED_TAGS:
        raise BadRequest(
            f'can\'t parse entities: Unsupported start tag "{name}" at byte offset {where}'
        )
    attrs: dict[str, str] = {}
    while True:
        while pos < len(source) and source[pos].isspace():
            pos += 1
        if pos >= len(source):
            raise BadRequest(f"can't parse entities: Unclosed start tag at byte offset {where}")
        if source[pos] == ">":
            break
        attr = _ATTR_RE.match(source, pos)
        if attr is None or attr.end() == pos:
            raise BadRequest(f"can't parse entities: Expected equal sign at byte offset {where}")
        value = attr.group(2)
        attrs[attr.group(1).lower()] = (
            _unescape_attribute(source, value, pos) if value is not None else ""
        )
        pos = attr.end()
    _check_nesting(name, stack, where)
    stack.append((name, _open_entity(name, attrs, out_len), out_len))
    return pos + 1
