"""BM25Index scores are rank-bm25's ``get_scores``, to 1e-9 on every passage, for every variant.

The index precomputes sparse per-term rows instead of calling rank-bm25 at query time; these
tests hold it to the real rank-bm25 (no mocks) on the shipped article, as the ranker indexes
it, and on random corpora: empty documents, repeated terms, weighted queries and terms the
corpus never uses.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rank_bm25 import BM25Okapi, BM25Plus

from corpus import Article
from retrieval import ranker
from retrieval.analyzer import analyze
from retrieval.bm25 import VARIANTS, BM25Index, LuceneBM25
from retrieval.records import RetrievalSettings

TOLERANCE = 1e-9
QUESTIONS = Path(__file__).resolve().parent.parent / "corpus" / "questions"
MODELS = {"lucene": LuceneBM25, "okapi": BM25Okapi, "plus": BM25Plus}


def reference(documents: Sequence[Sequence[str]], variant: str, k1: float, b: float):
    """rank-bm25 itself, given documents as BM25Index hands them over (empty ones as "\\x00")."""
    docs = [list(doc) or ["\x00"] for doc in documents]
    return MODELS[variant](docs, k1=k1, b=b)


def expected(model, weights: Mapping[str, float]) -> np.ndarray:
    """The weighted sum of rank-bm25's one-term ``get_scores``."""
    total = np.zeros(model.corpus_size)
    for term, weight in weights.items():
        total += weight * model.get_scores([term])
    return total


def assert_same(ours: np.ndarray, theirs: np.ndarray) -> None:
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=TOLERANCE)


def assert_same_postings(index: BM25Index, model) -> None:
    held: dict[str, list[int]] = {}
    for doc, counts in enumerate(model.doc_freqs):
        for term in counts:
            held.setdefault(term, []).append(doc)
    assert index.size == model.corpus_size
    assert index.doc_freq == {term: len(docs) for term, docs in held.items()}
    assert list(index.doc_freq) == list(held)  # first-use order, as before
    assert dict(index.postings) == held
    for term, docs in held.items():
        assert [index.contains(term, d) for d in range(index.size)] == [
            d in docs for d in range(index.size)
        ]


# -- the shipped article, indexed by the ranker ------------------------------------------------


class RecordingIndex(BM25Index):
    """The real index, remembering the documents the ranker gave it."""

    built: ClassVar[list[tuple[list[list[str]], tuple, dict]]] = []

    def __init__(self, documents: Sequence[Sequence[str]], *args: object, **kwargs: object):
        RecordingIndex.built.append(([list(d) for d in documents], args, kwargs))
        super().__init__(documents, *args, **kwargs)


