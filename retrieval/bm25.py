"""BM25 as rank-bm25 defines it, served from a precomputed sparse term x passage model.

rank-bm25's ``get_top_n`` drops the scores and its checks are ``assert`` statements; Okapi's idf
floors every term found in more than half of a small corpus to epsilon x average idf (so a
very common word can outweigh a rarer one, and a word in exactly half the passages weighs 0).
The default here is ``lucene``: Okapi's term-frequency part with Lucene's always-positive idf,
log(1 + (N - n + 0.5) / (n + 0.5)), which keeps rarer terms heavier at any corpus size.

Why precomputed: rank-bm25's ``get_scores`` walks every passage in Python for every query
term, so a query costs O(terms x passages) interpreter steps, and caching each term's dense
vector instead grows without bound. rank-bm25 still builds the model (its idf table, k1, b,
avgdl, document lengths and term counts stay the definition of a score); each term's
contribution to every passage that holds it is then computed once, vectorised, and kept in
compressed sparse rows (CSR): ``_bounds[t]:_bounds[t + 1]`` spans term ``t``'s passages in
``_indices`` (ascending) and its contributions in ``_data``. A query sums its terms' rows, so it
costs the passages that hold its terms and nothing else. Okapi and Lucene add nothing to a
passage without the term, so the rows are exact; BM25Plus adds idf x delta to every passage,
which is kept as one constant per term and added to all passages at once.

Where rank-bm25 divides 0 by 0 (k1 = 0, a passage without the term) it returns NaN; here such a
passage gets the limit, the same as any passage without the term (0, or idf x delta for Plus).

Why plain numpy and not ``scipy.sparse``: a query needs three arrays and one scatter-add, and
importing ``scipy.sparse`` costs about 100 ms on top of numpy's 55 ms (``python -X importtime``,
five runs: 98-127 ms), which would take ``python -m bot ask`` on the shipped article from about
2x the numpy import to about 3x. Memory is 16 bytes a posting (an intp passage, a float64
score: int32 would save 4, but numpy converts int32 indices on every fancy-indexed add, which
nearly doubled a query on the shipped article) plus a term's id, document frequency and row
bounds in Python; rank-bm25's per-passage dictionaries are dropped once the rows are built.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import chain

import numpy as np
from rank_bm25 import BM25Okapi, BM25Plus

VARIANTS = ("lucene", "okapi", "plus")

# rank-bm25 divides by the average document length and its Okapi idf by the vocabulary size:
# a document without terms is indexed as this one token, so an all-empty corpus still builds.
EMPTY_DOCUMENT = "\x00"

# Queries whose rows hold more postings than this are summed with one ``np.bincount``, fewer
# row by row (see ``BM25Index._sum_rows``); on a corpus of at most _SMALL passages every query
# is (the least set-up: the 12-passage article).
_LONG_ROW = 256
_SMALL = 1024


class LuceneBM25(BM25Okapi):
    """Okapi scoring with Lucene's idf (monotone in document frequency, never negative)."""

    def _calc_idf(self, nd: Mapping[str, int]) -> None:
        n = self.corpus_size
        self.idf = {word: math.log(1 + (n - df + 0.5) / (df + 0.5)) for word, df in nd.items()}
        self.average_idf = sum(self.idf.values()) / len(self.idf) if self.idf else 0.0


def rank_bm25_model(
    documents: Sequence[Sequence[str]], variant: str, k1: float, b: float
) -> BM25Okapi | BM25Plus:
    """rank-bm25's model of ``documents`` exactly as :class:`BM25Index` scores it.

    Public so tests and benchmarks compare against the very model the index is built from.
    """
    docs = [doc if len(doc) else [EMPTY_DOCUMENT] for doc in documents]
    if variant == "lucene":
        return LuceneBM25(docs, k1=k1, b=b)
    if variant == "okapi":
        return BM25Okapi(docs, k1=k1, b=b)
    return BM25Plus(docs, k1=k1, b=b)


class Postings(Mapping[str, list[int]]):
    """Read-only view: term -> the passages holding it, ascending.

    Lists are made when asked for and never stored, so the index holds each posting once
    (in a numpy array) rather than once more as a Python int in a list per term.
    """

    __slots__ = ("_bounds", "_ids", "_indices")

    def __init__(self, ids: Mapping[str, int], bounds: list[int], indices: np.ndarray) -> None:
        self._ids = ids
        self._bounds = bounds
        self._indices = indices

    def __getitem__(self, term: str) -> list[int]:
        t = self._ids[term]
        return self._indices[self._bounds[t] : self._bounds[t + 1]].tolist()

    def get(self, term: str, default: object = None) -> list[int] | object:  # type: ignore[override]
        """Faster than Mapping's, which raises and catches a KeyError for an unknown term."""
        t = self._ids.get(term)
        if t is None:
            return default
        return self._indices[self._bounds[t] : self._bounds[t + 1]].tolist()

    def __contains__(self, term: object) -> bool:
        return term in self._ids

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


