"""The conversational engine: follow-ups, "more", "sources", small talk, idle expiry, bounds."""

from __future__ import annotations

import dataclasses

import pytest

from bot.config import Config, ConversationConfig
from bot.engine import Conversation, Engine, Reply
from corpus import Article
from corpus.records import Passage, Sentence
from retrieval.quoting import quote as answer_text
from retrieval.records import Hit

T0 = 1_000_000.0
TITLE = "End Child Prostitution and Trafficking"
URL = "https://en.wikipedia.org/wiki/ECPAT"
CODE_SECTION = (
    "The code of conduct for the protection of children from sexual exploitation in travel and "
    "tourism"
)
NOTHING_MORE = "That's all the article has on that question."
NO_SOURCES = "There is no answer to give sources for yet. Ask me a question first."


def talk(
    engine: Engine, *messages: str, now: float = T0, conversation: Conversation | None = None
) -> tuple[list[Reply], Conversation]:
    conversation = conversation or Conversation()
    replies = []
    for message in messages:
        reply, conversation = engine.reply(conversation, message, now=now)
        replies.append(reply)
    return replies, conversation


def engine_with(article: Article, **conversation: float) -> Engine:
    config = dataclasses.replace(Config(), conversation=ConversationConfig(**conversation))
    return Engine(article, config)


# -- answers -----------------------------------------------------------------------------------


def test_answer_reply(engine: Engine) -> None:
    (reply,), conversation = talk(engine, "When was ECPAT founded?")
    assert reply.kind == "answer"
    assert not reply.abstained
    assert "1990" in reply.text
    assert reply.answer is not None
    assert reply.answer.text == reply.text
    assert reply.answer.citation is not None
    assert (reply.answer.citation.article, reply.answer.citation.url) == (TITLE, URL)
    assert len(conversation.turns) == 1
    assert conversation.updated_at == T0


def test_decline_reply(engine: Engine) -> None:
    (reply,), conversation = talk(engine, "What is the capital of France?")
    assert reply.kind == "decline"
    assert reply.abstained
    assert reply.answer is not None and reply.answer.citation is None
    assert reply.text.startswith("Sorry, the article doesn't say.")
    assert len(conversation.turns) == 1


def test_ask_is_a_fresh_conversation_each_time(engine: Engine) -> None:
    alone = engine.ask("In how many countries?").text
    engine.ask("What is The Code?")
    assert engine.ask("In how many countries?").text == alone
    assert "42 countries" not in alone


# -- follow-ups --------------------------------------------------------------------------------


def test_follow_up_countries_of_the_code(engine: Engine) -> None:
    (_, reply), _ = talk(engine, "What is The Code?", "In how many countries?")
    assert reply.kind == "answer"
    assert "42 countries" in reply.text
    assert "93" not in reply.text
    assert reply.answer is not None and reply.answer.citation is not None
    assert reply.answer.citation.section == CODE_SECTION
    assert [r.n for r in reply.answer.citation.references] == [9, 10]


def test_same_question_standalone_is_about_ecpat(engine: Engine) -> None:
    (reply,), _ = talk(engine, "How many countries are in the network?")
    assert "93 countries" in reply.text


def test_follow_up_with_a_pronoun(engine: Engine) -> None:
    (first, reply), _ = talk(
        engine, "Tell me about the Stop Sex Trafficking campaign", "When did it run?"
    )
    assert "Stop Sex Trafficking" in first.text
    assert reply.kind == "answer"
    assert "2009" in reply.text


def test_follow_up_after_the_chair(engine: Engine) -> None:
    (_, reply), _ = talk(engine, "Who chairs ECPAT?", "What about the headquarters?")
    assert "Bangkok" in reply.text


def test_she_is_the_person_the_previous_answer_named(engine: Engine) -> None:
    # Only the infobox names the chair, and nothing says when she took the chair: "Founded:
    # 1990" is ECPAT's start, not hers.
    (chair, when), _ = talk(engine, "Who chairs ECPAT?", "when did she start")
    assert "Carol Bellamy" in chair.text
    assert when.kind == "decline", when.text
    (_, asked_by_name), _ = talk(engine, "who is carol bellamy", "when did she start")
    assert asked_by_name.kind == "decline", asked_by_name.text
    (_, name), _ = talk(engine, "Who chairs ECPAT?", "what was her name again")
    assert name.kind == "answer" and "Carol Bellamy" in name.text
    # "it" is no person: the same question about ECPAT is answered with its founding.
    (_, founded), _ = talk(engine, "Who chairs ECPAT?", "when did it start")
    assert founded.kind == "answer" and "1990" in founded.text


