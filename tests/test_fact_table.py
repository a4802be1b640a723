"""Evidence facts kept as arrays give back the very sets, and batched scoring the same scores."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus import article_from_paragraphs, load_article
from retrieval import RetrievalSettings, Retriever, batch
from retrieval.analyzer import stem, words
from retrieval.evidence import passage_facts
from retrieval.fact_table import FactTable

QUESTIONS = Path(__file__).resolve().parent.parent / "corpus" / "questions" / "ecpat.jsonl"
VOCAB = [
    "lamp",
    "lamps",
    "keeper",
    "harbour",
    "ship",
    "storm",
    "guild",
    "1,300",
    "founded",
    "the",
    "of",
    "in",
    "it",
    "stood",
    "children",
    "Hervé",
    "cape",
    "signal",
    "when",
    "1850",
    "is",
    "a",
]
SENTENCE = st.lists(st.sampled_from(VOCAB), min_size=1, max_size=9).map(
    lambda ws: " ".join(ws).capitalize() + "."
)
PARAGRAPH = st.lists(SENTENCE, min_size=1, max_size=5).map(" ".join)
QUESTION = st.lists(st.sampled_from([*VOCAB, "what", "how", "many", "zeppelin"]), max_size=8)


def _facts(passages: list, sections: bool) -> list:
    return [
        passage_facts(
            p, [stem(w) for w in words(f"{p.section} {p.text}" if sections else p.text)], sections
        )
        for p in passages
    ]


def _ranked(retriever: Retriever, text: str, few: int, monkeypatch: pytest.MonkeyPatch) -> list:
    """Every ranking the retriever gives ``text`` with ``batch.FEW`` set to ``few``."""
    monkeypatch.setattr(batch, "FEW", few)
    query = retriever.query(text)
    out = [(h.passage.id, h.score, h.coverage) for h in retriever.rank(query)]
    for k in (1, 3):
        out += [
            (h.passage.id, h.score, h.coverage, h.sentences) for h in retriever.search(query, k)
        ]
    return out


def test_the_article_facts_come_back_as_built() -> None:
    passages = list(load_article().passages)
    built = _facts(passages, True)
    table = FactTable(built)
    assert len(table) == len(built)
    for doc, facts in enumerate(built):
        again = table.passage(doc)
        assert again == facts
        assert frozenset(again.bigrams) == facts.bigrams
        assert table.held_terms(doc) == facts.held
    pairs = table.pair_set()
    every = frozenset().union(*(f.bigrams for f in built))
    assert len(pairs) == len(every) and frozenset(pairs) == every
    assert all(p in pairs for p in every) and ("no", "such") not in pairs


def test_a_pickled_table_is_the_same_table() -> None:
    passages = list(load_article().passages)
    table = FactTable(_facts(passages, True))
    table.passage(0)
    again = pickle.loads(pickle.dumps(table))
    assert all(again.passage(d) == table.passage(d) for d in range(len(passages)))


def test_batched_scores_equal_passage_by_passage_on_the_article(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    retriever = Retriever(load_article().passages, RetrievalSettings())
    lines = QUESTIONS.read_text("utf-8").splitlines()
    for line in filter(str.strip, lines):
        text = json.loads(line)["question"]
        one = _ranked(retriever, text, 10**9, monkeypatch)
        assert _ranked(retriever, text, 0, monkeypatch) == one, text


@settings(max_examples=120, deadline=None)
@given(
    paragraphs=st.lists(PARAGRAPH, min_size=1, max_size=10),
    questions=st.lists(QUESTION, min_size=1, max_size=3),
    weights=st.sampled_from([(1.5, 1.0), (0.0, 0.0), (3.0, 2.0)]),
)
def test_batched_scores_equal_passage_by_passage_on_any_corpus(
    paragraphs: list[str], questions: list[list[str]], weights: tuple[float, float]
) -> None:
    article = article_from_paragraphs("Guild", paragraphs)
    config = RetrievalSettings(sentence_weight=weights[0], phrase_weight=weights[1])
    retriever = Retriever(article.passages, config)
    built = _facts(list(article.passages), False)
    table = FactTable(built)
    assert [table.passage(d) for d in range(len(built))] == built
    with pytest.MonkeyPatch.context() as patch:
        for question in questions:
            text = " ".join(question) + "?"
            assert _ranked(retriever, text, 0, patch) == _ranked(retriever, text, 10**9, patch)


def test_masks_of_many_terms_and_repeated_pairs() -> None:
    # 130 wanted ids need three mask words; id 7 is wanted twice and sets both its bits.
    wanted = [*range(100, 230), 7, 7]
    ids = np.array([100, 229, 7, 5, 164], dtype=np.int32)
    owner = np.array([0, 0, 1, 1, 2])
    masks = batch.held_masks(ids, owner, wanted, 4)
    held = [batch._bits(row) for row in masks.tolist()]
    assert held == [[0, 129], [130, 131], [64], []]
