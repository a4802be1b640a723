"""General English word statistics: how common a word is outside any one article.

An article's own idf says nothing about a word it never uses: "weather", "unicef" and "ppl"
are all unknown to the ECPAT article, yet the first two ask about something else while the
third is chat spelling. Word frequencies from ``wordfreq`` (Zipf scale: log10 of occurrences
per billion words) tell them apart: a common word carries little information whatever its
case, a rare one a lot.

The table ships as package data (``data/english.txt``: ``word<TAB>Zipf in tenths`` lines in
sorted order, looked up by bisection, so loading it is one read and one split), and answering
never imports wordfreq, whose load costs more than a whole cold ``ecpat-bot ask``.
``python -m retrieval.wordstats`` rebuilds it (needs the ``train`` extra).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import cache, lru_cache
from pathlib import Path

from retrieval.analyzer import CACHED_WORD_CHARS
from retrieval.typos import kept_letters

# Words below this Zipf value are left out of the table and count as rare (and as no English
# word, so a typo of one can be corrected).
MIN_ZIPF = 3.0
# Words at least this common are English words, never typos to correct.
VOCABULARY_ZIPF = 3.0
# The information of a word is MAX_ZIPF minus its Zipf value (log10 units): "the" about 1.3,
# "weather" about 4, a word the table lacks 6.5.
MAX_ZIPF = 9.0
_TABLE = "english.txt"
_WORD = re.compile(r"[a-z][a-z']*")


@cache
def _lines() -> list[str]:
    text = (Path(__file__).parent / "data" / _TABLE).read_text(encoding="utf-8")
    return text.splitlines()


def zipf(word: str) -> float:
    """The Zipf frequency of a normalised word (0 when rarer than the table holds)."""
    return _zipf(word) if len(word) > CACHED_WORD_CHARS else remembered_zipf(word)


def table_row(lines: list[str], key: str) -> str | None:
    """The value of ``key`` in sorted ``key<TAB>value`` lines, found by bisection (None when
    absent): how the shipped tables are read without building a dict at start."""
    key += "\t"
    at = bisect_left(lines, key)
    if at < len(lines) and lines[at].startswith(key):
        return lines[at][len(key) :]
    return None


def _zipf(word: str) -> float:
    row = table_row(_lines(), word)
    return int(row) / 10 if row is not None else 0.0


# Bounded in number and, as only words up to CACHED_WORD_CHARS long are kept, in size:
# questions bring words without end, and a lookup is a bisection anyway.
remembered_zipf = lru_cache(maxsize=16384)(_zipf)


def information(word: str) -> float:
    """How much a word says about a topic: high for rare words, low for chat and grammar."""
    return MAX_ZIPF - max(zipf(word), MIN_ZIPF - 0.5)


def is_english(word: str) -> bool:
    """Whether ``word`` is a common English word (so not a typo of another)."""
    return zipf(word) >= VOCABULARY_ZIPF


@cache
def vocabulary() -> frozenset[str]:
    """The common English words (for typo correction)."""
    floor = round(VOCABULARY_ZIPF * 10)
    pairs = (line.split("\t") for line in _lines())
    return frozenset(w for w, z in pairs if int(z) >= floor)


def build(path: Path) -> int:
    """Write the table from wordfreq's English list; returns the number of words."""
    import wordfreq  # training-time only

    values: dict[str, int] = {}
    for word in wordfreq.top_n_list("en", 10**6):
        value = round(wordfreq.zipf_frequency(word, "en") * 10)
        if value < MIN_ZIPF * 10:
            break  # the list is in frequency order
        if _WORD.fullmatch(word):
            values[word] = value
    # Sorted as Python compares strings, with the tab, so bisection finds "word\t".
    lines = sorted(f"{w}\t{v}" for w, v in values.items())
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


if __name__ == "__main__":
    target = Path(__file__).parent / "data" / _TABLE
    print(f"{build(target)} words written to {target}")


_VOWELS = frozenset("aeiou")


@cache
def _skeletons() -> dict[str, str]:
    """The commonest English word for each consonant skeleton ("ppl": people)."""
    best: dict[str, tuple[float, str]] = {}
    for word in vocabulary():
        if "'" in word or len(word) > 8:
            continue
        key = word[0] + "".join(c for c in word[1:] if c not in _VOWELS)
        value = zipf(word)
        held = best.get(key)
        # Of equally common words the first alphabetically: the vocabulary is a set, whose
        # order varies from run to run ("shp": ship or shop).
        if key != word and (held is None or (value, held[1]) > (held[0], word)):
            best[key] = (value, word)
    return {key: word for key, (_, word) in best.items()}


def _edits(word: str) -> set[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return (
        {a + b[1:] for a, b in splits if b}
        | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
        | {a + c + b[1:] for a, b in splits if b for c in letters}
        | {a + c + b for a, b in splits for c in letters}
    )


def english_spelling(word: str) -> str | None:
    """The common English word ``word`` most likely stands for, when it is not one itself.

    Chat spelling without vowels ("hw mny ppl") is read as the commonest word with the same
    consonants and first letter; a longer word is matched to the commonest English word one
    edit away that keeps its first letter ("chiarperson": chairperson). None when nothing fits.
    """
    if not word.isalpha():
        return None
    if 2 <= len(word) <= 4 and _VOWELS.isdisjoint(word):
        return _skeletons().get(word)
    if len(word) < 5 or is_english(word):
        return None
    common = vocabulary()
    found = [w for w in _edits(word) if w in common and w[0] == word[0]]
    return max(found, key=lambda w: (zipf(w), w)) if found else None


# A chat spelling of a function word ("wat", "wen", "hav", "teh") is a rare string one edit
# from a word hundreds of times commoner. A word at least CHAT_MAX_ZIPF common is a word of its
# own ("hat", "bot", "war" stay), and the function word must be CHAT_RARER Zipf units commoner.
CHAT_MAX_ZIPF = 3.7
CHAT_RARER = 2.0


def function_word_spelling(word: str, function_words: frozenset[str]) -> str | None:
    """The function word (one of ``function_words``) that ``word`` is a chat spelling of; of
    several, the one keeping most letters typed (a dropped letter is the likelier slip: "wher"
    is "where", not "when"), then the commonest."""
    if not word.isalpha() or not 2 <= len(word) <= 6 or (common := zipf(word)) >= CHAT_MAX_ZIPF:
        return None
    floor = common + CHAT_RARER
    found = [
        w for w in _edits(word) if w in function_words and w[0] == word[0] and zipf(w) >= floor
    ]
    return max(found, key=lambda w: (kept_letters(word, w), zipf(w), w)) if found else None
