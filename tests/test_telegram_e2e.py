"""End to end: the real Application long-polls the fake Bot API server over HTTP.

Covers what users see (private chats, follow-ups, buttons, groups, media, markup), start-up
(command menu, pending updates) and restarts (no duplicates, conversation kept).
"""

from __future__ import annotations

import itertools
import warnings
from pathlib import Path
from typing import Any

import pytest
from fake_bot_api import TOKEN, FakeBotApi, OfflineRequest
from fake_bot_api_harness import bot_config, polling
from fake_bot_api_updates import (
    bot_mention,
    callback_query,
    group_message,
    inline_query,
    media_message,
    text_message,
)
from telegram.warnings import PTBDeprecationWarning

from bot.engine import Conversation, Engine
from bot.telegram.app import build_application

# Over sockets or in child processes: deselect with -m 'not e2e' for a quick run.
pytestmark = pytest.mark.e2e

GROUP = -1005550001


@pytest.fixture
def api() -> Any:
    with FakeBotApi() as api:
        yield api


def _expected(engine: Engine, *questions: str) -> list[str]:
    """What the engine answers to these questions asked in a row in one chat."""
    conversation, texts = Conversation(), []
    for question in questions:
        reply, conversation = engine.reply(conversation, question)
        texts.append(reply.text)
    return texts


