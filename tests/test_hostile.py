"""One message costs a bounded amount of work and memory, whatever it holds.

Work is measured by what the process did (the typo corrector left unbuilt, cache sizes,
tracemalloc's peak) and, where time is the only measure, by generous process-time bounds.
"""

from __future__ import annotations

import random
import string
import time
import tracemalloc
from dataclasses import replace

import pytest

from bot.config import AnswerConfig, Config
from bot.engine import Conversation, Engine, ReplyKind
from corpus import Article
from retrieval.analyzer import CACHED_WORD_CHARS, remembered_stem, stem
from retrieval.answer_type import asked_kind
from retrieval.budget import Deadline, OverBudget
from retrieval.reading import repeated_phrase
from retrieval.records import Reason
from retrieval.typos import build_speller
from retrieval.wordstats import remembered_zipf, zipf


def _engine(article: Article, **answer: object) -> Engine:
    return Engine(article, Config(answer=replace(AnswerConfig(), **answer)))


def _measured(engine: Engine, message: str, conversation: Conversation | None = None):
    """The reply to ``message``, its process time in seconds and tracemalloc's peak in bytes."""
    tracemalloc.start()
    start = time.process_time()
    try:
        reply, _ = engine.reply(conversation or Conversation(), message)
        spent = time.process_time() - start
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return reply, spent, peak


def test_the_length_limit_holds_for_the_normalised_text(engine: Engine) -> None:
    # "ﷺ" is one character that NFKC turns into 18: 1,000 of them are 18,000 characters read.
    reply = engine.ask("\ufdfa" * 1000)
    assert reply.kind is ReplyKind.INVALID
    assert "18,000 characters" in reply.text
    assert engine.ask("é" * 10 + " when was ECPAT founded?").kind is not ReplyKind.INVALID


def test_a_very_long_word_is_never_corrected(article: Article) -> None:
    engine = _engine(article)
    reply, _, peak = _measured(engine, "a" * 4000)
    assert reply.kind is ReplyKind.DECLINE
    # The corrector was never even built.
    assert engine.retriever._questions._spelling._speller is None
    assert peak < 20_000_000  # its deletions of this word alone were over 800 MB


def test_the_speller_skips_words_longer_than_its_limit() -> None:
    speller = build_speller([["lighthouse", "keeper"]])
    assert speller.correct("lighthuose") == "lighthouse"
    assert speller.correct("lighthuose" * 10) is None
    assert len(speller._cache) == 1  # the long word is not remembered either


def test_only_a_bounded_number_of_words_is_corrected_per_question(article: Article) -> None:
    engine = _engine(article, max_question_chars=40_000)
    rng = random.Random(7)
    message = " ".join(
        "".join(rng.choices(string.ascii_lowercase, k=rng.randint(5, 9))) for _ in range(4000)
    )
    _, spent, peak = _measured(engine, message)
    speller = engine.retriever._questions._spelling._speller
    assert speller is not None
    # Each word is looked up at most twice: as typed, then (no English word) read loosely.
    assert len(speller._cache) <= 2 * engine.config.retrieval.max_typo_words
    assert spent < 2.0 and peak < 50_000_000


def test_word_caches_keep_no_long_words() -> None:
    stems, zipfs = remembered_stem.cache_info().currsize, remembered_zipf.cache_info().currsize
    for n in range(50):
        word = f"{n}" + "x" * (CACHED_WORD_CHARS + 1000)
        assert stem(word) and zipf(word) == 0.0
    assert remembered_stem.cache_info().currsize == stems
    assert remembered_zipf.cache_info().currsize == zipfs


def test_memory_stays_flat_over_many_long_questions(article: Article) -> None:
    engine = _engine(article)
    engine.ask("When was ECPAT fonded?")  # builds what is built once: the speller, the tables
    rng = random.Random(3)
    tracemalloc.start()
    try:
        for _ in range(100):
            word = "".join(rng.choices(string.ascii_lowercase, k=2000))
            engine.ask(f"what is {word} and {word[::-1]}?")
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert held < 300_000  # 200 remembered 2,000-letter words would be over 400 KB a cache


def test_a_message_out_of_time_is_declined_with_its_reason(article: Article) -> None:
    engine = _engine(article, time_budget_ms=0.001)
    reply, conversation = engine.reply(Conversation(), "When was ECPAT founded?")
    assert reply.kind is ReplyKind.DECLINE
    assert "too long to work out" in reply.text
    assert conversation.last is not None
    assert conversation.last.decision.reason is Reason.OVER_BUDGET


def test_no_budget_and_the_default_budget_answer_the_same(article: Article, engine: Engine):
    unlimited = _engine(article, time_budget_ms=0)
    for question in ("When was ECPAT founded?", "Who chairs ECPAT?", "wat is the wether"):
        assert unlimited.ask(question) == engine.ask(question)


def test_a_deadline_raises_only_once_passed() -> None:
    Deadline.after(60_000).check("now")  # type: ignore[union-attr]
    assert Deadline.after(0) is None
    with pytest.raises(OverBudget, match="ranking"):
        Deadline(time.perf_counter() - 1).check("ranking")


def test_how_much_said_over_and_over_costs_its_length() -> None:
    start = time.process_time()
    assert asked_kind("how much " * 2000) == "number"  # the old pattern took seconds here
    assert time.process_time() - start < 0.5
    assert asked_kind("how much did it cost") == "money"
    assert asked_kind("how much\nmoney") == "number"  # the money word must be on its line


def test_a_repeated_phrase_is_declined_even_as_a_follow_up(engine: Engine) -> None:
    first, conversation = engine.reply(Conversation(), "When was ECPAT founded?")
    assert first.kind is ReplyKind.ANSWER
    reply, after = engine.reply(conversation, "how much " * 450)
    assert reply.kind is ReplyKind.DECLINE
    assert after.last is not None and after.last.decision.reason is Reason.REPEATED


@pytest.mark.parametrize(
    ("text", "repeated"),
    [
        ("how much " * 5, True),
        ("ecpat ecpat ecpat ecpat ecpat", True),
        ("founded\u200bfounded\u200bfounded\u200bfounded\u200bfounded", True),
        ("who is the chair of the board of the board of the board", False),
        ("very very very good question", False),
        ("When was ECPAT founded, and by whom was it founded?", False),
    ],
)
def test_repeated_phrases(text: str, repeated: bool) -> None:
    assert repeated_phrase(text, 5) is repeated


HOSTILE = {
    "a 4,000-letter word": "x" * 4000,
    "4,000 distinct words": " ".join(f"w{n}q" for n in range(4000)),
    "4,000 emoji": "😀" * 4000,
    "combining marks": "e" + "\u0301" * 4000,
    "zero-width characters": "When was ECPAT founded" + "\u200b" * 4000 + "?",
    "an article word 2,000 times": "ECPAT " * 2000,
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_messages_are_answered_quickly_in_bounded_memory(article: Article, name: str):
    engine = _engine(article, max_question_chars=40_000)
    engine.ask("When was ECPAT fonded?")  # what is built once is not counted
    reply, spent, peak = _measured(engine, HOSTILE[name])
    assert reply.kind in (ReplyKind.ANSWER, ReplyKind.DECLINE)
    assert spent < 2.0
    assert peak < 30_000_000
