"""Builders for the Update JSON that Telegram would deliver (text, media, callbacks, inline).

Tests enqueue these into ``FakeBotApi``; ids are unique so every update is distinct.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

from fake_bot_api import BOT_ID, BOT_USERNAME

_ids = itertools.count(1)


def user(user_id: int, first_name: str = "Alice") -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "en"}


def private_chat(chat_id: int) -> dict[str, Any]:
    return {"id": chat_id, "type": "private", "first_name": "Alice"}


def group_chat(chat_id: int, title: str = "Test group") -> dict[str, Any]:
    return {"id": chat_id, "type": "supergroup", "title": title}


def _message(chat: dict[str, Any], from_id: int, **fields: Any) -> dict[str, Any]:
    return {
        "message_id": 100_000 + next(_ids),
        "date": int(time.time()),
        "chat": chat,
        "from": user(from_id),
        **fields,
    }


def _with_entities(text: str) -> dict[str, Any]:
    """Commands and @mentions carry entities, as Telegram adds them (offsets in UTF-16)."""
    entities = []
    for word_start, word in _words(text):
        if word.startswith("/") and word_start == 0:
            entities.append({"type": "bot_command", "offset": 0, "length": _u16(word)})
        elif word.startswith("@") and len(word) > 1:
            offset = _u16(text[:word_start])
            entities.append({"type": "mention", "offset": offset, "length": _u16(word)})
    fields: dict[str, Any] = {"text": text}
    if entities:
        fields["entities"] = entities
    return fields


def _words(text: str) -> list[tuple[int, str]]:
    out, start = [], None
    for i, char in enumerate(text + " "):
        if char.isspace() or char in ",.?!":
            if start is not None:
                out.append((start, text[start:i]))
                start = None
        elif start is None:
            start = i
    return out


def _u16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def text_message(chat_id: int, text: str, user_id: int | None = None) -> dict[str, Any]:
    """A private-chat text message (chat_id > 0) from the chat's own user."""
    return {"message": _message(private_chat(chat_id), user_id or chat_id, **_with_entities(text))}


def group_message(
    chat_id: int,
    text: str,
    user_id: int = 501,
    reply_to: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A supergroup message; ``reply_to`` is a message dict (e.g. one the bot sent)."""
    fields = _with_entities(text)
    if reply_to is not None:
        fields["reply_to_message"] = reply_to
    return {"message": _message(group_chat(chat_id), user_id, **fields)}


def media_message(chat_id: int, kind: str) -> dict[str, Any]:
    """A photo, sticker, voice note, document or location with no text."""
    payloads: dict[str, Any] = {
        "photo": [{"file_id": "p1", "file_unique_id": "u1", "width": 90, "height": 90}],
        "sticker": {
            "file_id": "s1",
            "file_unique_id": "u2",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        },
        "voice": {"file_id": "v1", "file_unique_id": "u3", "duration": 2},
        "document": {"file_id": "d1", "file_unique_id": "u4", "file_name": "a.pdf"},
        "location": {"latitude": 52.37, "longitude": 4.89},
    }
    chat = private_chat(chat_id) if chat_id > 0 else group_chat(chat_id)
    return {"message": _message(chat, abs(chat_id), **{kind: payloads[kind]})}


def callback_query(
    chat_id: int, message: dict[str, Any], data: str, user_id: int | None = None
) -> dict[str, Any]:
    """A press of an inline button under ``message`` (a message the bot sent)."""
    return {
        "callback_query": {
            "id": f"cb{next(_ids)}",
            "from": user(user_id or abs(chat_id)),
            "chat_instance": f"ci{chat_id}",
            "message": message,
            "data": data,
        }
    }


def inline_query(user_id: int, query: str) -> dict[str, Any]:
    return {
        "inline_query": {
            "id": f"iq{next(_ids)}",
            "from": user(user_id),
            "query": query,
            "offset": "",
            "chat_type": "sender",
        }
    }


def bot_mention() -> str:
    return f"@{BOT_USERNAME}"


__all__ = [
    "BOT_ID",
    "bot_mention",
    "callback_query",
    "group_message",
    "inline_query",
    "media_message",
    "text_message",
]
