"""Evidence for BM25's best few passages only: rankings equal to scoring every passage."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus import Article, Passage, article_from_paragraphs
from retrieval import RetrievalSettings, Retriever
from retrieval.candidates import ranked

QUESTIONS = Path(__file__).resolve().parent.parent / "corpus" / "questions" / "ecpat.jsonl"
ALL = 10**9  # more candidates than any corpus has passages: every matching passage is scored


def recombined(article: Article, size: int, seed: int = 7) -> list[Passage]:
    """``size`` passages made of the article's sentences, shuffled: many share every word."""
    rng = random.Random(seed)
    sentences = [s for p in article.passages for s in p.sentences]
    sections = [p.section for p in article.passages]
    passages = []
    for i in range(size):
        picked = tuple(rng.sample(sentences, rng.randint(1, 5)))
        text = " ".join(s.text for s in picked)
        passages.append(Passage(f"p{i}", rng.choice(sections), text, picked))
    return passages


def questions() -> list[str]:
    lines = QUESTIONS.read_text("utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


@pytest.fixture(scope="module")
def corpus(article: Article) -> list[Passage]:
    return recombined(article, 400)


@pytest.mark.parametrize("candidates", [1, 5, 30, 100])
def test_few_candidates_rank_as_all(corpus: list[Passage], candidates: int) -> None:
    few = Retriever(corpus, RetrievalSettings(candidates=candidates))
    every = Retriever(corpus, RetrievalSettings(candidates=ALL))
    for text in questions():
        query = every.query(text)
        assert few.query(text) == query
        for k in (1, 3, 10):
            assert few.rank(query, k) == every.rank(query, k), (text, k)


def test_a_followup_lift_is_bounded_too(corpus: list[Passage]) -> None:
    """The passage a follow-up leans on may sit far down BM25's order and still win."""
    few = Retriever(corpus, RetrievalSettings(candidates=2))
    every = Retriever(corpus, RetrievalSettings(candidates=ALL))
    for text in questions()[:40]:
        query = every.query(text)
        tail = every.rank(query)[-1].passage.id if every.rank(query) else None
        for lift in (0.5, 3.0):
            assert few.rank(query, 10, tail, lift) == every.rank(query, 10, tail, lift)


def test_phrase_and_sentence_weights_do_not_break_the_bound(corpus: list[Passage]) -> None:
    for weights in ((0.0, 0.0), (4.0, 3.0)):
        base = RetrievalSettings(sentence_weight=weights[0], phrase_weight=weights[1])
        few = Retriever(corpus, replace(base, candidates=3))
        every = Retriever(corpus, replace(base, candidates=ALL))
        for text in questions()[:60]:
            query = every.query(text)
            assert few.rank(query, 5) == every.rank(query, 5), text


@pytest.mark.parametrize(
    "kinds", [(), ("sentence",), ("phrase",), ("followup",), ("phrase", "followup")]
)
def test_any_choice_of_evidence_keeps_the_bound(corpus: list[Passage], kinds: tuple) -> None:
    """An ablation (``retrieval.evidence``) leaves out a kind's score and its ceiling alike."""
    few = Retriever(corpus, RetrievalSettings(candidates=2, evidence=kinds))
    every = Retriever(corpus, RetrievalSettings(candidates=ALL, evidence=kinds))
    for text in questions()[:40]:
        query = every.query(text)
        tail = every.rank(query)[-1].passage.id if every.rank(query) else None
        assert few.rank(query, 5, tail, 2.0) == every.rank(query, 5, tail, 2.0), text


def test_without_evidence_a_score_is_bm25s(article: Article) -> None:
    bare = Retriever(article.passages, RetrievalSettings(evidence=()))
    full = Retriever(article.passages, RetrievalSettings())
    query = bare.query("when did the organisation start")
    assert not query.names
    bm25 = bare.index.scores({t: w for t, w in query.terms.items() if t not in query.unseen})
    doc = {p.id: i for i, p in enumerate(article.passages)}
    hits = bare.rank(query)
    assert hits and all(h.score == bm25[doc[h.passage.id]] for h in hits)
    assert [h.score for h in full.rank(query)] != [h.score for h in hits]


WORDS = "lamp keeper harbour ship storm guild 1,300 1300 founded stood child It It It".split()
SENTENCE = st.lists(st.sampled_from(WORDS), min_size=1, max_size=7).map(
    lambda ws: " ".join(ws).capitalize() + "."
)


@settings(max_examples=60, deadline=None)
@given(
    paragraphs=st.lists(st.lists(SENTENCE, min_size=1, max_size=4).map(" ".join), max_size=30),
    question=st.lists(st.sampled_from(WORDS), min_size=1, max_size=5),
    candidates=st.integers(1, 4),
    k=st.integers(1, 6),
)
def test_random_corpora(
    paragraphs: list[str], question: list[str], candidates: int, k: int
) -> None:
    article = article_from_paragraphs("Guild", ["Lamp keeper.", *paragraphs])
    few = Retriever(article.passages, RetrievalSettings(candidates=candidates))
    every = Retriever(article.passages, RetrievalSettings(candidates=ALL))
    query = every.query(" ".join(question) + "?")
    assert few.rank(query, k) == every.rank(query, k)


@settings(max_examples=200, deadline=None)
@given(
    base=st.lists(st.sampled_from([0.0, 1.5, 2.25, 7.0, 1e-10, 3.0000000004]), max_size=40),
    nudge=st.lists(st.sampled_from([0.0, 4e-10, -4e-10, 6e-10, 1e-9, -2e-9]), max_size=40),
    k=st.integers(1, 12),
)
def test_ranked_keeps_exactly_the_first_k(base: list[float], nudge: list[float], k: int) -> None:
    # Scores within a rounding step of each other tie, and the tie goes to article order.
    totals = np.array([b + n for b, n in zip(base, nudge + [0.0] * len(base), strict=False)])
    docs = np.arange(len(totals))
    every = sorted(
        (-round(t, 9), d, t) for t, d in zip(totals.tolist(), docs.tolist(), strict=True)
    )
    assert ranked(docs, totals, k)[:k] == every[:k]
    assert ranked(docs, totals, None) == every


def test_a_pair_ceiling_goes_to_the_passages_holding_the_pair(corpus: list[Passage]) -> None:
    retriever = Retriever(corpus, RetrievalSettings())
    table = retriever._table
    every = [table.passage(doc).bigrams for doc in range(len(corpus))]
    for pair in [*list(table.pair_set())[:50], ("ecpat", "nosuchword")]:
        at = table.pair_id(*pair)
        holding = [doc for doc, pairs in enumerate(every) if pair in pairs]
        assert (table.pair_docs_of(at).tolist() if at >= 0 else []) == holding
