"""Names in questions and articles: which words a question capitalises as names, which of
an article's words appear only inside longer names, and its names by their first letters.

Read by :mod:`retrieval.question`; kept apart because these read capitals, which the analyzer
folds away.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import pairwise

from retrieval.analyzer import analyze

# Capitalised words inside a question (not its first word): names of people, places, bodies.
_NAME = re.compile(r"(?<=[\w,;:)\]'\"’”] )[A-Z][\w'’.-]*")

# Letters a name the article never uses shares with one it does, to stand for it.
NAME_PREFIX = 4

# A word as written, capitals kept.
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")


def question_names(text: str) -> frozenset[str]:
    """Terms of the capitalised words inside a question, when capitals mark names at all.

    In "WHAT KIND OF NGO IS ECPAT?" or "What Kind Of Group Is It?" capitals say nothing, so no
    word counts as a name there.
    """
    tokens = re.findall(r"[^\W\d_][\w'’-]*", text)
    if len(tokens) > 2 and not any(t[0].islower() for t in tokens[1:]):
        return frozenset()
    return frozenset(analyze(" ".join(_NAME.findall(text))))


def lowercase_words(text: str) -> list[str]:
    return [t for t in _TOKEN.findall(text) if t[0].islower()]


def names_by_prefix(texts: Iterable[str]) -> dict[str, frozenset[str]]:
    """The terms of the article's names by their first letters: "Swedish" in a question is a
    form of the "Sweden" the article names, "Australian" of "Australia"."""
    found: dict[str, set[str]] = {}
    for text in texts:
        for term in analyze(" ".join(_NAME.findall(text))):
            if len(term) >= NAME_PREFIX:
                found.setdefault(term[:NAME_PREFIX], set()).add(term)
    return {prefix: frozenset(terms) for prefix, terms in found.items()}


def name_only_terms(texts: Iterable[str]) -> frozenset[str]:
    """Terms whose every use in ``texts`` is inside a name of two or more capitalised words.

    "United Nations" makes "nation" known to the index, but a question asking "in how many
    nations" means countries, not that body.
    """
    inside: set[str] = set()
    outside: set[str] = set()
    # Each distinct token is analysed once: a large article repeats its words millions of times.
    terms: dict[str, list[str]] = {}
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
            word = token.group()
            found = terms.get(word)
            if found is None:
                found = terms[word] = analyze(word)
            (inside if named else outside).update(found)
    return frozenset(inside - outside)
