"""The kinds of evidence a passage's score adds to its BM25 score, each one small object.

BM25 reads a passage as a bag of words; each kind here adds what the bag cannot see (the
reasons are in :mod:`retrieval.ranker`'s docstring). A kind says three things about one
question, all read from the :class:`~retrieval.batch.Scoring` made for it:

* ``one``: what it adds to one passage, from the passage's facts (the reference computation,
  and the faster one on a small article);
* ``add_many``: the same for many passages at once, in numpy, bit for bit equal;
* ``term_ceilings`` and ``add_ceiling``: the most it could add to each passage, which the
  candidate bound (:mod:`retrieval.candidates`) relies on to leave a passage unscored: so much
  for each question term the passage holds (summed in the same pass over the terms' rows as
  BM25, :mod:`retrieval.rows`), plus what ``add_ceiling`` adds to the passages' array.

The ranker adds the kinds to BM25 in :data:`EVIDENCE` order. ``retrieval.evidence`` in the
config names the kinds in use, so an ablation is one config line, and a new kind is one class
here and one line in :data:`EVIDENCE`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from retrieval import evidence
from retrieval.batch import best_sentences, phrase_scores
from retrieval.bm25 import BM25Index
from retrieval.candidates import pair_ceilings, term_ceilings, type_ceiling

if TYPE_CHECKING:
    from retrieval.batch import Scoring


class Evidence:
    """One kind of evidence; subclasses override the three methods (see the module)."""

    name: ClassVar[str] = ""

    def active(self, s: Scoring) -> bool:
        """Whether it can add anything for this question at all."""
        return True

    def one(self, s: Scoring, doc: int, facts: evidence.PassageFacts) -> float:
        raise NotImplementedError

    def add_many(self, s: Scoring, docs: np.ndarray, total: np.ndarray) -> None:
        raise NotImplementedError

    def term_ceilings(self, s: Scoring) -> Mapping[str, float]:
        """The most it adds to a passage for each question term the passage holds."""
        return {}

    def add_ceiling(self, s: Scoring, index: BM25Index, bound: np.ndarray) -> None:
        raise NotImplementedError


class Sentences(Evidence):
    """The best single sentence's share of the question's weighted words, plus the answer-type
    bonus when it holds the kind of answer asked for, in units of a rare word's idf."""

    name = "sentence"

    def one(self, s: Scoring, doc: int, facts: evidence.PassageFacts) -> float:
        scores = evidence.sentence_scores(facts, s.weighted)
        extra = evidence.type_bonus(facts, scores, s.kind, s.bonus, s.subject)
        lead = [a + b for a, b in zip(scores, extra, strict=True)] if extra else scores
        return s.unit * max(lead, default=0.0) / s.mass

    def add_many(self, s: Scoring, docs: np.ndarray, total: np.ndarray) -> None:
        best = best_sentences(s.table, docs, s.weighted, s.kind, s.bonus, s.subject)
        total += s.unit * best / s.mass

    def term_ceilings(self, s: Scoring) -> Mapping[str, float]:
        return term_ceilings(s.weighted, s.mass, s.unit)

    def add_ceiling(self, s: Scoring, index: BM25Index, bound: np.ndarray) -> None:
        bound += type_ceiling(s.unit, s.kind is not None or bool(s.subject))


class Phrases(Evidence):
    """The mean idf of each pair of adjacent question words the passage holds side by side."""

    name = "phrase"

    def active(self, s: Scoring) -> bool:
        return bool(s.phrase_weight)

    def one(self, s: Scoring, doc: int, facts: evidence.PassageFacts) -> float:
        held, idf = facts.bigrams, s.idf
        return s.phrase_weight * sum((idf(a) + idf(b)) / 2 for a, b in s.pairs if (a, b) in held)

    def add_many(self, s: Scoring, docs: np.ndarray, total: np.ndarray) -> None:
        total += s.phrase_weight * phrase_scores(s.table, docs, s.pairs, s.idf)

    def add_ceiling(self, s: Scoring, index: BM25Index, bound: np.ndarray) -> None:
        idf = {t: s.idf(t) for pair in s.pairs for t in pair}
        for (a, b), ceiling in pair_ceilings(s.pairs, s.phrase_weight, idf).items():
            pair = s.table.pair_id(a, b)
            if ceiling and pair >= 0:  # the passages holding the pair side by side
                bound[s.table.pair_docs_of(pair)] += ceiling


class FollowUp(Evidence):
    """A follow-up's lift for the passage the previous answer quoted."""

    name = "followup"

    def active(self, s: Scoring) -> bool:
        return s.preferred is not None

    def one(self, s: Scoring, doc: int, facts: evidence.PassageFacts) -> float:
        return s.boost if doc == s.preferred else 0.0

    def add_many(self, s: Scoring, docs: np.ndarray, total: np.ndarray) -> None:
        total[docs == s.preferred] += s.boost

    def add_ceiling(self, s: Scoring, index: BM25Index, bound: np.ndarray) -> None:
        bound[s.preferred] += s.boost


EVIDENCE: tuple[Evidence, ...] = (Sentences(), Phrases(), FollowUp())
NAMES: tuple[str, ...] = tuple(kind.name for kind in EVIDENCE)


def chosen(names: tuple[str, ...]) -> tuple[Evidence, ...]:
    """The kinds named in ``names`` (the config's ``retrieval.evidence``), in EVIDENCE order."""
    return tuple(kind for kind in EVIDENCE if kind.name in names)
