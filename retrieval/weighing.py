"""What the decision weighs about one candidate answer: the question's side, worked out once
(:class:`Asked`), and the quote's (:class:`Candidate`), which the signals
(:mod:`retrieval.signals`) read.

Kept apart from the pipeline so that :mod:`retrieval.pipeline` reads as its stages, and from
the signals so that each of them stays one small function of a :class:`Candidate`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from corpus.records import INFOBOX
from retrieval.associations import Associations
from retrieval.quoting import chosen, terms_of
from retrieval.ranker import Retriever
from retrieval.reading import counted_term, focus_term
from retrieval.records import Hit, Question
from retrieval.synonyms import related_terms
from retrieval.wordstats import information


def margin(ranked: tuple[Hit, ...], rank: int) -> float:
    """How far the passage at ``rank`` leads the best other one, as a share of the top score."""
    top = ranked[0].score
    others = [h.score for i, h in enumerate(ranked) if i != rank]
    if top <= 0 or not others:
        return 1.0
    return (ranked[rank].score - max(others)) / top


@dataclass(frozen=True)
class Asked:
    """The question-level part of a :class:`Candidate` (the same for every candidate)."""

    focus: str | None
    counted: str | None
    covering: dict[str, frozenset[str]]
    absent: frozenset[str]
    mass: float
    idf: dict[str, float]
    information: dict[str, float]  # each own word's, looked up once for every candidate
    near: frozenset[str]  # the own terms and every term covering one (what is not news)
    linked: dict[str, frozenset[str]]  # per own term, what covers it by association only


def asked_of(
    question: Question, retriever: Retriever, associations: Associations | None = None
) -> Asked:
    """What every candidate's signals read of the question itself (worked out once).
    ``associations``: learned stand-ins for question words (:mod:`retrieval.associations`)."""
    query = question.query
    words = question.words
    known = retriever.index.doc_freq
    alternatives = {t for t, alts in query.alternatives if alts}
    covering = retriever.covering(query)
    linked: dict[str, frozenset[str]] = {}
    for term, _ in words:  # a follow-up's inherited words are covered by relatives too
        if term not in covering and (near := related_terms(term) & known.keys()):
            covering[term] = near
        if associations and (found := associations.get(term, frozenset()) & known.keys()):
            linked[term] = found - covering.get(term, frozenset())
            covering[term] = covering.get(term, frozenset()) | found
            alternatives.add(term)  # what it stands for is in the article: it is not absent
    return Asked(
        focus=focus_term(query.shaped),
        counted=counted_term(query.shaped),
        covering=covering,
        absent=frozenset(t for t, _ in words if t not in known and t not in alternatives),
        mass=sum(w * retriever.index.idf(t) for t, w in query.weights),
        idf={t: retriever.index.idf(t) for t, _ in words},
        information={w: information(w) for _, w in words},
        near=frozenset(t for t, _ in words).union(*covering.values()),
        linked=linked,
    )


@dataclass(frozen=True)
class Candidate:
    """The best passage for a question, with what is quoted from it, as the decision sees it.

    ``words``: the question's own terms with the words they were read from; ``covering``: per
    term, other article terms that count as it (thesaurus); ``absent``: own terms the article
    never uses and nothing stands for; ``held``: the passage's terms (heading included);
    ``quoted``: the terms of the quoted sentences, with what their pronouns stand for, the
    heading and the infobox name; ``content``: the quote as the answer-kind check reads it.
    """

    words: tuple[tuple[str, str], ...]
    focus: str | None
    counted: str | None
    covering: Mapping[str, frozenset[str]]
    absent: frozenset[str]
    foreign: bool
    yes_no: bool
    how_to: bool
    asked: str | None
    definition: bool
    followup: bool
    corrections: int
    rank: int
    margin: float
    best: Hit
    held: frozenset[str]
    quoted: frozenset[str]
    content: str
    question_text: str
    infobox: bool
    lifted: bool
    bm25_unit: float
    idf: Mapping[str, float]  # each own word's idf in the article
    information: Mapping[str, float]  # each own word's general information (by the word)
    near: frozenset[str]  # the own terms and the terms covering them
    linked: Mapping[str, frozenset[str]]  # per own term, what covers it by association only
    familiar: bool  # its article has learned associations (retrieval.associations)
    said: tuple[str, ...]  # the quote's own terms, in order (no heading, subject or pronoun)
    subject: frozenset[str]  # its article's subject and name terms: no news in an answer
    bigrams: tuple[tuple[str, str], ...]  # the question's adjacent word pairs
    _cache: dict[str, list[tuple[str, float, bool]]] = field(default_factory=dict, compare=False)

    def coverage_of(self, which: str) -> list[tuple[str, float, bool]]:
        """(term, information, covered) per own word by the passage ("held") or the quote
        ("quoted"), worked out once per candidate."""
        if which not in self._cache:
            self._cache[which] = _covered(self, getattr(self, which))
        return self._cache[which]

    def pairs_of(self, which: str) -> list[tuple[float, bool]]:
        """:meth:`coverage_of` without the terms (what a share and a gap read), once."""
        key = f"{which} pairs"
        if key not in self._cache:
            self._cache[key] = [(i, ok) for _, i, ok in self.coverage_of(which)]
        return self._cache[key]  # type: ignore[return-value]


def _covered(c: Candidate, terms: frozenset[str]) -> list[tuple[str, float, bool]]:
    """(term, information, covered) for each of the question's own words but the thing asked
    about ("which *city*": the kind of answer, met by "Bangkok"; see ``focus_gap``)."""
    out = []
    skip = c.focus if len(c.words) > 1 else None
    for term, word in c.words:
        if term == skip:
            continue
        near = c.covering.get(term)
        covered = term in terms or (near is not None and not near.isdisjoint(terms))
        out.append((term, c.information[word], covered))
    return out


def weighed(
    question: Question,
    ranked: tuple[Hit, ...],
    best: Hit,
    rank: int,
    asked: Asked,
    passage: tuple[frozenset[str], frozenset[str], frozenset[str]],
    content: str,
    familiar: bool,
) -> Candidate:
    """The :class:`Candidate` for quoting ``best``, ranked ``rank`` (from 0). ``passage``:
    the terms the passage holds, the terms its quoted sentences state (with what their
    pronouns stand for) and its article's subject terms (every passage is about its article's
    subject, named or not); ``content``: the quote as the answer-kind check reads it."""
    held, stated, subject = passage
    query = question.query
    return Candidate(
        words=question.words,
        focus=asked.focus,
        counted=asked.counted,
        covering=asked.covering,
        absent=asked.absent,
        foreign=bool(question.foreign),
        yes_no=question.yes_no,
        how_to=question.how_to,
        asked=question.asked,
        definition=question.definition,
        followup=question.followup,
        corrections=len(query.corrections),
        rank=rank,
        margin=margin(ranked, rank),
        best=best,
        held=held | subject,
        quoted=stated | frozenset(terms_of(best.passage.heading)) | subject,
        content=content,
        question_text=query.shaped,
        infobox=best.passage.section == INFOBOX,
        lifted=question.prefer == best.passage.id,
        bm25_unit=asked.mass,
        idf=asked.idf,
        information=asked.information,
        near=asked.near,
        linked=asked.linked,
        familiar=familiar,
        said=sum((terms_of(best.passage.sentences[i].text) for i in chosen(best)), ()),
        subject=subject,
        bigrams=query.bigrams,
    )
