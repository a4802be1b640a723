"""Choose the sentence(s) of a ranked passage that answer the question.

Kept apart from ranking (:mod:`retrieval.ranker`): these functions see one passage's sentence
scores, never the index, and decide only what is quoted - the best sentence, a neighbour nearly
as good, two adjacent sentences that hold the question together, or the sentence that carries
the answer on - not which passage wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from math import fsum

from corpus.records import Sentence
from retrieval.answer_type import fits

# Share of the question's weight by which two adjacent sentences must hold more than the chosen
# answer to be quoted instead (SQuAD excerpt answer accuracy 0.821: 0.824 at 0, 0.827 at 0.05,
# 0.824 at 0.1).
_PAIR_MARGIN = 0.05
# Kinds of answer known for every sentence when an article is indexed.
_KNOWN_KINDS = ("count", "number", "date")


def pick_sentences(
    scores: Sequence[float], max_sentences: int = 2, bonus: Sequence[float] | None = None
) -> tuple[int, ...]:
    """Indices of the answering sentence(s): the best, plus an adjacent one nearly as good.

    ``bonus`` (the answer-type credit) helps choose the best sentence only: a neighbour is
    quoted for its own share of the question, not for merely holding a number.
    """
    if not scores:
        return ()
    lead = [s + b for s, b in zip(scores, bonus, strict=True)] if bonus else scores
    best = max(range(len(scores)), key=lambda i: (lead[i], -i))
    chosen = [best]
    if max_sentences > 1 and scores[best] > 0:
        neighbours = [i for i in (best - 1, best + 1) if 0 <= i < len(scores)]
        good = [i for i in neighbours if scores[i] >= 0.6 * scores[best]]
        if good:
            chosen.append(max(good, key=lambda i: (scores[i], -i)))
    return tuple(sorted(chosen))


def answering_sentences(
    question: str,
    asked: str | None,
    scores: list[float],
    extra: Sequence[float] | None,
    max_sentences: int,
    *,
    own: Mapping[str, float],
    sentences: Sequence[Sentence],
    types: Sequence[frozenset[str]],
    sets: Sequence[frozenset[str]],
    continuing: Sequence[bool],
) -> tuple[int, ...]:
    """The sentence(s) of one passage to quote as the answer.

    ``scores`` are its sentences' (coreference-resolved) shares of the question's ``own``
    weighted terms, ``extra`` their answer-type bonus; ``asked`` is the kind of answer asked
    for. ``types``, ``sets`` and ``continuing`` are each sentence's answer types, resolved
    terms and whether it carries the one before on.
    """
    chosen = pick_sentences(
        fitting(question, asked, scores, sentences, types), max_sentences, extra
    )
    if max_sentences > 1 and asked in _KNOWN_KINDS and len(chosen) == 1:
        # "How many people signed the petition?": the sentence naming the campaign holds the
        # question's words, the next one ("More than 7 million petition signatures ...") the
        # number. A neighbour sharing a word and holding the asked kind is quoted too.
        at = chosen[0]
        if asked not in types[at]:
            near = [i for i in (at - 1, at + 1) if 0 <= i < len(scores)]
            fit = [i for i in near if scores[i] > 0 and asked in types[i]]
            if fit:
                chosen = tuple(sorted((at, max(fit, key=lambda i: (scores[i], -i)))))
    if max_sentences > 1 and asked is None:
        chosen = spanning_pair(own, scores, chosen, sets)
    if max_sentences > 1 and asked is None and len(chosen) == 1:
        # The sentence after the answer that carries it on ("But a storm ...", "Such problems
        # are called ...") is quoted with it: what a question asking for no particular kind of
        # answer wants often comes next. (A number, date, name or sum asked for is already in
        # the chosen sentence: see ``fitting``.)
        after = chosen[0] + 1
        if after < len(scores) and continuing[after]:
            chosen = (chosen[0], after)
    if max_sentences > 1 and len(chosen) == 1 and chosen[0] > 0 and continuing[chosen[0]]:
        # A sentence that carries the one before on ("As a result, ECPAT grew ...", "Its
        # secretariat is ...") is quoted with it: alone, a reader cannot tell what it follows.
        chosen = (chosen[0] - 1, chosen[0])
    return chosen


def spanning_pair(
    own: Mapping[str, float],
    scores: Sequence[float],
    chosen: tuple[int, ...],
    sets: Sequence[frozenset[str]],
) -> tuple[int, ...]:
    """Two adjacent sentences that together hold clearly more of the question than ``chosen``.

    "What did ECPAT grow into after the 1996 congress?": no one sentence says it all, but
    "The congress was hosted by ... As a result, ECPAT grew into ..." does, together. Both
    sentences must share a word with the question; "clearly more" is ``_PAIR_MARGIN`` of the
    question's weight. ``sets`` are the sentences' resolved terms.
    """
    # What two sentences hold together is at most the sum of what each holds, and what the
    # chosen ones hold at least the most either holds: most passages need no closer look.
    floor = max(scores[i] for i in chosen) + _PAIR_MARGIN * sum(own.values())
    pairs = [
        i
        for i in range(len(sets) - 1)
        if scores[i] > 0 and scores[i + 1] > 0 and scores[i] + scores[i + 1] > floor
    ]
    if not pairs:
        return chosen

    def held(indices: Iterable[int]) -> float:
        return fsum(own[t] for t in frozenset().union(*(sets[i] for i in indices)) & own.keys())

    best, best_mass = chosen, held(chosen) + floor - max(scores[i] for i in chosen)
    for i in pairs:
        if scores[i] + scores[i + 1] > best_mass and (mass := held((i, i + 1))) > best_mass:
            best, best_mass = (i, i + 1), mass
    return best


def fitting(
    question: str,
    kind: str | None,
    scores: list[float],
    sentences: Sequence[Sentence],
    types: Sequence[frozenset[str]],
) -> list[float]:
    """Sentence scores with those that can't hold the asked-for answer set to zero.

    "In how many nations ...?" must quote the sentence with the number in it, even when
    another shares more words; if no matching sentence fits, the scores stay as they were
    (and the engine may decline). ``types`` are the sentences' answer types.
    """
    if kind is None:
        return scores
    floor = max(scores, default=0.0) / 2  # a fitting sentence must still match well

    def fit_one(i: int) -> bool:
        if kind in ("count", "number", "date"):  # known from indexing
            return kind in types[i]
        return fits(question, sentences[i].text, kind)

    fit = [s > 0 and s >= floor and fit_one(i) for i, s in enumerate(scores)]
    if not any(fit):
        return scores
    return [s if ok else 0.0 for s, ok in zip(scores, fit, strict=True)]