def test_standalone_question_is_not_bent_by_the_previous_one(engine: Engine) -> None:
    (_, reply), _ = talk(engine, "What is The Code?", "When was ECPAT founded?")
    assert "1990" in reply.text
    assert reply.text == engine.ask("When was ECPAT founded?").text
    assert reply.answer is not None and reply.answer.citation is not None
    assert reply.answer.citation.section == "Infobox"


@pytest.mark.parametrize(
    ("question", "word"),
    [
        ("Who is Carol Bellamy?", "Carol Bellamy"),
        ("What is The Code?", "protocols"),
        ("Where is the secretariat?", "secretariat"),
    ],
)
def test_one_word_standalone_question_is_not_bent(engine: Engine, question: str, word: str):
    assert word in engine.ask(question).text
    (_, reply), _ = talk(engine, "Tell me about the Stop Sex Trafficking campaign", question)
    assert word in reply.text


def test_follow_up_after_a_decline_is_read_as_if_asked_alone(engine: Engine) -> None:
    """A declined question lends nothing: what follows it reads as a fresh question."""
    question = "How many countries are in the network?"
    (_, reply), _ = talk(engine, "What is the capital of France?", question)
    assert reply.kind == "answer"
    assert "93 countries" in reply.text
    (_, elliptic), _ = talk(engine, "What is the capital of France?", "In how many countries?")
    (alone,), _ = talk(engine, "In how many countries?")
    assert elliptic.kind == alone.kind
    assert elliptic.text.split("Try")[0].strip() == alone.text.split("Try")[0].strip()


# -- more --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "word", ["more", "tell me more", "next", "More please!", ":more", "/more", "go on"]
)
def test_more_walks_the_ranked_passages(engine: Engine, word: str) -> None:
    (first, second, third, fourth, fifth), conversation = talk(
        engine, "When was ECPAT founded?", word, word, word, word
    )
    hits = first.answer.hits
    assert len(hits) == 3
    assert second.kind == third.kind == fourth.kind == "more"
    assert second.text == " ".join(s.text for s in hits[1].passage.sentences)
    # The third passage only names ECPAT: it no longer bears on the question, so "more" stops.
    assert hits[2].coverage < Config().answer.min_coverage
    assert third.text == NOTHING_MORE
    assert second.text != first.text
    assert "In 1990, researchers and activists" in second.text
    assert second.answer is not None and second.answer.citation is not None
    assert second.answer.citation.section == hits[1].passage.section
    # The whole passage is shown, so all its footnotes are cited: lead-3 has [2] in its
    # first sentence only.
    assert hits[1].passage.id == "lead-3" and hits[1].sentences == ()  # never quoted
    assert [r.n for r in second.answer.citation.references] == [2]
    assert third.answer is None
    assert fourth.text == fifth.text == NOTHING_MORE
    assert len(conversation.turns) == 1  # "more" is not a new question


def test_more_after_a_decline_starts_with_the_best_passage(engine: Engine) -> None:
    (declined, reply), _ = talk(engine, "Who founded ECPAT by name?", "more")
    assert declined.kind == "decline"
    hits = declined.answer.hits
    assert hits and hits[0].coverage > 0
    assert reply.kind == "more"
    assert reply.text == " ".join(s.text for s in hits[0].passage.sentences)


def test_more_before_any_question(engine: Engine) -> None:
    (reply,), conversation = talk(engine, "more")
    assert reply.kind == "more"
    assert reply.answer is None
    assert reply.text == "Ask me a question first; then “more” shows the next passage."
    assert conversation == Conversation()


def test_more_when_only_one_passage_matches(engine: Engine) -> None:
    (_, reply), _ = talk(engine, "What is The Code?", "more")
    assert reply.text == NOTHING_MORE


def test_more_is_not_a_question_inside_a_sentence(engine: Engine) -> None:
    (reply,), _ = talk(engine, "How many more countries joined?")
    assert reply.kind in ("answer", "decline")


# -- sources -----------------------------------------------------------------------------------


CODE_SOURCES = (
    f"Source: {TITLE} › {CODE_SECTION} — {URL}\n"
    '  [9] Ms. Anne van der TuukAbang Africa Travel (2013-11-21). "History". The Code. '
    "Retrieved 2014-01-22.\n"
    '  [10] Hetter, Katia. "Fighting sex trafficking in hotels, one room at a time". CNN.'
)


