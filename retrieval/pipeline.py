"""Every stage a question goes through, in order, and the one place the bot decides.

1. :meth:`Pipeline.analyse` reads the message once into a :class:`Question`: markup and
   greetings dropped, terms weighted, typos and chat spelling fixed, names, the kind of answer
   asked for, and - for a follow-up - what it inherits from the previous answer.
2. :meth:`Pipeline.rank` ranks passages (BM25 through rank-bm25, plus sentence, phrase and
   answer-type evidence; see :mod:`retrieval.ranker`).
3. :meth:`Pipeline.choose` picks the sentences of a passage to quote and the footnotes that
   source them.
4. :meth:`Pipeline.decide` measures the best candidate's signals (:mod:`retrieval.signals`)
   and answers when the trained model (:mod:`retrieval.decision`) gives it a probability of
   being right of at least ``min_confidence``; otherwise it declines, with its reason.

A message that only repeats one phrase is declined unread, and one that outlasts its time
budget (:mod:`retrieval.budget`) wherever it has got to; each with its reason.

The conversation (turns, small talk, "more") is the engine's; the CLI, the REPL, eval and
Telegram all get their answers from :meth:`Pipeline.answer`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from corpus.records import Passage
from retrieval.analyzer import analyze
from retrieval.answer_type import asked_kind, asks_how_to, asks_yes_no, names_in
from retrieval.articles import ArticleTerms, lift_article
from retrieval.associations import Associations, Tables, known, merged
from retrieval.budget import Deadline, OverBudget, check
from retrieval.decision import Model, learned_associations, load_model
from retrieval.definitions import definition_subject
from retrieval.followup import inherited, is_followup, names_a_person, names_by_pronoun
from retrieval.quoting import INFOBOX, chosen, content, quote, sourced, sources
from retrieval.ranker import Retriever
from retrieval.reading import (
    TOPIC_INFORMATION,
    clean,
    repeated_phrase,
)
from retrieval.records import (
    AnswerSettings,
    Context,
    Decision,
    Hit,
    Question,
    Reason,
    RetrievalSettings,
)
from retrieval.signals import measure
from retrieval.weighing import Asked, Candidate, asked_of, weighed
from retrieval.wordstats import information

log = logging.getLogger(__name__)


class Pipeline:
    """Answers questions about one set of passages: one article's, or a collection's.

    In a collection each passage names its article (``Passage.article``); every article has
    its own subject terms, and a follow-up stays with the previous answer's article unless it
    names another one.
    """

    def __init__(
        self,
        passages: Sequence[Passage],
        retrieval: RetrievalSettings,
        settings: AnswerSettings,
        model: Model | None = None,
        title: str = "",
        labels: frozenset[str] = frozenset(),
        retriever: Retriever | None = None,
    ) -> None:
        # A retriever built before (loaded from the index cache) must be of these passages
        # and settings; building one is the default.
        self.retriever = retriever or Retriever(passages, retrieval)
        self.settings = settings
        self.model = model or load_model()
        self.title = title
        self._labels = labels  # infobox labels, read as labels, not as answer words
        self.articles = ArticleTerms(self.retriever.passages, title)
        self.associations: Associations = {}
        self.familiar: frozenset[str] = frozenset()
        self.use_associations(learned_associations(self.model) if settings.associations else {})
        # A conversation's first "it": the article's name term its passages use most.
        named = self.articles.most_used_name(self.retriever.index)
        self._opening = (
            None
            if named is None
            else Context(((named[1], settings.followup_weight),), article=named[0], opening=True)
        )

    def use_associations(self, tables: Tables) -> None:
        """Read questions with ``tables``, learned stand-ins for question words per article
        (:mod:`retrieval.associations`; by default the model's own)."""
        titles = {p.article or self.title for p in self.retriever.passages}
        self.familiar = known(tables, titles)
        self.associations = merged(tables, titles)

    # -- 1. analyse -------------------------------------------------------------------------

    def analyse(
        self, text: str, context: Context | None = None, deadline: Deadline | None = None
    ) -> Question:
        """Read ``text`` once; a follow-up of ``context`` inherits its terms and passage.
        ``deadline``: see :mod:`retrieval.budget`."""
        text = clean(text)
        # A conversation's start lends only the subject of its pronouns; it is no follow-up.
        opening = context if context is not None and context.opening else None
        context = None if opening is not None else context
        text = self.articles.overview(text, context.article if context else None, self.title)
        retriever, settings = self.retriever, self.settings
        query = retriever.query(text, None, deadline)
        prefer = within = None
        followup = False
        person: frozenset[str] = frozenset()
        own = len(query.spelled)
        words = query.own_words()
        # A short question of common words naming nothing ("which city?", "how many
        # countries tho") right after an answer is about that answer, as much as one with a
        # pronoun is; "Where is the secretariat?" names a topic of its own.
        named = {t for t, _ in words} & (self.articles.all_subjects | query.names)
        common = all(information(w) < TOPIC_INFORMATION for _, w in words)
        elliptic = own <= 2 and common and not named
        if context is not None and (is_followup(text, own) or elliptic):
            lent = inherited(dict(context.terms), settings.followup_weight)
            if names_a_person(text):
                # "when did she start?": she is whom the previous answer named, as if typed.
                person = context.person
                lent.update(dict.fromkeys(sorted(person), 1.0))
            query = retriever.query(text, lent, deadline)
            followup = True
            if self.articles.names_other(query, context.article):
                # "And who founded the guild?": what was asked carries over, the name of the
                # article it was asked about does not.
                names = self.articles.names(context.article)
                query = retriever.query(
                    text, {t: w for t, w in lent.items() if t not in names}, deadline
                )
            else:
                prefer = context.passage
                within = context.article if self.articles.several else None
            words = query.own_words() or context.words
        elif opening is not None and names_by_pronoun(text):
            # Opening a conversation about one article, "it" and "they" are its subject.
            query = retriever.query(text, dict(opening.terms), deadline)
            words = query.own_words()
        shape = query.shaped  # "hey, wen was it founded" asks "when"
        return Question(
            text=text,
            query=query,
            asked=asked_kind(shape),
            yes_no=asks_yes_no(shape),
            how_to=asks_how_to(shape),
            definition=definition_subject(shape) is not None,
            followup=followup,
            foreign=retriever.foreign_names(query),
            prefer=prefer,
            within=within,
            words=words,
            person=person,
        )

    def opening(self) -> Context | None:
        """What a conversation's first question leans on: "it" and "they" stand for the
        article's subject (None for a collection, whose "it" is anyone's). A question after
        a declined one leans on nothing: its pronoun may be the declined question's topic."""
        return self._opening

    # -- 2. rank ----------------------------------------------------------------------------

    def rank(self, question: Question) -> tuple[Hit, ...]:
        """The best passages for ``question``, best first (at most ``settings.keep``).

        A follow-up's previous passage is lifted by ``followup_lift`` rare-word idfs; in a
        collection every passage of its article by ``article_lift`` too, so "When did it
        start?" stays with the article just answered from.
        """
        settings, retriever = self.settings, self.retriever
        lift, keep = settings.followup_lift, settings.keep
        if question.within is None or settings.article_lift <= 0:
            return retriever.rank(question.query, keep, question.prefer, lift)
        ranked = retriever.rank(question.query, None, question.prefer, lift)
        bonus = settings.article_lift * retriever.index.rare_idf
        return lift_article(ranked, question.within, bonus, keep)

    # -- 3. choose --------------------------------------------------------------------------

    def choose(self, hit: Hit, question: Question) -> Hit:
        """``hit`` with the sentences to quote chosen."""
        return self.retriever.choose(hit, question.query, self.settings.max_sentences)

    # -- 4. decide --------------------------------------------------------------------------

    def assess(
        self, question: Question, ranked: tuple[Hit, ...], deadline: Deadline | None = None
    ) -> list[tuple[Hit, dict[str, float], float]]:
        """Each of the first ``settings.candidates`` passages with its quote chosen, its
        signals and the model's probability that quoting it answers the question."""
        measured = []
        asked = asked_of(question, self.retriever, self.associations) if ranked else None
        for i, hit in enumerate(ranked[: self.settings.candidates]):
            check(deadline, "weighing the answers")
            picked = self.choose(hit, question)
            if picked.passage.section == INFOBOX and chosen(picked) == (0,):
                continue  # an infobox's first line is its name: it states nothing
            if question.person and not question.person & self._terms(picked):
                continue  # a quote not naming her cannot say when she started
            measured.append((picked, measure(self.candidate(question, ranked, picked, i, asked))))
        # The model weighs every candidate in one call (one pass over its trees, not one each).
        rows = [values for _, values in measured]
        chances = self.model.probabilities(rows, self.settings.ignore) if rows else []
        return [(hit, values, p) for (hit, values), p in zip(measured, chances, strict=True)]

    def decide(
        self, question: Question, ranked: tuple[Hit, ...], deadline: Deadline | None = None
    ) -> Decision:
        """Answer with the likeliest candidate when the model trusts it enough, else decline.

        "Who founded ECPAT?" ranks the infobox's "Founded: 1990" first, but the passage
        naming "researchers and activists" is the likelier answer, so it is quoted.
        """
        assessed = self.assess(question, ranked, deadline)
        if not assessed:
            return Decision(question, False, Reason.NO_MATCH, 0.0, ranked)
        best, values, confidence = max(assessed, key=lambda a: a[2])
        best = sourced(best, [hit for hit, _, _ in assessed], self._terms)
        answered = confidence >= self.settings.min_confidence
        # The ranked passages, the quoted one with its sentences chosen.
        ranked = tuple(best if h.passage.id == best.passage.id else h for h in ranked)
        # Whom the quote names, but the article's own names: a next "she" or "he" stands for
        # them (Decision.context).
        subjects = self.articles.all_subjects
        names = (frozenset(analyze(n)) for n in names_in(content(best, self._labels)))
        named = frozenset().union(*(terms for terms in names if terms - subjects))
        return Decision(
            question,
            answered,
            Reason.ANSWERED if answered else Reason.LOW_CONFIDENCE,
            confidence,
            ranked,
            best,
            quote(best),
            sources(best),
            tuple(values.items()),
            named,
        )

    def answer(
        self, text: str, context: Context | None = None, deadline: Deadline | None = None
    ) -> Decision:
        """All four stages for one message; a message repeating one phrase over and over, or
        one that outlasts ``deadline`` (checked between stages and in the loops a message can
        lengthen), is declined with its reason."""
        if repeated_phrase(text, self.settings.max_repeats):
            return Decision(Question.unread(text), False, Reason.REPEATED, 0.0)
        try:
            question = self.analyse(text, context, deadline)
            check(deadline, "ranking")
            ranked = self.rank(question)
            check(deadline, "choosing the answer")
            return self.decide(question, ranked, deadline)
        except OverBudget as over:
            log.info("declined a message out of time (%s, %d characters)", over.stage, len(text))
            return Decision(Question.unread(text), False, Reason.OVER_BUDGET, 0.0)

    # -- helpers ----------------------------------------------------------------------------

    def _terms(self, hit: Hit) -> frozenset[str]:
        facts = self.retriever.facts(hit.passage.id)
        return frozenset().union(*(facts.resolved[i] for i in hit.sentences))

    def candidate(
        self,
        question: Question,
        ranked: tuple[Hit, ...],
        best: Hit,
        rank: int = 0,
        asked: Asked | None = None,
    ) -> Candidate:
        """What the decision reads about quoting ``best``, ranked ``rank`` (from 0);
        ``asked``: what :func:`asked_of` says of the question (worked out once per question)."""
        asked = asked or asked_of(question, self.retriever, self.associations)
        article = best.passage.article
        terms = (
            self.retriever.facts(best.passage.id).held,
            self._terms(best),
            self.articles.subject(article),
        )
        familiar = (article or self.title) in self.familiar
        return weighed(
            question, ranked, best, rank, asked, terms, content(best, self._labels), familiar
        )
