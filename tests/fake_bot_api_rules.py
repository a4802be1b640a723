"""Telegram's own rules for outgoing content, as the fake Bot API server enforces them.

Kept apart from the server so the rules can be unit-tested on their own and so a
reply that Telegram would refuse fails a test instead of passing silently. Telegram's
HTML parse mode lives in ``fake_bot_api_html``.
"""

from __future__ import annotations

import re
from typing import Any

from fake_bot_api_html import BadRequest, ParsedText, parse_html, utf16_len

MAX_TEXT_LENGTH = 4096
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_INLINE_RESULTS = 50

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)

_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")


def check_message_text(text: Any, parse_mode: Any) -> ParsedText:
    """Validate a sendMessage/editMessageText text the way Telegram does."""
    if not isinstance(text, str):
        raise BadRequest("message text is empty")
    if parse_mode in (None, ""):
        parsed = ParsedText(text)
    elif str(parse_mode).lower() == "html":
        parsed = parse_html(text)
    else:
        raise BadRequest(f"unsupported parse_mode {parse_mode!r} in the fake server")
    if not parsed.text.strip():
        raise BadRequest("message text is empty")
    if utf16_len(parsed.text) > MAX_TEXT_LENGTH:
        raise BadRequest("message is too long")
    return parsed


def check_reply_markup(markup: Any) -> None:
    """Validate an inline keyboard: non-empty labels, one action, short callback data."""
    if markup is None:
        return
    if not isinstance(markup, dict) or not isinstance(markup.get("inline_keyboard"), list):
        raise BadRequest("can't parse reply keyboard markup JSON object")
    for row in markup["inline_keyboard"]:
        if not isinstance(row, list):
            raise BadRequest("can't parse inline keyboard button: row is not an array")
        for button in row:
            if not isinstance(button, dict) or not str(button.get("text", "")).strip():
                raise BadRequest("BUTTON_TEXT_INVALID")
            data = button.get("callback_data")
            actions = {
                "url",
                "callback_data",
                "switch_inline_query",
                "switch_inline_query_current_chat",
            }
            if len(actions & set(button)) != 1:
                raise BadRequest("can't parse inline keyboard button: exactly one action expected")
            if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA_BYTES:
                raise BadRequest("BUTTON_DATA_INVALID")


def check_commands(commands: Any) -> None:
    """Validate setMyCommands: lowercase names of 1-32 characters, 1-256 char descriptions."""
    if not isinstance(commands, list) or len(commands) > 100:
        raise BadRequest("commands must be an array of at most 100 BotCommand")
    for command in commands:
        name = str(command.get("command", ""))
        description = str(command.get("description", ""))
        if not _COMMAND_RE.fullmatch(name):
            raise BadRequest("BOT_COMMAND_INVALID")
        if not 1 <= len(description) <= 256:
            raise BadRequest("BOT_COMMAND_DESCRIPTION_INVALID")


def check_inline_results(results: Any) -> None:
    """Validate answerInlineQuery results, including each result's message text."""
    if not isinstance(results, list) or len(results) > MAX_INLINE_RESULTS:
        raise BadRequest("RESULTS_TOO_MUCH")
    seen: set[str] = set()
    for result in results:
        result_id = str(result.get("id", ""))
        if not 1 <= len(result_id.encode()) <= 64 or result_id in seen:
            raise BadRequest(
                "RESULT_ID_INVALID" if result_id not in seen else "RESULT_ID_DUPLICATE"
            )
        seen.add(result_id)
        if result.get("type") == "article" and not str(result.get("title", "")).strip():
            raise BadRequest("RESULT_TITLE_EMPTY")
        content = result.get("input_message_content")
        if not isinstance(content, dict) or "message_text" not in content:
            raise BadRequest("MESSAGE_EMPTY")
        check_message_text(content["message_text"], content.get("parse_mode"))
        check_reply_markup(result.get("reply_markup"))
