"""The state database behind one thread: every read and write runs off the event loop.

The bot's event loop only queues jobs; a single writer thread runs them. Jobs queued
together are committed together (one fsync for many chats under load), each in a savepoint
of its own, so one failing job never takes the others with it, and a job's future resolves
only once its transaction is on disk. That order is what lets the bot tell Telegram an
update was received only after the update is journaled.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from bot.telegram.state_file import open_state

log = logging.getLogger(__name__)

T = TypeVar("T")
Job = Callable[[sqlite3.Connection], Any]
BATCH = 256  # jobs at most in one transaction
KEEP_DONE = 24 * 3600.0  # seconds a handled update is remembered (Telegram keeps them 24 h)
MAX_ATTEMPTS = 3  # starts that may begin handling an update before it is given up
_STOP = object()


class Store:
    """The state database at ``path`` and the one thread that uses it."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._db = open_state(self.path)
        self._jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._work, name="telegram-state", daemon=True)
        self._thread.start()

    def submit(self, job: Callable[[sqlite3.Connection], T]) -> concurrent.futures.Future[T]:
        """Queue ``job``; its future resolves after the transaction it ran in is committed."""
        future: concurrent.futures.Future[T] = concurrent.futures.Future()
        if not self._thread.is_alive():
            future.set_exception(RuntimeError("the Telegram state store is closed"))
        else:
            self._jobs.put((job, future))
        return future

    async def run(self, job: Callable[[sqlite3.Connection], T]) -> T:
        """``job``'s result, awaited without blocking the event loop."""
        return await asyncio.wrap_future(self.submit(job))

    def close(self) -> None:
        """Finish every queued job, then close the database (blocking; see :meth:`aclose`)."""
        if self._thread.is_alive():
            self._jobs.put(_STOP)
            self._thread.join()

    async def aclose(self) -> None:
        await asyncio.to_thread(self.close)

    def _work(self) -> None:
        try:
            while True:
                batch, stop = self._take()
                if batch:
                    self._commit(batch)
                if stop:
                    return
        finally:
            self._db.close()

    def _take(self) -> tuple[list[tuple[Job, concurrent.futures.Future[Any]]], bool]:
        first = self._jobs.get()
        if first is _STOP:
            return [], True
        batch = [first]
        while len(batch) < BATCH:
            try:
                item = self._jobs.get_nowait()
            except queue.Empty:
                break
            if item is _STOP:
                return batch, True
            batch.append(item)
        return batch, False

    def _commit(self, batch: list[tuple[Job, concurrent.futures.Future[Any]]]) -> None:
        db = self._db
        outcomes: list[tuple[concurrent.futures.Future[Any], Any, BaseException | None]] = []
        try:
            db.execute("BEGIN IMMEDIATE")
            for job, future in batch:
                if not future.set_running_or_notify_cancel():
                    continue
                db.execute("SAVEPOINT job")
                try:
                    outcomes.append((future, job(db), None))
                except Exception as exc:  # this job only: the batch goes on
                    db.execute("ROLLBACK TO job")
                    outcomes.append((future, None, exc))
                db.execute("RELEASE job")
            db.execute("COMMIT")
        except sqlite3.Error as exc:  # the disk is full, the file was removed...
            log.error("Could not write the Telegram state file %s: %s", self.path, exc)
            if db.in_transaction:
                db.execute("ROLLBACK")
            outcomes = [(f, None, exc) for f, _, _ in outcomes]
            outcomes += [(f, None, exc) for _, f in batch if not f.done() and f.running()]
        for future, result, error in outcomes:
            if future.done():
                continue
            if error is None:
                future.set_result(result)
            else:
                future.set_exception(error)


# -- jobs: each runs in the writer thread, inside the transaction of its batch ---------------


def record_updates(updates: list[tuple[int, str]]) -> Job:
    """Journal updates as received; the job returns the ids the journal already held."""

    def job(db: sqlite3.Connection) -> list[int]:
        now, known = time.time(), []
        for update_id, body in updates:
            cursor = db.execute(
                "INSERT OR IGNORE INTO updates (update_id, body, received_at) VALUES (?, ?, ?)",
                (update_id, body, now),
            )
            if cursor.rowcount == 0:
                known.append(update_id)
        return known

    return job


def finish_update(update_id: int, chat: tuple[int, Callable[[], str | None]] | None) -> Job:
    """Mark an update handled and, in the same transaction, save its chat's conversation.

    ``chat`` is the chat id and a function giving the conversation's JSON (None: nothing to
    save); it runs here, so encoding is off the event loop too.
    """

    def job(db: sqlite3.Connection) -> None:
        now = time.time()
        if chat is not None:
            _save(db, chat[0], chat[1](), now)
        db.execute(
            "UPDATE updates SET done = 1, body = NULL, done_at = ? WHERE update_id = ?",
            (now, update_id),
        )

    return job


def save_chat(chat_id: int, encode: Callable[[], str | None]) -> Job:
    def job(db: sqlite3.Connection) -> None:
        _save(db, chat_id, encode(), time.time())

    return job


def drop_chat(chat_id: int) -> Job:
    def job(db: sqlite3.Connection) -> None:
        db.execute("DELETE FROM chats WHERE chat_id = ?", (chat_id,))

    return job


def _save(db: sqlite3.Connection, chat_id: int, text: str | None, now: float) -> None:
    if text is None:
        return
    db.execute(
        "INSERT INTO chats (chat_id, conversation, saved_at) VALUES (?, ?, ?) "
        "ON CONFLICT (chat_id) DO UPDATE SET conversation = excluded.conversation, "
        "saved_at = excluded.saved_at",
        (chat_id, text, now),
    )


def load_chats(db: sqlite3.Connection, idle: float | None = None) -> list[tuple[int, str]]:
    """Every chat's saved conversation; those idle for more than ``idle`` seconds (which the
    engine would start afresh anyway) are deleted instead, so the file does not keep growing."""
    if idle is not None:
        db.execute("DELETE FROM chats WHERE saved_at < ?", (time.time() - idle,))
    return list(db.execute("SELECT chat_id, conversation FROM chats ORDER BY chat_id"))


def take_unfinished(db: sqlite3.Connection) -> list[tuple[int, str]]:
    """The journaled updates not yet handled, oldest first.

    One whose handling began at ``MAX_ATTEMPTS`` starts without ending (it may be what stops
    the bot) is given up, with a warning, so it cannot keep the bot from ever catching up.
    Updates a stop left unhandled are not counted: only handling that began counts.
    """
    now = time.time()
    db.execute("DELETE FROM updates WHERE done = 1 AND done_at < ?", (now - KEEP_DONE,))
    stuck_rows = "FROM updates WHERE done = 0 AND attempts >= ?"
    stuck = [i for (i,) in db.execute(f"SELECT update_id {stuck_rows}", (MAX_ATTEMPTS,))]
    if stuck:
        log.warning("Giving up on updates %s: each was tried at %d starts", stuck, MAX_ATTEMPTS)
        db.execute(
            "UPDATE updates SET done = 1, body = NULL, done_at = ? "
            "WHERE done = 0 AND attempts >= ?",
            (now, MAX_ATTEMPTS),
        )
    return list(db.execute("SELECT update_id, body FROM updates WHERE done = 0 ORDER BY update_id"))


def count_attempt(update_id: int) -> Job:
    """One more start began handling this journaled update (see :func:`take_unfinished`)."""

    def job(db: sqlite3.Connection) -> None:
        db.execute("UPDATE updates SET attempts = attempts + 1 WHERE update_id = ?", (update_id,))

    return job
