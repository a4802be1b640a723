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
from retrieval.lemmas import IRREGULAR
from retrieval.names import (
    NAME_PREFIX,
    lowercase_words,
    name_only_terms,
    names_by_prefix,
    question_names,
)
from retrieval.records import Query, RetrievalSettings
from retrieval.stopwords import STOP_WORDS
from retrieval.synonyms import related_terms, single_words
from retrieval.typos import Speller, osa_distance, word_counts
from retrieval.wordstats import english_spelling, function_word_spelling, zipf

# How people open a question without saying anything about its topic: "What do you know
# about ...", "Can you tell me ...", "I'd like to know ...". ("know" would meet "now known as".)
_FRAME = re.compile(
    r"^\W*(?:(?:please|so|and|ok|okay|hey|hi)\W+)*(?:what\s+do\s+you\s+know|do\s+you\s+know|"
    r"(?:what\s+)?(?:can|could|would)\s+you\s+(?:please\s+)?tell\s+me|"
    r"i\s*(?:['’]d|would)\s+like\s+to\s+know|i\s+want\s+to\s+know|i\s+wonder)\b",
    re.IGNORECASE,
)

# The shortest part a run-together word is split into ("bodyshop": body shop).
_MIN_PART = 3

# An acronym as a question may write it: "ITU", "IWF".
_ACRONYM = re.compile(r"\b[A-Z]{3,6}\b")


