"""BM25 through rank-bm25, wrapped so its quirks stay here.

rank-bm25's ``get_top_n`` drops the scores and its checks are ``assert`` statements; Okapi's idf
floors every term found in more than half of a small corpus to epsilon x average idf (so a
very common word can outweigh a rarer one, and a word in exactly half the passages weighs 0).
The default here is ``lucene``: Okapi's term-frequency part with Lucene's always-positive idf,
log(1 + (N - n + 0.5) / (n + 0.5)), which keeps rarer terms heavier at any corpus size.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from rank_bm25 import BM25Okapi, BM25Plus

VARIANTS = ("lucene", "okapi", "plus")


class LuceneBM25(BM25Okapi):
    """Okapi scoring with Lucene's idf (monotone in document frequency, never negative)."""

    def _calc_idf(self, nd: Mapping[str, int]) -> None:
        n = self.corpus_size
        self.idf = {word: math.log(1 + (n - df + 0.5) / (df + 0.5)) for word, df in nd.items()}
        self.average_idf = sum(self.idf.values()) / len(self.idf) if self.idf else 0.0


class BM25Index:
    """Scores token lists against a fixed corpus; per-term score vectors are cached."""

    def __init__(
        self,
        documents: Sequence[Sequence[str]],
        variant: str = "lucene",
        k1: float = 1.2,
        b: float = 0.75,
    ) -> None:
        if variant not in VARIANTS:
            choices = ", ".join(VARIANTS)
            raise ValueError(f"unknown BM25 variant {variant!r} (choose from {choices})")
        if k1 < 0 or not 0 <= b <= 1:
            raise ValueError("BM25 needs k1 >= 0 and 0 <= b <= 1")
        if not documents:
            raise ValueError("cannot index an empty corpus")
        # rank-bm25 divides by the average length: keep every document non-empty.
        docs = [list(doc) if doc else ["\x00"] for doc in documents]
        if variant == "lucene":
            self._bm25 = LuceneBM25(docs, k1=k1, b=b)
        elif variant == "okapi":
            self._bm25 = BM25Okapi(docs, k1=k1, b=b)
        else:
            self._bm25 = BM25Plus(docs, k1=k1, b=b)
        self.size = len(docs)
        self.doc_freq: dict[str, int] = {}
        # Which documents hold each term, in corpus order (a query only visits these).
        self.postings: dict[str, list[int]] = {}
        for doc, freqs in enumerate(self._bm25.doc_freqs):
            for term in freqs:
                self.doc_freq[term] = self.doc_freq.get(term, 0) + 1
                self.postings.setdefault(term, []).append(doc)
        self._term_scores: dict[str, np.ndarray] = {}
        self._zeros = np.zeros(self.size)

    def contains(self, term: str, doc: int) -> bool:
        return term in self._bm25.doc_freqs[doc]

    def term_scores(self, term: str) -> np.ndarray:
        """rank-bm25's score of every document for the one-term query ``[term]``."""
        cached = self._term_scores.get(term)
        if cached is None:
            if term in self.doc_freq:
                cached = np.asarray(self._bm25.get_scores([term]), dtype=float)
            else:
                cached = self._zeros
            self._term_scores[term] = cached
        return cached

    def scores(self, weights: Mapping[str, float]) -> np.ndarray:
        """Weighted BM25 score of each document for a query given as term -> weight."""
        total = np.zeros(self.size)
        for term, weight in weights.items():
            total += weight * self.term_scores(term)
        return total

    def idf(self, term: str) -> float:
        """Lucene idf of ``term`` (also for unseen terms: they are the rarest of all)."""
        df = self.doc_freq.get(term, 0)
        return math.log(1 + (self.size - df + 0.5) / (df + 0.5))

    @property
    def rare_idf(self) -> float:
        """The idf of a term no document holds: the largest any term can have here."""
        return math.log(1 + (self.size + 0.5) / 0.5)
