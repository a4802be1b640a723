"""Pacing for the Telegram bot: per-user limits, outgoing rate limits, chat order.

Telegram allows about 30 messages a second overall and about one a second per chat;
PTB's AIORateLimiter covers the overall and group limits and flood-control retries, this
adds the per-chat pace. Updates are processed concurrently across chats but strictly in
order within one chat, so a chat's answers never overtake each other; a chat's backlog is
capped and waits without holding a processing slot, so one busy chat cannot stall others.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import inspect
import logging
import os
import sys
import time
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Literal

from telegram import Update
from telegram.ext import AIORateLimiter, BaseUpdateProcessor

log = logging.getLogger(__name__)

# Endpoints that post a message into a chat (these count against the per-chat pace).
_MESSAGE_ENDPOINTS = frozenset({"sendMessage", "editMessageText", "sendPhoto", "sendDocument"})
# Users a UserLimiter tracks before it forgets those quiet for a minute.
_MAX_TRACKED = 4096
# python-telegram-bot's switch to the time periods of its next major version.
TIMEDELTA_ENV = "PTB_TIMEDELTA"


def use_timedelta_periods() -> None:
    """Have python-telegram-bot give time periods (``RetryAfter.retry_after``) as timedeltas.

    PTB 22 gives them as int seconds unless ``PTB_TIMEDELTA`` opts in to PTB 23's timedelta
    form, and warns (PTBDeprecationWarning) whenever one is read in the old form; a
    ``RetryAfter`` reads its own when it is created, so every 429 from Telegram warned. A
    value the user has set is kept, so the code that reads periods (:func:`period_seconds`)
    accepts either form.
    """
    os.environ.setdefault(TIMEDELTA_ENV, "true")


def period_seconds(period: dtm.timedelta | float) -> float:
    """Seconds in a PTB time period, whether PTB gave a timedelta or a number."""
    return period.total_seconds() if isinstance(period, dtm.timedelta) else float(period)


class UserLimiter:
    """At most ``per_minute`` events per user in any 60 s; one notice when exceeded.

    The bot keeps two: one for questions (they cost the engine) and one for every update a
    user sends (commands, buttons, media, inline queries, questions), so no kind of update
    lets one user crowd out the others.
    """

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._asked: dict[int, deque[float]] = {}
        self._warned_until: dict[int, float] = {}
        self._pruned_at = -1e9

    def check(self, user_id: int) -> tuple[Literal["ok", "warn", "drop"], int]:
        """Verdict and seconds to wait: ok (counted), warn (tell once per window) or drop."""
        if self.per_minute <= 0:
            return "ok", 0
        now = self.clock()
        if len(self._asked) > _MAX_TRACKED and now - self._pruned_at >= 60:
            self._forget_quiet_users(now)
        asked = self._asked.setdefault(user_id, deque())
        while asked and now - asked[0] >= 60:
            asked.popleft()
        if len(asked) < self.per_minute:
            asked.append(now)
            self._warned_until.pop(user_id, None)
            return "ok", 0
        wait = max(1, round(60 - (now - asked[0])))
        if self._warned_until.get(user_id, 0) > now:
            return "drop", wait
        self._warned_until[user_id] = asked[0] + 60
        return "warn", wait

    @property
    def tracked(self) -> int:
        """Users currently remembered."""
        return len(self._asked)

    def _forget_quiet_users(self, now: float) -> None:
        """Users with nothing in the last minute have nothing to count; keeps memory bounded.
        At most once a minute, so a crowd of active users does not make every check slow."""
        self._pruned_at = now
        for user_id, asked in list(self._asked.items()):
            if not asked or now - asked[-1] >= 60:
                del self._asked[user_id]
                self._warned_until.pop(user_id, None)


class PacedRateLimiter(AIORateLimiter):
    """AIORateLimiter (overall and group limits, 429 retries) plus a per-private-chat pace.

    The overall leaky bucket is kept small (a burst of a few messages) so that no one-second
    window ever holds more than ``messages_per_second`` plus that burst. The per-chat pace is
    measured between the moments messages actually leave, after every other limit, so that
    waiting for the overall limit cannot squeeze two messages to one chat together. Chat
    actions ("typing…") are cosmetic and bypass the limits.
    """

    def __init__(
        self, messages_per_second: float, chat_messages_per_second: float, max_retries: int
    ) -> None:
        burst = max(1, round(messages_per_second / 8))
        super().__init__(
            overall_max_rate=burst,
            overall_time_period=burst / messages_per_second,
            max_retries=max_retries,
        )
        self._gap = 1 / chat_messages_per_second if chat_messages_per_second > 0 else 0.0
        self._last_sent: dict[int, float] = {}

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        if endpoint == "sendChatAction":
            return await callback(*args, **kwargs)
        chat_id = data.get("chat_id")
        # Groups (negative ids) keep AIORateLimiter's own per-group limit.
        private = isinstance(chat_id, int) and chat_id >= 0
        if not (self._gap and endpoint in _MESSAGE_ENDPOINTS and private):
            return await super().process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args
            )
        loop = asyncio.get_running_loop()
        wait = self._last_sent.get(chat_id, -1e9) + self._gap - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)

        async def paced(*a: Any, **kw: Any) -> bool | dict[str, Any] | list[dict[str, Any]]:
            self._last_sent[chat_id] = loop.time()  # the message leaves now
            return await callback(*a, **kw)

        self._forget_idle_chats(loop.time())
        return await super().process_request(paced, args, kwargs, endpoint, data, rate_limit_args)

    def _forget_idle_chats(self, now: float) -> None:
        if len(self._last_sent) > 1024:
            for chat_id, sent in list(self._last_sent.items()):
                if now - sent > self._gap:
                    del self._last_sent[chat_id]


def chat_key(update: object) -> int | None:
    """The chat an update belongs to (its sender's id when it has no chat: inline queries)."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user is not None else None


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Concurrent across chats, sequential (in arrival order) within each chat.

    PTB takes its own semaphore before :meth:`do_process_update`, so an update waiting for
    its chat's turn would hold a slot; that semaphore is made unbounded here and the real
    limit, ``max_concurrent_updates``, is taken only once it is the update's turn. At most
    ``max_queued`` updates wait per chat (0: no cap); the rest are dropped and
    ``on_overflow`` is called once per backlog, e.g. to tell the chat.
    """

    def __init__(
        self,
        max_concurrent_updates: int = 256,
        max_queued: int = 0,
        on_overflow: Callable[[Update], Awaitable[None]] | None = None,
    ) -> None:
        super().__init__(sys.maxsize)
        self.max_queued = max_queued
        self.on_overflow = on_overflow
        self._slots = asyncio.Semaphore(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._queued: dict[int, int] = {}
        self._told: set[int] = set()

    def queued(self, chat_id: int) -> int:
        """Updates of ``chat_id`` waiting or being processed."""
        return self._queued.get(chat_id, 0)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = chat_key(update)
        if key is None:
            async with self._slots:
                await coroutine
            return
        if self.max_queued and self._queued.get(key, 0) >= self.max_queued:
            await self._drop(key, update, coroutine)
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._queued[key] = self._queued.get(key, 0) + 1
        try:
            async with lock, self._slots:
                await coroutine
        finally:
            self._queued[key] -= 1
            if not self._queued[key]:
                del self._queued[key], self._locks[key]
                self._told.discard(key)

    async def _drop(self, key: int, update: object, coroutine: Awaitable[Any]) -> None:
        if inspect.iscoroutine(coroutine):
            coroutine.close()  # never run: no "coroutine was never awaited" warning
        if key in self._told:
            return
        self._told.add(key)
        log.warning(
            "Chat %s has %d updates waiting: dropping more until it catches up",
            key,
            self.max_queued,
        )
        if self.on_overflow is not None and isinstance(update, Update):
            await self.on_overflow(update)  # no slot: one short notice per chat's backlog

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""
