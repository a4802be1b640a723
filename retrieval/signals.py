"""The signals the decision reads about a candidate answer, each a small named function.

Every signal is general - word statistics, coverage, scores, the kind of answer asked for -
and none is keyed to an article or a question set. Each maps a :class:`Candidate` to a number
of order one; :data:`SIGNALS` is the one list the decision model is trained and run on, so
adding or removing a signal is one function and one line here (then ``ecpat-bot train``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from retrieval.answer_type import fits
from retrieval.associations import Associations
from retrieval.quoting import terms_of
from retrieval.ranker import Retriever
from retrieval.reading import counted_term, focus_term
from retrieval.records import Hit, Question
from retrieval.synonyms import related_terms
from retrieval.wordstats import MAX_ZIPF, information


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
        focus=focus_term(query.text),
        counted=counted_term(query.text),
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


def _held(c: Candidate) -> list[tuple[float, bool]]:
    return c.pairs_of("held")


def _quoted(c: Candidate) -> list[tuple[float, bool]]:
    return c.pairs_of("quoted")


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


def _share(pairs: list[tuple[float, bool]], empty: float = 1.0) -> float:
    total = sum(i for i, _ in pairs)
    return sum(i for i, ok in pairs if ok) / total if total else empty


def _gap(pairs: list[tuple[float, bool]]) -> float:
    return max((i for i, ok in pairs if not ok), default=0.0) / MAX_ZIPF


def _quote_idf(c: Candidate) -> float:
    """The share of the question's idf mass (the article's word weights) the quote holds."""
    return _share([(c.idf.get(t, 0.0), ok) for t, _, ok in c.coverage_of("quoted")])


def _quote_pairs(c: Candidate) -> float:
    """The share of the question's adjacent word pairs that are adjacent in the quote too."""
    if not c.bigrams:
        return 0.0
    said = set(zip(c.said, c.said[1:], strict=False))
    return sum(p in said for p in c.bigrams) / len(c.bigrams)


def _novel(c: Candidate) -> float:
    """The share of the quote's words the question does not have: an answer adds something."""
    if not c.said:
        return 0.0
    near = c.near
    return sum(t not in near for t in c.said) / len(c.said)


def _focus_gap(c: Candidate) -> float:
    """Information of the thing counted ("how many *employees*") when the quote lacks it."""
    if c.counted is None:
        return 0.0
    word = dict(c.words).get(c.counted)
    if word is None:
        return 0.0
    near = c.covering.get(c.counted, frozenset())
    if c.counted in c.quoted or not near.isdisjoint(c.quoted):
        return 0.0
    return c.information[word] / MAX_ZIPF


def _absent(c: Candidate) -> float:
    if not c.absent:
        return 0.0
    words = dict(c.words)
    return max((c.information[words[t]] for t in c.absent if t in words), default=0.0) / MAX_ZIPF


def _learned(c: Candidate) -> float:
    """The share of the question's information the quote covers only through learned
    associations, so the model can trust them apart from words the article itself uses."""
    pairs = []
    for term, info, ok in c.coverage_of("quoted"):
        linked = c.linked.get(term, frozenset())
        own = c.covering.get(term, frozenset()) - linked
        pairs.append(
            (info, ok and bool(linked) and term not in c.quoted and own.isdisjoint(c.quoted))
        )
    return _share(pairs, empty=0.0)


def _heading(c: Candidate) -> float:
    """The share of the question's information its passage's heading holds: "What is The
    Code?" asked of the section headed "The code of conduct ...", not of one naming it."""
    heading = frozenset(terms_of(c.best.passage.heading))
    return _share([(i, t in heading) for t, i, _ in c.coverage_of("held")])


def _fits(c: Candidate) -> float:
    return float(c.asked is not None and fits(c.question_text, c.content, c.asked))


Signal = Callable[[Candidate], float]

SIGNALS: tuple[tuple[str, Signal], ...] = (
    # How much of the question the passage holds: idf-weighted, then by general information.
    ("coverage", lambda c: c.best.coverage),
    ("passage_share", lambda c: _share(_held(c))),
    ("passage_gap", lambda c: _gap(_held(c))),
    # The same for the sentences quoted: the answer must be about what was asked.
    ("quote_share", lambda c: _share(_quoted(c))),
    ("quote_gap", lambda c: _gap(_quoted(c))),
    ("quote_idf", _quote_idf),
    ("quote_pairs", _quote_pairs),
    ("heading", _heading),
    ("learned", _learned),
    ("familiar", lambda c: float(c.familiar)),
    ("novel", _novel),
    ("quote_words", lambda c: min(len(c.said), 60) / 60),
    # A rare word the article never uses asks about something else.
    ("absent_gap", _absent),
    ("focus_gap", _focus_gap),
    ("foreign_name", lambda c: float(c.foreign)),
    ("yes_no_foreign", lambda c: float(c.yes_no and c.foreign)),
    ("yes_no", lambda c: float(c.yes_no)),
    ("yes_no_absent", lambda c: _absent(c) if c.yes_no else 0.0),
    # "How do I report ...": an encyclopedic article seldom says what a reader should do.
    ("how_to", lambda c: float(c.how_to)),
    # The kind of answer asked for, and whether the quote holds one.
    ("kind_asked", lambda c: float(c.asked is not None)),
    ("kind_fits", _fits),
    ("definition", lambda c: float(c.definition)),
    # Ranking strength: score per question word, and the lead over the runner-up.
    ("score", lambda c: min(c.best.score / c.bm25_unit, 3.0) if c.bm25_unit > 0 else 0.0),
    ("margin", lambda c: c.margin),
    ("first", lambda c: float(c.rank == 0)),
    # The question's shape.
    ("words", lambda c: 1.0 / (1 + len(c.words))),
    ("corrected", lambda c: c.corrections / max(1, len(c.words))),
    ("followup", lambda c: float(c.followup)),
    ("lifted", lambda c: float(c.lifted)),
    ("infobox", lambda c: float(c.infobox)),
)

NAMES: tuple[str, ...] = tuple(name for name, _ in SIGNALS)


def measure(candidate: Candidate) -> dict[str, float]:
    """Every signal's value for ``candidate``."""
    return {name: float(signal(candidate)) for name, signal in SIGNALS}
