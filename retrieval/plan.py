"""What scoring passages for one question needs, worked out once per question.

Ranking every candidate and choosing each one's answering sentences read the same weighted
terms, answer kind and definition subject; :class:`Plan` holds them.
"""

from __future__ import annotations

from dataclasses import dataclass

from retrieval.analyzer import analyze
from retrieval.answer_type import asked_kind, expected_type
from retrieval.bm25 import BM25Index
from retrieval.definitions import definition_subject
from retrieval.records import Query


@dataclass(frozen=True)
class Plan:
    """``weighted``: each term's weight x idf; ``mass``: their sum, with a word the article
    never uses weighing a rare word's idf; ``kind``: the answer type asked for (see
    :func:`retrieval.answer_type.expected_type`); ``subject``: the terms of what a "What is
    X?" question asks to define; ``asked``: :func:`retrieval.answer_type.asked_kind`, which
    choosing each candidate's sentences reads."""

    weighted: dict[str, float]
    mass: float
    kind: str | None
    subject: frozenset[str]
    asked: str | None = None


def make_plan(query: Query, index: BM25Index) -> Plan | None:
    """The plan for ``query`` over ``index``; None when nothing can match."""
    terms = query.terms
    if not terms:
        return None
    # An unseen word (see Query) matches nothing but still weighs as a word never used.
    unseen = sum(w for t, w in terms.items() if t in query.unseen) * index.rare_idf
    terms = {t: w for t, w in terms.items() if t not in query.unseen}
    weighted = {t: w * index.idf(t) for t, w in terms.items()}
    mass = sum(weighted.values()) + unseen
    if mass <= 0:
        return None
    asks_for = definition_subject(query.shaped)
    subject = frozenset(analyze(asks_for)) & terms.keys() if asks_for else frozenset()
    return Plan(weighted, mass, expected_type(query.shaped), subject, asked_kind(query.shaped))
