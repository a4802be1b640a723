"""Rank passages for a question and pick the sentences that answer it.

Pure functions over plain records: passages in, :class:`Hit` records out. The question is
analysed in :mod:`retrieval.question`, each passage's facts and evidence scores are in
:mod:`retrieval.evidence` and the answering sentences chosen in :mod:`retrieval.answering`;
this module combines them.

A passage's score is its BM25 score (section heading included in its text, unless every
passage has the same one) plus evidence BM25 cannot see, because it treats a paragraph as a
bag of words:

* sentence evidence: the share of the question's (idf-weighted) words that its best single
  sentence holds, so a paragraph whose one sentence holds the question beats one that scatters
  the same words; the bonus is counted in units of a rare word's idf, so it keeps its weight
  relative to BM25 on articles of any size;
* phrase evidence: each pair of adjacent question words that is adjacent in the passage too
  ("Duchy of Normandy", "time hierarchy theorem") adds the mean idf of its two words;
* coreference: a sentence opening with a pronoun ("It focuses on ...") stands for the subject
  of the sentence before in phrase evidence and when the answering sentence is chosen
  (:mod:`retrieval.coref`), so "What does ECPAT focus on?" meets "[ECPAT] focuses on";
* answer type: a sentence that shares a word with a "how many" or "when" question and holds a
  number or a date counts for a bit more (:mod:`retrieval.answer_type`).

Thesaurus relatives of question words the article uses (:mod:`retrieval.synonyms`) never
score a passage, but they count in its coverage and, at the synonym weight, in choosing the
sentence that answers.

Evidence is read from each passage's facts (kept as arrays, :mod:`retrieval.fact_table`, and
scored for many passages at once, :mod:`retrieval.batch`). On a large article it is scored for
the ``candidates`` most promising and for any other passage whose BM25 score plus the most its
evidence could add still reaches the k-th best exact score: evidence only adds and each part
is bounded, so every ranking is the one scoring all passages would give
(:mod:`retrieval.candidates` says why).

Names the question gives count ``name_weight`` times in BM25 ("What is INTERPOL's role?" is
about the passage naming INTERPOL, not the one saying "a major role").

On the SQuAD excerpt of ``benchmarks/squad_retrieval.py`` passage hit@1 is 87.0% with all of
them, 85.1% without sentence evidence, 85.2% without phrases, 86.4% without the name weight,
87.1% without the thesaurus (which is general English, not SQuAD's) and 83.3% with BM25 and
answer types alone (phrases help the technical articles most).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace

import numpy as np

from corpus.records import Passage
from retrieval import batch, candidates, evidence, evidence_kinds, rows
from retrieval.analyzer import analyze, stem, words
from retrieval.answer_type import ANSWER_TYPE_SHARE
from retrieval.answering import answering_sentences, pick_sentences
from retrieval.bm25 import BM25Index
from retrieval.budget import Deadline
from retrieval.fact_table import FactTable
from retrieval.memory import paused_gc
from retrieval.plan import Plan, make_plan
from retrieval.question import QuestionAnalyzer, question_names
from retrieval.records import Hit, Query, RetrievalSettings

__all__ = [
    "Hit",
    "Query",
    "RetrievalSettings",
    "Retriever",
    "pick_sentences",
    "question_names",
]

# Weight of the words a follow-up inherits when choosing *which sentence* answers it.
_INHERITED_SENTENCE_WEIGHT = 0.01


class Retriever:
    """BM25 over the passages of one article, with typo tolerance and sentence evidence."""

    def __init__(self, passages: Sequence[Passage], settings: RetrievalSettings) -> None:
        with paused_gc():  # see retrieval.memory
            self._build(passages, settings)

    def _build(self, passages: Sequence[Passage], settings: RetrievalSettings) -> None:
        if not passages:
            raise ValueError("no passages to index")
        if settings.sentence_weight < 0 or settings.phrase_weight < 0:
            raise ValueError("sentence_weight and phrase_weight must be 0 or more")
        self.passages = tuple(passages)
        self.settings = settings
        self._doc = {p.id: i for i, p in enumerate(self.passages)}
        self._last_plan: tuple[Query | None, Plan | None] = (None, None)
        self._last_covering: tuple[Query | None, dict[str, frozenset[str]]] = (None, {})
        # A heading every passage shares (a corpus of bare paragraphs titled by the article)
        # tells none of them apart; indexing it would only make its words look common and hide
        # the passages that really speak of them ("Normans", "complexity theory").
        self._sections = len({p.section for p in self.passages}) > 1
        self._evidence = evidence_kinds.chosen(settings.evidence)
        surface = [words(self._indexed_text(p)) for p in self.passages]
        indexed = [[stem(w) for w in ws] for ws in surface]
        self.index = BM25Index(indexed, settings.variant, settings.k1, settings.b)
        # Everything a query needs per passage is computed once, here.
        headings = {h: analyze(h) for h in dict.fromkeys(p.heading for p in self.passages)}
        shared: dict = {}  # equal pairs and sets one object (see evidence.passage_facts)
        # Passages whose evidence reads terms they are not indexed under have no ceiling
        # (see retrieval.candidates): they are always scored.
        loose: list[bool] = []

        def facts() -> Iterator[evidence.PassageFacts]:
            for p, terms in zip(self.passages, indexed, strict=True):
                f = evidence.passage_facts(p, terms, self._sections, headings[p.heading], shared)
                loose.append(not frozenset().union(*f.resolved).issubset(terms))
                yield f

        # Kept as arrays, not sets per sentence: see retrieval.fact_table.
        self._table = FactTable(facts())
        self._loose = np.flatnonzero(loose) if any(loose) else None
        # Question analysis (typos, synonyms, names) reads the article's vocabulary only.
        self._questions = QuestionAnalyzer(
            self.index,
            settings,
            surface,
            # Each distinct text once: what is read from them are sets and first uses.
            list(
                dict.fromkeys(
                    [*filter(None, headings), *(s.text for p in self.passages for s in p.sentences)]
                )
            ),
            self._table.pair_set(),
        )

    def _indexed_text(self, passage: Passage) -> str:
        return (
            f"{passage.heading} {passage.text}"
            if self._sections and passage.heading
            else passage.text
        )

    def query(
        self,
        text: str,
        context: Mapping[str, float] | None = None,
        deadline: Deadline | None = None,
    ) -> Query:
        """Analyse ``text``; unknown words are spell-corrected; ``context`` terms are added."""
        return self._questions.query(text, context, deadline)

    def coverage_mass(self, query: Query) -> dict[str, float]:
        """Each question term's weight in the coverage that decides whether to decline.

        See :meth:`retrieval.question.QuestionAnalyzer.coverage_mass`.
        """
        return self._questions.coverage_mass(query)

    def foreign_names(self, query: Query) -> frozenset[str]:
        """See :meth:`retrieval.question.QuestionAnalyzer.foreign_names`."""
        return self._questions.foreign_names(query)

    def facts(self, passage_id: str) -> evidence.PassageFacts:
        """The precomputed facts of the passage with id ``passage_id``."""
        return self._table.passage(self._doc[passage_id])

    def covering(self, query: Query) -> dict[str, frozenset[str]]:
        """See :meth:`retrieval.question.QuestionAnalyzer.covering_terms`."""
        if self._last_covering[0] is not query:  # one entry, as for the plan
            self._last_covering = (query, self._questions.covering_terms(query))
        return dict(self._last_covering[1])

    def rank(
        self, query: Query, k: int | None = None, prefer: str | None = None, lift: float = 0.0
    ) -> tuple[Hit, ...]:
        """Passages ranked best first (ties: article order); only those matching a term.

        With ``k``, evidence is scored for the ``settings.candidates`` most promising and for any
        other passage that could still be among the first ``k`` (:mod:`retrieval.candidates`
        says why the result is the same as scoring them all); only the ``k`` returned are given
        their coverage, none their answering sentences (:meth:`choose` picks those for the
        passage quoted). ``prefer`` names a passage (the one a follow-up leans on) whose score
        is raised by ``lift`` rare-word idfs.
        """
        plan = self._plan(query)
        if plan is None:
            return ()
        weighted, mass, kind, subject = plan.weighted, plan.mass, plan.kind, plan.subject
        terms = {t: w for t, w in query.terms.items() if t not in query.unseen}
        settings = self.settings
        # A name the question gives ("INTERPOL", "Stockholm") is what it asks about: in BM25 it
        # counts name_weight times. Sentence evidence, the answering sentence and coverage
        # weigh it like any other word.
        named = settings.name_weight
        weights = (
            {t: w * named if t in query.names else w for t, w in terms.items()}
            if named != 1 and query.names
            else terms
        )
        unit = settings.sentence_weight * self.index.rare_idf
        preferred = self._doc.get(prefer) if prefer is not None else None
        boost = lift * self.index.rare_idf
        # On a large article, one pass over the terms' rows (retrieval.rows) when it can.
        found = rows.rows(self.index, weights) if k and len(self._table) > batch.FEW else None
        scoring = batch.Scoring(
            self._table,
            self.index.scores(weights) if found is None else rows.RowScores(found),
            weighted,
            mass,
            unit,
            kind,
            ANSWER_TYPE_SHARE * mass,
            subject,
            settings.phrase_weight if query.bigrams else 0.0,
            query.bigrams,
            self.index.idf,
            preferred,
            boost,
            self._evidence,
        )
        m = max(settings.candidates, k or 0)
        if found is None:
            bm25 = scoring.bm25
            assert isinstance(bm25, np.ndarray)
            matched = self.index.matching(terms)
            scored = candidates.bounded(
                scoring, matched, bm25, k, m, lambda: scoring.ceilings(self.index), self._loose
            )
        else:  # the most promising first: the highest ceilings
            ceiling, held = scoring.ceilings_in_one_pass(self.index, found)
            scored = candidates.bounded(scoring, held, ceiling, k, m, None, self._loose)
        coverage_mass = self.coverage_mass(query)
        covering = self.covering(query)
        # Coverage asks only whether a passage holds the question's terms and their relatives.
        asked = frozenset(self._table.term_ids(frozenset(coverage_mass).union(*covering.values())))
        held = self._table.held_terms
        return tuple(
            Hit(
                self.passages[doc],
                total,
                evidence.coverage(held(doc, asked), coverage_mass, covering, query.unseen),
                (),
            )
            for _, doc, total in (scored if k is None else scored[:k])
        )

    def _plan(self, query: Query) -> Plan | None:
        """The query's :class:`Plan`. Ranking and choosing the sentences of each candidate
        read the same query: the last plan is kept (one entry, so memory stays flat)."""
        if self._last_plan[0] is not query:
            self._last_plan = (query, make_plan(query, self.index))
        return self._last_plan[1]

    def choose(self, hit: Hit, query: Query, max_sentences: int = 2) -> Hit:
        """``hit`` with its answering sentences chosen (the passage's best for ``query``)."""
        plan = self._plan(query)
        doc = self._doc[hit.passage.id]
        if plan is None:
            return replace(hit, sentences=(0,))
        weighted, mass, kind, subject = plan.weighted, plan.mass, plan.kind, plan.subject
        facts = self._table.passage(doc)
        bonus = ANSWER_TYPE_SHARE * mass
        own = weighted
        if query.inherited:  # the answering sentence is chosen by the question's own words
            own = {
                t: m * _INHERITED_SENTENCE_WEIGHT if t in query.inherited else m
                for t, m in weighted.items()
            }
        # Thesaurus relatives of the question's words the article uses: they cover a word in
        # coverage and, at the synonym weight, help choose the sentence that answers.
        covering = self.covering(query)
        known = self.index.doc_freq
        relatives = {t: rs for t, rs in covering.items() if t in known and t in own}
        sentence_scores = evidence.sentence_scores(facts, own)
        related = evidence.related_scores(
            facts, own, relatives, sentence_scores, self.settings.synonym_weight
        )
        sentence_scores = evidence.resolved_scores(facts, own, related)
        extra = evidence.type_bonus(facts, sentence_scores, kind, bonus, subject)
        chosen = answering_sentences(
            query.shaped,
            plan.asked,
            sentence_scores,
            extra,
            max_sentences,
            own=own,
            sentences=self.passages[doc].sentences,
            types=facts.types,
            sets=facts.resolved,
            continuing=facts.continuing,
        )
        return replace(hit, sentences=chosen)

    def search(
        self,
        query: Query,
        k: int | None = None,
        max_sentences: int = 2,
        answered: int | None = None,
    ) -> tuple[Hit, ...]:
        """:meth:`rank`, then :meth:`choose` for the first ``answered`` hits (all when None)."""
        ranked = self.rank(query, k)
        n = len(ranked) if answered is None else answered
        return tuple(
            self.choose(h, query, max_sentences) if i < n else h for i, h in enumerate(ranked)
        )
