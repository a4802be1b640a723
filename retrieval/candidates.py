"""Which passages get evidence: the most promising few, and every other one that could still win.

Sentence, phrase and answer-type evidence are read passage by passage in Python; BM25 is one
vectorised sum. On a large corpus a question word such as "city" is in tens of thousands of
passages, so scoring evidence for every passage that shares a word costs far more than BM25
itself. Evidence is therefore scored for the ``candidates`` (``M``) most promising passages
first (BM25's best; on a large article those with the highest ceilings, below, which come from
the same pass over the postings, :mod:`retrieval.rows`), and for other passages only when they
could still reach the ``k`` passages returned.

Why that leaves every ranking unchanged: evidence only ever *adds* to BM25, and each kind of
evidence is bounded by what the passage holds:

* sentence evidence is ``unit x max(sentence share + type bonus) / mass``, and a sentence's share
  is the sum of the weighted question terms it holds, so it is at most the sum over the terms
  the *passage* holds (its sentences' terms are among its indexed terms);
* the type bonus is the same constant for every passage (``unit x ANSWER_TYPE_SHARE``) when the
  question asks for a kind of answer or a definition, else 0;
* phrase evidence adds ``phrase_weight x`` the mean idf of each question word pair the passage
  holds side by side: its ceiling is exactly that, for the passages the fact table lists as
  holding the pair (:meth:`~retrieval.fact_table.FactTable.pair_docs_of`);
* a follow-up's lift goes to one named passage.

So each passage gets a ceiling, BM25 plus the most each kind of its evidence could add
(``term_ceilings`` and ``add_ceiling`` of :mod:`retrieval.evidence_kinds`, from the functions
below). Once the
first ``M`` are scored exactly, let ``T`` be the ``k``-th best exact score: a
passage whose ceiling is below ``T`` cannot enter the first ``k`` (``k`` scored passages already
beat it), and every passage whose ceiling reaches ``T`` is scored exactly too. The result is
identical to scoring all of them, for any ``M``; ``M`` only sets how much is done before the
bound is checked. This is tighter than one global bound ("within the largest possible bonus
of the M-th BM25 score"), which on a large corpus reaches deep into the long tail of common
words. A passage whose evidence reads terms it is not indexed under (a coreference guess can
split "1,300" that the index joins) has no ceiling: it is marked ``loose`` when the article is
indexed and always scored exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from retrieval.answer_type import ANSWER_TYPE_SHARE

if TYPE_CHECKING:
    from retrieval.batch import Scoring

# Scores are compared rounded to 9 decimals when ranked; the ceilings are sums in another
# order, so a passage within this (relative) margin of T is scored exactly all the same.
_TOLERANCE = 1e-6
# More than the 1e-9 step scores are rounded to before they are ranked, relative to the score.
_ROUNDING = 1e-8
_FEW = 64  # scores sorted whole, without first setting the far ones aside
_SAMPLE = 2048  # passages sampled to guess the m-th best ceiling
_SPARE = 4  # the guess aims at this many times m passages above it


def best_by_bm25(bm25: np.ndarray, matched: np.ndarray, m: int) -> np.ndarray:
    """The ``m`` passages of ``matched`` with the highest BM25 scores (in no order); or of
    any other order of promise, such as their ceilings.

    ``matched`` is the passages' numbers, or a mask over every passage (see :func:`bounded`);
    with a mask, a threshold is first guessed from a sample, so only the passages above it are
    partitioned (when fewer than ``m`` are, every matched one is).
    """
    if matched.dtype == bool:
        found = _above(bm25, matched, m)
        if found is not None:
            above = found[0]
            return above[np.argpartition(-bm25[above], m - 1)[:m]]
        matched = np.flatnonzero(matched)
    if len(matched) <= m:
        return matched
    return matched[np.argpartition(-bm25[matched], m - 1)[:m]]


def _above(promise: np.ndarray, held: np.ndarray, m: int) -> tuple[np.ndarray, float] | None:
    """Every passage of the mask ``held`` whose ``promise`` reaches a threshold guessed from a
    sample so that about ``_SPARE x m`` do, and the threshold; None when the sample is too
    small or fewer than ``m`` passages reach it."""
    step = len(held) // _SAMPLE
    if step <= 1:
        return None
    sample = promise[::step][held[::step]]  # every step-th passage, the matched ones of them
    r = 1 + _SPARE * m // step
    if len(sample) <= r:
        return None
    guess = float(np.partition(sample, len(sample) - r)[len(sample) - r])
    above = np.flatnonzero(promise >= guess)
    above = above[held[above]]
    return (above, guess) if len(above) >= m else None


def bounded(
    scoring: Scoring,
    matched: np.ndarray,
    promise: np.ndarray,
    k: int | None,
    m: int,
    ceiling: Callable[[], np.ndarray] | None,
    loose: np.ndarray | None,
) -> list[tuple[float, int, float]]:
    """:func:`ranked` over ``matched`` (every one with ``k`` None), evidence scored for the
    ``m`` most promising first (highest ``promise``), then for the others whose ``ceiling()``
    (``promise`` itself when None) reaches the ``k``-th best exact score (see the module
    docstring). ``loose``: the passages that have no ceiling, by number.

    ``matched``: the passages holding a question term, by number, or as a mask over every
    passage (from :mod:`retrieval.rows`), which saves listing them: most are never read.
    When the ceilings are the promise, the passages above the guessed threshold the first
    ones were picked from are kept: when the ``k``-th best exact score reaches that threshold
    too, the rest are among them, and the whole array is not read again.
    """
    mask = matched.dtype == bool
    pool = None
    if k is None:
        first = np.flatnonzero(matched) if mask else matched
    elif mask and ceiling is None and (pool := _above(promise, matched, m)) is not None:
        first = pool[0][np.argpartition(-promise[pool[0]], m - 1)[:m]]
    else:
        first = best_by_bm25(promise, matched, m)
    first_totals = scoring.totals(first)
    scored = ranked(first, first_totals, k)
    count = int(np.count_nonzero(matched)) if mask else len(matched)
    if k and len(first) < count and len(first) >= k:
        threshold = scored[k - 1][2]
        bound = promise if ceiling is None else ceiling()
        if pool is not None and threshold - _margin(threshold) >= pool[1]:
            rest = to_score(pool[0], first, bound, threshold, None)
            if loose is not None:  # scored whatever their ceiling
                rest = np.union1d(rest, _without(loose[matched[loose]], first))
        else:
            rest = to_score(matched, first, bound, threshold, loose)
        if len(rest):
            both = np.concatenate([first, rest])
            totals = np.concatenate([first_totals, scoring.totals(rest)])
            scored = ranked(both, totals, k)
    return scored


def _margin(threshold: float) -> float:
    """How far below ``threshold`` a ceiling is still scored (see ``_TOLERANCE``)."""
    return _TOLERANCE * (1.0 + abs(threshold))


def term_ceilings(weighted: Mapping[str, float], mass: float, unit: float) -> dict[str, float]:
    """The most each question term can add to a passage's sentence evidence, beyond BM25."""
    return {t: unit * w / mass for t, w in weighted.items()}


