"""Rank passages for a question and pick the sentences that answer it.

Pure functions over plain records: passages in, :class:`Hit` records out. A passage's score is
its BM25 score (section title included in its text) plus a bonus for the best single sentence
inside it, so a paragraph whose one sentence holds all the question's words beats one that
scatters them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from corpus.records import Passage
from retrieval.analyzer import analyze, stem, words
from retrieval.bm25 import BM25Index
from retrieval.typos import Speller, build_speller


@dataclass(frozen=True)
class RetrievalSettings:
    """How ranking behaves; filled from the ``[retrieval]`` config table."""

    variant: str = "lucene"
    k1: float = 1.2
    b: float = 0.75
    sentence_weight: float = 1.0
    max_edits: int = 2


@dataclass(frozen=True)
class Query:
    """An analysed question: stemmed term -> weight, plus the typo corrections made."""

    text: str
    weights: tuple[tuple[str, float], ...]
    corrections: tuple[tuple[str, str], ...] = ()
    inherited: frozenset[str] = frozenset()

    @property
    def terms(self) -> dict[str, float]:
        return dict(self.weights)


@dataclass(frozen=True)
class Hit:
    """A ranked passage: its score, how much of the question it covers, its best sentences."""

    passage: Passage
    score: float
    coverage: float
    sentences: tuple[int, ...]


class Retriever:
    """BM25 over the passages of one article, with typo tolerance and sentence evidence."""

    def __init__(self, passages: Sequence[Passage], settings: RetrievalSettings) -> None:
        if not passages:
            raise ValueError("no passages to index")
        self.passages = tuple(passages)
        self.settings = settings
        self._words = [words(f"{p.section} {p.text}") for p in self.passages]
        self.index = BM25Index(
            [[stem(w) for w in ws] for ws in self._words], settings.variant, settings.k1, settings.b
        )
        self._sentence_terms = [
            [frozenset(analyze(s.text)) for s in p.sentences] for p in self.passages
        ]
        self._speller: Speller | None = None

    def _spell(self, word: str) -> str | None:
        if self._speller is None:  # built on first need: most questions never ask for it
            self._speller = build_speller(self._words, self.settings.max_edits)
        return self._speller.correct(word)

    def query(self, text: str, context: Mapping[str, float] | None = None) -> Query:
        """Analyse ``text``; unknown words are spell-corrected; ``context`` terms are added."""
        weights: dict[str, float] = {}
        corrections: list[tuple[str, str]] = []
        for word in words(text):
            term = stem(word)
            if term not in self.index.doc_freq and self.settings.max_edits:
                fixed = self._spell(word)
                if fixed is not None and fixed != word:
                    corrections.append((word, fixed))
                    term = stem(fixed)
            weights[term] = weights.get(term, 0.0) + 1.0
        inherited = frozenset(t for t in (context or {}) if t not in weights)
        for term, weight in (context or {}).items():
            weights[term] = max(weights.get(term, 0.0), weight)
        return Query(text, tuple(weights.items()), tuple(corrections), inherited)

    def _mass(self, terms: Mapping[str, float]) -> float:
        return sum(w * self.index.idf(t) for t, w in terms.items())

    def _sentence_scores(self, doc: int, terms: Mapping[str, float]) -> list[float]:
        return [
            sum(w * self.index.idf(t) for t, w in terms.items() if t in sent)
            for sent in self._sentence_terms[doc]
        ]

    def search(self, query: Query, k: int | None = None, max_sentences: int = 2) -> tuple[Hit, ...]:
        """Passages ranked best first (ties: article order); only those matching a term."""
        terms = query.terms
        mass = self._mass(terms)
        if not terms or mass <= 0:
            return ()
        bm25 = self.index.scores(terms)
        hits = []
        for doc, passage in enumerate(self.passages):
            matched = {t: w for t, w in terms.items() if self.index.contains(t, doc)}
            if not matched:
                continue
            sentence_scores = self._sentence_scores(doc, terms)
            best_sentence = max(sentence_scores, default=0.0) / mass
            if query.inherited:  # the answering sentence is chosen by the question's own words
                own = {t: w if t not in query.inherited else w * 0.01 for t, w in terms.items()}
                sentence_scores = self._sentence_scores(doc, own)
            score = float(bm25[doc]) + self.settings.sentence_weight * best_sentence
            coverage = self._mass(matched) / mass
            chosen = pick_sentences(sentence_scores, max_sentences)
            hits.append((-round(score, 9), doc, Hit(passage, score, coverage, chosen)))
        hits.sort(key=lambda item: item[:2])
        ranked = tuple(hit for _, _, hit in hits)
        return ranked if k is None else ranked[:k]


def pick_sentences(scores: Sequence[float], max_sentences: int = 2) -> tuple[int, ...]:
    """Indices of the answering sentence(s): the best, plus an adjacent one nearly as good."""
    if not scores:
        return ()
    best = max(range(len(scores)), key=lambda i: (scores[i], -i))
    chosen = [best]
    if max_sentences > 1 and scores[best] > 0:
        neighbours = [i for i in (best - 1, best + 1) if 0 <= i < len(scores)]
        good = [i for i in neighbours if scores[i] >= 0.6 * scores[best]]
        if good:
            chosen.append(max(good, key=lambda i: (scores[i], -i)))
    return tuple(sorted(chosen))
