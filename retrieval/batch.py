"""Sentence, answer-type and phrase evidence for many passages at once, read from a FactTable.

Why: scored passage by passage in Python (:mod:`retrieval.evidence`), evidence for the two
hundred or so passages a question on a large article needs was most of a reply. Here the
candidates' sentences and pairs are gathered from :class:`~retrieval.fact_table.FactTable`'s
arrays in a few numpy passes.

Why the scores are bit for bit those of :mod:`retrieval.evidence`: a sentence's share is the
exactly rounded sum (``math.fsum``) of the weighted question terms it holds, so it depends only
on *which* of the question's terms it holds. Each sentence's set of held question terms is
found as a bit mask in numpy, and each distinct mask's sum is then taken with ``fsum`` in
Python, once. A passage's phrase evidence is added pair by pair in the question's order, as
``sum`` over the pairs always added it (adding 0.0 for a pair it lacks changes no bit). Maxima,
the type bonus (a constant added or not) and the final sums are single float operations in
the same order, which numpy rounds as Python does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from math import fsum
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from retrieval import rows
from retrieval.bm25 import BM25Index
from retrieval.fact_table import FactTable

if TYPE_CHECKING:
    from retrieval.evidence_kinds import Evidence

_BITS = 63  # question terms per mask word (uint64, the top bit unused)
# On an article of at most this many passages they are scored one by one from their sets (all
# of them cached): there, numpy's per-call cost is more than the Python it saves.
FEW = 256
_BATCH = 4096  # passages gathered at once (bounds the temporary arrays)
_EXACT_BITS = 52  # question terms whose masks are summed as float64 powers of two, exactly
_LOOKUP = 1 << 12  # masks below this are looked up in a table (4,096 floats) instead of sorted


class Scoring(NamedTuple):
    """What scoring passages for one question reads (see :meth:`retrieval.ranker.Retriever.rank`).
    A named tuple: made once per question, it is cheaper to make than a frozen dataclass.

    A passage's score is its BM25 score plus what each of ``kinds`` adds
    (:mod:`retrieval.evidence_kinds`): ``unit`` x its best sentence's (share + type bonus) /
    ``mass``, ``phrase_weight`` x its phrase evidence, ``boost`` when it is the ``preferred``
    one.
    """

    table: FactTable
    bm25: np.ndarray | rows.RowScores
    weighted: Mapping[str, float]
    mass: float
    unit: float
    kind: str | None
    bonus: float
    subject: frozenset[str]
    phrase_weight: float
    pairs: Sequence[tuple[str, str]]
    idf: Callable[[str], float]
    preferred: int | None
    boost: float
    kinds: Sequence[Evidence]

    def totals(self, docs: np.ndarray) -> np.ndarray | list[float]:
        """The score of each of ``docs`` (passage numbers); a list on a small article."""
        if len(self.table) <= FEW:
            return self.one_by_one(docs.tolist())
        kinds = self.in_use()
        out = np.empty(len(docs))
        for part in range(0, len(docs), _BATCH):
            at = docs[part : part + _BATCH]
            total = self.bm25[at]  # a copy: added to in place
            for kind in kinds:
                kind.add_many(self, at, total)
            out[part : part + _BATCH] = total
        return out

    def one_by_one(self, docs: list[int]) -> list[float]:
        """The scores of ``docs`` passage by passage, from their sets (:mod:`retrieval.evidence`):
        the reference computation, and the faster one on a small article."""
        every = self.table.every_passage()
        passage = every.__getitem__ if every is not None else self.table.passage
        kinds = self.in_use()
        bm25 = self.bm25
        out = []
        for doc in docs:
            facts = passage(doc)
            total = float(bm25[doc])
            for kind in kinds:
                total += kind.one(self, doc, facts)
            out.append(total)
        return out

    def ceilings(self, index: BM25Index) -> np.ndarray:
        """Each passage's BM25 score plus the most every kind of evidence could add to it."""
        bound = self.bm25.copy()
        bound += index.presence(self.term_ceilings())
        for kind in self.in_use():
            kind.add_ceiling(self, index, bound)
        return bound

    def ceilings_in_one_pass(
        self, index: BM25Index, found: list[rows.Row]
    ) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`ceilings` in one pass over the question's rows ``found``, and whether each
        passage holds a question term (a mask; see :mod:`retrieval.rows`)."""
        bound, held = rows.ceilings(found, self.term_ceilings(), index.size)
        for kind in self.in_use():
            kind.add_ceiling(self, index, bound)
        return bound, held

    def term_ceilings(self) -> dict[str, float]:
        """The most evidence adds for each question term a passage holds, over every kind."""
        out: dict[str, float] = {}
        for kind in self.in_use():
            for term, ceiling in kind.term_ceilings(self).items():
                out[term] = out.get(term, 0.0) + ceiling
        return out

    def in_use(self) -> list[Evidence]:
        """The kinds of evidence that can add anything for this question."""
        return [kind for kind in self.kinds if kind.active(self)]


def ranges(bounds: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions ``bounds[r]:bounds[r + 1]`` of each row ``r`` of ``rows``, concatenated, with
    each position's index into ``rows`` and each row's count."""
    starts = bounds[rows]
    counts = bounds[rows + 1] - starts
    owner = np.repeat(np.arange(len(rows)), counts)
    ends = np.cumsum(counts)
    positions = np.arange(int(ends[-1]) if len(ends) else 0) + np.repeat(
        starts - (ends - counts), counts
    )
    return positions, owner, counts


