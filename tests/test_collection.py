"""A collection of articles: ``--article`` repeated or a folder, ``article.path`` as a list,
answers and citations from the right article, follow-ups that stay with it, Telegram."""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_helpers import assert_usage_error, run_main
from conftest import SMALL_ARTICLE
from fake_bot_api import FakeBotApi
from fake_bot_api_harness import OfflineBot
from fake_bot_api_updates import text_message

from bot.config import load_config
from bot.engine import Conversation, Engine
from corpus import load_collection

GUILD_URL = "https://example.org/wiki/Lighthouse_Keepers_Guild"
PILOTS_URL = "https://example.org/wiki/Harbour_Pilots_Association"
GUILD = SMALL_ARTICLE.replace("\n\n", f"\nURL: {GUILD_URL}\n\n", 1)
PILOTS = f"""Harbour Pilots Association
URL: {PILOTS_URL}

From Wikipedia, the free encyclopedia

The Harbour Pilots Association is a fictional union of pilots who steer large ships into \
port.[1] It has its headquarters in Northwick.[2]

History[edit]

The association was founded in 1888 by six harbour masters, and it opened a school for \
pilots in 1920.[2]

Fleet[edit]

The association owns fourteen pilot boats, the oldest of which was built in 1931.[1]

  1. ^ "About us". harbourpilots.org. Retrieved 2021-05-01.
  2. ^ Northwick Chronicle (1990). "Pilots move in".
"""
GUILD_TITLE, PILOTS_TITLE = "Lighthouse Keepers Guild", "Harbour Pilots Association"
BOATS = "How many pilot boats does the association own?"
BOATS_ANSWER = (
    "The association owns fourteen pilot boats, the oldest of which was built in 1931.\n\n"
    f"Source: {PILOTS_TITLE} › Fleet — {PILOTS_URL}\n"
    '  [1] "About us". harbourpilots.org. Retrieved 2021-05-01. <https://harbourpilots.org>\n'
)
SCHOOL = "When did the guild open its first training school?"
SCHOOL_ANSWER = (
    "The guild opened its first training school in 1902, teaching lamp care and signal codes.\n\n"
    f"Source: {GUILD_TITLE} › History — {GUILD_URL}\n"
    "  [3] https://example.org/guild/school\n"
)


@pytest.fixture
def shelf(tmp_path: Path) -> Path:
    """A folder with the two articles (and a file that is not an article)."""
    folder = tmp_path / "shelf"
    folder.mkdir()
    (folder / "guild.txt").write_text(GUILD, encoding="utf-8")
    (folder / "pilots.txt").write_text(PILOTS, encoding="utf-8")
    (folder / "notes.md").write_text("not an article", encoding="utf-8")
    return folder


