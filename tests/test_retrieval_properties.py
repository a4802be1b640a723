"""Properties of any ranking: order, ties, coverage bounds, sentence indices, truncation."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from corpus import article_from_paragraphs
from retrieval import RetrievalSettings, Retriever

VOCAB = [
    "lamp",
    "lamps",
    "keeper",
    "harbour",
    "ship",
    "storm",
    "guild",
    "1,300",
    "1300",
    "founded",
    "the",
    "of",
    "in",
    "and",
    "stood",
    "children",
    "child",
    "Hervé",
    "cape",
    "signal",
]
SENTENCE = st.lists(st.sampled_from(VOCAB), min_size=1, max_size=8).map(
    lambda ws: " ".join(ws).capitalize() + "."
)
PARAGRAPH = st.lists(SENTENCE, min_size=1, max_size=4).map(" ".join)
WEIGHTS = st.sampled_from([(1.5, 1.0), (0.0, 0.0), (3.0, 2.0)])


@settings(max_examples=150, deadline=None)
@given(
    paragraphs=st.lists(PARAGRAPH, min_size=1, max_size=8),
    question=st.lists(st.sampled_from([*VOCAB, "lamb", "kepeer", "zeppelin"]), max_size=6),
    weights=WEIGHTS,
    max_sentences=st.integers(1, 3),
)
def test_ranking_invariants(
    paragraphs: list[str], question: list[str], weights: tuple[float, float], max_sentences: int
) -> None:
    article = article_from_paragraphs("Guild", paragraphs)
    config = RetrievalSettings(sentence_weight=weights[0], phrase_weight=weights[1])
    retriever = Retriever(article.passages, config)
    query = retriever.query(" ".join(question) + "?")
    hits = retriever.search(query, None, max_sentences)
    order = {p.id: i for i, p in enumerate(article.passages)}
    for before, after in pairwise(hits):
        assert round(before.score, 9) >= round(after.score, 9)
        if round(before.score, 9) == round(after.score, 9):
            assert order[before.passage.id] < order[after.passage.id]
    for hit in hits:
        assert 0 < hit.coverage <= 1 + 1e-9
        assert 1 <= len(hit.sentences) <= max_sentences
        assert all(0 <= i < len(hit.passage.sentences) for i in hit.sentences)
        assert list(hit.sentences) == sorted(set(hit.sentences))
    assert retriever.search(query, None, max_sentences) == hits
    assert retriever.search(query, 2, max_sentences) == hits[:2]
