"""Rank passages for a question and pick the sentences that answer it.

Pure functions over plain records: passages in, :class:`Hit` records out. A passage's score is
its BM25 score (section heading included in its text, unless every passage has the same one)
plus evidence BM25 cannot see, because it treats a paragraph as a bag of words:

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

On the SQuAD excerpt of ``benchmarks/squad_retrieval.py`` passage hit@1 is 86.4% with all of
them, 85.2% without sentence evidence, 85.1% without phrases, 86.1% without answer types and
83.4% with BM25 alone (phrases help the technical articles most).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from itertools import pairwise
from math import fsum

from corpus.records import Passage
from retrieval.analyzer import analyze, stem, words
from retrieval.answer_type import (
    ANSWER_TYPE_SHARE,
    answer_types,
    asked_kind,
    expected_type,
    fits,
)
from retrieval.bm25 import BM25Index
from retrieval.coref import continues, resolve
from retrieval.lemmas import IRREGULAR
from retrieval.records import Hit, Query, RetrievalSettings
from retrieval.synonyms import related_terms
from retrieval.typos import Speller, build_speller

# Capitalised words inside a question (not its first word): names of people, places, bodies.
_NAME = re.compile(r"(?<=[\w,;:)\]'\"’”] )[A-Z][\w'’.-]*")

# A word as written, capitals kept.
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")

# Share of the question's weight by which two adjacent sentences must hold more than the chosen
# answer to be quoted instead (SQuAD excerpt answer accuracy 0.821: 0.824 at 0, 0.827 at 0.05,
# 0.824 at 0.1).
_PAIR_MARGIN = 0.05

# Weight of the words a follow-up inherits when choosing *which sentence* answers it.
_INHERITED_SENTENCE_WEIGHT = 0.01


def question_names(text: str) -> frozenset[str]:
    """Terms of the capitalised words inside a question, when capitals mark names at all.

    In "WHAT KIND OF NGO IS ECPAT?" or "What Kind Of Group Is It?" capitals say nothing, so no
    word counts as a name there.
    """
    tokens = re.findall(r"[^\W\d_][\w'’-]*", text)
    if len(tokens) > 2 and not any(t[0].islower() for t in tokens[1:]):
        return frozenset()
    return frozenset(analyze(" ".join(_NAME.findall(text))))


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
        self._words = [words(self._indexed_text(p)) for p in self.passages]
        self.index = BM25Index(
            [[stem(w) for w in ws] for ws in self._words], settings.variant, settings.k1, settings.b
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
        self._heading_terms = [frozenset(analyze(p.section)) for p in self.passages]
        self._answer_types: list[tuple[frozenset[str], ...]] = []
        for passage in self.passages:
            self._answer_types.append(tuple(answer_types(s.text) for s in passage.sentences))
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
        self._speller: Speller | None = None
        self._name_only = _name_only_terms(
            [p.section for p in self.passages]
            + [s.text for p in self.passages for s in p.sentences]
        )
        self._all_bigrams = frozenset().union(*self._bigrams)

    def _indexed_text(self, passage: Passage) -> str:
        return f"{passage.section} {passage.text}" if self._sections else passage.text

    def _spell(self, word: str) -> str | None:
        if self._speller is None:  # built on first need: most questions never ask for it
            # Base forms of irregular words count as known: "stnad" is a slip for "stand",
            # which the article spells "stood".
            docs = [ws + [IRREGULAR[w] for w in ws if w in IRREGULAR] for ws in self._words]
            self._speller = build_speller(docs, self.settings.max_edits)
        return self._speller.correct(word)

    def query(self, text: str, context: Mapping[str, float] | None = None) -> Query:
        """Analyse ``text``; unknown words are spell-corrected; ``context`` terms are added."""
        weights: dict[str, float] = {}
        order: list[str] = []
        corrections: list[tuple[str, str]] = []
        known = self.index.doc_freq
        for word in words(text):
            term = stem(word)
            if term not in known and self.settings.max_edits:
                fixed = self._spell(word)
                if fixed is not None and fixed != word:
                    corrections.append((word, fixed))
                    term = stem(fixed)
            weights[term] = weights.get(term, 0.0) + 1.0
            order.append(term)
        alternatives = []
        if self.settings.synonym_weight:
            # A word the article uses only inside a longer name ("nations" in "United Nations")
            # is, written in lower case, a word the article never uses on its own - unless the
            # question has the name's next word too ("the body shop").
            lower = self._name_only.intersection(order)
            if lower:
                lower &= {stem(w) for w in words(" ".join(_lowercase_words(text)))}
                named = {t for p in pairwise(order) if p in self._all_bigrams for t in p}
                lower -= named
            for term in dict.fromkeys(order):
                alts = frozenset(t for t in related_terms(term) if t in known and t not in weights)
                if (term not in known or term in lower) and alts:
                    alternatives.append((term, alts))
        unseen = frozenset(t for t, _ in alternatives if t in known)
        order_seen = [t for t in order if t not in unseen]
        bigrams = tuple(dict.fromkeys(p for p in pairwise(order_seen) if p[0] != p[1]))
        for _, alts in alternatives:
            for alt in alts:
                weights.setdefault(alt, self.settings.synonym_weight)
        names = question_names(text)
        inherited = frozenset(t for t in (context or {}) if t not in weights)
        for term, weight in (context or {}).items():
            weights[term] = max(weights.get(term, 0.0), weight)
        return Query(
            text,
            tuple(weights.items()),
            tuple(corrections),
            inherited,
            bigrams,
            tuple(alternatives),
            names,
            unseen,
        )

    def coverage_mass(self, query: Query) -> dict[str, float]:
        """Each question term's weight in the coverage that decides whether to decline.

        Terms the article knows weigh their idf. A word it never uses weighs
        ``unknown_weight`` of a rare word's idf (question phrasing such as "kind" or "supposed"
        is often absent from an article that answers), but a *name* it never uses ("USA",
        "Tokyo") weighs twice a rare word: asking about it is asking about something else.
        Synonym terms are not counted: they stand in for the word they expand.
        """
        rare = self.index.rare_idf
        expanded = {alt for _, alts in query.alternatives for alt in alts}
        mass = {}
        for term, weight in query.weights:
            if term in expanded:
                continue
            if term in self.index.doc_freq and term not in query.unseen:
                mass[term] = weight * self.index.idf(term)
            elif term in query.names:
                mass[term] = weight * 2 * rare
            else:
                mass[term] = weight * self.settings.unknown_weight * rare
        return mass

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

    def _type_bonus(
        self, doc: int, scores: Sequence[float], kind: str | None, bonus: float
    ) -> list[float] | None:
        """``bonus`` for each sentence that shares a word and holds the expected ``kind``."""
        if kind is None:
            return None
        kinds = self._answer_types[doc]
        return [bonus if s > 0 and kind in kinds[i] else 0.0 for i, s in enumerate(scores)]

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
        bonus = ANSWER_TYPE_SHARE * mass
        scored = []
        for doc in candidates:
            sentence_scores = self._sentence_scores(doc, weighted)
            extra = self._type_bonus(doc, sentence_scores, kind, bonus)
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
        alternatives = dict(query.alternatives)
        hits = []
        for _, doc, score, sentence_scores, extra in scored if k is None else scored[:k]:
            if own is not weighted:
                sentence_scores = self._sentence_scores(doc, own)
            resolved = self._resolved_scores(doc, own, sentence_scores)
            if resolved is not sentence_scores or own is not weighted:
                sentence_scores = resolved
                extra = self._type_bonus(doc, sentence_scores, kind, bonus)
            chosen = pick_sentences(
                self._fitting(doc, query.text, asked, sentence_scores), max_sentences, extra
            )
            if max_sentences > 1 and asked is None:
                chosen = self._spanning_pair(doc, own, sentence_scores, chosen)
            if max_sentences > 1 and asked is None and len(chosen) == 1:
                # The sentence after the answer that carries it on ("But a storm ...", "Such
                # problems are called ...") is quoted with it: what a question asking for no
                # particular kind of answer wants often comes next. (A number, date, name or sum
                # asked for is already in the chosen sentence: see ``_fitting``.)
                after = chosen[0] + 1
                if after < len(sentence_scores) and self._continuing[doc][after]:
                    chosen = (chosen[0], after)
            coverage = self._coverage(doc, coverage_mass, alternatives, query.unseen)
            hits.append(Hit(self.passages[doc], score, coverage, chosen))
        return tuple(hits)

    def _spanning_pair(
        self, doc: int, own: Mapping[str, float], scores: Sequence[float], chosen: tuple[int, ...]
    ) -> tuple[int, ...]:
        """Two adjacent sentences that together hold clearly more of the question than ``chosen``.

        "What did ECPAT grow into after the 1996 congress?": no one sentence says it all, but
        "The congress was hosted by ... As a result, ECPAT grew into ..." does, together. Both
        sentences must share a word with the question; "clearly more" is ``_PAIR_MARGIN`` of the
        question's weight.
        """
        sets = self._resolved_sets[doc]
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

    def _fitting(
        self, doc: int, question: str, kind: str | None, scores: list[float]
    ) -> list[float]:
        """Sentence scores with those that can't hold the asked-for answer set to zero.

        "In how many nations ...?" must quote the sentence with the number in it, even when
        another shares more words; if no matching sentence fits, the scores stay as they were
        (and the engine may decline).
        """
        if kind is None:
            return scores
        sentences, types = self.passages[doc].sentences, self._answer_types[doc]
        floor = max(scores, default=0.0) / 2  # a fitting sentence must still match well

        def fitting(i: int) -> bool:
            if kind in ("number", "date"):  # known from indexing
                return kind in types[i]
            return fits(question, sentences[i].text, kind)

        fit = [s > 0 and s >= floor and fitting(i) for i, s in enumerate(scores)]
        if not any(fit):
            return scores
        return [s if ok else 0.0 for s, ok in zip(scores, fit, strict=True)]

    def _coverage(
        self,
        doc: int,
        mass: Mapping[str, float],
        alternatives: Mapping[str, frozenset[str]],
        unseen: frozenset[str] = frozenset(),
    ) -> float:
        """The share of the question's coverage mass this passage holds (heading included)."""
        total = sum(mass.values())
        if total <= 0:
            return 0.0
        heading = self._heading_terms[doc]

        def present(term: str) -> bool:
            return term not in unseen and (term in heading or self.index.contains(term, doc))

        covered = sum(
            m
            for t, m in mass.items()
            if present(t) or any(present(a) for a in alternatives.get(t, ()))
        )
        return covered / total


def _lowercase_words(text: str) -> list[str]:
    return [t for t in _TOKEN.findall(text) if t[0].islower()]


def _name_only_terms(texts: Iterable[str]) -> frozenset[str]:
    """Terms whose every use in ``texts`` is inside a name of two or more capitalised words.

    "United Nations" makes "nation" known to the index, but a question asking "in how many
    nations" means countries, not that body.
    """
    inside: set[str] = set()
    outside: set[str] = set()
    for text in texts:
        tokens = list(_TOKEN.finditer(text))
        # joined[i]: token i and token i + 1 are both capitalised, with only spaces between
        joined = [
            a.group()[0].isupper()
            and b.group()[0].isupper()
            and not text[a.end() : b.start()].strip()
            for a, b in pairwise(tokens)
        ]
        for i, token in enumerate(tokens):
            named = (i > 0 and joined[i - 1]) or (i < len(joined) and joined[i])
            (inside if named else outside).update(analyze(token.group()))
    return frozenset(inside - outside)


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
