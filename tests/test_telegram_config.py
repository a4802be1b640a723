"""The [telegram] config table: defaults, partial files, environment, value checks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.config import ConfigError, TelegramConfig, build_config, load_config
from bot.telegram.app import check_settings, file_url


def test_a_file_with_only_telegram_keys_keeps_every_other_default(tmp_path: Path) -> None:
    path = tmp_path / "bot.toml"
    path.write_text('[telegram]\nbase_url = "http://127.0.0.1:8081/bot"\n', encoding="utf-8")
    config = load_config(path, env={})
    assert config.telegram.base_url == "http://127.0.0.1:8081/bot"
    assert config.telegram.mode == "polling"
    assert config.article == load_config(None, env={}).article  # the shipped article
    assert file_url(config.telegram) == "http://127.0.0.1:8081/file/bot"
    assert file_url(TelegramConfig()) == "https://api.telegram.org/file/bot"


def test_environment_and_unknown_keys() -> None:
    env = {"ECPAT_BOT_TELEGRAM_ALLOWED_CHAT_IDS": "12, -1003", "ECPAT_BOT_TELEGRAM_MODE": "webhook"}
    webhook = {"webhook_url": "https://x.org/h", "webhook_secret_token": "s3cret"}
    config = build_config({"telegram": webhook}, env=env)
    assert config.telegram.allowed_chat_ids == (12, -1003)
    assert check_settings(config.telegram).mode == "webhook"
    with pytest.raises(ConfigError, match=r"telegram\.tokne"):
        build_config({"telegram": {"tokne": "x"}})


@pytest.mark.parametrize(
    ("values", "key"),
    [
        ({"mode": "push"}, "telegram.mode"),
        ({"mode": "webhook"}, "telegram.webhook_url"),
        ({"mode": "webhook", "webhook_url": "https://x.org/h"}, "telegram.webhook_secret_token"),
        ({"updates_per_minute": -1}, "telegram.updates_per_minute"),
        ({"chat_queue_limit": -1}, "telegram.chat_queue_limit"),
        ({"concurrent_updates": 0}, "telegram.concurrent_updates"),
        ({"send_retries": -1}, "telegram.send_retries"),
        ({"webhook_secret_token": "has spaces"}, "telegram.webhook_secret_token"),
        ({"base_url": "api.telegram.org/bot"}, "telegram.base_url"),
        ({"poll_timeout": 0}, "telegram.poll_timeout"),
        ({"questions_per_minute": -1}, "telegram.questions_per_minute"),
    ],
)
def test_bad_values_are_errors_that_name_the_key(values: dict[str, object], key: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(key)):
        check_settings(build_config({"telegram": values}).telegram)
