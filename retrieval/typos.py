"""Typo tolerance: map a word the article never uses to the nearest word it does use.

Candidates come from a one-deletion index (both sides), then the optimal-string-alignment
distance (adjacent transpositions count once: "chiar" -> "chair") decides.

A question's unknown word is far more often a real word the article happens not to use than a
typo, and one changed letter turns a short real word into another ("name" -> "game", "lone"
-> "long", "finding" -> "funding"). So a correction must keep the first letter (typing slips
rarely hit it), a word of up to five letters may only have two letters swapped, and a single
substituted letter is accepted only in words of eight letters or more.

A word that is no English word at all ("fundet", "petion") is surely a slip, and in a question
about the article most likely of one of its words: such a word is read loosely, up to two edits
of any kind from five letters on, only the first letter kept ("founded", not "funded").
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping

# Corrections remembered per speller: a bot serving for months meets an endless stream of new
# misspellings, so the memory is bounded (least recently used forgotten first).
CACHE_SIZE = 4096
# The Telegram bot answers in worker threads: a look-up and an eviction must not interleave.
# One lock for every speller, as a lock cannot be pickled with an index.
_CACHE_LOCK = threading.Lock()


# Shortest word read loosely: a four-letter non-word is two edits from too many words.
LOOSE_MIN_CHARS = 5
# Below this length two edits can hide from the one-deletion index, so every known word with
# the same first letter is checked. From this length on only those sharing the first
# PREFIX_CHARS letters are, and only when the index found nothing: a slip and a second one
# ("headquaterd": headquarters) share no one-deletion key, and few words share a long start.
LOOSE_FULL_CHARS = 8
PREFIX_CHARS = 3
# A start shared by more known words than this is not scanned: on a large collection a common
# start ("con") holds thousands of words, and each costs an edit distance in Python.
PREFIX_SCAN_MAX = 300


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def osa_distance(a: str, b: str) -> int:
    """Edit distance with insertions, deletions, substitutions and adjacent transpositions."""
    if a == b:
        return 0
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def plausible_slip(word: str, candidate: str) -> bool:
    """Whether ``word`` could be ``candidate`` mistyped, by the rules in the module docstring."""
    if not candidate or candidate[0] != word[0]:
        return False
    if len(word) <= 5:
        return len(candidate) == len(word) and _is_transposition(word, candidate)
    if len(word) <= 7 and len(candidate) == len(word):
        return _is_transposition(word, candidate)
    return True


def _is_transposition(a: str, b: str) -> bool:
    diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    return (
        len(diff) == 2
        and diff[1] == diff[0] + 1
        and a[diff[0]] == b[diff[1]]
        and (a[diff[1]] == b[diff[0]])
    )


def kept_letters(typed: str, meant: str) -> int:
    """How many of the letters typed are, in order, letters of the word meant (the longest
    common subsequence): between words equally far, a dropped letter is the likelier slip
    ("petion" is "petition", not "person")."""
    prev = [0] * (len(meant) + 1)
    for a in typed:
        cur = [0]
        for j, b in enumerate(meant):
            cur.append(prev[j] + 1 if a == b else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def allowed_edits(word: str, max_edits: int) -> int:
    """Short words are too easy to confuse: none under 4 letters, one up to 7, else two."""
    if len(word) < 4 or word.isdigit():
        return 0
    return min(max_edits, 1 if len(word) <= 7 else 2)


class Speller:
    """Nearest-vocabulary-word lookup over the article's own (surface) words."""

    def __init__(self, counts: Mapping[str, int], max_edits: int = 2, max_chars: int = 30) -> None:
        """``max_chars``: longer words are never corrected (nor remembered): a word's deletions
        are as many as its letters and as long, so their cost grows with its square."""
        self._counts = dict(counts)
        self._max_edits = max_edits
        self._max_chars = max_chars
        self._keys: dict[str, set[str]] = {}
        for word in self._counts:
            for key in _deletes(word) | {word}:
                self._keys.setdefault(key, set()).add(word)
        self._cache: OrderedDict[tuple[str, bool], str | None] = OrderedDict()
        self._initials: dict[str, set[str]] | None = None
        self._prefixes: dict[str, set[str]] | None = None

    def _starting(self, letter: str) -> set[str]:
        """The known words starting with ``letter``: a one-deletion index misses words two
        edits away ("fundet" shares no key with "founded"), so a loose reading of a short word
        checks them all (built on first need)."""
        if self._initials is None:
            initials: dict[str, set[str]] = {}
            for known in self._counts:
                initials.setdefault(known[:1], set()).add(known)
            self._initials = initials
        return self._initials.get(letter, set())

    def _sharing_start(self, word: str) -> set[str]:
        """The known words starting with ``word``'s first :data:`PREFIX_CHARS` letters (built
        on first need)."""
        if self._prefixes is None:
            prefixes: dict[str, set[str]] = {}
            for known in self._counts:
                if len(known) >= LOOSE_FULL_CHARS - 1:
                    prefixes.setdefault(known[:PREFIX_CHARS], set()).add(known)
            self._prefixes = prefixes
        return self._prefixes.get(word[:PREFIX_CHARS], set())

    def correct(self, word: str, loose: bool = False) -> str | None:
        """The closest known word within the allowed edits, or None (ties: the one keeping more
        of the letters typed, then the commoner).
        ``loose``: ``word`` is no English word, so read it loosely (module docstring)."""
        if word in self._counts:
            return word
        if len(word) > self._max_chars:
            return None
        asked = (word, loose)
        with _CACHE_LOCK:
            if asked in self._cache:
                self._cache.move_to_end(asked)
                return self._cache[asked]
        limit = allowed_edits(word, self._max_edits)
        if loose and len(word) >= LOOSE_MIN_CHARS:
            limit = self._max_edits
        best: tuple[int, int, int, str] | None = None
        if limit:
            candidates: set[str] = set()
            for key in _deletes(word) | {word}:
                candidates |= self._keys.get(key, set())
            if loose and limit > 1 and len(word) < LOOSE_FULL_CHARS:
                candidates |= self._starting(word[0])
            best = self._closest(word, candidates, limit, loose)
            if best is None and loose and limit > 1 and len(word) >= LOOSE_FULL_CHARS:
                sharing = self._sharing_start(word)
                if len(sharing) <= PREFIX_SCAN_MAX:
                    best = self._closest(word, sharing, limit, loose)
        result = best[3] if best else None
        with _CACHE_LOCK:
            self._cache[asked] = result
            if len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return result

    def _closest(
        self, word: str, candidates: Iterable[str], limit: int, loose: bool
    ) -> tuple[int, int, int, str] | None:
        """The best of ``candidates`` within ``limit`` edits of ``word`` (fewest edits, then
        most letters kept, then commonest), as its sort key; None when none is."""
        best: tuple[int, int, int, str] | None = None
        for cand in candidates:
            if abs(len(cand) - len(word)) > limit or len(cand) < 4:
                continue
            if cand[0] != word[0] or not (loose or plausible_slip(word, cand)):
                continue
            dist = osa_distance(word, cand)
            if dist <= limit:
                rank = (dist, -kept_letters(word, cand), -self._counts[cand], cand)
                best = rank if best is None or rank < best else best
        return best


def word_counts(documents: Iterable[Iterable[str]]) -> dict[str, int]:
    """How many of ``documents`` (each an iterable of words) use each word."""
    counts: dict[str, int] = {}
    for doc in documents:
        for word in set(doc):
            counts[word] = counts.get(word, 0) + 1
    return counts


def build_speller(documents: Iterable[Iterable[str]], max_edits: int = 2) -> Speller:
    """A speller over the surface words of ``documents`` (each an iterable of words)."""
    return Speller(word_counts(documents), max_edits)