class BM25Index:
    """Scores weighted terms against a fixed corpus, exactly as rank-bm25 would.

    The corpus is never scored passage by passage: see the module docstring.
    """

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
        model = rank_bm25_model(documents, variant, k1, b)
        self.size: int = model.corpus_size
        # Every term, in the order the corpus first uses it (rank-bm25's idf table has them all).
        self._ids: dict[str, int] = {term: t for t, term in enumerate(model.idf)}
        indptr, self._indices, self._data = _rows(model, self._ids)
        # Row bounds as Python ints: slicing with numpy scalars costs a query more.
        self._bounds: list[int] = indptr.tolist()
        self.doc_freq: dict[str, int] = dict(zip(self._ids, np.diff(indptr).tolist(), strict=True))
        # Which documents hold each term, in corpus order (a query only visits these).
        self.postings: Mapping[str, list[int]] = Postings(self._ids, self._bounds, self._indices)
        # BM25Plus's idf x delta, which every passage gets for every term of the query.
        self._floor: np.ndarray | None = None
        if isinstance(model, BM25Plus):
            idf = np.fromiter(model.idf.values(), dtype=np.float64, count=len(self._ids))
            self._floor = idf * model.delta
        # Every contribution above 0 (Lucene's idf always is): a passage then holds one of a
        # query's positively weighted terms exactly when its sum is above 0 (retrieval.rows).
        self.positive: bool = self._floor is None and bool((self._data > 0).all())

    def contains(self, term: str, doc: int) -> bool:
        """Whether passage ``doc`` holds ``term`` (a binary search in the term's row)."""
        if not 0 <= doc < self.size:
            raise IndexError(f"no passage {doc} in an index of {self.size}")
        t = self._ids.get(term)
        if t is None:
            return False
        start, end = self._bounds[t], self._bounds[t + 1]
        at = bisect_left(self._indices, doc, start, end)
        return at < end and int(self._indices[at]) == doc

    def row(self, term: str) -> tuple[np.ndarray, np.ndarray] | None:
        """The passages holding ``term`` (ascending) and its contributions to their scores,
        as views; None for a term no passage holds."""
        t = self._ids.get(term)
        if t is None:
            return None
        start, end = self._bounds[t], self._bounds[t + 1]
        return self._indices[start:end], self._data[start:end]

    def term_scores(self, term: str) -> np.ndarray:
        """rank-bm25's score of every document for the one-term query ``[term]`` (a new array)."""
        return self.scores({term: 1.0})

    def scores(self, weights: Mapping[str, float]) -> np.ndarray:
        """Weighted BM25 score of each document for a query given as term -> weight.

        Equal to the weighted sum of rank-bm25's ``get_scores([term])``; a term the corpus
        never uses adds nothing, as in rank-bm25.
        """
        if self.size <= _SMALL:
            return self._scores_row_by_row(weights)
        floor = 0.0
        ids, bounds, data = self._ids, self._bounds, self._data
        rows: list[tuple[int, int, float]] = []
        for term, weight in weights.items():
            t = ids.get(term)
            if t is None:
                continue
            rows.append((bounds[t], bounds[t + 1], weight))
            if self._floor is not None:
                floor += weight * float(self._floor[t])
        # Most question words weigh 1: not multiplying saves an array per term.
        total = self._sum_rows(rows, [data[s:e] if w == 1 else w * data[s:e] for s, e, w in rows])
        if floor:
            total += floor
        return total

    def _scores_row_by_row(self, weights: Mapping[str, float]) -> np.ndarray:
        """:meth:`scores` on a small corpus: one pass, rows added as they are read (the same
        sums: each passage's contributions are added in the same order, from 0.0)."""
        total = np.zeros(self.size)
        floor = 0.0
        ids, bounds, indices, data = self._ids, self._bounds, self._indices, self._data
        for term, weight in weights.items():
            t = ids.get(term)
            if t is None:
                continue
            start, end = bounds[t], bounds[t + 1]
            # Most question words weigh 1: not multiplying saves an array per term.
            total[indices[start:end]] += (
                data[start:end] if weight == 1 else weight * data[start:end]
            )
            if self._floor is not None:
                floor += weight * float(self._floor[t])
        if floor:
            total += floor
        return total

    def _sum_rows(self, rows: list[tuple[int, int, float]], parts: list[np.ndarray]) -> np.ndarray:
        """Each passage's sum of ``parts[i]``, the values of row ``rows[i]``'s passages: one
        ``np.bincount`` over long rows side by side (half ``np.add.at``'s time at 100,000
        passages; it adds each passage's values in the same order, from 0.0, as adding row
        after row, so the sums are the same to the bit), short ones row by row."""
        indices = self._indices
        if sum(e - s for s, e, _ in rows) > _LONG_ROW:
            at = np.concatenate([indices[s:e] for s, e, _ in rows])
            return np.bincount(at, weights=np.concatenate(parts), minlength=self.size)
        total = np.zeros(self.size)
        for (start, end, _), part in zip(rows, parts, strict=True):
            total[indices[start:end]] += part
        return total

    def matching(self, terms: Iterable[str]) -> np.ndarray:
        """The passages holding at least one of ``terms``, ascending (one numpy array).

        A mask filled row by row: a Python set of the postings would cost an interpreter step
        per posting, which on a large corpus is most of a query.
        """
        mask = np.zeros(self.size, dtype=bool)
        ids, bounds, indices = self._ids, self._bounds, self._indices
        for term in terms:
            t = ids.get(term)
            if t is not None:
                mask[indices[bounds[t] : bounds[t + 1]]] = True
        return np.flatnonzero(mask)

    def presence(self, weights: Mapping[str, float]) -> np.ndarray:
        """For each passage, the sum of ``weights`` of the terms it holds (BM25 not applied)."""
        ids, bounds = self._ids, self._bounds
        rows = [
            (bounds[t], bounds[t + 1], weight)
            for term, weight in weights.items()
            if (t := ids.get(term)) is not None and weight
        ]
        return self._sum_rows(rows, [np.full(e - s, w) for s, e, w in rows])

    def idf(self, term: str) -> float:
        """Lucene idf of ``term`` (also for unseen terms: they are the rarest of all)."""
        df = self.doc_freq.get(term, 0)
        return math.log(1 + (self.size - df + 0.5) / (df + 0.5))

    @property
    def rare_idf(self) -> float:
        """The idf of a term no document holds: the largest any term can have here."""
        return math.log(1 + (self.size + 0.5) / 0.5)


