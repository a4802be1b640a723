"""What one passage holds beyond its bag of words, and the evidence scores read from it.

:class:`PassageFacts` is computed once per passage when an article is indexed; the functions
below are pure and score one passage's sentences for one query. :mod:`retrieval.ranker`
combines them with BM25.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from itertools import pairwise
from math import fsum

from corpus.records import Passage
from retrieval.analyzer import analyze
from retrieval.answer_type import answer_types
from retrieval.coref import continues, resolve
from retrieval.definitions import defined_subject


@dataclass(frozen=True)
class PassageFacts:
    """Per-passage facts the scoring needs, each a tuple with one entry per sentence.

    ``held``: every term of the passage and its heading (coverage). ``own``: each sentence's
    own terms (sentence evidence). ``resolved``: its terms with an opening pronoun standing for
    the subject before (:mod:`retrieval.coref`); ``antecedents``: (sentence, the terms its
    pronoun adds). ``continuing``: whether it carries the one before on ("But ...").
    ``bigrams``: adjacent term pairs (phrase evidence). ``types``: the kinds of answer it can
    give; ``defines``: the terms of what it defines ("The Code is a set of ...": code).
    """

    held: frozenset[str]
    own: tuple[frozenset[str], ...]
    resolved: tuple[frozenset[str], ...]
    antecedents: tuple[tuple[int, frozenset[str]], ...]
    continuing: tuple[bool, ...]
    bigrams: AbstractSet[tuple[str, str]]
    types: tuple[frozenset[str], ...]
    defines: tuple[frozenset[str], ...]


def passage_facts(
    passage: Passage,
    terms: Sequence[str],
    heading: bool,
    section_terms: Sequence[str] | None = None,
    shared: dict | None = None,
) -> PassageFacts:
    """The facts of ``passage``, whose indexed ``terms`` are given; ``heading``: whether its
    section heading counts in phrases (it does unless every passage has the same one);
    ``section_terms``: the heading's terms, when the caller has analysed it already (a section
    holds many passages). ``shared``: a dict that makes equal term pairs and sets of answer
    kinds one object across the passages of an article (most repeat: a large article's facts
    were mostly copies of the same small tuples and sets).

    Heading words count as held even where they are not indexed: the passage is about its
    article and section all the same, so "Who ruled the Normans?" is not declined.
    """
    texts = [s.text for s in passage.sentences]
    analysed = [analyze(text) for text in texts]
    streams = resolve(texts, analysed)
    own = tuple(frozenset(sentence) for sentence in analysed)
    # A sentence without an opening pronoun resolves to its own terms: the same set, once.
    resolved = tuple(
        own[i] if len(stream) == len(analysed[i]) else frozenset(stream)
        for i, stream in enumerate(streams)
    )
    section = analyze(passage.heading) if section_terms is None else section_terms
    one = (lambda x: x) if shared is None else (lambda x: shared.setdefault(x, x))
    pairs = {one(pair) for stream in streams for pair in pairwise(stream)}
    if heading:
        pairs.update(map(one, pairwise(section)))
    return PassageFacts(
        held=frozenset(terms).union(section),
        own=own,
        resolved=resolved,
        antecedents=tuple(
            (i, added) for i, stream in enumerate(resolved) if (added := stream - own[i])
        ),
        continuing=tuple(continues(text) for text in texts),
        bigrams=frozenset(pairs),
        types=tuple(one(answer_types(text)) for text in texts),
        defines=tuple(one(frozenset(analyze(defined_subject(text) or ""))) for text in texts),
    )


def sentence_scores(facts: PassageFacts, weighted: Mapping[str, float]) -> list[float]:
    """Each sentence's share of the question's ``weighted`` terms."""
    return [fsum(weighted[t] for t in sent.intersection(weighted)) for sent in facts.own]


def resolved_scores(
    facts: PassageFacts, weighted: Mapping[str, float], scores: list[float]
) -> list[float]:
    """``scores`` with each pronoun sentence credited with the subject it stands for."""
    resolved = scores
    for i, added in facts.antecedents:
        if scores[i] > 0 and (shared := added.intersection(weighted)):
            if resolved is scores:
                resolved = list(scores)
            resolved[i] += fsum(weighted[t] for t in shared)
    return resolved


def related_scores(
    facts: PassageFacts,
    own: Mapping[str, float],
    relatives: Mapping[str, frozenset[str]],
    scores: list[float],
    weight: float,
) -> list[float]:
    """``scores`` with each sentence credited, at ``weight``, for each question word it lacks
    but holds a thesaurus relative of ("initial" for "originally")."""
    related = scores
    for i, sentence in enumerate(facts.own):
        for term, others in relatives.items():
            if term not in sentence and not others.isdisjoint(sentence):
                if related is scores:
                    related = list(scores)
                related[i] += weight * own[term]
    return related


def type_bonus(
    facts: PassageFacts,
    scores: Sequence[float],
    kind: str | None,
    bonus: float,
    subject: frozenset[str] = frozenset(),
) -> list[float] | None:
    """``bonus`` for each sentence that shares a word and holds the expected ``kind``, or
    defines at least half the ``subject`` terms of a "What is X?" question."""
    if kind is None and not subject:
        return None
    need = len(subject) / 2

    def holds(i: int) -> bool:
        if kind is not None and kind in facts.types[i]:
            return True
        return bool(subject) and len(subject & facts.defines[i]) >= need

    return [bonus if s > 0 and holds(i) else 0.0 for i, s in enumerate(scores)]


def coverage(
    held: frozenset[str],
    mass: Mapping[str, float],
    covering: Mapping[str, frozenset[str]],
    unseen: frozenset[str] = frozenset(),
) -> float:
    """The share of the question's coverage ``mass`` the passage holds (its ``held`` terms,
    heading included); a term also counts as held when the passage holds one of its
    ``covering`` terms."""
    total = sum(mass.values())
    if total <= 0:
        return 0.0
    held = held - unseen if unseen else held
    covered = sum(
        m
        for t, m in mass.items()
        if t in held or (t in covering and not covering[t].isdisjoint(held))
    )
    return covered / total
