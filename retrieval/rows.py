"""One pass over a question's postings on a large article: ceilings first, exact BM25 later.

Why: at 100,000 passages a question's words are held by tens of thousands of passages each,
and the ranker used to read their rows three times (BM25 for every passage, which passages
match a word, and the candidate bound's ceilings), each pass a scatter-add over the whole
corpus. Here one pass gives every passage's ceiling before phrases (its BM25 score plus the
most sentence evidence could add for each question term it holds) and, from the same sum,
which passages match; the exact BM25 score is then computed only for the few hundred
passages that get evidence (:class:`RowScores`).

Why the scores are those of :meth:`retrieval.bm25.BM25Index.scores` to the bit: that sum adds
each passage's contributions row by row in the question's order, from 0.0; a passage's score
here adds the same values (the same products, for a term weighing other than 1) in the same
order, and 0.0 for a row it is not in, which changes no bit. The ceilings are the same sums in
another order; :mod:`retrieval.candidates` compares them with a margin that covers that.

Why a sum above 0 means "holds a question term": when every contribution of the index is above
0 (:attr:`~retrieval.bm25.BM25Index.positive`, always so with Lucene's idf) and so is every
weight and ceiling, a sum of them is above 0 exactly when it has a term. Otherwise the ranker
takes the general path (:meth:`retrieval.bm25.BM25Index.matching`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from retrieval.bm25 import BM25Index

Row = tuple[str, np.ndarray, np.ndarray, float]  # term, its passages, contributions, weight


def rows(index: BM25Index, weights: Mapping[str, float]) -> list[Row] | None:
    """The rows of the question's terms the article uses, in the question's order; None when
    a sum above 0 would not mean a match (see the module docstring)."""
    if not index.positive:
        return None
    found = []
    for term, weight in weights.items():
        row = index.row(term)
        if row is not None:
            if not weight > 0:
                return None
            found.append((term, row[0], row[1], weight))
    return found


def ceilings(
    found: list[Row], extra: Mapping[str, float], size: int
) -> tuple[np.ndarray, np.ndarray]:
    """Each passage's sum, over the rows of ``found`` it is in, of weight x contribution plus
    ``extra`` of the row's term (0 or more), and whether it is in any row (a mask)."""
    if not found:
        return np.zeros(size), np.zeros(size, dtype=bool)
    at = np.concatenate([passages for _, passages, _, _ in found])
    values = np.concatenate(
        [_plus(data if w == 1 else w * data, extra.get(t, 0.0)) for t, _, data, w in found]
    )
    total = np.bincount(at, weights=values, minlength=size)
    return total, total > 0


def _plus(values: np.ndarray, added: float) -> np.ndarray:
    """``values + added`` (``values`` itself when ``added`` is 0)."""
    return values + added if added else values


class RowScores:
    """Exact BM25 scores of the passages asked for (``scores[docs]``), by binary search in the
    question's rows; an instance stands for the whole score array in :class:`~retrieval.batch.
    Scoring`."""

    __slots__ = ("_rows",)

    def __init__(self, found: list[Row]) -> None:
        self._rows = found

    def __getitem__(self, docs: np.ndarray | int) -> np.ndarray | float:
        wanted = np.atleast_1d(np.asarray(docs, dtype=np.intp))
        total = np.zeros(wanted.shape)
        for _, passages, data, weight in self._rows:
            at = np.searchsorted(passages, wanted)
            part = data.take(at, mode="clip")
            if weight != 1:
                part *= weight  # the product index.scores takes, passage by passage
            # Adding 0.0 where the passage is not in the row changes no bit.
            total += np.where(passages.take(at, mode="clip") == wanted, part, 0.0)
        return float(total[0]) if np.ndim(docs) == 0 else total
