"""Conversations and the update journal in SQLite, wired into python-telegram-bot.

- :class:`SqlitePersistence` is PTB's persistence for ``chat_data``: each chat's
  :class:`Conversation` as JSON (:mod:`bot.conversation_json`), one row per chat, written by
  the store's thread (:mod:`bot.telegram.store`), never on the event loop. A row that cannot be
  restored means that chat starts fresh.
- :class:`JournalingQueue` is the Application's update queue: an update is journaled (and
  committed) before it is queued, so before polling acknowledges it to Telegram with the next
  ``getUpdates`` offset, and before a webhook request is answered. An update the journal
  already holds is a redelivery and is not queued again.
- :class:`JournaledProcessor` marks each update handled, in one transaction with its chat's
  conversation; while the bot stops it hands on no new update after the drain deadline, so
  those stay journaled and are handled at the next start, first of all (:meth:`replay`).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import Application, BasePersistence, PersistenceInput

from bot.conversation_json import ConversationCodec, ConversationFormatError
from bot.engine import Conversation
from bot.telegram.handlers import CONVERSATION
from bot.telegram.limits import ChatOrderedProcessor, chat_key
from bot.telegram.store import (
    Store,
    count_attempt,
    drop_chat,
    finish_update,
    load_chats,
    record_updates,
    save_chat,
    take_unfinished,
)

log = logging.getLogger(__name__)

_KNOWN_LIMIT = 100_000  # update ids remembered in memory to spot redeliveries


class SqlitePersistence(BasePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """PTB persistence of ``chat_data`` (only each chat's conversation) in the state store."""

    def __init__(
        self,
        store: Store,
        codec: ConversationCodec,
        idle_seconds: float | None = None,
        update_interval: float = 60,
    ) -> None:
        """``idle_seconds``: conversations older than this are forgotten at start."""
        only_chats = PersistenceInput(bot_data=False, user_data=False, callback_data=False)
        super().__init__(store_data=only_chats, update_interval=update_interval)
        self.store = store
        self.codec = codec
        self.idle_seconds = idle_seconds
        self._saved: dict[int, Conversation] = {}  # what the store holds (or will) per chat

    def encoder(self, chat_id: int, data: Any) -> Callable[[], str | None] | None:
        """How to write the chat's conversation if it changed since it was saved, else None.

        Conversations are immutable, so "changed" is "another object".
        """
        conversation = data.get(CONVERSATION) if isinstance(data, dict) else None
        if not isinstance(conversation, Conversation) or self._saved.get(chat_id) is conversation:
            return None
        self._saved[chat_id] = conversation

        def encode() -> str | None:
            try:
                return self.codec.dumps(conversation)
            except (ValueError, TypeError) as exc:  # a bug: keep the chat going, unsaved
                log.warning("Could not save the conversation of chat %s: %s", chat_id, exc)
                return None

        return encode

    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        def restore(db: Any) -> tuple[dict[int, Conversation], list[str]]:
            restored, failed = {}, []
            for chat_id, text in load_chats(db, self.idle_seconds):
                try:
                    restored[chat_id] = self.codec.loads(text)
                except ConversationFormatError as exc:
                    failed.append(f"chat {chat_id}: {exc}")
            return restored, failed

        restored, failed = await self.store.run(restore)
        if failed:
            log.warning(
                "%d saved conversation(s) could not be restored and start fresh (%s)",
                len(failed),
                "; ".join(failed[:3]) + ("; ..." if len(failed) > 3 else ""),
            )
        self._saved = dict(restored)
        return {chat_id: {CONVERSATION: c} for chat_id, c in restored.items()}

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        encode = self.encoder(chat_id, data)
        if encode is not None:
            await self.store.run(save_chat(chat_id, encode))

    async def drop_chat_data(self, chat_id: int) -> None:
        self._saved.pop(chat_id, None)
        await self.store.run(drop_chat(chat_id))

    async def flush(self) -> None:
        await self.store.aclose()

    # Nothing else is kept: users, the bot, callback data and PTB conversations are unused.
    async def get_user_data(self) -> dict[int, dict[Any, Any]]:
        return {}

    async def get_bot_data(self) -> dict[Any, Any]:
        return {}

    async def get_callback_data(self) -> None:
        return None

    async def get_conversations(self, name: str) -> dict[Any, Any]:
        return {}

    async def update_conversation(self, name: str, key: Any, new_state: object | None) -> None:
        return None

    async def update_user_data(self, user_id: int, data: dict[Any, Any]) -> None:
        return None

    async def update_bot_data(self, data: dict[Any, Any]) -> None:
        return None

    async def update_callback_data(self, data: Any) -> None:
        return None

    async def drop_user_data(self, user_id: int) -> None:
        return None

    async def refresh_user_data(self, user_id: int, user_data: dict[Any, Any]) -> None:
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        return None

    async def refresh_bot_data(self, bot_data: dict[Any, Any]) -> None:
        return None


class BadUpdate(ValueError):
    """An update the journal cannot key (no integer ``update_id``)."""


class JournalingQueue(asyncio.Queue[object]):
    """The update queue; an update is journaled before it is queued (see the module doc)."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self._known: set[int] = set()  # ids queued (or found handled) in this run
        self._fresh: set[int] = set()  # ids journaled from a getUpdates response, not yet queued
        self.replayed: set[int] = set()  # ids queued from the journal at start, not yet begun

    async def put(self, item: object) -> None:
        if isinstance(item, Update) and not await self._admit(item):
            return
        await super().put(item)

    async def _admit(self, update: Update) -> bool:
        update_id = update.update_id
        if not isinstance(update_id, int) or isinstance(update_id, bool):
            raise BadUpdate(f"Telegram sent an update without an integer update_id: {update_id!r}")
        if update_id in self._known:
            log.debug("Update %s was delivered again; it is already queued or handled", update_id)
            return False
        if update_id in self._fresh:  # journaled already, with the rest of its response
            self._fresh.discard(update_id)
            self._remember(update_id)
            return True
        body = json.dumps(update.to_dict(), ensure_ascii=False, separators=(",", ":"))
        known = await self.store.run(record_updates([(update_id, body)]))
        self._remember(update_id)
        if known:
            log.debug("Update %s was delivered again; it is already handled", update_id)
        return not known

    async def journal_batch(self, updates: list[tuple[int, str]]) -> None:
        """Journal a whole ``getUpdates`` response in one transaction (one disk flush, not
        one per update); :meth:`put` then only queues them, or drops the known ones."""
        new = [(i, body) for i, body in updates if i not in self._known and i not in self._fresh]
        if not new:
            return
        known = set(await self.store.run(record_updates(new)))
        for update_id, _ in new:
            if update_id in known:
                self._remember(update_id)
            else:
                self._fresh.add(update_id)

    def _remember(self, update_id: int) -> None:
        if len(self._known) >= _KNOWN_LIMIT:  # Telegram redelivers only the latest ids
            self._known = set(sorted(self._known)[_KNOWN_LIMIT // 2 :])
        self._known.add(update_id)

    async def replay(self, application: Application) -> int:  # type: ignore[type-arg]
        """Queue the journaled updates not yet handled, ahead of anything new."""
        rows = await self.store.run(take_unfinished)
        for update_id, body in rows:
            try:
                update = Update.de_json(json.loads(body), application.bot)
            except (ValueError, TypeError, KeyError) as exc:
                log.warning("Skipping journaled update %s: cannot read it (%s)", update_id, exc)
                await self.store.run(finish_update(update_id, None))
                continue
            self._remember(update_id)
            self.replayed.add(update_id)
            await super().put(update)
        if rows:
            log.info("Handling %d update(s) received before the last stop first", len(rows))
        return len(rows)


class JournaledProcessor(ChatOrderedProcessor):
    """Chat-ordered processing that marks each update handled with its chat's conversation."""

    def __init__(
        self,
        max_concurrent_updates: int = 256,
        max_queued: int = 0,
        on_overflow: Callable[[Update], Awaitable[None]] | None = None,
    ) -> None:
        super().__init__(max_concurrent_updates, max_queued, on_overflow)
        self.store: Store | None = None
        self.persistence: SqlitePersistence | None = None
        self.queue: JournalingQueue | None = None
        self.chat_data: Any = None
        self._deadline: float | None = None

    def attach(self, application: Application, persistence: SqlitePersistence) -> None:  # type: ignore[type-arg]
        self.store, self.persistence = persistence.store, persistence
        self.chat_data = application.chat_data
        queue = application.update_queue
        self.queue = queue if isinstance(queue, JournalingQueue) else None

    def drain_until(self, deadline: float) -> None:
        """Stop handing updates on at ``deadline`` (event-loop time); the rest stay journaled."""
        self._deadline = deadline

    def _past_deadline(self) -> bool:
        return self._deadline is not None and asyncio.get_running_loop().time() >= self._deadline

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        ran = False

        async def handle() -> None:
            nonlocal ran
            ran = True
            if self._past_deadline():
                coroutine.close()  # type: ignore[attr-defined]
                return
            await self._begin(update)
            await coroutine
            await self._finish(update)

        if self._past_deadline():
            coroutine.close()  # type: ignore[attr-defined]
            return
        await super().do_process_update(update, handle())
        if not ran:  # dropped by the chat's backlog cap, and the chat told: not replayed later
            coroutine.close()  # type: ignore[attr-defined]
            await self._finish(update)

    async def _begin(self, update: object) -> None:
        """Count a start's try at a replayed update, so one that kills the bot is given up."""
        if self.store is None or self.queue is None or not isinstance(update, Update):
            return
        if update.update_id in self.queue.replayed:
            self.queue.replayed.discard(update.update_id)
            try:
                await self.store.run(count_attempt(update.update_id))
            except Exception as exc:  # not worth leaving the update unhandled for
                log.warning("Could not count a try at update %s: %s", update.update_id, exc)

    async def _finish(self, update: object) -> None:
        if self.store is None or self.persistence is None or not isinstance(update, Update):
            return
        chat_id = chat_key(update)
        chat = None
        if chat_id is not None and self.chat_data is not None:
            encode = self.persistence.encoder(chat_id, self.chat_data.get(chat_id))
            chat = (chat_id, encode) if encode is not None else None
        try:
            await self.store.run(finish_update(update.update_id, chat))
        except Exception as exc:  # the journal keeps it: at worst it is handled again
            log.warning("Could not mark update %s handled: %s", update.update_id, exc)