def _rows(
    model: BM25Okapi | BM25Plus, ids: Mapping[str, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The CSR rows (indptr, passages, contributions) of rank-bm25's model, one term a row.

    rank-bm25's per-passage term counts are read once, by C-level iterators into flat arrays,
    and every contribution is computed in one vectorised pass with rank-bm25's own formula
    (the same operations on the same operands, so Okapi and Lucene rows equal ``get_scores``
    bit for bit). Temporaries are dropped or overwritten as soon as they are used: at 100,000
    passages each flat array is tens of megabytes, on top of rank-bm25's model.
    """
    counts = model.doc_freqs  # one {term: count} per passage
    size = len(counts)
    per_doc = np.fromiter(map(len, counts), dtype=np.int64, count=size)
    total = int(per_doc.sum())
    term_of = np.fromiter(
        map(ids.__getitem__, chain.from_iterable(counts)), dtype=np.int32, count=total
    )
    indptr = np.zeros(len(ids) + 1, dtype=np.int64)
    np.cumsum(np.bincount(term_of, minlength=len(ids)), out=indptr[1:])
    # Group by term; a stable sort keeps each term's passages in corpus (ascending) order.
    order = np.argsort(term_of, kind="stable")
    del term_of
    indices = np.repeat(np.arange(size, dtype=np.intp), per_doc)[order]
    tf = np.fromiter(chain.from_iterable(map(dict.values, counts)), dtype=np.float64, count=total)
    tf = tf[order]
    del order
    k1, b = model.k1, model.b
    norm = k1 * (1 - b + b * np.asarray(model.doc_len) / model.avgdl)
    # tf * (k1 + 1) / (tf + norm) x idf; BM25Plus's idf x delta is the per-term floor instead.
    data = norm[indices]
    data += tf
    tf *= k1 + 1
    np.divide(tf, data, out=data)
    del tf
    idf = np.fromiter(model.idf.values(), dtype=np.float64, count=len(ids))
    data *= np.repeat(idf, np.diff(indptr))
    return indptr, indices, data
