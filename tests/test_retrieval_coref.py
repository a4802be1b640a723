"""Pronouns standing for the previous subject; answers spanning two sentences."""

from __future__ import annotations

import pytest

from corpus import article_from_paragraphs, load_article
from retrieval import RetrievalSettings, Retriever, analyze
from retrieval.coref import continues, opens_with_pronoun, resolve, subject_terms
from retrieval.evidence import passage_facts, resolved_scores, sentence_scores
from retrieval.records import Hit


@pytest.fixture(scope="module")
def ecpat() -> Retriever:
    return Retriever(load_article().passages, RetrievalSettings())


@pytest.mark.parametrize(
    ("sentence", "subject"),
    [
        (
            "The End Child Prostitution and Trafficking (ECPAT) is a global network.",
            "ECPAT End Child Prostitution Trafficking",
        ),
        ("The Code was developed by ECPAT Sweden in 1996.", "Code"),
        ("ECPAT International works with law enforcement partners.", "ECPAT International"),
        ("In 1996, the congress was hosted by Sweden.", "congress"),
        ("ECPAT produces regular reports that are presented to the UN.", "ECPAT produces"),
    ],
)
def test_subject_is_what_comes_before_the_verb(sentence: str, subject: str) -> None:
    assert set(subject_terms(sentence)) == set(analyze(subject))


@pytest.mark.parametrize(
    ("sentence", "opens"),
    [
        ("It focuses on halting abuse.", True),
        ("These include NGOs.", True),
        ("Its secretariat is in Bangkok.", True),
        ("Item one is here.", False),
        ("Italy signed.", False),
        ("The network grew.", False),
    ],
)
def test_opening_pronouns(sentence: str, opens: bool) -> None:
    assert opens_with_pronoun(sentence) is opens


def test_pronoun_stands_for_the_previous_subject_through_a_chain() -> None:
    streams = resolve(
        [
            "The Code is a set of protocols.",
            "It was developed in Sweden.",
            "It is promoted by the network.",
            "Hotels have signed up.",
        ]
    )
    assert streams[1] == analyze("Code developed Sweden")
    assert streams[2] == analyze("Code promoted network")
    assert streams[3] == analyze("Hotels have signed up.")  # names its own subject


def test_first_sentence_keeps_its_pronoun_alone() -> None:
    assert resolve(["It rained."]) == [analyze("It rained.")]


def test_pronoun_sentence_answers_what_its_subject_does(ecpat: Retriever) -> None:
    # "It focuses on ..." is about ECPAT; another passage's "initial focus on Asia" is not.
    hit = ecpat.search(ecpat.query("What does ECPAT focus on?"), 1)[0]
    assert hit.passage.id == "lead-1"
    # Quoted after the sentence it continues, so a reader knows what "It" is.
    assert hit.passage.sentences[hit.sentences[-1]].text.startswith("It focuses on")
    assert hit.sentences == (0, 1)


def test_continuing_sentence_is_quoted_with_the_one_it_continues(ecpat: Retriever) -> None:
    hit = ecpat.search(
        ecpat.query("What kinds of organisations are members of the ECPAT network?"), 1
    )[0]
    assert hit.passage.id == "network-membership-1"
    assert hit.sentences == (0, 1)  # "These include independent civil society organisations"


def test_pronoun_sentence_answers_but_ranks_by_its_own_words() -> None:
    article = article_from_paragraphs(
        "Test",
        [
            "The Acme Company is a maker of anvils. It is old.",
            "Acme anvils are sold in shops. Acme anvils are heavy.",
        ],
    )
    retriever = Retriever(article.passages, RetrievalSettings())
    hit = retriever.search(retriever.query("Is Acme old?"), 1)[0]
    assert [hit.passage.sentences[i].text for i in hit.sentences][-1] == "It is old."
    # Sentence evidence for ranking sees the sentence's own words only.
    facts = passage_facts(article.passages[0], analyze(article.passages[0].text), False)
    assert sentence_scores(facts, {"acm": 1.0}) == [1.0, 0.0]
    assert resolved_scores(facts, {"acm": 1.0}, [1.0, 0.5]) == [1.0, 1.5]


def test_answer_spanning_two_sentences_quotes_both(ecpat: Retriever) -> None:
    # No one sentence of lead-4 holds "grow" and "congress"; the last two do together.
    hit = ecpat.search(ecpat.query("What did ECPAT grow into after the 1996 congress?"), 1)[0]
    assert hit.passage.id == "lead-4"
    assert hit.sentences == (1, 2)


def best_hit(paragraph: str, question: str) -> Hit:
    """The best hit for ``question`` in an article of the one ``paragraph``."""
    retriever = Retriever(
        article_from_paragraphs("Test", [paragraph]).passages, RetrievalSettings()
    )
    return retriever.search(retriever.query(question), 1)[0]


def test_a_sentence_following_from_the_one_before_is_quoted_with_it() -> None:
    hit = best_hit(
        "The guild won a charter in 1702. As a result, the guild grew into a national body.",
        "What did the guild grow into?",
    )
    assert hit.sentences == (0, 1)  # "As a result" of what: the sentence before says


def test_pair_must_hold_clearly_more_than_the_best_sentence() -> None:
    hit = best_hit(
        "Anvils are heavy iron blocks. Smiths use anvils daily. Anvils ring when struck.",
        "Why are anvils heavy?",
    )
    assert hit.sentences[0] == 0  # the pair (0, 1) adds no question word: no pair
    assert 2 not in hit.sentences


@pytest.mark.parametrize(
    ("sentence", "carries_on"),
    [
        ("He ordered Isaac to release the prisoners.", True),
        ("But a storm dispersed the fleet.", True),
        ("Such problems are called NP-intermediate.", True),
        ("However, the plan failed.", True),
        ("Richard left Messina.", False),
        ("Butter was traded.", False),
        ("As a result, ECPAT grew from a regional campaign.", True),
        ("Because of this, the plan failed.", True),
        ("As a rule, anvils are heavy.", False),
        ("Asa resulted in nothing.", False),
    ],
)
def test_continuing_sentences(sentence: str, carries_on: bool) -> None:
    assert continues(sentence) is carries_on


def test_sentence_carrying_the_answer_on_is_quoted_with_it() -> None:
    article = article_from_paragraphs(
        "Test",
        [
            "Richard left Messina with 20 ships to reach Acre. But a storm dispersed the fleet. "
            "Some ships ran aground."
        ],
    )
    retriever = Retriever(article.passages, RetrievalSettings())
    question = retriever.query("What ruined Richard's plan to reach Acre?")
    assert retriever.search(question, 1)[0].sentences == (0, 1)
    assert retriever.search(question, 1, max_sentences=1)[0].sentences == (0,)
    # A question asking for a number is answered by the sentence holding it, alone.
    hit = retriever.search(retriever.query("How many ships did Richard take to Acre?"), 1)[0]
    assert hit.sentences == (0,)
