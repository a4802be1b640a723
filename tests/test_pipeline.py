"""The answering pipeline as people ask: chat spelling, markup, greetings, follow-ups, citations,
and questions that share a word with the article but ask about something else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.engine import Conversation, Engine, Reply
from retrieval.decision import Blend, ModelError, fit, load_model
from retrieval.pipeline import Reason
from retrieval.reading import clean, counted_term, focus_term
from retrieval.signals import NAMES
from retrieval.stopwords import STOP_WORDS
from retrieval.synonyms import single_words
from retrieval.wordstats import (
    english_spelling,
    function_word_spelling,
    information,
    is_english,
    zipf,
)


def chat(engine: Engine, *messages: str) -> list[Reply]:
    conversation, replies = Conversation(), []
    for message in messages:
        reply, conversation = engine.reply(conversation, message)
        replies.append(reply)
    return replies


def answered(reply: Reply, *fragments: str) -> None:
    assert reply.kind == "answer", reply.text
    for fragment in fragments:
        assert fragment in reply.text


def declined(reply: Reply) -> None:
    assert reply.kind == "decline", reply.text
    assert reply.text.startswith("Sorry, the article doesn't say.")


# -- general word statistics -------------------------------------------------------------------


def test_word_statistics_tell_chat_from_rare_words() -> None:
    assert zipf("the") > 7 and zipf("weather") > 4 and zipf("qzxv") == 0.0
    assert information("the") < information("weather") < information("photosynthesis")
    assert is_english("chairperson") and not is_english("chiarperson")


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("chiarperson", "chairperson"), ("hw", "how"), ("mny", "many"), ("ppl", "people")],
)
def test_english_spelling(typed: str, meant: str) -> None:
    assert english_spelling(typed) == meant


def test_a_real_word_is_not_respelled() -> None:
    assert english_spelling("weather") is None and english_spelling("stockholm") is None


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("hav", "have"), ("thier", "their"), ("teh", "the"), ("mnay", "many"), ("adn", "and")],
)
def test_chat_spelling_of_a_function_word(typed: str, meant: str) -> None:
    assert function_word_spelling(typed, STOP_WORDS) == meant


@pytest.mark.parametrize("word", ["hat", "bot", "war", "fee", "tame", "diff", "weather", "x"])
def test_a_word_of_its_own_is_no_chat_spelling(word: str) -> None:
    assert function_word_spelling(word, STOP_WORDS) is None


def test_chat_spelling_is_read_as_the_word_meant(engine: Engine) -> None:
    query = engine.retriever.query("wat dose ecpat stnad for")
    assert dict(query.corrections)["wat"] in STOP_WORDS
    assert "wat" not in dict(query.weights)


# -- reading the question ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "question"),
    [
        ("<b>where is ecpat based</b>", "where is ecpat based"),
        ("**how many countries** is ecpat in?", "how many countries is ecpat in?"),
        ("```when was it founded```", "when was it founded"),
        ("hi there! sorry to bother you, when was ecpat founded?", "when was ecpat founded?"),
        ("thanks! and who founded it?", "and who founded it?"),
        ("In 1996, where was it?", "In 1996, where was it?"),
        ("@ecpat_bot who chairs ECPAT?", "who chairs ECPAT?"),
        ("who chairs ECPAT? @ecpat_bot", "who chairs ECPAT?"),
        ("can i write to info@ecpat", "can i write to info@ecpat"),
    ],
)
def test_markup_and_chatter_are_noise(message: str, question: str) -> None:
    assert clean(message) == question


def test_phrasal_verbs_read_as_one_word() -> None:
    assert single_words("Who came up with it?") == "Who devised it?"
    assert single_words("when was it set up") == "when was it established"


def test_focus_is_the_thing_asked_about() -> None:
    assert focus_term("How many employees does ECPAT have?") == "employe"
    assert focus_term("which city is it in") == "citi"
    assert focus_term("When was it founded?") is None


# -- answers and declines ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "when was unicef founded",
        "what is the capital of sweden",
        "what's the weather in bangkok",
        "How does photosynthesis work?",
    ],
)
def test_other_topics_sharing_a_word_are_declined(engine: Engine, question: str) -> None:
    declined(engine.ask(question))


@pytest.mark.parametrize(
    ("question", "fragment"),
    [
        ("who's the boss of ecpat", "Carol Bellamy"),
        ("who's in charge", "Carol Bellamy"),
        ("hw mny ppl signed the petition", "7 million"),
        ("hi there! sorry to bother you, when was ecpat founded?", "1990"),
        ("whats the code?", "set of protocols"),
        ("<b>where is ecpat based</b>", "Bangkok"),
        ("What is this article about?", "global network"),
        ("ecpat", "global network"),  # only the article's name: what is it?
        ("ECPAT?", "global network"),
    ],
)
def test_questions_as_people_type_them(engine: Engine, question: str, fragment: str) -> None:
    answered(engine.ask(question), fragment)


@pytest.mark.parametrize(
    "message", ["unicef", "sweden", "bangkok", "where is ecpat", "when was ecpat founded"]
)
def test_a_bare_name_the_article_is_not_about_is_no_definition_question(
    engine: Engine, message: str
) -> None:
    question = engine.pipeline.analyse(message)
    assert question.text == message and not question.definition


def test_follow_ups_inherit_the_subject_and_passage(engine: Engine) -> None:
    code, who, when = chat(engine, "whats the code?", "who came up with it?", "when was that?")
    answered(code, "The Code")
    answered(who, "ECPAT Sweden")
    answered(when, "1996")


def test_an_opening_pronoun_stands_for_the_articles_subject(engine: Engine) -> None:
    pipeline = engine.pipeline
    opening = pipeline.opening()
    question = pipeline.analyse("where do they have their main office", opening)
    assert question.query.terms.get("ecpat") == 0.5  # the name term the article uses most
    assert "ecpat" in question.query.inherited and not question.followup
    assert "ecpat" not in dict(question.words)  # what it asks about stays its own words
    # "this" or "there" may point anywhere; only it / they and their forms stand for it.
    assert "ecpat" not in pipeline.analyse("where is this office", opening).query.terms
    # After a declined question "it" may be that question's topic: nothing is lent.
    assert "ecpat" not in pipeline.analyse("where was it held").query.terms
    # After an answer the pronoun is the previous answer's subject, as before.
    context = pipeline.answer("whats the code?").context()
    assert "ecpat" not in pipeline.analyse("who came up with it?", context).query.terms


def test_the_engine_lends_the_subject_only_to_a_conversations_first_question(
    engine: Engine,
) -> None:
    _, first = engine.reply(Conversation(), "who founded it")
    assert first.last is not None and "ecpat" in first.last.decision.question.query.terms
    _, after = engine.reply(Conversation(), "qzxv wibble")
    _, after = engine.reply(after, "who founded it")
    assert after.last is not None and "ecpat" not in after.last.decision.question.query.terms


def test_a_sentence_is_sourced_by_the_marker_closing_its_paragraph(engine: Engine) -> None:
    reply = engine.ask("Where was the 1996 world congress held?")
    answered(reply, "Stockholm")
    assert reply.answer is not None and reply.answer.citation is not None
    # [4] closes the paragraph; [3] only sources the name "Child Rights Connect".
    assert [r.n for r in reply.answer.citation.references] == [4, 3]


def test_the_names_the_parser_gives_sections_are_not_article_words(engine: Engine) -> None:
    lead = engine.article.passages[1]
    assert lead.section == "Lead" and lead.heading == ""
    assert engine.article.passages[0].heading == ""  # the infobox
    assert engine.pipeline.retriever.index.row("lead") is None
    # "lead" is no word of the article: the lead section's network sentence does not answer.
    reply = engine.ask("who leads ecpat")
    assert "102 member organisations" not in reply.text
    named = next(p for p in engine.article.passages if p.section not in ("Lead", "Infobox"))
    assert named.heading == named.section


def test_the_decision_is_one_record_with_its_reason(engine: Engine) -> None:
    decision = engine.pipeline.answer("When was ECPAT founded?")
    assert decision.answered and decision.reason is Reason.ANSWERED
    assert 0.5 < decision.confidence <= 1.0
    assert dict(decision.signals).keys() == set(NAMES)
    nothing = engine.pipeline.answer("qzxv wibble")
    assert not nothing.answered and nothing.reason is Reason.NO_MATCH


# -- the model file ----------------------------------------------------------------------------


def test_the_shipped_model_reads_every_signal() -> None:
    assert load_model().features == NAMES


def test_a_fitted_model_separates_and_round_trips(tmp_path: Path) -> None:
    rows = [{"coverage": c / 10} for c in range(11)] * 4
    labels = [int(r["coverage"] > 0.5) for r in rows]
    model = fit(rows, labels, ("coverage",), l2=0.1)
    assert model.probability({"coverage": 0.9}) > 0.9 > 0.1 > model.probability({"coverage": 0.1})
    path = tmp_path / "model.json"
    path.write_text(json.dumps(model.to_json()), encoding="utf-8")
    assert load_model(path).weights == model.weights


@pytest.mark.parametrize("text", ["not json", "{}", '{"features": ["a"], "mean": []}'])
def test_a_corrupt_model_is_a_model_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "model.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ModelError):
        load_model(path)


def test_an_ignored_signal_counts_as_its_mean(engine: Engine) -> None:
    model = load_model()
    values = dict(engine.pipeline.answer("When was ECPAT founded?").signals)
    for part in model.models if isinstance(model, Blend) else (model,):
        neutral = dict(values, kind_fits=part.mean[part.features.index("kind_fits")])
        assert part.probability(values, {"kind_fits"}) == pytest.approx(part.probability(neutral))
    assert model.probability(values, {"kind_fits"}) != model.probability(values)


def test_ignore_signals_is_a_checked_config_list() -> None:
    from bot.config import ConfigError, build_config

    config = build_config({"answer": {"ignore_signals": ["margin"]}}, env={})
    assert config.answer.ignore_signals == ("margin",)
    env = {"ECPAT_BOT_ANSWER_IGNORE_SIGNALS": "margin, score"}
    assert build_config({}, env=env).answer.ignore_signals == ("margin", "score")
    with pytest.raises(ConfigError, match=r"answer\.ignore_signals must be a list of signal names"):
        build_config({"answer": {"ignore_signals": ["nope"]}}, env={})


def test_the_kinds_of_evidence_are_a_checked_config_list() -> None:
    from bot.config import ConfigError, build_config
    from retrieval.evidence_kinds import NAMES as KINDS

    assert build_config({}, env={}).retrieval.evidence == KINDS
    config = build_config({"retrieval": {"evidence": ["phrase"]}}, env={})
    assert config.retrieval.settings().evidence == ("phrase",)
    env = {"ECPAT_BOT_RETRIEVAL_EVIDENCE": "sentence, followup"}
    assert build_config({}, env=env).retrieval.evidence == ("sentence", "followup")
    with pytest.raises(ConfigError, match=r"retrieval\.evidence must be a list of kinds"):
        build_config({"retrieval": {"evidence": ["sentences"]}}, env={})


def test_leaving_out_a_kind_of_evidence_is_an_ablation(engine: Engine) -> None:
    from dataclasses import replace

    bare = Engine(
        engine.article,
        replace(engine.config, retrieval=replace(engine.config.retrieval, evidence=())),
    )
    question = "Where was the 1996 world congress held?"
    assert bare.ask(question).answer.hits[0].score < engine.ask(question).answer.hits[0].score


def test_two_article_words_run_together_are_read_apart(engine: Engine) -> None:
    query = engine.retriever.query("how many signaturs did the bodyshop campain get")
    assert ("bodyshop", "body shop") in query.corrections
    assert {"bodi", "shop"} <= dict(query.weights).keys()
    answered(engine.ask("how many signaturs did the bodyshop campain get"), "7 million")
    # Only words the article writes side by side: "bodyguard" is no "body guard" here.
    assert not any(w == "bodyguard" for w, _ in engine.retriever.query("a bodyguard").corrections)


@pytest.mark.parametrize(
    ("question", "counted"),
    [
        ("how many employees does ecpat have", "employe"),
        ("How much money did they raise?", "money"),
        ("which city is the office in", None),
        ("what organisation is it", None),
    ],
)
def test_what_a_question_counts(question: str, counted: str | None) -> None:
    assert counted_term(question) == counted
