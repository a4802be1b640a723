"""Records of answering: settings, an analysed question, a ranked passage, a decision."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from corpus.records import Passage


@dataclass(frozen=True)
class RetrievalSettings:
    """How ranking behaves; filled from the ``[retrieval]`` config table.

    ``synonym_weight``: weight of a thesaurus word standing in for a question word the article
    never uses. ``unknown_weight``: share of a rare word's idf that such an unused word weighs
    in coverage (the decline decision). ``name_weight``: how many times a name the question
    gives ("INTERPOL") counts in BM25. ``english_spelling``: read a word neither the article
    nor common English uses as the common English word it likely stands for ("chiarperson").
    ``candidates``: passages given evidence before the rest are checked against its bound
    (:mod:`retrieval.candidates`); it changes speed only, never the ranking.
    ``max_typo_chars``: longer words are never corrected (a slip is in a real word; each
    letter of a word costs the corrector more look-ups, and a 20,000-letter "word" is no slip);
    ``max_typo_words``: at most this many words of one question are corrected, for the same
    reason. ``nonword_zipf``: a word rarer than this in English (Zipf scale) is no word but a
    slip, read loosely (:mod:`retrieval.typos`; 0 turns that off). ``evidence``: the kinds of
    evidence added to BM25 (:mod:`retrieval.evidence_kinds`); leaving one out is an ablation.
    """

    variant: str = "lucene"
    k1: float = 1.2
    b: float = 0.75
    sentence_weight: float = 1.5
    max_edits: int = 2
    phrase_weight: float = 1.0
    synonym_weight: float = 0.6
    unknown_weight: float = 0.5
    name_weight: float = 2.0
    english_spelling: bool = True
    candidates: int = 30
    max_typo_chars: int = 30
    max_typo_words: int = 32
    nonword_zipf: float = 2.0
    evidence: tuple[str, ...] = ("sentence", "phrase", "followup")


@dataclass(frozen=True)
class Query:
    """An analysed question: stemmed term -> weight, plus the typo corrections made.

    ``bigrams`` are the pairs of adjacent content words of the question itself (never of an
    inherited context), in question order.
    """

    text: str
    weights: tuple[tuple[str, float], ...]
    corrections: tuple[tuple[str, str], ...] = ()
    inherited: frozenset[str] = frozenset()
    bigrams: tuple[tuple[str, str], ...] = ()
    # Question terms the article never uses -> article terms meaning much the same.
    alternatives: tuple[tuple[str, frozenset[str]], ...] = ()
    # Terms from capitalised words (names) in the question.
    names: frozenset[str] = frozenset()
    # Terms the index holds only inside longer names ("nation" of "United Nations") that the
    # question writes in lower case: they match nothing and weigh as words the article never
    # uses; their ``alternatives`` stand in for them.
    unseen: frozenset[str] = frozenset()
    # The adjective of "how old", "how long": it matches like any word, but it says what kind
    # of answer is asked, not what about, so it does not count in coverage.
    measure: frozenset[str] = frozenset()
    # The question's own terms with the word each was read from (after spelling fixes), for
    # general word statistics (:mod:`retrieval.wordstats`).
    spelled: tuple[tuple[str, str], ...] = ()
    # The text its kind of answer, yes/no and "what is" are read from: small words respelled
    # as meant, greetings before it left out (retrieval.reading.shape_of); empty: ``text``.
    shape: str = ""

    @property
    def terms(self) -> dict[str, float]:
        return dict(self.weights)

    @property
    def shaped(self) -> str:
        """The question as its shape is read (``shape``, else ``text``)."""
        return self.shape or self.text

    def own_words(self) -> tuple[tuple[str, str], ...]:
        """The (term, word) pairs the question asks about: its own, not those a follow-up
        inherits, nor the adjective of "how old", "how long" (a kind of answer, not a topic)."""
        return tuple((t, w) for t, w in self.spelled if t not in self.inherited | self.measure)


@dataclass(frozen=True)
class Hit:
    """A ranked passage: its score, how much of the question it covers, its best sentences
    (indices into ``passage.sentences``; empty when they were not asked for)."""

    passage: Passage
    score: float
    coverage: float
    sentences: tuple[int, ...]


class Reason(Enum):
    """Why the bot answered or declined."""

    ANSWERED = "answered"
    NO_MATCH = "no passage shares a word with the question"
    LOW_CONFIDENCE = "the best passage is unlikely to answer it"
    REPEATED = "the message repeats one phrase over and over"
    OVER_BUDGET = "working it out took longer than one message may"


@dataclass(frozen=True)
class AnswerSettings:
    """How answers are chosen and decided; filled from the ``[answer]`` and
    ``[conversation]`` config tables."""

    min_confidence: float = 0.5
    max_sentences: int = 2
    keep: int = 10  # ranked passages kept with a decision (for "more")
    followup_weight: float = 0.5
    followup_lift: float = 0.5
    article_lift: float = 0.25  # a follow-up's lift for every passage of the previous article
    candidates: int = 3  # ranked passages the decision weighs
    ignore: frozenset[str] = frozenset()  # signals read as neutral (ablation)
    associations: bool = True  # the model's learned word associations count in coverage
    max_repeats: int = 5  # a phrase said this many times in a row is no question


@dataclass(frozen=True)
class Context:
    """What a follow-up may lean on: the previous answered question's terms and passage."""

    terms: tuple[tuple[str, float], ...]
    passage: str | None = None
    words: tuple[tuple[str, str], ...] = ()  # the (term, word) pairs it was asked with
    article: str = ""  # the title of the passage's article (in a collection of articles)
    # A conversation's start (see :meth:`retrieval.pipeline.Pipeline.opening`): nothing was
    # answered yet, and "it" or "they" is the article's subject.
    opening: bool = False
    # The terms of the person the previous answer named, whom "she" or "he" stands for.
    person: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Question:
    """A message read once: everything later stages need to know about it."""

    text: str
    query: Query
    asked: str | None  # money, person, count, number, date, or None
    yes_no: bool
    definition: bool
    followup: bool
    foreign: frozenset[str]  # names the article never uses and nothing of it stands for
    prefer: str | None = None  # the passage a follow-up leans on
    within: str | None = None  # the article a follow-up stays with (a collection's title)
    # (term, word) of what it asks about: its own words, or a follow-up's inherited ones
    words: tuple[tuple[str, str], ...] = ()
    how_to: bool = False  # asks how or where the asker can do something
    # The terms of the person a follow-up's "she" or "he" stands for: a quote must name them.
    person: frozenset[str] = frozenset()

    @classmethod
    def unread(cls, text: str) -> Question:
        """A message declined before it was read as a question: only its text is known."""
        return cls(text, Query(text, ()), None, False, False, False, frozenset())


@dataclass(frozen=True)
class Decision:
    """An answer with its confidence, or a decline with its reason."""

    question: Question
    answered: bool
    reason: Reason
    confidence: float
    ranked: tuple[Hit, ...] = ()
    best: Hit | None = None
    quote: str = ""
    sources: tuple[int, ...] = ()
    signals: tuple[tuple[str, float], ...] = field(default=(), compare=False)
    # The terms of the names the quote gives but the article's own ("Carol Bellamy").
    named: frozenset[str] = frozenset()

    def context(self) -> Context | None:
        """What the next question may inherit: only an answered question lends a subject."""
        if not self.answered or self.best is None:
            return None
        question = self.question
        best = self.best.passage
        return Context(
            question.query.weights, best.id, question.words, best.article, person=self.named
        )