class QuestionAnalyzer:
    """Turns question text into a :class:`Query` over one article's index.

    ``documents`` are the indexed words of each passage (for the speller, built on first
    need); ``texts`` are the article's headings and sentences (to find words used only inside
    names); ``bigrams`` are all adjacent term pairs the article holds.
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
        # Only how many passages use each word is kept for the speller, not the words of
        # every passage (a large article's word lists were a fifth of its index's memory).
        # Base forms of irregular words count as known: "stnad" is a slip for "stand", which
        # the article spells "stood".
        self._word_counts = word_counts(
            ws + [IRREGULAR[w] for w in ws if w in IRREGULAR] for ws in documents
        )
        self._speller: Speller | None = None
        self._stem_speller: Speller | None = None
        self._forms: dict[str, str] | None = None
        self._name_only = name_only_terms(texts)
        self._names_by_prefix = names_by_prefix(texts)
        self._expansions = expansions(texts)
        self._initialisms = initialisms(texts)
        self._all_bigrams = bigrams

    def _written(self, term: str) -> str | None:
        """The article's commonest word for ``term`` ("countries" for "countri"); of equally
        common ones the first in alphabetical order, so no run depends on a set's order."""
        if self._forms is None:  # built on first need, from the speller's word counts
            best: dict[str, tuple[int, str]] = {}
            for word, count in self._word_counts.items():
                key = stem(word)
                held = best.get(key)
                if held is None or count > held[0] or (count == held[0] and word < held[1]):
                    best[key] = (count, word)
            self._forms = {key: word for key, (_, word) in best.items()}
        return self._forms.get(term)

    def _spell(self, word: str, loose: bool = False) -> str | None:
        if self._speller is None:  # built on first need: most questions never ask for it
            settings = self.settings
            self._speller = Speller(self._word_counts, settings.max_edits, settings.max_typo_chars)
        return self._speller.correct(word, loose)

    def _nonword(self, word: str) -> bool:
        """Whether ``word`` is no English word, nor a form of one ("govts" is "govt"s)."""
        floor = self.settings.nonword_zipf
        return zipf(word) < floor and zipf(stem(word)) < floor

    def _correctable(self, word: str, tried: int) -> bool:
        """Whether to try correcting ``word``: not when it is too long to be a slip, nor once
        ``tried`` words of the question were tried (see :class:`RetrievalSettings`)."""
        settings = self.settings
        return len(word) <= settings.max_typo_chars and tried < settings.max_typo_words

    def _fix(self, word: str) -> str | None:
        """The article's own words first; then common English ("chiarperson", "hw mny ppl",
        "wat", "thier"), so a slip or chat spelling is read as the word meant. A word that is
        no English word is read as an English word one edit away whose stem the article uses
        ("colect": collect, as in "collected"), else as an article word two edits away
        ("fundet": founded, not the English "funded")."""
        fixed = self._spell(word) or self._split(word)
        if fixed is not None:
            return fixed
        english = None
        if self.settings.english_spelling:
            english = english_spelling(word) or function_word_spelling(word, STOP_WORDS)
        if english is not None and (english in STOP_WORDS or stem(english) in self.index.doc_freq):
            return english
        if self._nonword(word):
            fixed = self._spell(word, loose=True) or self._spell_stem(word)
        return fixed or english

    def _spell_stem(self, word: str) -> str | None:
        """A non-word whose ending differs from the article's word as well ("hedquarter" for
        "headquarters", two letters short): its stem, read loosely against the article's
        stems, where the ending costs no edit; the article's commonest word for the stem."""
        if self._stem_speller is None:  # built on first need, as the speller is
            counts: dict[str, int] = {}
            for known, count in self._word_counts.items():
                key = stem(known)
                counts[key] = counts.get(key, 0) + count
            settings = self.settings
            self._stem_speller = Speller(counts, settings.max_edits, settings.max_typo_chars)
        term = self._stem_speller.correct(stem(word), loose=True)
        return None if term is None else self._written(term)

    def _rejoined(self, found: list[str]) -> tuple[list[str], int]:
        """``found`` with a word split in two joined again, and how many pairs were looked up
        (they count against ``max_typo_words``): one the article writes as one word ("head
        quarters"), or a name dictation split because it did not know it ("eck pat", "bell
        amy": one half not the article's, together one slip from a name the article uses)."""
        joined: list[str] = []
        tried = i = 0
        while i < len(found):
            whole = None
            if i + 1 < len(found) and self._joinable(found[i], found[i + 1], tried):
                tried += 1
                whole = self._whole(found[i] + found[i + 1])
            if whole is not None:
                joined.append(whole)
                i += 2
            else:
                joined.append(found[i])
                i += 1
        return joined, tried

    def _joinable(self, a: str, b: str, tried: int) -> bool:
        """Whether ``a`` and ``b`` may be halves of one word: letters, no stop word, not both
        the article's ("Sky HD" is not "SkyHD"), and the lookup budget not spent."""
        if not (a.isalpha() and b.isalpha()) or a in STOP_WORDS or b in STOP_WORDS:
            return False
        known = self.index.doc_freq
        return not (stem(a) in known and stem(b) in known) and self._correctable(a + b, tried)

    def _whole(self, typed: str) -> str | None:
        """The article's word ``typed`` (two halves run together) stands for, if any."""
        if typed in self._word_counts:
            return typed
        whole = self._spell(typed, loose=True)
        # One slip at most ("rank gps" is not "ranges"); and each half must count: "ecpat hq"
        # is no slip for "ecpat" with "hq" dropped.
        if whole is None or osa_distance(typed, whole) > 1 or len(whole) < len(typed) - 1:
            return None
        term = stem(whole)
        return whole if term in self._names_by_prefix.get(term[:NAME_PREFIX], ()) else None

    def _split(self, word: str) -> str | None:
        """Two words the article writes side by side, run together ("bodyshop": body shop)."""
        for i in range(_MIN_PART, len(word) - _MIN_PART + 1):
            a, b = word[:i], word[i:]
            if (stem(a), stem(b)) in self._all_bigrams:
                return f"{a} {b}"
        return None

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
        found, tried = self._rejoined(words(self._spell_out(core)))
        for word in found:
            check(deadline, "reading the question")
            term = stem(word)
            if term not in known and self.settings.max_edits:
                if word not in fixes and self._correctable(word, len(fixes) + tried):
                    fixes[word] = self._fix(word)
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
                    part = self._written(term) or part
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
        long_form = asked_expansion(text, self._expansions)
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
