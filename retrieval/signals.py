"""The signals the decision reads about a candidate answer, each a small named function.

Every signal is general - word statistics, coverage, scores, the kind of answer asked for -
and none is keyed to an article or a question set. Each maps a :class:`Candidate` to a number
of order one; :data:`SIGNALS` is the one list the decision model is trained and run on, so
adding or removing a signal is one function and one line here (then ``ecpat-bot train``).
"""

from __future__ import annotations

from collections.abc import Callable

from retrieval.answer_type import fits
from retrieval.quoting import terms_of
from retrieval.weighing import Candidate
from retrieval.wordstats import MAX_ZIPF


def _held(c: Candidate) -> list[tuple[float, bool]]:
    return c.pairs_of("held")


def _quoted(c: Candidate) -> list[tuple[float, bool]]:
    return c.pairs_of("quoted")


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
    return float(c.asked is not None and fits(c.question_text, c.content, c.asked, c.subject))


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
