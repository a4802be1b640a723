"""Telegram's flood control (429 with ``retry_after``): waited out, or reported in one line.

PTB 22 gives ``RetryAfter.retry_after`` as int seconds with a deprecation warning, or as a
``timedelta`` once opted in (what PTB 23 will do); the bot opts in and reads either form.
"""

from __future__ import annotations

import datetime as dtm
import logging
import warnings
from typing import Any

import pytest
from fake_bot_api import FakeBotApi
from fake_bot_api_harness import OfflineBot
from fake_bot_api_updates import text_message
from telegram.error import RetryAfter
from telegram.warnings import PTBDeprecationWarning

from bot.engine import Engine
from bot.telegram.limits import TIMEDELTA_ENV, period_seconds
from bot.telegram.sending import SORRY

USER = 5151


@pytest.fixture
def api() -> Any:
    with FakeBotApi() as api:
        yield api


@pytest.mark.parametrize(
    ("period", "expected"), [(3, 3.0), (2.5, 2.5), (dtm.timedelta(seconds=3), 3.0)]
)
def test_period_seconds_takes_either_form(period: Any, expected: float) -> None:
    assert period_seconds(period) == expected


def test_retry_after_read_in_either_form(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TIMEDELTA_ENV, "false")  # PTB 22's default: int, with a warning
    with pytest.warns(PTBDeprecationWarning):
        old = RetryAfter(7)
        assert period_seconds(old.retry_after) == 7.0
    monkeypatch.setenv(TIMEDELTA_ENV, "true")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert period_seconds(RetryAfter(7).retry_after) == 7.0


@pytest.mark.asyncio
async def test_flood_control_beyond_the_retries_is_one_line_and_the_user_told(
    api: FakeBotApi,
    engine: Engine,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(TIMEDELTA_ENV, raising=False)  # the bot opts in itself
    api.flood_next_send_message(1, retry_after=4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no PTBDeprecationWarning along the way
        async with OfflineBot(api, engine, flood_retries=0) as bot:
            with caplog.at_level(logging.WARNING, logger="bot.telegram.handlers"):
                calls = await bot.send(text_message(USER, "What is The Code?"))
    assert [(c.method, c.status) for c in calls if c.method == "sendMessage"] == [
        ("sendMessage", 429),
        ("sendMessage", 200),
    ]
    assert calls[-1].response["result"]["text"] == SORRY
    [record] = [r for r in caplog.records if r.name == "bot.telegram.handlers"]
    assert record.getMessage() == (
        "Telegram's flood control held a message back after 0 retries (retry after 4 s)"
    )
    assert record.exc_info is None
