"""Reading a question's words as the article spells them: slips, chat spelling, split words.

Kept apart from :mod:`retrieval.question` because it needs only the article's surface words
(how many passages use each), its stems and names, and a budget per question; the speller
itself (:mod:`retrieval.typos`) knows nothing of articles.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from retrieval.analyzer import stem
from retrieval.bm25 import BM25Index
from retrieval.lemmas import IRREGULAR
from retrieval.names import NAME_PREFIX
from retrieval.records import RetrievalSettings
from retrieval.stopwords import STOP_WORDS
from retrieval.synonyms import related_terms
from retrieval.typos import Speller, osa_distance, word_counts
from retrieval.wordstats import english_spelling, function_word_spelling, zipf

# The shortest part a run-together word is split into ("bodyshop": body shop).
_MIN_PART = 3
# A letter standing alone before a word (not "a" or "I", which are words): dictation splits
# a name it does not know ("e cpat").
_LONE_LETTER = re.compile(r"\b([b-hj-z])\s+([a-z]{2,})\b", re.IGNORECASE)


class Spelling:
    """One article's words for correcting a question's: ``documents`` are the surface words
    of each passage, ``names`` the article's name terms by prefix
    (:func:`retrieval.names.names_by_prefix`), ``bigrams`` its adjacent term pairs."""

    def __init__(
        self,
        index: BM25Index,
        settings: RetrievalSettings,
        documents: Sequence[list[str]],
        names: dict[str, frozenset[str]],
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
        self._forms: dict[str, str] | None = None  # see _by_stem
        self._stem_counts: dict[str, int] = {}
        self._names_by_prefix = names
        self._all_bigrams = bigrams

    def written(self, term: str) -> str | None:
        """The article's commonest word for ``term`` ("countries" for "countri"); of equally
        common ones the first in alphabetical order, so no run depends on a set's order."""
        return self._by_stem().get(term)

    def _by_stem(self) -> dict[str, str]:
        """The article's commonest word per stem, and (``_stem_counts``) how often each stem is
        used: both read off the word counts in one pass, on first need."""
        if self._forms is None:
            best: dict[str, tuple[int, str]] = {}
            counts: dict[str, int] = {}
            for word, count in self._word_counts.items():
                key = stem(word)
                counts[key] = counts.get(key, 0) + count
                held = best.get(key)
                if held is None or count > held[0] or (count == held[0] and word < held[1]):
                    best[key] = (count, word)
            self._stem_counts = counts
            self._forms = {key: word for key, (_, word) in best.items()}
        return self._forms

    def _spell(self, word: str, loose: bool = False) -> str | None:
        if self._speller is None:  # built on first need: most questions never ask for it
            settings = self.settings
            self._speller = Speller(self._word_counts, settings.max_edits, settings.max_typo_chars)
        return self._speller.correct(word, loose)

    def _nonword(self, word: str) -> bool:
        """Whether ``word`` is no English word, nor a form of one ("govts" is "govt"s)."""
        floor = self.settings.nonword_zipf
        return zipf(word) < floor and zipf(stem(word)) < floor

    def correctable(self, word: str, tried: int) -> bool:
        """Whether to try correcting ``word``: not when it is too long to be a slip, nor once
        ``tried`` words of the question were tried (see :class:`RetrievalSettings`)."""
        settings = self.settings
        return len(word) <= settings.max_typo_chars and tried < settings.max_typo_words

    def fix(self, word: str) -> str | None:
        """The article's own words first; then common English ("chiarperson", "hw mny ppl",
        "wat", "thier"), so a slip or chat spelling is read as the word meant. A word that is
        no English word is read as an English word one edit away whose stem the article uses
        ("colect": collect, as in "collected"), else as an article word two edits away
        ("fundet": founded, not the English "funded")."""
        fixed = self._spell(word) or self._split(word)
        if fixed is not None:
            return self._closer_english(word, fixed) or fixed
        english = None
        if self.settings.english_spelling:
            english = english_spelling(word) or function_word_spelling(word, STOP_WORDS)
            if english is not None and len(word) < 3 and english not in STOP_WORDS:
                english = None  # two letters stand for a small word ("hw": how), not "toy"
        if english is not None and (english in STOP_WORDS or stem(english) in self.index.doc_freq):
            return english
        if self._nonword(word):
            fixed = self._spell(word, loose=True) or self._spell_stem(word)
        if fixed is None:
            return english
        return self._closer_english(word, fixed) or fixed

    def _closer_english(self, word: str, fixed: str) -> str | None:
        """An English word fewer edits from ``word`` than the article's ``fixed`` that the
        article uses, or stands for by a thesaurus relative: "startd" is "started" (one edit),
        which "founded" answers, rather than "stand" (two), the base of the article's "stood".
        None when there is none: "fundet" stays "founded", as the article has no "fund"."""
        if not self.settings.english_spelling or " " in fixed or osa_distance(word, fixed) < 2:
            return None
        english = english_spelling(word)
        if english is None or osa_distance(word, english) >= osa_distance(word, fixed):
            return None
        term, known = stem(english), self.index.doc_freq
        return english if term in known or related_terms(term) & known.keys() else None

    def _spell_stem(self, word: str) -> str | None:
        """A non-word whose ending differs from the article's word as well ("hedquarter" for
        "headquarters", two letters short): its stem, read loosely against the article's
        stems, where the ending costs no edit; the article's commonest word for the stem."""
        if self._stem_speller is None:  # built on first need, as the speller is
            self._by_stem()
            settings = self.settings
            self._stem_speller = Speller(
                self._stem_counts, settings.max_edits, settings.max_typo_chars
            )
        term = self._stem_speller.correct(stem(word), loose=True)
        return None if term is None else self.written(term)

    def glued(self, text: str) -> str:
        """``text`` with a lone letter joined to the next word when together they are a word
        the article uses ("e cpat": ecpat); word lists drop single letters, so this comes
        first."""
        counts = self._word_counts

        def join(match: re.Match[str]) -> str:
            whole = match.group(1) + match.group(2)
            return whole if whole.casefold() in counts else match.group()

        return _LONE_LETTER.sub(join, text)

    def rejoined(self, found: list[str]) -> tuple[list[str], int]:
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
        return not (stem(a) in known and stem(b) in known) and self.correctable(a + b, tried)

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
