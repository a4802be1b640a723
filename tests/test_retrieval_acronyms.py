"""Acronyms: the article's "Long Form (SHORT)" definitions and questions asking for them."""

from __future__ import annotations

import pytest

from bot.engine import Engine
from corpus import article_from_paragraphs
from retrieval import RetrievalSettings, Retriever
from retrieval.acronyms import asked_expansion, expansions, initialisms


def test_expansions_of_the_shipped_article_sentence() -> None:
    text = (
        "The End Child Prostitution and Trafficking (ECPAT) is a global network of civil "
        "society organisations that works to end the sexual exploitation of children."
    )
    assert expansions([text]) == {"ecpat": "End Child Prostitution and Trafficking"}


@pytest.mark.parametrize(
    ("text", "short", "long_form"),
    [
        ("It joined the Virtual Global Taskforce (VGT).", "vgt", "Virtual Global Taskforce"),
        ("a treaty of the Council of Europe (CoE) on abuse", "coe", "Council of Europe"),
        # The shortest run that spells it: "the" is not part of the name.
        ("signed with the Internet Watch Foundation (IWF).", "iwf", "Internet Watch Foundation"),
        ("the Department of Homeland Security (DHS)", "dhs", "Department of Homeland Security"),
    ],
)
def test_expansions_find_the_shortest_long_form(text: str, short: str, long_form: str) -> None:
    assert expansions([text]) == {short: long_form}


@pytest.mark.parametrize(
    "text",
    [
        "In 1990 (ECPAT) was founded.",  # no run of words spells it
        "The council met (see below) in Geneva.",  # not an acronym
        "Its budget (USD) grew.",  # letters that no words before spell
        "A network (B) of groups.",  # a single capital is not an acronym
    ],
)
def test_no_expansion_without_a_spelled_long_form(text: str) -> None:
    assert expansions([text]) == {}


KNOWN = {"ecpat": "End Child Prostitution and Trafficking"}


@pytest.mark.parametrize(
    "question",
    [
        "What is the acronym ECPAT short for?",
        "what does ecpat stand for",
        "What's the full name of ECPAT?",
        "What do the letters ECPAT mean?",
        "Is ECPAT an abbreviation?",
        "What does ECPAT's name stand for?",
        "What is the full form of the acronym ECPAT?",
        "ECPAT is an abbreviation, right? Of what?",
        "what did the ECPAT initials originally expand to?",
        "what do ecpat's letters stand for",
    ],
)
def test_questions_asking_for_the_expansion(question: str) -> None:
    assert asked_expansion(question, KNOWN) == "End Child Prostitution and Trafficking"


@pytest.mark.parametrize(
    "question",
    [
        "When was ECPAT founded?",  # names the acronym but asks something else
        "What does UNICEF stand for?",  # asks, but the article spells out no UNICEF
        "What is an acronym?",  # asks about no acronym at all
        # The acronym is there, and a cue word, but not asking what it stands for:
        "What letters did ECPAT send to governments?",
        "What is ECPAT's position on the meaning of exploitation?",
        "What does ECPAT mean by child sex tourism?",
    ],
)
def test_questions_not_asking_for_a_known_expansion(question: str) -> None:
    assert asked_expansion(question, KNOWN) is None


def test_retriever_searches_the_long_form_for_an_expansion_question() -> None:
    article = article_from_paragraphs(
        "Test",
        [
            "IWF staff work in Cambridge. IWF reports go to the police.",
            "IWF was set up in 1996.",
            "The Internet Watch Foundation (IWF) finds abuse images online.",
        ],
    )
    retriever = Retriever(article.passages, RetrievalSettings())
    query = retriever.query("What is IWF short for?")
    assert {"internet", "watch", "foundat"} <= set(query.terms)
    best = retriever.search(query)[0]
    assert best.passage.text.startswith("The Internet Watch Foundation (IWF)")
    # Without the question asking for it, the long form is not searched for.
    plain = retriever.query("Where does IWF work?")
    assert "foundat" not in plain.terms


@pytest.mark.parametrize(
    "question",
    ["What is the acronym ECPAT short for?", "What's the full name of ECPAT?"],
)
def test_engine_answers_what_the_acronym_is_short_for(engine: Engine, question: str) -> None:
    reply = engine.ask(question)
    assert reply.kind == "answer"
    assert "End Child Prostitution and Trafficking" in reply.text


def test_initialisms_of_capitalised_runs() -> None:
    found = initialisms(
        [
            "ECPAT is part of the International Telecommunication Union´s initiative.",
            "It signed with the Internet Watch Foundation and the Council of Europe Convention.",
        ]
    )
    assert found["itu"] == "International Telecommunication Union"
    assert found["iwf"] == "Internet Watch Foundation"
    # Small words inside a name have no letter; two letters are too few to read as an acronym.
    assert found["cec"] == "Council of Europe Convention"
    assert "ce" not in found
    assert "ecpat" not in found  # one capitalised word is no run


def test_initials_two_names_share_are_dropped() -> None:
    found = initialisms(["Carol Bellamy met Charles Brown.", "Carol Bellamy chairs it."])
    assert "cb" not in found


def test_question_acronym_the_article_never_writes_is_spelled_out() -> None:
    article = article_from_paragraphs(
        "Test",
        [
            "The group signed an agreement with the Internet Watch Foundation in 2010.",
            "The group runs hotlines.",
        ],
    )
    retriever = Retriever(article.passages, RetrievalSettings())
    query = retriever.query("When did the group sign with the IWF?")
    assert {"internet", "watch", "foundat"} <= set(query.terms)
    best = retriever.search(query)[0]
    assert best.passage.id == "p1" and best.coverage == pytest.approx(1.0)
    # An all-capitals question says nothing of acronyms; an unknown one stays as typed.
    assert "internet" not in retriever.query("WHEN DID THE GROUP SIGN WITH THE IWF?").terms
    assert "usa" in retriever.query("Is the group in the USA?").terms


@pytest.mark.parametrize(
    "question", ["Which ITU scheme does ECPAT belong to?", "How is ECPAT involved with the ITU?"]
)
def test_engine_reads_itu_as_the_union_the_article_names(engine: Engine, question: str) -> None:
    reply = engine.ask(question)
    assert reply.kind == "answer"
    assert "International Telecommunication Union´s Child Online Protection" in reply.text
