"""Who gets served, and how much: the chat allowlist and each user's budget of updates.

Kept apart from the handlers, which only ask :meth:`Gate.admit` before acting on an update.
Every kind of update a user sends (commands, questions, buttons, media, inline queries)
draws on one per-user budget, ``updates_per_minute``, so no kind of update lets one user
crowd out the others; questions also have their own, smaller budget because they cost the
engine.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from telegram import Update
from telegram.error import TelegramError

from bot.config import TelegramConfig
from bot.telegram.html import render_lines
from bot.telegram.limits import UserLimiter
from bot.telegram.sending import Sender

log = logging.getLogger(__name__)

SLOW_DOWN = (
    "You're asking faster than I can keep up. Please wait about {seconds} seconds and ask again."
)
TOO_MANY = (
    "That's more messages than I can keep up with: I'll answer the first ones and skip the rest."
)
_Self = TypeVar("_Self")
Callback = Callable[[_Self, Update, Any], Awaitable[None]]


class Gate:
    """The allowlist, the per-user budgets, and the notices that go with them."""

    def __init__(self, settings: TelegramConfig, sender: Sender) -> None:
        self.allowed_chat_ids = settings.allowed_chat_ids
        self.questions = UserLimiter(settings.questions_per_minute)
        self.updates = UserLimiter(settings.updates_per_minute)
        self.sender = sender

    def allowed(self, update: Update, quiet: bool = False) -> bool:
        """Whether the update's chat (or, inline, its user) is in ``allowed_chat_ids``."""
        if not self.allowed_chat_ids:
            return True
        chat, user = update.effective_chat, update.effective_user
        ident = chat.id if chat else (user.id if user else None)
        if ident not in self.allowed_chat_ids and not quiet:
            log.info("Ignoring an update from chat %s: not in telegram.allowed_chat_ids", ident)
        return ident in self.allowed_chat_ids

    async def admit(self, update: Update) -> bool:
        """Count the update against its user's budget; False (one notice, then silence) when
        the budget for this minute is spent."""
        return await self._draw(self.updates, update)

    async def admit_question(self, update: Update) -> bool:
        """The question budget (``questions_per_minute``), on top of :meth:`admit`."""
        return await self._draw(self.questions, update)

    async def _draw(self, limiter: UserLimiter, update: Update) -> bool:
        user = update.effective_user
        if user is None:
            return True
        verdict, wait = limiter.check(user.id)
        if verdict == "warn":
            log.info("User %s is over their budget: ignored for about %d s", user.id, wait)
            await self._slow_down(update, wait)
        return verdict == "ok"

    async def overflow(self, update: Update) -> None:
        """Called once when a chat's backlog is full (``chat_queue_limit``): the rest is
        skipped, and the chat is told so rather than left wondering."""
        chat = update.effective_chat
        if chat is None or not self.allowed(update, quiet=True):
            return
        try:
            await chat.send_message(TOO_MANY, parse_mode=None)
        except TelegramError as exc:
            log.warning("Could not tell chat %s its messages are skipped: %s", chat.id, exc)

    async def _slow_down(self, update: Update, wait: int) -> None:
        note = SLOW_DOWN.format(seconds=wait)
        if update.callback_query is not None:
            await update.callback_query.answer(note)  # shown as a toast; stops the spinner
        elif update.inline_query is not None:
            await update.inline_query.answer([], cache_time=0)
        else:
            await self.sender.send(update, render_lines([note]))


def budgeted(callback: Callback[_Self]) -> Callback[_Self]:
    """A handler method that runs only if ``self.gate_keeper`` admits the update."""

    @functools.wraps(callback)
    async def wrapper(self: Any, update: Update, context: Any) -> None:
        if await self.gate_keeper.admit(update):
            await callback(self, update, context)

    return wrapper
