"""Handler tests in PTB's style: an offline bot, updates built in the test, the real engine.

The bot's transport is the fake Bot API in memory, so every reply is still checked the
way Telegram checks it (HTML, length, chats, buttons) - without sockets or polling.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from fake_bot_api import TOKEN, Call, FakeBotApi
from fake_bot_api_harness import OfflineBot
from fake_bot_api_updates import (
    bot_mention,
    callback_query,
    group_message,
    inline_query,
    media_message,
    text_message,
)
from telegram.error import NetworkError

from bot.engine import Conversation, Engine
from bot.telegram.handlers import CONVERSATION
from bot.telegram.redaction import BriefNetworkErrors, redacting
from bot.telegram.sending import SORRY

USER = 4242
GROUP = -1001234


@pytest.fixture
def api() -> Any:
    with FakeBotApi() as api:
        yield api


def sent_texts(calls: list[Call]) -> list[str]:
    """What the user sees of each message the bot sent (text after entity parsing)."""
    assert all(c.status == 200 for c in calls), [c.response for c in calls if c.status != 200]
    return [c.response["result"]["text"] for c in calls if c.method == "sendMessage"]


def sent(calls: list[Call]) -> list[dict[str, Any]]:
    return [c.response["result"] for c in calls if c.method == "sendMessage" and c.status == 200]


@pytest.mark.asyncio
async def test_start_help_about_sources_reset(api: FakeBotApi, engine: Engine) -> None:
    async with OfflineBot(api, engine) as bot:
        assert [c["command"] for c in api.commands] == [
            "start",
            "help",
            "about",
            "sources",
            "more",
            "reset",
        ]
        [start] = sent_texts(await bot.send(text_message(USER, "/start")))
        assert engine.article.title in start
        assert start.count("• ") == 3 and "When was ECPAT founded?" in start
        [help_text] = sent_texts(await bot.send(text_message(USER, "/help")))
        assert "@ecpat_test_bot" in help_text and "/reset" in help_text
        [about] = sent(await bot.send(text_message(USER, "/about")))
        assert engine.article.title in about["text"]
        assert any(e.get("url") == engine.url for e in about["entities"])
        sources = "\n".join(sent_texts(await bot.send(text_message(USER, "/sources"))))
        assert all(f"[{r.n}]" in sources for r in engine.article.references)
        await bot.send(text_message(USER, "When was ECPAT founded?"))
        assert bot.chat_data[USER][CONVERSATION].turns
        [more] = sent_texts(await bot.send(text_message(USER, "/more")))
        _, conversation = engine.reply(Conversation(), "When was ECPAT founded?")
        assert more.startswith(engine.more(conversation)[0].text)
        [reset] = sent_texts(await bot.send(text_message(USER, "/reset")))
        assert "forgotten" in reset
        assert bot.chat_data[USER][CONVERSATION] == Conversation()
    assert api.rejected() == []


@pytest.mark.asyncio
async def test_private_question_gets_typing_answer_citation_and_buttons(
    api: FakeBotApi, engine: Engine
) -> None:
    async with OfflineBot(api, engine) as bot:
        calls = await bot.send(text_message(USER, "What is The Code?"))
    assert [c.method for c in calls] == ["sendChatAction", "sendMessage"]
    assert calls[0].params["action"] == "typing"
    expected = engine.ask("What is The Code?")
    message = calls[1]
    assert message.params["parse_mode"] == "HTML"
    assert message.params["link_preview_options"] == {"is_disabled": True}
    text = message.response["result"]["text"]
    assert text.startswith(expected.text)
    assert f"› {expected.answer.citation.section}" in text
    assert all(f"[{r.n}] {r.text}" in text for r in expected.answer.citation.references)
    buttons = message.params["reply_markup"]["inline_keyboard"][0]
    assert [(b["text"], b["callback_data"]) for b in buttons] == [
        ("More", "more"),
        ("Sources", "sources"),
    ]


@pytest.mark.asyncio
async def test_follow_up_and_buttons_use_the_chats_conversation(
    api: FakeBotApi, engine: Engine
) -> None:
    async with OfflineBot(api, engine) as bot:
        [answer] = sent(await bot.send(text_message(USER, "What is The Code?")))
        follow = await bot.send(text_message(USER, "Who developed it?"))
        conversation = bot.chat_data[USER][CONVERSATION]
        assert [t.question for t in conversation.turns] == [
            "What is The Code?",
            "Who developed it?",
        ]
        expected, _ = engine.reply(
            engine.reply(Conversation(), "What is The Code?")[1], "Who developed it?"
        )
        assert sent_texts(follow)[0].startswith(expected.text)
        sources = await bot.send(callback_query(USER, answer, "sources"))
        assert sources[0].method == "answerCallbackQuery"
        [text] = sent_texts(sources)
        assert text.startswith("Sources of the last answer:")
        more = await bot.send(callback_query(USER, answer, "more"))
        assert more[0].method == "answerCallbackQuery"
        assert sent_texts(more), "More must answer with a message"
    assert api.rejected() == []


@pytest.mark.asyncio
async def test_she_after_a_named_person_is_read_as_ask_reads_it(
    api: FakeBotApi, engine: Engine
) -> None:
    async with OfflineBot(api, engine) as bot:
        await bot.send(text_message(USER, "Who chairs ECPAT?"))
        [when] = sent_texts(await bot.send(text_message(USER, "when did she start")))
        [name] = sent_texts(await bot.send(text_message(USER, "what was her name again")))
    first = engine.reply(Conversation(), "Who chairs ECPAT?")[1]
    expected_when, after = engine.reply(first, "when did she start")
    assert expected_when.kind == "decline" and when.startswith(expected_when.text)
    expected_name, _ = engine.reply(after, "what was her name again")
    assert "Carol Bellamy" in expected_name.text and name.startswith(expected_name.text)


@pytest.mark.asyncio
async def test_groups_answer_only_when_addressed(api: FakeBotApi, engine: Engine) -> None:
    async with OfflineBot(api, engine) as bot:
        assert await bot.send(group_message(GROUP, "Who chairs ECPAT? asking the room")) == []
        assert await bot.send(group_message(GROUP, "/help@some_other_bot")) == []
        assert await bot.send(group_message(GROUP, "/frobnicate")) == []
        calls = await bot.send(group_message(GROUP, f"{bot_mention()}, who chairs ECPAT?"))
        [answer] = sent(calls)
        assert answer["text"].startswith(engine.ask("who chairs ECPAT?").text)
        assert answer["reply_to_message"]["text"].endswith("who chairs ECPAT?"), (
            "quotes the question"
        )
        assert bot.chat_data[GROUP][CONVERSATION].last.question == "who chairs ECPAT?"
        reply = await bot.send(group_message(GROUP, "when was it founded?", reply_to=answer))
        assert sent_texts(reply), "a reply to the bot's message is addressed to it"
        assert sent_texts(await bot.send(group_message(GROUP, "/help@ecpat_test_bot")))
        assert sent_texts(await bot.send(group_message(GROUP, "/about")))
        [hint] = sent_texts(await bot.send(group_message(GROUP, bot_mention())))
        assert "type a question" in hint
        mixed_case = f"hey @{bot_mention()[1:].upper()} what is The Code?"
        assert sent_texts(await bot.send(group_message(GROUP, mixed_case)))
        assert await bot.send(media_message(GROUP, "photo")) == [], "group photos are chatter"
    assert api.rejected() == []


@pytest.mark.asyncio
@pytest.mark.parametrize("kind", ["photo", "sticker", "voice", "document", "location"])
async def test_non_text_messages_get_a_polite_text_reply(
    api: FakeBotApi, engine: Engine, kind: str
) -> None:
    async with OfflineBot(api, engine) as bot:
        [text] = sent_texts(await bot.send(media_message(USER, kind)))
    assert text.startswith("I can only read text questions")


@pytest.mark.asyncio
async def test_markup_long_and_empty_questions_are_answered_safely(
    api: FakeBotApi, engine: Engine
) -> None:
    nasty = "<b>When</b> & was *ECPAT* _founded_ [x](y) </i> &amp;? <script>"
    async with OfflineBot(api, engine) as bot:
        [answer] = sent_texts(await bot.send(text_message(USER, nasty)))
        assert answer.startswith(engine.ask(nasty).text)
        assert bot.chat_data[USER][CONVERSATION].last.question == nasty
        huge = ("Where & <when> *was* _it_ [founded]? " * 110)[:4000]
        [long_answer] = sent_texts(await bot.send(text_message(USER, huge)))
        # The same reply the engine gives after the same first question ("it" may lean on
        # it), sent as valid HTML.
        _, after_first = engine.reply(Conversation(), nasty)
        expected, _ = engine.reply(after_first, huge)
        assert long_answer.startswith(expected.text)
        too_long = "x" * 4097
        [refused] = sent_texts(await bot.send(text_message(USER, too_long)))
        assert "too long" in refused
        [hint] = sent_texts(await bot.send(text_message(USER, " \n\t ")))
        assert hint == "Please type a question about the article."
        [unknown] = sent_texts(await bot.send(text_message(USER, "/frobnicate")))
        assert "/help" in unknown
    assert api.rejected() == []


@pytest.mark.asyncio
async def test_inline_mode_offers_the_answer(api: FakeBotApi, engine: Engine) -> None:
    async with OfflineBot(api, engine) as bot:
        [call] = await bot.send(inline_query(USER, "What is The Code?"))
        [empty] = await bot.send(inline_query(USER, "   "))
        [unknown] = await bot.send(inline_query(USER, "zebra quantum marmalade?"))
    assert call.method == "answerInlineQuery" and call.status == 200
    [result] = call.params["results"]
    assert result["type"] == "article"
    content = result["input_message_content"]
    assert content["parse_mode"] == "HTML"
    assert content["message_text"].startswith(engine.ask("What is The Code?").text)
    assert "<b>Source:</b>" in content["message_text"]
    assert (empty.status, empty.params["results"]) == (200, [])
    assert unknown.status == 200
    assert unknown.params["results"][0]["title"] == "The article doesn't say"


@pytest.mark.asyncio
async def test_per_user_question_limit(api: FakeBotApi, engine: Engine) -> None:
    async with OfflineBot(api, engine, questions_per_minute=2) as bot:
        first = sent_texts(await bot.send(text_message(USER, "When was ECPAT founded?")))
        second = sent_texts(await bot.send(text_message(USER, "Who chairs ECPAT?")))
        [notice] = sent_texts(await bot.send(text_message(USER, "What is The Code?")))
        ignored = await bot.send(text_message(USER, "What is The Code?"))
        other_user = sent_texts(await bot.send(text_message(USER + 1, "What is The Code?")))
        commands_still_work = sent_texts(await bot.send(text_message(USER, "/help")))
    assert first and second and other_user and commands_still_work
    assert "faster than I can keep up" in notice
    assert ignored == [], "only one notice per minute, then silence"


@pytest.mark.asyncio
async def test_allowlist_of_chat_ids(api: FakeBotApi, engine: Engine) -> None:
    async with OfflineBot(api, engine, allowed_chat_ids=[USER, GROUP]) as bot:
        assert await bot.send(text_message(USER + 1, "What is The Code?")) == []
        assert await bot.send(inline_query(USER + 1, "What is The Code?")) == []
        assert sent_texts(await bot.send(text_message(USER, "What is The Code?")))
        mention = f"{bot_mention()} what is The Code?"
        assert sent_texts(await bot.send(group_message(GROUP, mention)))
        assert await bot.send(group_message(GROUP - 1, mention)) == []


@pytest.mark.asyncio
async def test_errors_are_logged_with_traceback_and_the_user_told_politely(
    api: FakeBotApi, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    api.fail_next("sendMessage", 1, 400, "Bad Request: can't parse entities: /srv/bot/secret.py")
    async with OfflineBot(api, engine) as bot:
        with caplog.at_level(logging.ERROR):
            calls = await bot.send(text_message(USER, "What is The Code?"))
    assert [(c.method, c.status) for c in calls] == [
        ("sendChatAction", 200),
        ("sendMessage", 400),
        ("sendMessage", 200),
    ]
    assert calls[-1].response["result"]["text"] == SORRY
    [record] = [r for r in caplog.records if r.name == "bot.telegram.handlers"]
    assert record.exc_info is not None and "Traceback" in caplog.text


@pytest.mark.asyncio
async def test_the_token_never_reaches_the_logs(
    api: FakeBotApi, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    logging.getLogger("httpx").setLevel(logging.DEBUG)
    try:
        async with OfflineBot(api, engine):
            pass  # without redaction PTB logs the API URL, token included
        assert TOKEN in caplog.text, "the check below must be able to fail"
        caplog.clear()
        api.fail_next("sendMessage", 1, 500, f"echo of bot{TOKEN}")  # the token in an error
        with redacting(TOKEN):
            async with OfflineBot(api, engine) as bot:
                await bot.send(text_message(USER, "What is The Code?"))
    finally:
        logging.getLogger("httpx").setLevel(logging.WARNING)
    assert "Set Bot API URL" in caplog.text and "[REDACTED]" in caplog.text
    assert TOKEN not in caplog.text
    assert all(TOKEN not in r.getMessage() for r in caplog.records)


def test_one_line_network_errors_do_not_show_the_token(caplog: pytest.LogCaptureFixture) -> None:
    """The brief line for an unreachable server quotes the error, which may hold the API URL."""
    caplog.set_level(logging.INFO)
    logger = logging.getLogger("telegram.ext.Updater")
    brief = BriefNetworkErrors(TOKEN)
    logger.addFilter(brief)
    try:
        with redacting(TOKEN):
            try:
                raise NetworkError(f"cannot reach https://api.example/bot{TOKEN}/getUpdates")
            except NetworkError:
                logger.exception("Exception happened while polling for updates.")
    finally:
        logger.removeFilter(brief)
    assert "Exception happened while polling" in caplog.text and "[REDACTED]" in caplog.text
    assert TOKEN not in caplog.text and "Traceback" not in caplog.text


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "question",
    [
        "Where was the 1996 world congress held?",
        "hw mny ppl signed the petition",
        "where is their secretariat",  # a first "their" is the article's subject
        "what dose eck pat stand for",  # a name split in two
    ],
)
async def test_telegram_quotes_the_sentence_and_footnotes_ask_does(
    api: FakeBotApi, engine: Engine, question: str
) -> None:
    async with OfflineBot(api, engine) as bot:
        [text] = sent_texts(await bot.send(text_message(USER, question)))
    expected = engine.ask(question)
    assert expected.kind == "answer"
    assert text.startswith(expected.text)
    cited = [f"[{r.n}]" for r in expected.answer.citation.references]
    assert cited and [line.split()[0] for line in text.splitlines() if line[:1] == "["] == cited
