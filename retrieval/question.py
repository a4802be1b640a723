"""Analyse a question against one article: its terms, typo fixes, synonyms, names, coverage.

Kept apart from ranking (:mod:`retrieval.ranker`) because it only reads the article's
vocabulary - which words the index knows, which it uses only inside longer names, which
adjacent pairs it holds - and never scores a passage. The result is a :class:`Query`, which
the ranker scores passages with, and the coverage mass that decides whether to decline.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from itertools import pairwise

from retrieval.acronyms import asked_expansion, expansions, initialisms
from retrieval.analyzer import analyze, stem, words
from retrieval.answer_type import MEASURE_QUESTION
from retrieval.bm25 import BM25Index
from retrieval.budget import Deadline, check
from retrieval.names import (
    NAME_PREFIX,
    lowercase_words,
    name_only_terms,
    names_by_prefix,
    question_names,
)
from retrieval.reading import shape_of
from retrieval.records import Query, RetrievalSettings
from retrieval.spelling import Spelling
from retrieval.stopwords import STOP_WORDS
from retrieval.synonyms import related_terms, single_words
from retrieval.wordstats import zipf

# How people open a question without saying anything about its topic: "What do you know
# about ...", "Can you tell me ...", "I'd like to know ...". ("know" would meet "now known as".)
_FRAME = re.compile(
    r"^\W*(?:(?:please|so|and|ok|okay|hey|hi)\W+)*(?:what\s+do\s+you\s+know|do\s+you\s+know|"
    r"(?:what\s+)?(?:can|could|would)\s+you\s+(?:please\s+)?tell\s+me|"
    r"i\s*(?:['’]d|would)\s+like\s+to\s+know|i\s+want\s+to\s+know|i\s+wonder)\b",
    re.IGNORECASE,
)

# An acronym as a question may write it: "ITU", "IWF".
_ACRONYM = re.compile(r"\b[A-Z]{3,6}\b")


class QuestionAnalyzer:
    """Turns question text into a :class:`Query` over one article's index.

    ``documents`` are the surface words of each passage (for spelling,
    :mod:`retrieval.spelling`); ``texts`` are the article's headings and sentences (to find
    words used only inside names); ``bigrams`` are all adjacent term pairs the article holds.
    """

    def __init__(
        self,
        index: BM25Index,
        settings: RetrievalSettings,
        documents: Sequence[list[str]],
        texts: Sequence[str],
        bigrams: frozenset[tuple[str, str]],
    ) -> None:
        self.index = index
        self.settings = settings
        self._name_only = name_only_terms(texts)
        self._names_by_prefix = names_by_prefix(texts)
        self._expansions = expansions(texts)
        self._initialisms = initialisms(texts)
        self._all_bigrams = bigrams
        self._spelling = Spelling(index, settings, documents, self._names_by_prefix, bigrams)

    def query(
        self,
        text: str,
        context: Mapping[str, float] | None = None,
        deadline: Deadline | None = None,
    ) -> Query:
        """Analyse ``text``; unknown words are spell-corrected; ``context`` terms are added.
        ``deadline``: checked once per word (see :mod:`retrieval.budget`)."""
        weights: dict[str, float] = {}
        order: list[str] = []
        corrections: list[tuple[str, str]] = []
        known = self.index.doc_freq
        # The question itself, without "Can you tell me ...", also for its kind of answer;
        # white space folded, so no pattern meets a run of spaces.
        folded = " ".join(text.split())
        core = single_words(_FRAME.sub("", folded).strip())
        text = core or folded
        surface: dict[str, str] = {}
        fixes: dict[str, str | None] = {}  # each distinct word is corrected once
        core = self._spelling.glued(core)  # "e cpat": ecpat, before single letters are dropped
        found, tried = self._spelling.rejoined(words(self._spell_out(core)))
        for word in found:
            check(deadline, "reading the question")
            term = stem(word)
            if term not in known and self.settings.max_edits:
                if word not in fixes and self._spelling.correctable(word, len(fixes) + tried):
                    fixes[word] = self._spelling.fix(word)
                fixed = fixes.get(word)
                if fixed is not None and fixed != word:
                    corrections.append((word, fixed))
                    if fixed in STOP_WORDS:
                        continue
                    word, term = fixed, stem(fixed)
            for part in word.split():  # two when a compound was split
                term = stem(part)
                weights[term] = weights.get(term, 0.0) + 1.0
                order.append(term)
                if term in known and not zipf(part):
                    # "countrys" stems like "countries": its statistics are the article word's.
                    part = self._spelling.written(term) or part
                surface.setdefault(term, part)
        alternatives = []
        names = question_names(self._spell_out(text))
        if self.settings.synonym_weight:
            # A word the article uses only inside a longer name ("nations" in "United Nations")
            # is, written in lower case, a word the article never uses on its own - unless the
            # question has the name's next word too ("the body shop").
            lower = self._name_only.intersection(order)
            if lower:
                lower &= {stem(w) for w in words(" ".join(lowercase_words(text)))}
                named = {t for p in pairwise(order) if p in self._all_bigrams for t in p}
                lower -= named
            # Set differences with the question's words test each alternative (a set minus the
            # dict's keys would walk every word: a 4,000-word message made that quadratic).
            for term in dict.fromkeys(order):
                alts = {a for a in self._relatives(term) if a not in weights}
                if term.isdigit() and len(term) == 2:  # "in 96": a year the article writes whole
                    alts |= {f"{century}{term}" for century in ("19", "20")} & known.keys()
                if term in names and term not in known:
                    prefixed = self._names_by_prefix.get(term[:NAME_PREFIX], frozenset())
                    alts |= {a for a in prefixed if a not in weights}
                if (term not in known or term in lower) and alts:
                    alternatives.append((term, alts))
        unseen = frozenset(t for t, _ in alternatives if t in known)
        order_seen = [t for t in order if t not in unseen]
        pairs = list(pairwise(order_seen))
        # "What is ECPAT short for?" is answered by the words the letters stand for.
        shape = shape_of(text, tuple(corrections), STOP_WORDS)
        long_form = asked_expansion(shape, self._expansions)
        if long_form is not None:
            spelled = analyze(long_form)
            for term in spelled:
                weights.setdefault(term, 1.0)
            pairs += pairwise(spelled)
            # What it asks about is the long form: "acronym", "short" only frame the question.
            acronyms = {stem(w.casefold()) for w in _ACRONYM.findall(text)}
            surface = {t: w for t, w in surface.items() if t in acronyms}
            surface.update((stem(w), w) for w in words(long_form))
        bigrams = tuple(dict.fromkeys(p for p in pairs if p[0] != p[1]))
        for _, alts in alternatives:
            for alt in sorted(alts):  # a set's order varies by run: sums must not
                weights.setdefault(alt, self.settings.synonym_weight)
        inherited = frozenset(t for t in (context or {}) if t not in weights)
        for term, weight in (context or {}).items():
            weights[term] = max(weights.get(term, 0.0), weight)
        measure = frozenset(stem(m.group(1).casefold()) for m in MEASURE_QUESTION.finditer(core))
        return Query(
            text,
            tuple(weights.items()),
            tuple(corrections),
            inherited,
            bigrams,
            tuple(alternatives),
            names,
            unseen,
            measure & weights.keys(),
            tuple(surface.items()),
            shape,
        )

    def _spell_out(self, text: str) -> str:
        """``text`` with each acronym the article never writes, but whose words it holds,
        replaced by them: "ITU" -> "International Telecommunication Union"."""
        if text.isupper():  # capitals all through say nothing of acronyms
            return text

        def spelled(match: re.Match[str]) -> str:
            token = match.group()
            if stem(token.casefold()) in self.index.doc_freq:
                return token
            return self._initialisms.get(token.casefold(), token)

        return _ACRONYM.sub(spelled, text)

    def coverage_mass(self, query: Query) -> dict[str, float]:
        """Each question term's weight in the coverage that decides whether to decline.

        Terms the article knows weigh their idf. A word it never uses weighs
        ``unknown_weight`` of a rare word's idf (question phrasing such as "kind" or "supposed"
        is often absent from an article that answers), but a *name* it never uses ("USA",
        "Tokyo") weighs twice a rare word: asking about it is asking about something else -
        unless an article name stands in for it ("Swedish": Sweden); then it weighs like an
        unknown word.
        Synonym terms are not counted: they stand in for the word they expand; nor is the
        adjective of "how old", "how long" (``Query.measure``), which asks for a kind of answer.
        """
        rare = self.index.rare_idf
        alternatives = dict(query.alternatives)
        expanded = {alt for alts in alternatives.values() for alt in alts}
        mass = {}
        for term, weight in query.weights:
            if term in expanded or term in query.measure:
                continue
            if term in self.index.doc_freq and term not in query.unseen:
                mass[term] = weight * self.index.idf(term)
            elif term in query.names and not alternatives.get(term):
                mass[term] = weight * 2 * rare
            else:
                mass[term] = weight * self.settings.unknown_weight * rare
        return mass

    def foreign_names(self, query: Query) -> frozenset[str]:
        """Names in the question that the article never uses and nothing of it stands for."""
        covered = {t for t, alts in query.alternatives if alts}
        return frozenset(t for t in query.names if t not in self.index.doc_freq) - covered

    def _relatives(self, term: str) -> frozenset[str]:
        """The article's terms interchangeable with ``term``, but for words it uses only
        inside names: "Internet Watch Foundation" says nothing of when anything was founded."""
        known = self.index.doc_freq
        return frozenset(t for t in related_terms(term) if t in known and t not in self._name_only)

    def covering_terms(self, query: Query) -> dict[str, frozenset[str]]:
        """Per question term, the article terms that cover it in coverage besides itself.

        A word the article never uses is covered by its thesaurus alternatives (the ones the
        query searches for); a word it does use is covered by its thesaurus relatives too, so a
        passage saying "NGO" covers "organisation" although it is ranked by its own words.
        """
        covering = dict(query.alternatives)
        known = self.index.doc_freq
        # A term standing in for a question word ("headquarters" for "address") is covered by
        # nothing else: its fellow stand-ins would count that one word again and again.
        own = {t for t, _ in query.spelled} | query.inherited
        standing_in = frozenset().union(*covering.values()) - own
        for term, _ in query.weights:
            if term not in covering and term in known and term not in standing_in:
                related = self._relatives(term)
                if related:
                    covering[term] = related
        return covering