@pytest.fixture
def cli(isolated: Path, capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    return functools.partial(run_main, capsys)


def ask(cli: Callable[..., tuple[int, str, str]], question: str, *flags: str) -> str:
    code, out, err = cli("ask", question, *flags)
    assert (code, err) == (0, ""), err
    return out


# -- corpus ------------------------------------------------------------------------------------


def test_a_folder_is_its_txt_articles_with_ids_unique_across_them(shelf: Path) -> None:
    collection = load_collection([str(shelf)])
    assert collection.titles == (GUILD_TITLE, PILOTS_TITLE)  # by file name: guild, pilots
    ids = [p.id for p in collection.passages]
    assert len(ids) == len(set(ids))
    assert "lighthouse-keepers-guild/history-1" in ids
    assert "harbour-pilots-association/history-1" in ids
    assert {p.article for p in collection.passages} == {GUILD_TITLE, PILOTS_TITLE}


def test_the_url_line_is_the_articles_link_and_not_its_text(shelf: Path) -> None:
    guild, pilots = load_collection([str(shelf)]).articles
    assert (guild.url, pilots.url) == (GUILD_URL, PILOTS_URL)
    assert all("URL" not in value for _, value in guild.facts)
    assert guild.facts[0] == ("Name", GUILD_TITLE)
    assert all("example.org/wiki" not in p.text for p in pilots.passages)


def test_one_article_keeps_its_ids(small_article: Path) -> None:
    collection = load_collection([str(small_article)])
    assert [p.id for p in collection.passages] == ["infobox", "lead-1", "history-1"]


# -- ask ---------------------------------------------------------------------------------------


def test_each_question_is_answered_from_its_own_article(cli, shelf: Path) -> None:
    assert ask(cli, BOATS, "--article", str(shelf)) == BOATS_ANSWER
    assert ask(cli, SCHOOL, "--article", str(shelf)) == SCHOOL_ANSWER


def test_json_names_the_article_of_the_answer(cli, shelf: Path) -> None:
    data = json.loads(
        ask(cli, "Where is the association's headquarters?", "--json", "--article", str(shelf))
    )
    assert "Northwick" in data["answer"]
    assert data["citation"]["article"] == PILOTS_TITLE
    assert data["citation"]["url"] == PILOTS_URL
    # "It has its headquarters in Northwick.[2]", quoted after the sentence naming "it".
    assert [r["n"] for r in data["citation"]["references"]] == [1, 2]
    assert data["passages"][0]["id"].startswith("harbour-pilots-association/")


def test_article_flag_repeats(cli, shelf: Path) -> None:
    flags = ("--article", str(shelf / "pilots.txt"), "--article", str(shelf / "guild.txt"))
    assert ask(cli, BOATS, *flags) == BOATS_ANSWER
    assert ask(cli, SCHOOL, *flags) == SCHOOL_ANSWER


def test_config_takes_a_list_of_paths(cli, shelf: Path, isolated: Path) -> None:
    (isolated / "bot.toml").write_text(
        '[article]\npath = ["shelf/guild.txt", "shelf/pilots.txt"]\n', encoding="utf-8"
    )
    assert shelf.parent == isolated  # relative paths are read from the config's folder
    assert ask(cli, BOATS, "--config", "bot.toml") == BOATS_ANSWER
    assert ask(cli, SCHOOL, "--config", "bot.toml") == SCHOOL_ANSWER


def test_env_separates_paths_like_path(cli, shelf: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = os.pathsep.join([str(shelf / "guild.txt"), str(shelf / "pilots.txt")])
    monkeypatch.setenv("ECPAT_BOT_ARTICLE_PATH", paths)
    assert ask(cli, BOATS) == BOATS_ANSWER


def test_a_decline_names_the_collections_articles(cli, shelf: Path) -> None:
    out = ask(cli, "What is the capital of France?", "--article", str(shelf))
    assert out == (
        "Sorry, the articles don't say. It covers: Lighthouse Keepers Guild; "
        "Harbour Pilots Association.\n"
    )


def test_without_a_url_line_another_article_has_no_link(cli, shelf: Path) -> None:
    (shelf / "pilots.txt").write_text(PILOTS.replace(f"URL: {PILOTS_URL}\n", ""), "utf-8")
    out = ask(cli, BOATS, "--article", str(shelf))
    assert f"Source: {PILOTS_TITLE} › Fleet\n" in out


# -- conversations -----------------------------------------------------------------------------


def test_a_follow_up_stays_with_the_previous_article(shelf: Path) -> None:
    """Both articles say who founded them; "it" is the association just answered about."""
    engine = Engine.from_config(load_config(None, {"article.path": [str(shelf)]}, {}))
    first, conversation = engine.reply(Conversation(), BOATS, now=0)
    assert first.answer is not None and first.answer.citation is not None
    assert first.answer.citation.article == PILOTS_TITLE
    reply, conversation = engine.reply(conversation, "Who founded it?", now=1)
    decision = conversation.last.decision  # quoted from the association, answered or not
    assert decision.best is not None and "six harbour masters" in decision.quote
    assert decision.best.passage.article == PILOTS_TITLE
    # Both opened a school: "it" is still the association.
    reply, _ = engine.reply(conversation, "When did it open its school?", now=2)
    assert "in 1920" in reply.text
    # Naming the other article leaves the previous one.
    reply, _ = engine.reply(conversation, "And when did the guild open its school?", now=2)
    assert "in 1902" in reply.text
    assert reply.answer is not None and reply.answer.citation is not None
    assert reply.answer.citation.article == GUILD_TITLE


def test_in_a_collection_an_opening_pronoun_is_nobodys(shelf: Path) -> None:
    engine = Engine.from_config(load_config(None, {"article.path": [str(shelf)]}, {}))
    assert engine.pipeline.opening() is None
    question = engine.pipeline.analyse("Who founded it?", engine.pipeline.opening())
    assert not question.query.inherited and set(question.query.terms) == {"found"}


def test_sources_after_a_follow_up_cite_its_article(shelf: Path) -> None:
    engine = Engine.from_config(load_config(None, {"article.path": [str(shelf)]}, {}))
    _, conversation = engine.reply(Conversation(), SCHOOL, now=0)
    reply, _ = engine.reply(conversation, "sources", now=1)
    assert reply.text.startswith(f"Source: {GUILD_TITLE} › History — {GUILD_URL}")


# -- bad input ---------------------------------------------------------------------------------


def test_a_folder_without_articles_is_an_error(cli, isolated: Path) -> None:
    (isolated / "empty").mkdir()
    (isolated / "empty" / "readme.md").write_text("no articles here", encoding="utf-8")
    err = assert_usage_error(*cli("ask", "When?", "--article", "empty"))
    assert "no .txt articles in folder" in err


def test_a_missing_file_among_several_is_an_error(cli, shelf: Path) -> None:
    err = assert_usage_error(*cli("ask", "When?", "--article", str(shelf), "--article", "nope.txt"))
    assert "article not found: nope.txt" in err


def test_an_empty_article_in_a_folder_is_an_error(cli, shelf: Path) -> None:
    (shelf / "blank.txt").write_text("  \n", encoding="utf-8")
    err = assert_usage_error(*cli("ask", "When?", "--article", str(shelf)))
    assert "the article is empty" in err and "blank.txt" in err


def test_configured_url_with_several_articles_is_an_error(cli, shelf: Path, monkeypatch) -> None:
    monkeypatch.setenv("ECPAT_BOT_ARTICLE_URL", "https://example.org/one")
    err = assert_usage_error(*cli("ask", "When?", "--article", str(shelf)))
    assert "article.url" in err


# -- Telegram ----------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_telegram_names_every_article_and_lists_the_answers_references(shelf: Path) -> None:
    engine = Engine.from_config(load_config(None, {"article.path": [str(shelf)]}, {}))
    user = 4242

    def texts(calls: list) -> list[str]:
        return [c.response["result"]["text"] for c in calls if c.method == "sendMessage"]

    with FakeBotApi() as api:
        async with OfflineBot(api, engine) as bot:
            [start] = texts(await bot.send(text_message(user, "/start")))
            assert f"“{GUILD_TITLE}”, “{PILOTS_TITLE}”" in start
            [about] = [
                c.response["result"]
                for c in await bot.send(text_message(user, "/about"))
                if c.method == "sendMessage"
            ]
            links = {e.get("url") for e in about["entities"]}
            assert {GUILD_URL, PILOTS_URL} <= links
            [answer] = texts(await bot.send(text_message(user, BOATS)))
            assert "fourteen pilot boats" in answer and PILOTS_TITLE in answer
            [sources] = texts(await bot.send(text_message(user, "/sources")))
            assert sources.startswith(f"References of “{PILOTS_TITLE}”")