@pytest.mark.parametrize(
    "word", ["sources", "where is that from?", "References", "what's the source?", ":sources"]
)
def test_sources_list_the_references(engine: Engine, word: str) -> None:
    (answer, reply), conversation = talk(engine, "What is The Code?", word)
    assert reply.kind == "sources"
    assert reply.text == CODE_SOURCES
    assert reply.answer == answer.answer
    assert len(conversation.turns) == 1


def test_sources_without_footnotes(engine: Engine) -> None:
    (_, reply), _ = talk(engine, "When was ECPAT founded?", "sources")
    assert reply.text == f"Source: {TITLE} › Infobox — {URL}\n(no footnotes on this passage)"


def test_sources_before_a_question_and_after_a_decline(engine: Engine) -> None:
    (before, _, after), _ = talk(engine, "sources", "What is the capital of France?", "sources")
    assert before.text == after.text == NO_SOURCES
    assert before.kind == after.kind == "sources"


def test_sources_of_a_follow_up_sentence(engine: Engine) -> None:
    (_, _, reply), _ = talk(engine, "Tell me about ECPAT's agreements", "with whom?", "sources")
    assert "[13]" in reply.text and "[14]" in reply.text


# -- small talk --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "start"),
    [
        ("hi", "Hello! Ask me anything about"),
        ("Hello there!", "Hello! Ask me anything about"),
        ("thanks", "You're welcome!"),
        ("Thank you so much", "You're welcome!"),
        ("who are you?", "I'm a bot that answers questions about the Wikipedia article"),
        ("what can you do?", "Ask me a question about"),
        ("help", "Ask me a question about"),
        ("/start", "Ask me a question about"),
        ("bye", "Goodbye!"),
    ],
)
def test_small_talk_gets_no_passage(engine: Engine, message: str, start: str) -> None:
    _, asked = talk(engine, "What is The Code?")
    (reply,), conversation = talk(engine, message, conversation=asked)
    assert reply.kind == "smalltalk"
    assert reply.answer is None
    assert reply.abstained
    assert reply.text.startswith(start)
    assert TITLE in reply.text or "Goodbye" in reply.text or "welcome" in reply.text
    assert conversation.turns == asked.turns  # the question is still there for "sources"


def test_help_names_examples(engine: Engine) -> None:
    (reply,), _ = talk(engine, "help")
    for example in ("When was ECPAT founded?", "Who chairs ECPAT?", "What is The Code?"):
        assert example in reply.text


def test_small_talk_words_inside_a_question_are_a_question(engine: Engine) -> None:
    (reply,), _ = talk(engine, "thanks to which partner did ECPAT co-organise the congress?")
    assert reply.kind != "smalltalk"


def test_sources_still_work_after_small_talk(engine: Engine) -> None:
    (_, _, reply), _ = talk(engine, "What is The Code?", "thanks", "sources")
    assert reply.text == CODE_SOURCES


# -- invalid messages --------------------------------------------------------------------------


@pytest.mark.parametrize("message", ["", "   ", "\n\t "])
def test_empty_message(engine: Engine, message: str) -> None:
    (reply,), conversation = talk(engine, message)
    assert (reply.kind, reply.answer) == ("invalid", None)
    assert reply.text == "Please type a question about the article."
    assert conversation == Conversation()


def test_too_long_message(engine: Engine) -> None:
    _, asked = talk(engine, "What is The Code?")
    (reply,), conversation = talk(engine, "x" * 4097, conversation=asked)
    assert reply.kind == "invalid"
    assert reply.text == ("That question is too long (4,097 characters); please use at most 4,096.")
    assert conversation == asked
    (reply,), _ = talk(engine, "  " + "x" * 4096 + "  ")  # surrounding space does not count
    assert reply.kind != "invalid"


# -- bounds, idle expiry, pickling -------------------------------------------------------------


def test_conversation_keeps_at_most_max_turns(article: Article) -> None:
    engine = engine_with(article, max_turns=3)
    questions = [
        "When was ECPAT founded?",
        "Who chairs ECPAT?",
        "What is The Code?",
        "Where is the secretariat?",
        "What is the capital of France?",
    ]
    _, conversation = talk(engine, *questions)
    assert [t.question for t in conversation.turns] == questions[-3:]