def held_masks(
    ids: np.ndarray,
    owner: np.ndarray,
    wanted: Sequence[int],
    rows: int,
    vocabulary: int | None = None,
) -> np.ndarray:
    """For each of ``rows`` rows, a bit mask (uint64 words) of which ``wanted`` ids it holds;
    ``ids[i]`` belongs to row ``owner[i]``, and a row lists an id at most once (a set). A
    wanted id listed twice sets both its bits. ``vocabulary``: more than any id, if known."""
    words = max(1, -(-len(wanted) // _BITS))
    masks = np.zeros((rows, words), dtype=np.uint64)
    known = [(w, j) for j, w in enumerate(wanted) if w >= 0]
    if not known or not len(ids):
        return masks
    if vocabulary and len(wanted) <= _EXACT_BITS and len({w for w, _ in known}) == len(known):
        # Each row holds each bit at most once, so the OR of its bits is their sum: each id's
        # bit looked up in a table, then one bincount (exact in float64 below 2**53).
        bits = np.zeros(vocabulary)
        bits[[w for w, _ in known]] = [2.0**j for _, j in known]
        masks[:, 0] = np.bincount(owner, weights=bits[ids], minlength=rows).astype(np.uint64)
        return masks
    keys = np.array([w for w, _ in known], dtype=np.int64)
    bit = np.array([j for _, j in known], dtype=np.int64)
    order = np.argsort(keys, kind="stable")
    keys, bit = keys[order], bit[order]
    at = np.searchsorted(keys, ids)
    np.minimum(at, len(keys) - 1, out=at)
    hit = np.flatnonzero(keys[at] == ids)
    at, rows_hit = at[hit], owner[hit]
    # A key listed more than once (a repeated pair) sets each of its bits: walk the repeats.
    while len(at):
        j = bit[at]
        ones = np.left_shift(np.uint64(1), (j % _BITS).astype(np.uint64))
        np.bitwise_or.at(masks, (rows_hit, j // _BITS), ones)
        nxt = at + 1
        more = (nxt < len(keys)) & (keys[np.minimum(nxt, len(keys) - 1)] == keys[at])
        at, rows_hit = nxt[more], rows_hit[more]
    return masks


def per_mask(masks: np.ndarray, value: Callable[[list[int]], float]) -> np.ndarray:
    """``value(held bit numbers)`` for each row's mask, computed once per distinct mask."""
    if masks.shape[1] == 1:
        flat = masks[:, 0]
        if len(flat) and int(flat.max()) < _LOOKUP:  # few bits: a lookup table, not a sort
            seen = np.zeros(_LOOKUP, dtype=bool)
            seen[flat] = True
            distinct = np.flatnonzero(seen).tolist()
            table = np.zeros(_LOOKUP)
            table[distinct] = [value(_bits([m])) for m in distinct]
            return table[flat]
        distinct, inverse = np.unique(flat, return_inverse=True)
        rows = [[int(m)] for m in distinct.tolist()]
    else:
        distinct, inverse = np.unique(masks, axis=0, return_inverse=True)
        rows = distinct.tolist()
    values = [value(_bits(row)) for row in rows]
    return np.array(values, dtype=np.float64)[inverse.reshape(-1)]


def _bits(words: list[int]) -> list[int]:
    """The numbers of the bits set in ``words`` (63 a word), ascending: only the set ones
    are visited (a question's sentence holds a few of its terms, not 63)."""
    out = []
    for w, word in enumerate(words):
        while word:
            low = word & -word
            out.append(w * _BITS + low.bit_length() - 1)
            word ^= low
    return out


def best_sentences(
    table: FactTable,
    docs: np.ndarray,
    weighted: Mapping[str, float],
    kind: str | None,
    bonus: float,
    subject: frozenset[str],
) -> np.ndarray:
    """Each passage's best sentence score: its share of ``weighted`` plus ``bonus`` when it
    shares a word and holds the answer ``kind`` or defines half the ``subject`` (0 without
    sentences), as ``max(sentence_scores + type_bonus)`` of :mod:`retrieval.evidence`."""
    sentences, _, counts = ranges(table.sentences, docs)
    positions, term_owner, _ = ranges(table.own_bounds, sentences)
    terms = list(weighted)
    values = [weighted[t] for t in terms]
    ids = table.own[positions]
    masks = held_masks(ids, term_owner, table.term_ids(terms), len(sentences), len(table.terms))
    scores = per_mask(masks, lambda held: fsum(values[j] for j in held))
    if kind is not None or subject:
        holds = np.zeros(len(sentences), dtype=bool)
        if kind is not None:
            kinds = np.array([kind in s for s in table.type_sets], dtype=bool)
            holds |= kinds[table.type_codes[sentences]]
        if subject:
            need = len(subject) / 2
            codes = table.define_codes[sentences]
            distinct, inverse = np.unique(codes, return_inverse=True)
            sets = table.define_sets
            defines = [len(subject & sets[c]) >= need for c in distinct.tolist()]
            holds |= np.array(defines, dtype=bool)[inverse.reshape(-1)]
        scores = scores + np.where((scores > 0) & holds, bonus, 0.0)
    best = np.zeros(len(docs))
    some = counts > 0
    if len(sentences):
        starts = (np.cumsum(counts) - counts)[some]
        best[some] = np.maximum.reduceat(scores, starts)
    return best


def phrase_scores(
    table: FactTable, docs: np.ndarray, pairs: Sequence[tuple[str, str]], idf: Callable
) -> np.ndarray:
    """Each passage's phrase evidence: the mean idf of each question pair it holds side by
    side, added in the question's order from 0 (``sum`` over ``pairs``, as the ranker adds
    them; adding 0.0 for a pair a passage lacks changes no bit). Whether a passage holds a
    pair is a binary search in the pair's passages."""
    total = np.zeros(len(docs))
    if not len(docs):
        return total
    for a, b in pairs:
        pair = table.pair_id(a, b)
        if pair >= 0:
            held = table.pair_docs_of(pair)
            at = np.searchsorted(held, docs)
            np.minimum(at, len(held) - 1, out=at)
            total += np.where(held[at] == docs, (idf(a) + idf(b)) / 2, 0.0)
    return total