def ecpat_questions() -> list[str]:
    lines = []
    for path in sorted(QUESTIONS.glob("*.jsonl")):
        lines += path.read_text("utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


@pytest.mark.parametrize("variant", VARIANTS)
def test_scores_on_the_shipped_article_are_rank_bm25s(
    article: Article, variant: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ranker, "BM25Index", RecordingIndex)
    RecordingIndex.built.clear()
    retriever = ranker.Retriever(article.passages, RetrievalSettings(variant=variant))
    index = retriever.index
    [(documents, args, kwargs)] = RecordingIndex.built
    assert len(documents) == len(article.passages) == index.size
    model = reference(documents, *args, **kwargs)
    assert_same_postings(index, model)
    for term in model.idf:  # every term alone
        assert_same(index.term_scores(term), model.get_scores([term]))
    questions = ecpat_questions()
    assert len(questions) > 50
    for question in questions:
        tokens = analyze(question)  # repeats count twice, unknown words add nothing
        assert_same(index.scores(Counter(tokens)), model.get_scores(tokens))
        weights = retriever.query(question).terms  # what the ranker really scores
        assert_same(index.scores(weights), expected(model, weights))


# -- random corpora ----------------------------------------------------------------------------

WORDS = st.text("abcdefgh", min_size=1, max_size=3)
VOCABULARY = st.lists(WORDS, min_size=1, max_size=25, unique=True)
KNOBS = st.tuples(
    st.sampled_from(VARIANTS),
    st.floats(0.05, 3.0),  # k1 (0 is tested on its own: rank-bm25 divides 0 by 0 there)
    st.sampled_from([0.0, 0.3, 0.75, 1.0]),  # b
)


@st.composite
def corpora(draw: st.DrawFn) -> tuple[list[list[str]], dict[str, float]]:
    vocabulary = draw(VOCABULARY)
    words = st.sampled_from(vocabulary)
    documents = draw(st.lists(st.lists(words, max_size=30), min_size=1, max_size=25))
    # Copies of the corpus give rows long enough for the index's other way of adding them.
    documents = documents * draw(st.sampled_from([1, 1, 2, 7]))
    absent = st.text("xyz", min_size=1, max_size=3)  # never in the vocabulary
    weights = draw(
        st.dictionaries(
            st.one_of(words, absent, st.just("\x00")),
            st.floats(-3.0, 3.0, allow_nan=False),
            max_size=8,
        )
    )
    return documents, weights


@settings(max_examples=300, deadline=None)
@given(corpus=corpora(), knobs=KNOBS)
def test_scores_on_random_corpora_are_rank_bm25s(
    corpus: tuple[list[list[str]], dict[str, float]], knobs: tuple[str, float, float]
) -> None:
    documents, weights = corpus
    variant, k1, b = knobs
    index = BM25Index(documents, variant, k1, b)
    model = reference(documents, variant, k1, b)
    assert_same(index.scores(weights), expected(model, weights))
    assert_same_postings(index, model)
    query = [t for t in weights for _ in range(2)] + list(weights)  # every term three times
    assert_same(index.scores(Counter(query)), model.get_scores(query))
    for term in {t for doc in documents for t in doc} | set(weights):
        assert_same(index.term_scores(term), model.get_scores([term]))
    assert not index.scores({}).any()


@settings(max_examples=100, deadline=None)
@given(corpus=corpora(), variant=st.sampled_from(VARIANTS))
def test_k1_zero_is_rank_bm25s_limit_where_it_divides_zero_by_zero(
    corpus: tuple[list[list[str]], dict[str, float]], variant: str
) -> None:
    documents, _ = corpus
    index = BM25Index(documents, variant, 0.0, 0.75)
    model = reference(documents, variant, 0.0, 0.75)
    for term in {t for doc in documents for t in doc}:
        ours = index.term_scores(term)
        with np.errstate(invalid="ignore"):
            theirs = model.get_scores([term])
        holding = np.array([term in counts for counts in model.doc_freqs])
        assert_same(ours[holding], theirs[holding])
        assert np.isnan(theirs[~holding]).all()  # 0/0: a passage without the term
        floor = model.idf[term] * model.delta if variant == "plus" else 0.0
        assert_same(ours[~holding], np.full(int((~holding).sum()), floor))


@pytest.mark.parametrize("variant", VARIANTS)
def test_scores_on_a_larger_zipf_corpus_are_rank_bm25s(variant: str) -> None:
    rng = np.random.default_rng(7)
    vocabulary = [f"w{i}" for i in range(400)]
    lengths = rng.integers(0, 60, size=1_500)
    ends = np.cumsum(lengths)
    ranks = np.minimum(rng.zipf(1.4, size=int(ends[-1])), len(vocabulary)) - 1
    documents = [
        [vocabulary[r] for r in ranks[e - n : e]] for n, e in zip(lengths, ends, strict=True)
    ]
    index = BM25Index(documents, variant)
    model = reference(documents, variant, 1.2, 0.75)
    assert max(index.doc_freq.values()) > 1_000  # long rows as well as short ones
    assert_same_postings(index, model)
    for term in [*vocabulary[:40], "absent"]:
        assert_same(index.term_scores(term), model.get_scores([term]))
    query = [*(vocabulary[r] for r in ranks[:12]), "absent"]
    assert_same(index.scores(Counter(query)), model.get_scores(query))
    weights = {t: float(w) for t, w in zip(vocabulary[::37], rng.uniform(-2, 3, 11), strict=True)}
    assert_same(index.scores(weights), expected(model, weights))


def test_term_scores_are_fresh_arrays_and_unknown_terms_score_zero() -> None:
    index = BM25Index([["a", "b"], ["a"], ["c"]], "plus")
    first = index.term_scores("a")
    first[:] = 99.0
    assert (index.term_scores("a") < 99).all()
    assert not index.term_scores("zzz").any()
    assert index.postings.get("zzz") is None
    assert "zzz" not in index.postings
    with pytest.raises(KeyError):
        index.postings["zzz"]
    with pytest.raises(IndexError):
        index.contains("a", 3)