def test_default_conversation_keeps_ten_turns(engine: Engine) -> None:
    _, conversation = talk(engine, *[f"Question number {i} about ECPAT?" for i in range(12)])
    assert len(conversation.turns) == 10
    assert conversation.turns[0].question == "Question number 2 about ECPAT?"


def test_idle_conversation_starts_afresh(article: Article) -> None:
    engine = engine_with(article, idle_minutes=5)
    _, asked = talk(engine, "What is The Code?", now=T0)
    # Still within the idle limit: the follow-up is about the Code.
    (reply,), _ = talk(engine, "In how many countries?", now=T0 + 5 * 60, conversation=asked)
    assert "42 countries" in reply.text
    # Past it: the same follow-up is a fresh question, and "sources"/"more" know nothing.
    (reply,), fresh = talk(
        engine, "In how many countries?", now=T0 + 5 * 60 + 1, conversation=asked
    )
    assert "42 countries" not in reply.text
    assert reply.text == talk(engine, "In how many countries?", now=T0)[0][0].text
    assert [t.question for t in fresh.turns] == ["In how many countries?"]
    assert fresh.updated_at == T0 + 301
    (reply,), expired = talk(engine, "sources", now=T0 + 301, conversation=asked)
    assert reply.text == NO_SOURCES
    assert expired == Conversation()
    (reply,), _ = talk(engine, "more", now=T0 + 301, conversation=asked)
    assert reply.text.startswith("Ask me a question first")


def test_default_idle_limit_is_an_hour(engine: Engine) -> None:
    _, asked = talk(engine, "When was ECPAT founded?", now=T0)
    (reply,), _ = talk(engine, "more", now=T0 + 3600, conversation=asked)
    assert reply.text.startswith("In 1990")
    (reply,), _ = talk(engine, "more", now=T0 + 3601, conversation=asked)
    assert reply.text.startswith("Ask me a question first")


def test_more_counts_as_activity(article: Article) -> None:
    engine = engine_with(article, idle_minutes=5)
    _, conversation = talk(engine, "When was ECPAT founded?", now=T0)
    (first,), conversation = talk(engine, "more", now=T0 + 240, conversation=conversation)
    assert first.text.startswith("In 1990")
    (second,), _ = talk(engine, "more", now=T0 + 480, conversation=conversation)
    assert second.text == NOTHING_MORE  # still the same conversation: not "ask me first"


def test_conversation_is_immutable(engine: Engine) -> None:
    before = Conversation()
    _, after = talk(engine, "When was ECPAT founded?", conversation=before)
    assert before == Conversation()
    assert after is not before
    with pytest.raises(dataclasses.FrozenInstanceError):
        after.turns = ()  # type: ignore[misc]


def test_a_message_that_is_only_a_mention_asks_for_a_question(engine: Engine) -> None:
    reply = engine.ask("@ecpat_bot")
    assert (reply.kind, reply.text) == ("invalid", "Please type a question about the article.")
    assert "Carol Bellamy" in engine.ask("@ecpat_bot who chairs ECPAT?").text


def test_an_infobox_fact_is_answered_with_whose_it_is() -> None:
    facts = (Sentence("Lumen Guild."), Sentence("Founded: 1850."), Sentence("Type: Guild."))
    named = Passage("infobox", "Infobox", " ".join(s.text for s in facts), facts)
    assert answer_text(Hit(named, 1.0, 1.0, (1,))) == "Lumen Guild — Founded: 1850."
    assert answer_text(Hit(named, 1.0, 1.0, (0, 1))) == "Lumen Guild. Founded: 1850."
    unnamed = Passage("infobox", "Infobox", "Founded: 1850.", facts[1:2])
    assert answer_text(Hit(unnamed, 1.0, 1.0, (0,))) == "Founded: 1850."
    lead = Passage("lead-1", "Lead", "Lumen Guild. It lights lamps.", (facts[0], Sentence("x.")))
    assert answer_text(Hit(lead, 1.0, 1.0, (1,))) == "x."  # only the infobox is prefixed


def test_only_the_first_decline_of_a_conversation_suggests_questions(engine: Engine) -> None:
    (first, second), _ = talk(
        engine, "What is the capital of France?", "Who won the 1998 world cup?"
    )
    assert first.kind == second.kind == "decline"
    assert first.text.startswith("Sorry, the article doesn't say. Try, for example:")
    assert second.text == "Sorry, the article doesn't say."
