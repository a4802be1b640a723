"""Faults on the way out: a failed send is retried, then apologised for, each failure one log
line; odd updates (half a surrogate pair, a button with no message) still get an answer."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from fake_bot_api import FakeBotApi
from fake_bot_api_harness import OfflineBot
from fake_bot_api_updates import inline_query, text_message, user
from telegram.error import TelegramError

from bot.engine import Engine
from bot.telegram.handlers import NO_CHAT
from bot.telegram.redaction import BriefNetworkErrors
from bot.telegram.sending import SORRY

USER = 4545
_INVALID = TelegramError("Invalid server response")  # what PTB raises for an answer not JSON


@pytest.fixture
def api() -> Any:
    with FakeBotApi() as api:
        yield api


def _bot_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith("bot.")]


@pytest.mark.asyncio
async def test_a_failed_send_is_retried_and_each_failure_is_one_line(
    api: FakeBotApi, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    api.fail_next("sendMessage", 1, 502, "Bad Gateway")
    api.hang_up_next("sendMessage")
    api.garble_next("sendMessage")
    async with OfflineBot(api, engine, send_retries=3, send_retry_seconds=0.01) as bot:
        with caplog.at_level(logging.INFO):
            calls = await bot.send(text_message(USER, "What is The Code?"))
    sends = [c for c in calls if c.method == "sendMessage"]
    assert [c.status for c in sends] == [502, 0, 200, 200]
    assert len({c.params["text"] for c in sends}) == 1, "the same answer each time"
    assert api.sent(USER)[0]["text"].startswith(engine.ask("What is The Code?").text)
    lines = _bot_lines(caplog)
    assert len(lines) == 3 and all("retrying in" in r.getMessage() for r in lines)
    assert all(r.exc_info is None for r in lines)


@pytest.mark.asyncio
async def test_a_send_that_keeps_failing_ends_in_an_apology(
    api: FakeBotApi, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    api.fail_next("sendMessage", 3, 500, "Internal Server Error")
    async with OfflineBot(api, engine, send_retries=2, send_retry_seconds=0.01) as bot:
        with caplog.at_level(logging.INFO):
            calls = await bot.send(text_message(USER, "What is The Code?"))
    assert [c.status for c in calls if c.method == "sendMessage"] == [500, 500, 500, 200]
    assert [m["text"] for m in api.sent(USER)] == [SORRY]
    assert _bot_lines(caplog)[-1].getMessage() == (
        f"Could not send a message to chat {USER} after 3 tries: Internal Server Error"
    )
    assert "Traceback" not in caplog.text


@pytest.mark.asyncio
async def test_an_unreachable_telegram_while_answering_inline_is_one_line(
    api: FakeBotApi, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    api.fail_next("answerInlineQuery", 1, 502, "Bad Gateway")
    async with OfflineBot(api, engine) as bot:
        with caplog.at_level(logging.INFO):
            [call] = await bot.send(inline_query(USER, "What is The Code?"))
    assert call.status == 502
    [line] = _bot_lines(caplog)
    assert line.levelno == logging.WARNING and line.exc_info is None
    assert "Traceback" not in caplog.text


def test_an_unreadable_answer_is_one_line(caplog: pytest.LogCaptureFixture) -> None:
    """PTB logs the answer it could not read (with a traceback), then the failed call (with
    another); only the failed call is kept, in one line."""
    caplog.set_level(logging.INFO)
    brief = BriefNetworkErrors()
    names = ("telegram.request.BaseRequest", "telegram.ext.Updater")
    request, updater = (logging.getLogger(name) for name in names)
    for logger in (request, updater):
        logger.addFilter(brief)
    try:
        for logger, error in ((request, ValueError("Expecting value")), (updater, _INVALID)):
            try:
                raise error
            except Exception:
                logger.exception("Failed: %s", "<html>" + " x" * 1000)
    finally:
        for logger in (request, updater):
            logger.removeFilter(brief)
    [line] = caplog.records
    assert line.name == "telegram.ext.Updater" and line.exc_info is None
    assert "Invalid server response" in caplog.text and len(caplog.text) < 500


@pytest.mark.asyncio
async def test_half_a_surrogate_pair_still_gets_an_answer(api: FakeBotApi, engine: Engine) -> None:
    question = "What is The Code?\ud83d"
    async with OfflineBot(api, engine) as bot:
        [inline] = await bot.send(inline_query(USER, question))
        message = await bot.send(text_message(USER, question))
    assert (inline.method, inline.status) == ("answerInlineQuery", 200)
    text = inline.params["results"][0]["input_message_content"]["message_text"]
    assert text.startswith(engine.ask("What is The Code?").text)
    assert [c.status for c in message] == [200, 200]


@pytest.mark.asyncio
async def test_a_button_without_a_message_is_answered(
    api: FakeBotApi, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    """Buttons on a message sent in inline mode come without the message (or its chat)."""
    press = {
        "callback_query": {
            "id": "cb-inline-1",
            "from": user(USER),
            "chat_instance": "ci-inline",
            "inline_message_id": "AAAAAQ",
            "data": "more",
        }
    }
    async with OfflineBot(api, engine) as bot:
        with caplog.at_level(logging.WARNING):
            calls = await bot.send(press)
    assert [(c.method, c.status) for c in calls] == [("answerCallbackQuery", 200)]
    assert calls[0].params["text"] == NO_CHAT
    assert caplog.records == []
