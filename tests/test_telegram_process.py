"""``python -m bot telegram`` as a real process, and webhook mode.

The process tests are the closest thing to production: the token comes from the
environment, the config from a file holding only the keys it changes, and the bot must
stop cleanly on SIGTERM/SIGINT with what it handled acknowledged.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from fake_bot_api import TOKEN, FakeBotApi
from fake_bot_api_harness import bot_config, free_port, webhook
from fake_bot_api_updates import text_message

from bot.engine import Engine
from bot.telegram.app import build_application

# Over sockets or in child processes: deselect with -m 'not e2e' for a quick run.
pytestmark = pytest.mark.e2e


def _config_file(tmp_path: Path, api: FakeBotApi) -> Path:
    path = tmp_path / "tmpconfig.toml"
    path.write_text(
        "[telegram]\n"
        f'base_url = "{api.base_url}"\n'
        "poll_timeout = 1\n"
        f'persistence_path = "{(tmp_path / "state.sqlite3").as_posix()}"\n',
        encoding="utf-8",
    )
    return path


def _start(
    tmp_path: Path, config: Path, env: dict[str, str], token: str, verbosity: str = "-vv"
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "telegram", "--config", str(config), verbosity],
        cwd=tmp_path,
        env={**env, "TELEGRAM_BOT_TOKEN": token},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_the_bot_cleanly_with_updates_acknowledged(
    tmp_path: Path, bot_env: dict[str, str], stop: signal.Signals, engine: Engine
) -> None:
    with FakeBotApi() as api:
        update_id = api.enqueue(text_message(61, "What is The Code?"))
        proc = _start(tmp_path, _config_file(tmp_path, api), bot_env, TOKEN)
        try:
            api.wait_for_sent(61, 1, timeout=30)
            api.wait_for(
                lambda: any(c.method == "getUpdates" for c in api.calls[-3:]), 5, "polling again"
            )
            stopped_at = time.monotonic()
            proc.send_signal(stop)
            _, stderr = proc.communicate(timeout=10)
            took = time.monotonic() - stopped_at
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        assert proc.returncode == 0, stderr[-2000:]
        assert took < 5, f"took {took:.1f}s to stop"
        assert api.acknowledged_offsets[-1] == update_id + 1
        [answer] = api.sent(61)
    assert answer["text"].startswith(engine.ask("What is The Code?").text), "shipped article"
    assert (tmp_path / "state.sqlite3").exists()
    assert "[REDACTED]" in stderr, "debug logging shows the (redacted) API URL"
    assert TOKEN not in stderr and TOKEN.split(":")[1] not in stderr


def test_missing_or_rejected_token_is_a_clear_error_without_the_token(
    tmp_path: Path, bot_env: dict[str, str]
) -> None:
    with FakeBotApi() as api:
        config = _config_file(tmp_path, api)
        missing = subprocess.run(
            [sys.executable, "-m", "bot", "telegram", "--config", str(config)],
            cwd=tmp_path,
            env={k: v for k, v in bot_env.items() if k != "TELEGRAM_BOT_TOKEN"},
            capture_output=True,
            text=True,
            timeout=30,
        )
        wrong = "987654321:WRONG-token-never-to-be-printed"
        proc = _start(tmp_path, config, bot_env, wrong)
        _, stderr = proc.communicate(timeout=30)
    assert missing.returncode == 2
    assert "TELEGRAM_BOT_TOKEN is not set" in missing.stderr
    assert "Traceback" not in missing.stderr
    assert proc.returncode == 2, stderr[-2000:]
    assert "rejected the token" in stderr
    assert wrong not in stderr and "WRONG-token" not in stderr


def test_an_outage_is_one_log_line_per_failure_and_the_answer_still_arrives(
    tmp_path: Path, bot_env: dict[str, str], engine: Engine
) -> None:
    with FakeBotApi() as api:
        config = _config_file(tmp_path, api)
        with config.open("a", encoding="utf-8") as file:
            file.write("send_retry_seconds = 0.1\nchat_messages_per_second = 0\n")
        api.garble_next("getUpdates")
        api.hang_up_next("getUpdates")
        api.fail_next("sendMessage", 1, 502, "Bad Gateway")
        api.garble_next("sendMessage")
        api.hang_up_next("sendMessage")
        api.enqueue(text_message(62, "What is The Code?"))
        proc = _start(tmp_path, config, bot_env, TOKEN, "-v")
        try:
            api.wait_for_sent(62, 1, timeout=30)
            proc.send_signal(signal.SIGTERM)
            _, stderr = proc.communicate(timeout=10)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    assert proc.returncode == 0, stderr[-2000:]
    assert api.sent(62)[0]["text"].startswith(engine.ask("What is The Code?").text)
    assert "Traceback" not in stderr, stderr
    assert stderr.count("retrying in") == 3, stderr
    assert len(stderr.splitlines()) < 20, stderr


def _post(url: str, secret: str) -> int:
    body = b'{"update_id": 1, "message": {}}'
    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, body, headers), timeout=5) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.asyncio
async def test_webhook_mode(engine: Engine) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/hook"
    with FakeBotApi() as api:
        config = bot_config(
            api,
            mode="webhook",
            webhook_url=url,
            webhook_listen="127.0.0.1",
            webhook_port=port,
            webhook_path="hook",
            webhook_secret_token="s3cret_T0ken",
        )
        api.enqueue(text_message(71, "What is The Code?"))  # pending before the webhook exists
        async with webhook(build_application(config, TOKEN, engine), config):
            await api.async_wait_for_sent(71, 1)
            api.enqueue(text_message(71, "Who chairs ECPAT?"))
            await api.async_wait_for_sent(71, 2)
            forged = await asyncio.to_thread(_post, url, "wrong-secret")
        [set_webhook] = api.calls_to("setWebhook")
    assert set_webhook.params["url"] == url
    assert set_webhook.params["secret_token"] == "s3cret_T0ken"
    assert not set_webhook.params.get("drop_pending_updates")
    assert forged == 403, "requests without the secret token are refused"
    assert [status for _, status in api.webhook_deliveries].count(200) == 2
    first, second = (m["text"] for m in api.sent(71))
    assert first.startswith(engine.ask("What is The Code?").text)
    assert second.startswith(engine.ask("Who chairs ECPAT?").text)
    assert api.rejected() == []
