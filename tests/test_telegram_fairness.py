"""Fairness under load: one user or chat cannot hold up the others.

A chat's backlog is capped and waits without holding a processing slot, every kind of
update draws on one per-user budget, and the engine runs off the event loop.
"""

from __future__ import annotations

import asyncio
import random
import sys
import threading
from typing import Any

import pytest
from fake_bot_api import TOKEN, FakeBotApi
from fake_bot_api_harness import OfflineBot, bot_config, polling
from fake_bot_api_updates import callback_query, inline_query, media_message, text_message
from telegram import Update

from bot.config import build_config
from bot.engine import Engine
from bot.telegram.app import build_application
from bot.telegram.gate import TOO_MANY
from bot.telegram.limits import ChatOrderedProcessor, UserLimiter
from corpus import Article
from retrieval import typos

FLOODER, OTHER = 801, 802


@pytest.fixture
def api() -> Any:
    with FakeBotApi() as api:
        yield api


def _update(update_id: int, chat_id: int) -> Update:
    return Update.de_json({"update_id": update_id, **text_message(chat_id, "hi")}, None)


@pytest.mark.asyncio
async def test_a_chats_waiting_updates_hold_no_slot_and_its_backlog_is_capped() -> None:
    told: list[int] = []

    async def overflow(update: Update) -> None:
        told.append(update.update_id)

    processor = ChatOrderedProcessor(max_concurrent_updates=2, max_queued=3, on_overflow=overflow)
    release, started = asyncio.Event(), []

    async def work(update_id: int) -> None:
        started.append(update_id)
        await release.wait()

    tasks = [
        asyncio.create_task(processor.process_update(_update(i, FLOODER), work(i)))
        for i in range(1, 11)
    ]
    await asyncio.sleep(0.05)
    other = asyncio.create_task(processor.process_update(_update(99, OTHER), work(99)))
    await asyncio.sleep(0.05)
    assert started == [1, 99], "the other chat runs while the flooding chat's backlog waits"
    assert processor.queued(FLOODER) == 3 and told == [4], "beyond the cap: dropped, told once"
    release.set()
    await asyncio.gather(*tasks, other)
    assert started == [1, 99, 2, 3], "the flooding chat's first three, in order"
    assert processor.queued(FLOODER) == 0


@pytest.mark.e2e
@pytest.mark.asyncio
async def test_a_flood_of_commands_does_not_hold_up_another_user(
    api: FakeBotApi, engine: Engine
) -> None:
    for _ in range(300):
        api.enqueue(text_message(FLOODER, "/help"))
    api.enqueue(text_message(OTHER, "What is The Code?"))
    config = bot_config(api, chat_queue_limit=5, chat_messages_per_second=5)
    async with polling(build_application(config, TOKEN, engine), config):
        [answer] = await api.async_wait_for_sent(OTHER, 1)
        flooder_then = len(api.sent(FLOODER))
        await api.async_wait_for_sent(FLOODER, 6)
    assert answer["text"].startswith(engine.ask("What is The Code?").text)
    assert flooder_then < 6, "answered while the flooding user's backlog was still pending"
    texts = [m["text"] for m in api.sent(FLOODER)]
    assert texts.count(TOO_MANY) == 1, "one notice for the whole flood"
    assert 6 <= len(texts) <= 10, "about five answers (the cap counts what waits at a time)"
    assert api.rejected() == []


@pytest.mark.asyncio
async def test_every_kind_of_update_draws_on_one_budget_per_user(
    api: FakeBotApi, engine: Engine
) -> None:
    user = 4343
    async with OfflineBot(api, engine, updates_per_minute=4) as bot:
        assert [c.status for c in await bot.send(text_message(user, "/help"))] == [200]
        assert [c.status for c in await bot.send(media_message(user, "photo"))] == [200]
        [inline] = await bot.send(inline_query(user, "What is The Code?"))
        answered = await bot.send(text_message(user, "What is The Code?"))
        [answer] = [c.response["result"] for c in answered if c.method == "sendMessage"]
        [toast] = await bot.send(callback_query(user, answer, "more"))
        silent = [
            await bot.send(text_message(user, "/about")),
            await bot.send(callback_query(user, answer, "sources")),
            await bot.send(inline_query(user, "Who chairs ECPAT?")),
            await bot.send(media_message(user, "sticker")),
            await bot.send(text_message(user, "Who chairs ECPAT?")),
        ]
        other = await bot.send(text_message(user + 1, "/help"))
    assert inline.params["results"], "the inline query was within the budget"
    assert toast.method == "answerCallbackQuery"
    assert "faster than I can keep up" in toast.params["text"]
    assert silent == [[]] * 5, "over budget: one notice, then nothing"
    assert [c.status for c in other] == [200], "another user has a budget of their own"
    assert api.rejected() == []


@pytest.mark.e2e
@pytest.mark.asyncio
async def test_a_slow_question_does_not_hold_up_another_chat(
    api: FakeBotApi, article: Article
) -> None:
    engine = Engine(article, build_config({"answer": {"max_question_chars": 200_000}}))
    words = [w for p in article.passages for s in p.sentences for w in s.text.split()]
    slow = " ".join(random.Random(7).choices(words, k=25_000))[:150_000]  # ~0.3 s to answer
    api.enqueue(text_message(FLOODER, slow))
    api.enqueue(text_message(OTHER, "What is The Code?"))
    config = bot_config(api)
    async with polling(build_application(config, TOKEN, engine), config):
        await api.async_wait_for_sent(FLOODER, 1)
        await api.async_wait_for_sent(OTHER, 1)
    order = [c.params["chat_id"] for c in api.calls_to("sendMessage")]
    assert order == [OTHER, FLOODER], "the quick question is answered first"


def test_the_per_user_budget_forgets_quiet_users() -> None:
    now = [0.0]
    limiter = UserLimiter(2, clock=lambda: now[0])
    assert [limiter.check(1)[0] for _ in range(4)] == ["ok", "ok", "warn", "drop"]
    for user in range(2, 5000):
        limiter.check(user)
    now[0] = 61.0
    assert limiter.check(1) == ("ok", 0), "a new minute, a new budget"
    limiter.check(5000)
    assert limiter.tracked < 10, "users quiet for a minute are forgotten"


def test_the_speller_can_be_shared_by_worker_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Answers are worked out in threads; the speller's bounded cache is shared by them."""
    monkeypatch.setattr(typos, "CACHE_SIZE", 2)  # evicting all the time
    speller = typos.Speller({"children": 5, "network": 3, "founded": 2, "protection": 4})
    words = ["chldren", "netwrk", "fonded"]
    expected = {word: speller.correct(word) for word in words}
    errors: list[BaseException] = []

    def work(step: int) -> None:
        try:
            for i in range(8_000):
                word = words[i * step % len(words)]
                assert speller.correct(word) == expected[word]
        except BaseException as exc:  # reported by the test's own thread
            errors.append(exc)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        threads = [
            threading.Thread(target=work, args=(step,)) for step in (1, 3, 5, 7, 9, 11, 15, 17)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert errors == []