@pytest.mark.asyncio
async def test_users_view_over_long_polling(api: FakeBotApi, engine: Engine) -> None:
    config = bot_config(api)
    app = build_application(config, TOKEN, engine)
    api.enqueue(text_message(11, "What is The Code?"))  # pending before start: answered
    async with polling(app, config):
        api.enqueue(group_message(GROUP, "who chairs ECPAT? (just chatting)"))
        api.enqueue(group_message(GROUP, f"{bot_mention()} who chairs ECPAT?"))
        api.enqueue(media_message(12, "photo"))
        api.enqueue(text_message(13, "<i>When</i> & was *ECPAT* _founded_ [x] < 1991?"))
        [answer] = await api.async_wait_for_sent(11, 1)
        api.enqueue(text_message(11, "Who developed it?"))
        follow_up = (await api.async_wait_for_sent(11, 2))[1]
        api.enqueue(callback_query(11, answer, "sources"))
        sources = (await api.async_wait_for_sent(11, 3))[2]
        [group_answer] = await api.async_wait_for_sent(GROUP, 1)
        [photo_reply] = await api.async_wait_for_sent(12, 1)
        [markup_answer] = await api.async_wait_for_sent(13, 1)
        api.enqueue(inline_query(14, "What is The Code?"))
        await api.async_wait_for(
            lambda: api.calls_to("answerInlineQuery"), 5, "an answer to the inline query"
        )

    first, second = _expected(engine, "What is The Code?", "Who developed it?")
    assert answer["text"].startswith(first) and "Source: " in answer["text"]
    assert any(e["type"] == "text_link" for e in answer["entities"])
    assert answer["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "more"
    assert follow_up["text"].startswith(second)
    assert sources["text"].startswith("Sources of the last answer:")
    assert [c.status for c in api.calls_to("answerCallbackQuery")] == [200]
    assert group_answer["text"].startswith(_expected(engine, "who chairs ECPAT?")[0])
    assert len(api.sent(GROUP)) == 1, "unaddressed group chatter gets no reply"
    assert photo_reply["text"].startswith("I can only read text questions")
    assert markup_answer["text"].startswith(
        _expected(engine, "<i>When</i> & was *ECPAT* _founded_ [x] < 1991?")[0]
    )
    [inline] = api.calls_to("answerInlineQuery")
    message_text = inline.params["results"][0]["input_message_content"]["message_text"]
    assert message_text.startswith(first)
    assert [c.method for c in api.calls[:3]] == ["getMe", "setMyCommands", "deleteWebhook"]
    assert api.calls[2].params.get("drop_pending_updates") in (None, False)
    assert len(api.calls_to("sendChatAction")) >= 4
    assert api.rejected() == []


@pytest.mark.asyncio
async def test_restart_answers_nothing_twice_and_keeps_the_conversation(
    api: FakeBotApi, engine: Engine, tmp_path: Path
) -> None:
    config = bot_config(api, tmp_path)
    first_id = api.enqueue(text_message(21, "What is The Code?"))
    async with polling(build_application(config, TOKEN, engine), config):
        await api.async_wait_for_sent(21, 1)
    assert api.acknowledged_offsets[-1] == first_id + 1, "stop must acknowledge what it handled"
    assert api.pending_update_ids == []

    second_id = api.enqueue(text_message(21, "Who developed it?"))  # sent while the bot is down
    async with polling(build_application(config, TOKEN, engine), config):
        await api.async_wait_for_sent(21, 2)
        await api.async_wait_for(
            lambda: second_id + 1 in api.acknowledged_offsets, 5, "the follow-up to be acknowledged"
        )
    texts = [m["text"] for m in api.sent(21)]
    assert len(texts) == 2, f"expected exactly two answers, got {texts}"
    assert texts[1].startswith(_expected(engine, "What is The Code?", "Who developed it?")[1])
    assert (tmp_path / "telegram.sqlite3").stat().st_size > 0


@pytest.mark.asyncio
async def test_flood_control_is_waited_out_and_the_message_delivered(
    api: FakeBotApi, engine: Engine
) -> None:
    config = bot_config(api)
    api.flood_next_send_message(1, retry_after=1)
    api.enqueue(text_message(31, "What is The Code?"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async with polling(build_application(config, TOKEN, engine), config):
            await api.async_wait_for_sent(31, 1, timeout=10)
    assert [w for w in caught if issubclass(w.category, PTBDeprecationWarning)] == []
    sends = api.calls_to("sendMessage")
    assert [c.status for c in sends] == [429, 200]
    assert sends[1].at - sends[0].at >= 1.0, "retry_after must be honoured"
    assert sends[0].params["text"] == sends[1].params["text"]


@pytest.mark.asyncio
async def test_failed_get_updates_are_retried_and_polling_continues(
    api: FakeBotApi, engine: Engine
) -> None:
    config = bot_config(api)
    api.fail_next_get_updates(1)
    api.hang_up_next_get_updates(1)
    async with polling(build_application(config, TOKEN, engine), config):
        await api.async_wait_for(
            lambda: len(api.calls_to("getUpdates")) >= 3, 10, "polling to go on after errors"
        )
        api.enqueue(text_message(41, "What is The Code?"))
        await api.async_wait_for_sent(41, 1)
    assert [c.status for c in api.calls_to("getUpdates")][:3] == [502, 0, 200]


@pytest.mark.asyncio
@pytest.mark.parametrize("transport", ["http", "in-memory"])
async def test_thirty_chats_four_questions_each_exactly_once_in_order_within_limits(
    api: FakeBotApi, engine: Engine, transport: str
) -> None:
    """Over HTTP: all answered once, in order. In memory, where the fake sees each request
    the instant the bot sends it (no socket or thread scheduling in between), the send
    times are also checked against Telegram's limits."""
    questions = [
        "When was ECPAT founded?",
        "Who chairs ECPAT?",
        "What is The Code?",
        "Where is the headquarters?",
    ]
    chats = list(range(1001, 1031))
    asked = {chat: questions[i % 4 :] + questions[: i % 4] for i, chat in enumerate(chats)}
    config = bot_config(api)
    request = OfflineRequest(api) if transport == "in-memory" else None
    async with polling(build_application(config, TOKEN, engine, request=request), config):
        for turn in range(4):  # interleaved, as many users typing at once
            for chat in chats:
                api.enqueue(text_message(chat, asked[chat][turn]))
        await api.async_wait_for(lambda: len(api.sent()) >= 120, 30, "120 answers to 30 chats")
    for chat in chats:
        texts = [m["text"] for m in api.sent(chat)]
        expected = _expected(engine, *asked[chat])
        assert len(texts) == 4, f"chat {chat}: {len(texts)} answers"
        assert all(t.startswith(e) for t, e in zip(texts, expected, strict=True)), chat
    assert api.rejected() == []
    if transport == "http":
        return
    sends = sorted(c.at for c in api.calls_to("sendMessage"))
    busiest = max(sum(1 for t in sends[i:] if t - start < 1.0) for i, start in enumerate(sends))
    assert busiest <= 30, f"{busiest} messages within one second"
    for chat in chats:
        times = [c.at for c in api.calls_to("sendMessage") if c.params["chat_id"] == chat]
        gaps = [b - a for a, b in itertools.pairwise(times)]
        assert min(gaps) >= 0.95, f"chat {chat} got messages {min(gaps):.2f}s apart"
