"""Rank passages for a question and pick the sentences that answer it.

Pure functions over plain records: passages in, :class:`Hit` records out. The question is
analysed in :mod:`retrieval.question` and the answering sentences chosen in
:mod:`retrieval.answering`; this module holds the per-passage facts and the scoring.

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

On the SQuAD excerpt of ``benchmarks/squad_retrieval.py`` passage hit@1 is 86.4% with all of
them, 85.2% without sentence evidence, 85.1% without phrases, 86.1% without answer types and
83.4% with BM25 alone (phrases help the technical articles most).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import pairwise
from math import fsum

from corpus.records import Passage
from retrieval.analyzer import analyze, stem, words
from retrieval.answer_type import (
    ANSWER_TYPE_SHARE,
    answer_types,
    asked_kind,
    defined_subject,
    definition_subject,
    expected_type,
)
from retrieval.answering import answering_sentences, pick_sentences
from retrieval.bm25 import BM25Index
from retrieval.coref import continues, resolve
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
        if not passages:
            raise ValueError("no passages to index")
        if settings.sentence_weight < 0 or settings.phrase_weight < 0:
            raise ValueError("sentence_weight and phrase_weight must be 0 or more")
        self.passages = tuple(passages)
        self.settings = settings
        # A heading every passage shares (a corpus of bare paragraphs titled by the article)
        # tells none of them apart; indexing it would only make its words look common and hide
        # the passages that really speak of them ("Normans", "complexity theory").
        self._sections = len({p.section for p in self.passages}) > 1
        surface = [words(self._indexed_text(p)) for p in self.passages]
        self.index = BM25Index(
            [[stem(w) for w in ws] for ws in surface], settings.variant, settings.k1, settings.b
        )
        # Everything a query needs per passage is computed once, here.
        self._sentence_terms: list[tuple[frozenset[str], ...]] = []
        self._bigrams: list[frozenset[tuple[str, str]]] = []
        # Per passage: (sentence, the words its opening pronoun stands for that it lacks).
        self._antecedents: list[tuple[tuple[int, frozenset[str]], ...]] = []
        self._resolved_sets: list[tuple[frozenset[str], ...]] = []
        self._continuing: list[tuple[bool, ...]] = []
        # Heading words count as covered even where they are not indexed: the passage is about
        # its article and section all the same, so "Who ruled the Normans?" is not declined.
        heading_terms = [frozenset(analyze(p.section)) for p in self.passages]
        self._held = [
            frozenset(stem(w) for w in ws) | heading
            for ws, heading in zip(surface, heading_terms, strict=True)
        ]
        self._answer_types: list[tuple[frozenset[str], ...]] = []
        # Per sentence, the terms of what it defines ("The Code is a set of ...": code).
        self._defines: list[tuple[frozenset[str], ...]] = []
        for passage in self.passages:
            self._answer_types.append(tuple(answer_types(s.text) for s in passage.sentences))
            self._defines.append(
                tuple(frozenset(analyze(defined_subject(s.text) or "")) for s in passage.sentences)
            )
            # Sentence evidence sees each sentence's own words; the answering sentence and the
            # phrases see an opening pronoun as the subject it stands for (retrieval.coref).
            streams = resolve([s.text for s in passage.sentences])
            own = tuple(frozenset(analyze(s.text)) for s in passage.sentences)
            self._sentence_terms.append(own)
            self._resolved_sets.append(tuple(frozenset(terms) for terms in streams))
            self._continuing.append(tuple(continues(s.text) for s in passage.sentences))
            self._antecedents.append(
                tuple(
                    (i, added)
                    for i, terms in enumerate(streams)
                    if (added := frozenset(terms) - own[i])
                )
            )
            pairs = {pair for terms in streams for pair in pairwise(terms)}
            if self._sections:
                pairs.update(pairwise(analyze(passage.section)))
            self._bigrams.append(frozenset(pairs))
        # Question analysis (typos, synonyms, names) reads the article's vocabulary only.
        self._questions = QuestionAnalyzer(
            self.index,
            settings,
            surface,
            [p.section for p in self.passages]
            + [s.text for p in self.passages for s in p.sentences],
            frozenset().union(*self._bigrams),
        )

    def _indexed_text(self, passage: Passage) -> str:
        return f"{passage.section} {passage.text}" if self._sections else passage.text

    def query(self, text: str, context: Mapping[str, float] | None = None) -> Query:
        """Analyse ``text``; unknown words are spell-corrected; ``context`` terms are added."""
        return self._questions.query(text, context)

    def coverage_mass(self, query: Query) -> dict[str, float]:
        """Each question term's weight in the coverage that decides whether to decline.

        See :meth:`retrieval.question.QuestionAnalyzer.coverage_mass`.
        """
        return self._questions.coverage_mass(query)

    def _weighted(self, terms: Mapping[str, float]) -> dict[str, float]:
        """Each term's share of the question's mass (weight x idf), computed once per query."""
        return {t: w * self.index.idf(t) for t, w in terms.items()}

    def _sentence_scores(self, doc: int, weighted: Mapping[str, float]) -> list[float]:
        return [
            fsum(weighted[t] for t in sent.intersection(weighted))
            for sent in self._sentence_terms[doc]
        ]

    def _resolved_scores(
        self, doc: int, weighted: Mapping[str, float], scores: list[float]
    ) -> list[float]:
        """``scores`` with each pronoun sentence credited with the subject it stands for."""
        resolved = scores
        for i, added in self._antecedents[doc]:
            if scores[i] > 0 and (shared := added.intersection(weighted)):
                if resolved is scores:
                    resolved = list(scores)
                resolved[i] += fsum(weighted[t] for t in shared)
        return resolved

    def _related_scores(
        self,
        doc: int,
        own: Mapping[str, float],
        relatives: Mapping[str, frozenset[str]],
        scores: list[float],
    ) -> list[float]:
        """``scores`` with each sentence credited, at the synonym weight, for each question word
        it lacks but holds a thesaurus relative of ("initial" for "originally")."""
        weight = self.settings.synonym_weight
        related = scores
        for i, sentence in enumerate(self._sentence_terms[doc]):
            for term, others in relatives.items():
                if term not in sentence and not others.isdisjoint(sentence):
                    if related is scores:
                        related = list(scores)
                    related[i] += weight * own[term]
        return related

    def _type_bonus(
        self,
        doc: int,
        scores: Sequence[float],
        kind: str | None,
        bonus: float,
        subject: frozenset[str] = frozenset(),
    ) -> list[float] | None:
        """``bonus`` for each sentence that shares a word and holds the expected ``kind``, or
        defines at least half the ``subject`` terms of a "What is X?" question."""
        if kind is None and not subject:
            return None
        kinds, defines = self._answer_types[doc], self._defines[doc]
        need = len(subject) / 2

        def holds(i: int) -> bool:
            if kind is not None and kind in kinds[i]:
                return True
            return bool(subject) and len(subject & defines[i]) >= need

        return [bonus if s > 0 and holds(i) else 0.0 for i, s in enumerate(scores)]

    def _phrase_score(self, doc: int, bigrams: Sequence[tuple[str, str]]) -> float:
        pairs = self._bigrams[doc]
        return sum(
            (self.index.idf(a) + self.index.idf(b)) / 2 for a, b in bigrams if (a, b) in pairs
        )

    def search(self, query: Query, k: int | None = None, max_sentences: int = 2) -> tuple[Hit, ...]:
        """Passages ranked best first (ties: article order); only those matching a term.

        Every matching passage is scored; only the ``k`` returned are given their coverage and
        answering sentences.
        """
        terms = query.terms
        if not terms:
            return ()
        # An unseen word (see Query) matches nothing but still weighs as a word never used.
        unseen = sum(w for t, w in terms.items() if t in query.unseen) * self.index.rare_idf
        terms = {t: w for t, w in terms.items() if t not in query.unseen}
        weighted = self._weighted(terms)
        mass = sum(weighted.values()) + unseen
        if mass <= 0:
            return ()
        bm25 = self.index.scores(terms)
        postings = self.index.postings
        candidates = sorted({doc for t in terms for doc in postings.get(t, ())})
        settings = self.settings
        unit = settings.sentence_weight * self.index.rare_idf
        kind = expected_type(query.text)
        asks_for = definition_subject(query.text)
        subject = frozenset(analyze(asks_for)) & terms.keys() if asks_for else frozenset()
        bonus = ANSWER_TYPE_SHARE * mass
        scored = []
        for doc in candidates:
            sentence_scores = self._sentence_scores(doc, weighted)
            extra = self._type_bonus(doc, sentence_scores, kind, bonus, subject)
            lead = sentence_scores
            if extra:
                lead = [s + b for s, b in zip(sentence_scores, extra, strict=True)]
            score = float(bm25[doc]) + unit * max(lead, default=0.0) / mass
            if settings.phrase_weight and query.bigrams:
                score += settings.phrase_weight * self._phrase_score(doc, query.bigrams)
            scored.append((-round(score, 9), doc, score, sentence_scores, extra))
        scored.sort(key=lambda item: item[:2])
        own = weighted
        if query.inherited:  # the answering sentence is chosen by the question's own words
            own = {
                t: m * _INHERITED_SENTENCE_WEIGHT if t in query.inherited else m
                for t, m in weighted.items()
            }
        coverage_mass = self.coverage_mass(query)
        asked = asked_kind(query.text)
        covering = self._questions.covering_terms(query)
        hits = []
        # Thesaurus relatives of the question's words the article uses: they cover a word in
        # coverage and, at the synonym weight, help choose the sentence that answers.
        known = self.index.doc_freq
        relatives = {t: rs for t, rs in covering.items() if t in known and t in own}
        for _, doc, score, sentence_scores, extra in scored if k is None else scored[:k]:
            if own is not weighted:
                sentence_scores = self._sentence_scores(doc, own)
            related = self._related_scores(doc, own, relatives, sentence_scores)
            resolved = self._resolved_scores(doc, own, related)
            if resolved is not sentence_scores or own is not weighted:
                sentence_scores = resolved
                extra = self._type_bonus(doc, sentence_scores, kind, bonus, subject)
            chosen = answering_sentences(
                query.text,
                asked,
                sentence_scores,
                extra,
                max_sentences,
                own=own,
                sentences=self.passages[doc].sentences,
                types=self._answer_types[doc],
                sets=self._resolved_sets[doc],
                continuing=self._continuing[doc],
            )
            coverage = self._coverage(doc, coverage_mass, covering, query.unseen)
            hits.append(Hit(self.passages[doc], score, coverage, chosen))
        return tuple(hits)

    def _coverage(
        self,
        doc: int,
        mass: Mapping[str, float],
        covering: Mapping[str, frozenset[str]],
        unseen: frozenset[str] = frozenset(),
    ) -> float:
        """The share of the question's coverage mass this passage holds (heading included)."""
        total = sum(mass.values())
        if total <= 0:
            return 0.0
        held = self._held[doc] - unseen if unseen else self._held[doc]
        covered = sum(
            m
            for t, m in mass.items()
            if t in held or (t in covering and not covering[t].isdisjoint(held))
        )
        return covered / total
