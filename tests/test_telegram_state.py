"""The Telegram bot's state file: unusable files, privacy, redeliveries, saving off the loop.

The real Application long-polls the fake Bot API server (as in test_telegram_e2e) with its
state in a temporary folder.
"""

from __future__ import annotations

import logging
import os
import pickle
import random
import sqlite3
import stat
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fake_bot_api import TOKEN, FakeBotApi, OfflineRequest
from fake_bot_api_harness import bot_config, free_port, polling, webhook
from fake_bot_api_updates import text_message

from bot.conversation_json import ConversationCodec
from bot.engine import Conversation, Engine
from bot.telegram.app import build_application
from bot.telegram.journal_request import JournalingRequest
from bot.telegram.persistence import JournalingQueue
from bot.telegram.state_file import open_state
from bot.telegram.store import Store

# Over sockets: deselect with -m 'not e2e' for a quick run.
pytestmark = pytest.mark.e2e

STATE = "telegram.sqlite3"


@pytest.fixture
def api() -> Any:
    with FakeBotApi() as api:
        yield api


async def _ask(api: FakeBotApi, engine: Engine, tmp_path: Path, chat: int, question: str) -> str:
    """Start the bot on the state in ``tmp_path``, ask one question, stop; the answer."""
    config = bot_config(api, tmp_path)
    before = len(api.sent(chat))
    async with polling(build_application(config, TOKEN, engine), config):
        api.enqueue(text_message(chat, question))
        sent = await api.async_wait_for_sent(chat, before + 1)
    return sent[-1]["text"]


def _state_db(path: Path, rows: dict[int, str], saved_at: float | None = None) -> None:
    db = open_state(path)
    with db:
        for chat_id, text in rows.items():
            db.execute(
                "INSERT INTO chats VALUES (?, ?, ?)", (chat_id, text, saved_at or time.time())
            )
    db.close()


