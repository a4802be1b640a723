"""The Telegram bot's state file: an SQLite database only the bot's user can read.

A file the bot cannot use (empty, cut short, random bytes, an old pickle, another program's
database, a newer schema) must never keep it from starting: it is renamed with a
``.unreadable-<time>`` suffix (never deleted: it may be worth a look), one warning says so,
and the bot starts with a new file. SQLite's side files (``-wal``, ``-shm``, ``-journal``) go
with it, so a stale log is never replayed into the new database.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from pathlib import Path

from bot.config import ConfigError

log = logging.getLogger(__name__)

MAGIC = b"SQLite format 3\x00"
APPLICATION_ID = 0x45435042  # "ECPB": this database is the ECPAT bot's
SCHEMA_VERSION = 1
SIDE_FILES = ("-wal", "-shm", "-journal")
TABLES = {
    "chats": ["chat_id", "conversation", "saved_at"],
    "updates": ["update_id", "body", "done", "attempts", "received_at", "done_at"],
}
SCHEMA = """
CREATE TABLE IF NOT EXISTS chats (
    chat_id INTEGER PRIMARY KEY,
    conversation TEXT NOT NULL,
    saved_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS updates (
    update_id INTEGER PRIMARY KEY,
    body TEXT,
    done INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    received_at REAL NOT NULL,
    done_at REAL
);
CREATE INDEX IF NOT EXISTS updates_pending ON updates (done, update_id);
"""


def open_state(path: str | Path) -> sqlite3.Connection:
    """The state database at ``path``, made ready (mode 0600, WAL, schema).

    The connection may be handed to one other thread (the store's writer) that then uses it
    alone. A path that cannot be opened at all (a missing folder) is a config error.
    """
    path = Path(path)
    problem = _problem(path)
    if problem is not None:
        aside = move_aside(path)
        log.warning(
            "The Telegram state file %s %s; moved it to %s and starting without saved "
            "conversations",
            path,
            problem,
            aside.name,
        )
    try:
        _create_private(path)
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    except (OSError, sqlite3.Error) as exc:
        raise ConfigError(
            f"config key telegram.persistence_path: cannot open {path}: {exc}"
        ) from None
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")  # a journaled update survives a power cut too
    db.executescript(SCHEMA)
    db.execute(f"PRAGMA application_id={APPLICATION_ID}")
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
    return db


def _create_private(path: Path) -> None:
    """Create the file 0600 before SQLite does (it would use 0644); tighten an existing one.

    SQLite gives its side files the main file's mode, so they are private too.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


def _problem(path: Path) -> str | None:
    """Why the file at ``path`` is not a state database this version can use; None if it is."""
    try:
        with path.open("rb") as file:
            head = file.read(len(MAGIC))
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if not head:
        return "is empty"
    if head[:1] == b"\x80":
        return "is an old pickle file (conversations are now kept in SQLite)"
    if head != MAGIC:
        return "is not an SQLite database"
    try:
        db = sqlite3.connect(path)  # read-write: a crashed WAL database needs recovery
        try:
            return _schema_problem(db)
        finally:
            db.close()
    except sqlite3.Error as exc:
        return f"is damaged ({exc})"


def _schema_problem(db: sqlite3.Connection) -> str | None:
    check = db.execute("PRAGMA quick_check").fetchone()
    if check is None or check[0] != "ok":
        return f"is damaged ({check[0] if check else 'no check result'})"
    application_id = db.execute("PRAGMA application_id").fetchone()[0]
    tables = {
        name
        for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if not name.startswith("sqlite_")
    }
    if application_id != APPLICATION_ID:
        return "belongs to another program" if tables else None  # None: new, still empty
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        return f"was written by a newer version of the bot (schema {version})"
    for table, columns in TABLES.items():
        found = [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
        if found != columns:
            return f"has an unexpected {table} table"
    return None


def move_aside(path: Path) -> Path:
    """Rename ``path`` (and its SQLite side files) with a ``.unreadable-<time>`` suffix."""
    stamp = time.strftime("%Y%m%dT%H%M%S")
    aside = path.with_name(f"{path.name}.unreadable-{stamp}")
    n = 1
    while aside.exists():
        n += 1
        aside = path.with_name(f"{path.name}.unreadable-{stamp}-{n}")
    path.rename(aside)
    for side in SIDE_FILES:
        extra = path.with_name(path.name + side)
        if extra.exists():
            extra.rename(aside.with_name(aside.name + side))
    return aside
