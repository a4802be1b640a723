"""Which Telegram messages are for the bot, and the question left once its mention is removed.

Kept apart from the handlers because it is pure: a message in, text (or None) out.
"""

from __future__ import annotations

import re

from telegram import Chat, Message, MessageEntity

# Half a UTF-16 surrogate pair: valid in Telegram's JSON, but no text can be encoded with it.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def readable(text: str) -> str:
    """``text`` with any half surrogate pair replaced by U+FFFD, so it can be hashed,
    answered and sent back."""
    return _LONE_SURROGATE.sub("\ufffd", text)


def is_group(chat: Chat | None) -> bool:
    """Group and supergroup chats, where the bot speaks only when spoken to."""
    return chat is not None and chat.type in (Chat.GROUP, Chat.SUPERGROUP)


def addressed_text(message: Message, bot_id: int, username: str) -> str | None:
    """The question in ``message`` with the bot's mention removed, or None if not for the bot.

    Private chats: always for the bot. Groups: a mention of the bot's username, a text mention
    of the bot, or a reply to one of the bot's messages.
    """
    text = readable(message.text or message.caption or "")
    if not is_group(message.chat):
        return text
    parsed = message.parse_entities() if message.text else message.parse_caption_entities()
    mine = [
        (entity, value)
        for entity, value in parsed.items()
        if (entity.type == MessageEntity.MENTION and value[1:].casefold() == username.casefold())
        or (entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot_id)
    ]
    replied = message.reply_to_message
    if not mine and not (replied and replied.from_user and replied.from_user.id == bot_id):
        return None
    for _, value in mine:
        text = text.replace(value, " ")
    return " ".join(text.split()).strip(" ,:;")
