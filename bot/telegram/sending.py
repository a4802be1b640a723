"""Sending the bot's messages: retried through short outages, then one apology.

PTB's AIORateLimiter waits out flood control (429), but a failed delivery — a 5xx, a dropped
connection, a timeout, a response that is not JSON — would lose the answer. Such failures
are retried a few times with a doubling pause, as PTB retries ``getUpdates``; if the message
still cannot be sent the chat gets one short apology. Each failure is one log line: an
outage is expected, and a traceback per retry would bury everything else. (A retried
message may arrive twice if Telegram took it before the connection failed; a lost answer is
worse.)
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from telegram import Chat, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, NetworkError, TelegramError

from bot.telegram.addressing import is_group

log = logging.getLogger(__name__)

SORRY = "Sorry, something went wrong on my side. Please try again in a moment."


def transient(error: BaseException | None) -> bool:
    """A failure of the connection or of Telegram's side, worth retrying: network errors
    (5xx answers included) and responses PTB could not read. Not a refusal (400, 403) and
    not flood control, which the rate limiter handles. (PTB makes BadRequest a NetworkError.)"""
    if isinstance(error, BadRequest):
        return False
    return isinstance(error, NetworkError) or type(error) is TelegramError


class Sender:
    """Sends a reply's messages in order, each retried ``retries`` times after ``pause`` s,
    then 2×, 4×… that."""

    def __init__(self, retries: int, pause: float) -> None:
        self.retries = retries
        self.pause = pause

    async def send(
        self, update: Update, messages: list[str], buttons: InlineKeyboardMarkup | None = None
    ) -> None:
        """Send messages in order; in groups the first quotes the question it answers."""
        chat = update.effective_chat
        if chat is None:
            return
        quote = update.message if is_group(chat) and update.message is not None else None
        for index, text in enumerate(messages):
            markup = buttons if index == len(messages) - 1 else None
            if not await self._deliver(
                chat.id, _one(chat, quote if index == 0 else None, text, markup)
            ):
                await apologise(chat)
                return

    async def _deliver(self, chat_id: int, send: Callable[[], Awaitable[Message]]) -> bool:
        pause = self.pause
        for attempt in range(self.retries + 1):
            try:
                await send()
                return True
            except TelegramError as exc:
                if not transient(exc):
                    raise
                if attempt == self.retries:
                    log.warning(
                        "Could not send a message to chat %s after %d tries: %s",
                        chat_id,
                        attempt + 1,
                        exc,
                    )
                    return False
                log.warning(
                    "Sending a message to chat %s failed (%s); retrying in %g s",
                    chat_id,
                    exc,
                    pause,
                )
                await asyncio.sleep(pause)
                pause *= 2
        return False


def _one(
    chat: Chat, quote: Message | None, text: str, markup: InlineKeyboardMarkup | None
) -> Callable[[], Awaitable[Message]]:
    """One message as a call that can be made again."""
    if quote is not None:
        return lambda: quote.reply_text(text, reply_markup=markup, do_quote=True)
    return lambda: chat.send_message(text, reply_markup=markup)


async def apologise(chat: Chat) -> None:
    """Tell the chat something went wrong; best effort, one try, no internals."""
    try:
        await chat.send_message(SORRY, parse_mode=None)
    except TelegramError as exc:
        log.warning("Could not tell chat %s about the error: %s", chat.id, exc)
