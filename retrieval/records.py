"""Records of ranking: its settings, an analysed question, a ranked passage."""

from __future__ import annotations

from dataclasses import dataclass

from corpus.records import Passage


@dataclass(frozen=True)
class RetrievalSettings:
    """How ranking behaves; filled from the ``[retrieval]`` config table.

    ``synonym_weight``: weight of a thesaurus word standing in for a question word the article
    never uses. ``unknown_weight``: share of a rare word's idf that such an unused word weighs
    in coverage (the decline decision). ``name_weight``: how many times a name the question
    gives ("INTERPOL") counts in BM25. ``english_spelling``: read a word neither the article
    nor common English uses as the common English word it likely stands for ("chiarperson").
    ``candidates``: passages given evidence before the rest are checked against its bound
    (:mod:`retrieval.candidates`); it changes speed only, never the ranking.
    """

    variant: str = "lucene"
    k1: float = 1.2
    b: float = 0.75
    sentence_weight: float = 1.5
    max_edits: int = 2
    phrase_weight: float = 1.0
    synonym_weight: float = 0.6
    unknown_weight: float = 0.5
    name_weight: float = 2.0
    english_spelling: bool = True
    candidates: int = 100


@dataclass(frozen=True)
class Query:
    """An analysed question: stemmed term -> weight, plus the typo corrections made.

    ``bigrams`` are the pairs of adjacent content words of the question itself (never of an
    inherited context), in question order.
    """

    text: str
    weights: tuple[tuple[str, float], ...]
    corrections: tuple[tuple[str, str], ...] = ()
    inherited: frozenset[str] = frozenset()
    bigrams: tuple[tuple[str, str], ...] = ()
    # Question terms the article never uses -> article terms meaning much the same.
    alternatives: tuple[tuple[str, frozenset[str]], ...] = ()
    # Terms from capitalised words (names) in the question.
    names: frozenset[str] = frozenset()
    # Terms the index holds only inside longer names ("nation" of "United Nations") that the
    # question writes in lower case: they match nothing and weigh as words the article never
    # uses; their ``alternatives`` stand in for them.
    unseen: frozenset[str] = frozenset()
    # The adjective of "how old", "how long": it matches like any word, but it says what kind
    # of answer is asked, not what about, so it does not count in coverage.
    measure: frozenset[str] = frozenset()
    # The question's own terms with the word each was read from (after spelling fixes), for
    # general word statistics (:mod:`retrieval.wordstats`).
    spelled: tuple[tuple[str, str], ...] = ()

    @property
    def terms(self) -> dict[str, float]:
        return dict(self.weights)


@dataclass(frozen=True)
class Hit:
    """A ranked passage: its score, how much of the question it covers, its best sentences
    (indices into ``passage.sentences``; empty when they were not asked for)."""

    passage: Passage
    score: float
    coverage: float
    sentences: tuple[int, ...]