def pair_ceilings(
    bigrams: Sequence[tuple[str, str]], phrase_weight: float, idf: Mapping[str, float]
) -> dict[tuple[str, str], float]:
    """The phrase evidence each question pair adds to a passage holding it side by side."""
    if not phrase_weight:
        return {}
    return {(a, b): phrase_weight * (idf[a] + idf[b]) / 2 for a, b in bigrams}


def to_score(
    matched: np.ndarray,
    scored: Iterable[int] | np.ndarray,
    ceiling: np.ndarray,
    threshold: float,
    loose: np.ndarray | None,
) -> np.ndarray:
    """The passages of ``matched`` not yet ``scored`` whose ceiling reaches ``threshold``
    (or that have no ceiling, being ``loose``, by number). With ``matched`` a mask over
    every passage, the whole ceiling array is compared at once, and only the few passages
    reaching it are checked against the mask: cheaper than gathering every matched one's."""
    margin = _margin(threshold)
    if matched.dtype == bool:
        reach = ceiling >= threshold - margin
        if loose is not None:
            reach[loose] = True
        rest = np.flatnonzero(reach)
        rest = rest[matched[rest]]
    else:
        near = ceiling[matched] >= threshold - margin
        if loose is not None:
            is_loose = np.zeros(len(ceiling), dtype=bool)
            is_loose[loose] = True
            near |= is_loose[matched]
        rest = matched[near]
    done = scored if isinstance(scored, np.ndarray) else np.fromiter(scored, np.intp)
    return _without(rest, done)


def _without(docs: np.ndarray, done: np.ndarray) -> np.ndarray:
    """``docs`` but those in ``done``. Not np.isin: for a few hundred passages its set-up
    costs more than a binary search."""
    if not len(done) or not len(docs):
        return docs
    done = np.sort(done)
    at = np.minimum(np.searchsorted(done, docs), len(done) - 1)
    return docs[done[at] != docs]


def ranked(
    docs: np.ndarray, totals: np.ndarray | list[float], k: int | None
) -> list[tuple[float, int, float]]:
    """(-score rounded to 9 decimals, passage, score) of ``docs`` with their ``totals``, best
    first, ties in article order: all of them, or with ``k`` at least the first ``k``, which are
    exactly the first ``k`` of all of them sorted.

    Why it may leave some out: rounding to 9 decimals is monotone, so a passage whose score is
    more than a rounding step below the ``k``-th best score rounds below it, and below every
    one of the ``k`` passages scoring at least that: it cannot be among the first ``k``, even
    by a tie broken in its favour. Only the rest are rounded and sorted in Python.
    """
    if k is not None and len(totals) > max(k, _FEW):
        totals = np.asarray(totals)
        kth = float(np.partition(totals, len(totals) - k)[len(totals) - k])
        near = np.flatnonzero(totals >= kth - _ROUNDING * (1.0 + abs(kth)))
        docs, totals = docs[near], totals[near]
    scores = totals.tolist() if isinstance(totals, np.ndarray) else totals
    pairs = zip(scores, docs.tolist(), strict=True)
    return sorted([(-round(t, 9), d, t) for t, d in pairs])


def type_ceiling(unit: float, typed: bool) -> float:
    """The answer-type bonus a passage's best sentence can get, in score units."""
    return unit * ANSWER_TYPE_SHARE if typed else 0.0
