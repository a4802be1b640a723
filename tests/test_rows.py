"""One pass over a question's rows: exact BM25 for the passages asked, ceilings, matches."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus import Article, Passage
from retrieval import RetrievalSettings, Retriever, rows
from retrieval import candidates as candidates_module
from retrieval.bm25 import BM25Index
from tests.test_candidates import recombined

QUESTIONS = Path(__file__).resolve().parent.parent / "corpus" / "questions" / "ecpat.jsonl"
DOCS = [
    "lamp keeper harbour lamp".split(),
    "ship storm guild".split(),
    "lamp ship".split(),
    "keeper keeper keeper storm".split(),
    "founded guild 1300".split(),
    [],
]
TERMS = st.dictionaries(
    st.sampled_from(["lamp", "keeper", "ship", "storm", "guild", "1300", "zeppelin"]),
    st.sampled_from([1.0, 2.0, 0.5, 3.0000001]),
    max_size=6,
)


@pytest.fixture(scope="module")
def corpus(article: Article) -> list[Passage]:
    return recombined(article, 400, seed=11)


@settings(max_examples=150, deadline=None)
@given(weights=TERMS, variant=st.sampled_from(["lucene", "okapi", "plus"]))
def test_scores_of_some_passages_are_the_full_sums_to_the_bit(
    weights: dict[str, float], variant: str
) -> None:
    index = BM25Index(DOCS, variant)
    found = rows.rows(index, weights)
    if found is None:  # Okapi's negative idf, or BM25Plus's floor: the general path
        assert variant != "lucene"
        return
    full = index.scores(weights)
    docs = np.arange(index.size)
    some = rows.RowScores(found)
    assert some[docs].tobytes() == full.tobytes()
    assert some[docs[::-2]].tobytes() == full[::-2].tobytes()
    assert all(some[int(d)] == full[d] for d in docs)
    extra = {t: 0.25 * i for i, t in enumerate(weights)}
    ceiling, held = rows.ceilings(found, extra, index.size)
    assert np.flatnonzero(held).tolist() == index.matching(weights).tolist()
    presence = index.presence(extra)
    assert np.allclose(ceiling, full + presence, rtol=1e-12, atol=0.0)


def test_a_weight_of_0_or_an_index_not_all_positive_takes_the_general_path() -> None:
    assert rows.rows(BM25Index(DOCS), {"lamp": 0.0}) is None
    assert rows.rows(BM25Index(DOCS, "plus"), {"lamp": 1.0}) is None
    assert rows.rows(BM25Index(DOCS), {"zeppelin": 0.0}) == []


@pytest.mark.parametrize(("sample", "candidates"), [(2048, 3), (16, 3), (16, 30), (40, 1)])
def test_one_pass_ranks_as_the_general_path(
    corpus: list[Passage], monkeypatch: pytest.MonkeyPatch, sample: int, candidates: int
) -> None:
    """Also with the first candidates' threshold guessed from a sample (``sample`` under 400)."""
    monkeypatch.setattr(candidates_module, "_SAMPLE", sample)
    retriever = Retriever(corpus, RetrievalSettings(candidates=candidates))
    lines = QUESTIONS.read_text("utf-8").splitlines()
    texts = [json.loads(line)["question"] for line in lines if line.strip()][:80]
    fast = {}
    for text in texts:
        query = retriever.query(text)
        tail = retriever.rank(query)[-1].passage.id if retriever.rank(query) else None
        fast[text] = [retriever.rank(query, k, tail, 2.0) for k in (1, 3, 10)]
    monkeypatch.setattr(rows, "rows", lambda index, weights: None)
    for text in texts:
        query = retriever.query(text)
        tail = retriever.rank(query)[-1].passage.id if retriever.rank(query) else None
        assert fast[text] == [retriever.rank(query, k, tail, 2.0) for k in (1, 3, 10)], text


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10**6),
    share=st.sampled_from([0.0005, 0.01, 0.3, 1.0]),
    m=st.integers(1, 300),
    ties=st.booleans(),
)
def test_the_most_promising_from_a_mask_are_the_best_of_the_matched(
    seed: int, share: float, m: int, ties: bool
) -> None:
    rng = np.random.default_rng(seed)
    promise = rng.random(20_000)
    if ties:
        promise = np.round(promise, 2)
    held = rng.random(20_000) < share
    matched = np.flatnonzero(held)
    best = candidates_module.best_by_bm25(promise, held, m)
    expected = np.sort(promise[matched])[::-1][:m]
    assert len(best) == min(m, len(matched)) and held[best].all()
    assert np.sort(promise[best])[::-1].tolist() == expected.tolist()


def test_loose_passages_are_scored_on_every_path(
    corpus: list[Passage], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Passages marked ``loose`` (no ceiling) on the path that keeps the first candidates'
    pool and on the others: the same rankings (these passages' ceilings happen to hold, so
    this checks the paths run and agree, not that a wrong ceiling is overridden)."""
    monkeypatch.setattr(candidates_module, "_SAMPLE", 16)
    few = Retriever(corpus, RetrievalSettings(candidates=3))
    every = Retriever(corpus, RetrievalSettings(candidates=10**9))
    for retriever in (few, every):
        retriever._loose = np.arange(0, len(corpus), 7)
    lines = QUESTIONS.read_text("utf-8").splitlines()
    for text in [json.loads(line)["question"] for line in lines if line.strip()][:60]:
        query = every.query(text)
        assert [few.rank(query, k) for k in (1, 10)] == [every.rank(query, k) for k in (1, 10)]