def _truncated(path: Path) -> bytes:
    _state_db(path, {n: "x" * 3000 for n in range(40)}, 0)
    data = path.read_bytes()
    path.unlink()
    return data[: len(data) // 3]


def _foreign(path: Path) -> bytes:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    db.execute("INSERT INTO notes (text) VALUES ('keep me')")
    db.commit()
    db.close()
    data = path.read_bytes()
    path.unlink()
    return data


BROKEN: dict[str, Callable[[Path], bytes]] = {
    "empty": lambda path: b"",
    "truncated": _truncated,
    "random bytes": lambda path: random.Random(7).randbytes(8192),
    "old pickle": lambda path: pickle.dumps({"chat_data": {1: {"conversation": None}}}),
    "another program's database": _foreign,
}


@pytest.mark.asyncio
@pytest.mark.parametrize("kind", list(BROKEN))
async def test_an_unusable_state_file_is_moved_aside_with_one_warning(
    api: FakeBotApi,
    engine: Engine,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    kind: str,
) -> None:
    path = tmp_path / STATE
    content = BROKEN[kind](path)
    path.write_bytes(content)
    caplog.set_level(logging.INFO)
    answer = await _ask(api, engine, tmp_path, 81, "What is The Code?")
    assert answer.startswith(engine.ask("What is The Code?").text)
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert "moved it to" in warnings[0].getMessage()
    [aside] = tmp_path.glob(f"{STATE}.unreadable-*")
    assert aside.read_bytes() == content, "moved aside, never changed or deleted"
    assert path.read_bytes().startswith(b"SQLite format 3\x00")
    caplog.clear()
    await _ask(api, engine, tmp_path, 81, "Who developed it?")
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


@pytest.mark.asyncio
async def test_rows_that_cannot_be_restored_start_those_chats_fresh(
    api: FakeBotApi, engine: Engine, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    codec = ConversationCodec(engine.collection)
    _, asked = engine.reply(Conversation(), "What is The Code?")
    rows = {91: '{"v": 1, "turns": 3}', 92: "not json at all", 93: codec.dumps(asked)}
    _state_db(tmp_path / STATE, rows)
    caplog.set_level(logging.INFO)
    follow_up = await _ask(api, engine, tmp_path, 93, "Who developed it?")
    fresh = await _ask(api, engine, tmp_path, 91, "Who developed it?")
    assert follow_up.startswith(engine.reply(asked, "Who developed it?")[0].text)
    assert fresh.startswith(engine.ask("Who developed it?").text)
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 2, "one line per start that found them"
    assert warnings[0].startswith("2 saved conversation(s) could not be restored")
    assert not list(tmp_path.glob(f"{STATE}.unreadable-*")), "the file itself is fine"


@pytest.mark.asyncio
async def test_the_state_file_is_private(api: FakeBotApi, engine: Engine, tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        await _ask(api, engine, tmp_path, 95, "What is The Code?")
        files = list(tmp_path.glob(f"{STATE}*"))
        assert tmp_path / STATE in files
        db = sqlite3.connect(tmp_path / STATE)
        db.execute("PRAGMA journal_mode=WAL")  # the side files exist while it is open
        files = list(tmp_path.glob(f"{STATE}*"))
        modes = {f.name: stat.S_IMODE(f.stat().st_mode) for f in files}
        db.close()
    finally:
        os.umask(old)
    assert set(modes.values()) == {0o600}, modes


@pytest.mark.asyncio
async def test_a_redelivered_update_that_was_handled_is_not_answered_again(
    api: FakeBotApi, engine: Engine, tmp_path: Path
) -> None:
    config = bot_config(api, tmp_path)
    update_id = api.enqueue(text_message(97, "What is The Code?"))
    async with polling(build_application(config, TOKEN, engine), config):
        await api.async_wait_for_sent(97, 1)
    # Telegram sends it again, as it does when the bot died before acknowledging it.
    api.enqueue_raw({"update_id": update_id, **text_message(97, "What is The Code?")})
    async with polling(build_application(config, TOKEN, engine), config):
        api.enqueue(text_message(97, "Who developed it?"))
        await api.async_wait_for_sent(97, 2)
    texts = [m["text"] for m in api.sent(97)]
    assert len(texts) == 2, texts
    assert texts[1].startswith(
        engine.reply(engine.reply(Conversation(), "What is The Code?")[1], "Who developed it?")[
            0
        ].text
    )


@pytest.mark.asyncio
async def test_new_chats_are_saved_off_the_event_loop(
    api: FakeBotApi, engine: Engine, tmp_path: Path
) -> None:
    """The loop thread never writes state: no SQLite call, no pickling, while serving and
    stopping (the saves happen on the store's own thread)."""
    config = bot_config(api, tmp_path)
    chats = list(range(2001, 2031))
    on_loop: list[str] = []

    def watch(frame: Any, event: str, arg: Any) -> None:
        if event == "c_call":
            owner = getattr(arg, "__self__", None)
            if isinstance(owner, sqlite3.Connection | sqlite3.Cursor | pickle.Pickler):
                on_loop.append(arg.__qualname__)

    app = build_application(config, TOKEN, engine)
    sys.setprofile(watch)
    try:
        async with polling(app, config):
            for chat in chats:
                api.enqueue(text_message(chat, "What is The Code?"))
            await api.async_wait_for(lambda: len(api.sent()) >= len(chats), 20, "30 answers")
    finally:
        sys.setprofile(None)
    assert on_loop == []
    db = sqlite3.connect(tmp_path / STATE)
    saved = db.execute("SELECT count(*) FROM chats").fetchone()[0]
    db.close()
    assert saved == len(chats)


@pytest.mark.asyncio
async def test_webhook_updates_are_journaled_and_a_redelivery_is_not_answered_again(
    api: FakeBotApi, engine: Engine, tmp_path: Path
) -> None:
    port = free_port()
    config = bot_config(
        api,
        tmp_path,
        mode="webhook",
        webhook_url=f"http://127.0.0.1:{port}/hook",
        webhook_port=port,
        webhook_path="hook",
        webhook_secret_token="s3cret",
    )
    update_id = api.enqueue(text_message(99, "What is The Code?"))
    async with webhook(build_application(config, TOKEN, engine), config):
        await api.async_wait_for_sent(99, 1)
        api.enqueue_raw({"update_id": update_id, **text_message(99, "What is The Code?")})
        api.enqueue(text_message(99, "Who developed it?"))
        await api.async_wait_for_sent(99, 2)
    db = sqlite3.connect(tmp_path / STATE)
    journal = db.execute("SELECT update_id, done FROM updates ORDER BY update_id").fetchall()
    db.close()
    assert journal == [(update_id, 1), (update_id + 1, 1)]
    assert [status for _, status in api.webhook_deliveries].count(200) == 3
    assert len(api.sent(99)) == 2


@pytest.mark.asyncio
async def test_a_get_updates_response_is_journaled_before_the_bot_reads_it(
    api: FakeBotApi, tmp_path: Path
) -> None:
    store = Store(tmp_path / STATE)
    request = JournalingRequest(OfflineRequest(api), JournalingQueue(store))
    ids = [api.enqueue(text_message(60 + n, "What is The Code?")) for n in range(3)]
    try:
        code, payload = await request.do_request(f"{api.base_url}{TOKEN}/getUpdates", "POST")
        journal = await store.run(
            lambda db: list(db.execute("SELECT update_id, done FROM updates ORDER BY update_id"))
        )
    finally:
        await store.aclose()
    assert code == 200 and b"What is The Code?" in payload
    assert journal == [(i, 0) for i in ids]


@pytest.mark.asyncio
async def test_conversations_idle_for_longer_than_idle_minutes_are_forgotten_at_start(
    api: FakeBotApi, engine: Engine, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    codec = ConversationCodec(engine.collection)
    _, asked = engine.reply(Conversation(), "What is The Code?", now=time.time() - 7200)
    _state_db(tmp_path / STATE, {88: codec.dumps(asked)}, time.time() - 7200)
    caplog.set_level(logging.WARNING)
    await _ask(api, engine, tmp_path, 89, "What is The Code?")
    db = sqlite3.connect(tmp_path / STATE)
    chats = [chat for (chat,) in db.execute("SELECT chat_id FROM chats")]
    db.close()
    assert chats == [89]
    assert caplog.records == []
