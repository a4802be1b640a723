"""``python -m bot telegram`` killed, stopped with a backlog, or losing its polling task.

Each test runs the real process against the fake Bot API server and restarts it the way a
supervisor would; what counts is what Telegram's users get: every update the bot
acknowledged answered exactly once, and conversations that carry on across the restart.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from fake_bot_api import TOKEN, FakeBotApi
from fake_bot_api_updates import callback_query, text_message

from bot.engine import Conversation, Engine

# Child processes over sockets: deselect with -m 'not e2e' for a quick run.
pytestmark = pytest.mark.e2e

FAST = {
    "messages_per_second": 1000,
    "chat_messages_per_second": 0,
    "questions_per_minute": 0,
    "updates_per_minute": 0,
    "chat_queue_limit": 0,
}


def _config(tmp_path: Path, api: FakeBotApi, **telegram: Any) -> Path:
    values = {
        "base_url": api.base_url,
        "poll_timeout": 1,
        "persistence_path": (tmp_path / "state.sqlite3").as_posix(),
        **telegram,
    }
    lines = ["[telegram]"]
    for key, value in values.items():
        lines.append(f'{key} = "{value}"' if isinstance(value, str) else f"{key} = {value}")
    path = tmp_path / "config.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _start(tmp_path: Path, config: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "telegram", "--config", str(config), "-v"],
        cwd=tmp_path,
        env={**env, "TELEGRAM_BOT_TOKEN": TOKEN},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def _stop(proc: subprocess.Popen[str], how: signal.Signals = signal.SIGTERM) -> str:
    if proc.poll() is None:
        proc.send_signal(how)
    try:
        return proc.communicate(timeout=20)[1]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def _counts(api: FakeBotApi, chats: list[int]) -> dict[int, int]:
    return {chat: len(api.sent(chat)) for chat in chats}


def test_kill_9_under_load_then_restart_answers_every_acknowledged_update_once(
    tmp_path: Path, bot_env: dict[str, str]
) -> None:
    chats = list(range(5001, 5151))
    with FakeBotApi() as api:
        config = _config(tmp_path, api, **FAST)
        for chat in chats[:50]:
            api.enqueue(text_message(chat, "What is The Code?"))
        proc = _start(tmp_path, config, bot_env)
        try:
            api.wait_for(lambda: len(api.sent()) >= 50, 30, "the first 50 answers")
            api.hold("sendMessage")  # what is being answered now never reaches Telegram
            last = max(api.enqueue(text_message(c, "What is The Code?")) for c in chats[50:])
            api.wait_for(
                lambda: max(api.acknowledged_offsets, default=0) > last, 20, "all acknowledged"
            )
            time.sleep(0.3)  # handled updates are marked done just after their answer
            proc.kill()  # kill -9: no clean-up of any kind
            proc.communicate(timeout=10)
        finally:
            if proc.poll() is None:
                proc.kill()
            api.release(drop=True)
        before = _counts(api, chats)
        assert sum(before.values()) == 50, "the others were acknowledged but not answered"

        proc = _start(tmp_path, config, bot_env)
        try:
            api.wait_for(lambda: all(_counts(api, chats).values()), 30, "an answer in every chat")
            api.wait_for(lambda: len(api.calls_to("getUpdates")) > 3, 10, "polling again")
            time.sleep(0.3)  # room for a duplicate to show up
        finally:
            stderr = _stop(proc)
    assert proc.returncode == 0, stderr[-2000:]
    assert _counts(api, chats) == dict.fromkeys(chats, 1)
    assert api.rejected() == []


def _expected(engine: Engine, *messages: str) -> list[str]:
    conversation, texts = Conversation(), []
    for message in messages:
        reply, conversation = engine.reply(conversation, message)
        texts.append(reply.text)
    return texts


def test_sigterm_with_a_backlog_stops_in_seconds_and_the_rest_is_answered_after_restart(
    tmp_path: Path, bot_env: dict[str, str], engine: Engine
) -> None:
    asker, busy = 6001, 6002
    with FakeBotApi() as api:
        # Paced at one message a second in a chat, as on Telegram: the backlog takes minutes.
        slow = _config(
            tmp_path,
            api,
            questions_per_minute=0,
            updates_per_minute=0,
            chat_queue_limit=0,
            drain_seconds=1,
        )
        api.enqueue(text_message(asker, "What is The Code?"))
        proc = _start(tmp_path, slow, bot_env)
        try:
            [answer] = api.wait_for_sent(asker, 1, timeout=30)
            last = max(api.enqueue(text_message(busy, "/about")) for _ in range(200))
            api.wait_for_sent(busy, 1)
            api.wait_for(lambda: max(api.acknowledged_offsets) > last - 100, 10, "the backlog")
            stopped_at = time.monotonic()
            stderr = _stop(proc)
            took = time.monotonic() - stopped_at
        finally:
            if proc.poll() is None:
                proc.kill()
        assert proc.returncode == 0, stderr[-2000:]
        assert took < 5, f"took {took:.1f}s to stop"
        handled = len(api.sent(busy))
        assert handled < 200

        # Restarted (unpaced, so the test is quick): the rest first, then a follow-up and More.
        proc = _start(tmp_path, _config(tmp_path, api, **FAST), bot_env)
        try:
            api.wait_for_sent(busy, 200, timeout=30)
            api.enqueue(text_message(asker, "Who developed it?"))
            api.wait_for_sent(asker, 2)
            api.enqueue(callback_query(asker, answer, "more"))
            api.wait_for_sent(asker, 3)
            time.sleep(0.3)  # room for a duplicate to show up
        finally:
            stderr = _stop(proc)
    assert proc.returncode == 0, stderr[-2000:]
    assert len(api.sent(busy)) == 200, "each of the backlog answered exactly once"
    first, follow_up, more = _expected(engine, "What is The Code?", "Who developed it?", "more")
    texts = [m["text"] for m in api.sent(asker)]
    assert texts[0].startswith(first)
    assert texts[1].startswith(follow_up), "the follow-up leans on the answer before the restart"
    assert texts[2].startswith(more)
    assert api.rejected() == []


def test_a_dead_polling_task_exits_non_zero_for_a_restart(
    tmp_path: Path, bot_env: dict[str, str]
) -> None:
    with FakeBotApi() as api:
        proc = _start(tmp_path, _config(tmp_path, api, **FAST), bot_env)
        try:
            api.wait_for(lambda: api.calls_to("setMyCommands"), 30, "the bot to start")
            api.enqueue_raw({"update_id": "x1", **text_message(7001, "What is The Code?")})
            stderr = proc.communicate(timeout=15)[1]
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    assert proc.returncode == 1, stderr[-2000:]
    assert "Polling for updates stopped" in stderr
    assert "Traceback" not in stderr
