"""Acronyms an article spells out, and questions that ask what one stands for.

"What is the acronym ECPAT short for?" shares no word with "The End Child Prostitution and
Trafficking (ECPAT) is ...": only "ECPAT", which every passage holds. The article itself says
what the letters stand for, in the usual "Long Form (SHORT)" pattern, so a question asking for
the expansion can search for the long form's words. The long form is found the way
Schwartz & Hearst (2003) describe: the shortest run of words before the parenthesis whose
initials spell the short form in order, small function words allowed in between.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

# "(ECPAT)", "(UNICEF)", "(ITU)": 2 to 10 characters, at least two capitals, no spaces.
_SHORT = re.compile(r"\(\s*([A-Z][A-Za-z0-9&.-]{1,9})\s*\)")
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
# Words a long form may hold without a letter of their own ("Council *of* Europe").
_FILLERS = frozenset("a an and for in of on the to &".split())

# How a question asks what the acronym ``{a}`` stands for: "ECPAT('s name) stands for",
# "ECPAT short for", "what does ECPAT mean", "the full name of ECPAT", "the letters ECPAT",
# "is ECPAT an acronym". The acronym must be part of the phrase: "What letters did ECPAT
# send?" and "What does ECPAT mean by tourism?" ask something else.
_ASKS = (
    r"\b{a}(?:['’]s)?\s+(?:name\s+|acronym\s+)?(?:stands?|stood|standing|is\s+short|short)\s+for\b",
    r"\bwhat\s+(?:does|do|did)\s+(?:the\s+)?(?:name\s+|acronym\s+|abbreviation\s+|letters\s+|"
    r"initials\s+)?{a}\s+(?:mean|stand\s+for)\W*$",
    r"\b(?:full\s+(?:name|form|title)|acronym|abbreviation|letters|initials|long\s+form)\s+"
    r"(?:of\s+|for\s+)?(?:the\s+)?(?:name\s+|acronym\s+|abbreviation\s+)?{a}\b",
    r"\b{a}\s+(?:is\s+)?an?\s+(?:acronym|abbreviation)\b",
    r"\b{a}(?:['’]s)?\s+(?:initials|letters|acronym|abbreviation)\s+(?:\w+\s+)?"
    r"(?:mean|meant|stand|stood|expand|expanded|short)\b",
)


def _spells(short: str, words: list[str]) -> bool:
    """Whether the initials of ``words`` spell ``short``, fillers optional, first word first."""
    letters = [c.casefold() for c in short if c.isalnum()]

    def match(i: int, j: int) -> bool:  # letters[i:] against words[j:]
        if i == len(letters):
            return all(w.casefold() in _FILLERS for w in words[j:])
        if j == len(words):
            return False
        word = words[j]
        if word[0].casefold() == letters[i] and match(i + 1, j + 1):
            return True
        return word.casefold() in _FILLERS and match(i, j + 1)

    return bool(words) and words[0][0].casefold() == letters[0] and match(0, 0)


def expansions(texts: Iterable[str]) -> dict[str, str]:
    """Short form (case folded) -> the long form the texts give it in "Long Form (SHORT)"."""
    found: dict[str, str] = {}
    for text in texts:
        for m in _SHORT.finditer(text):
            short = m.group(1).rstrip(".")
            if sum(c.isupper() for c in short) < 2 or short.casefold() in found:
                continue
            before = _WORD.findall(text[: m.start()])
            window = before[-min(len(short) + 5, len(short) * 2) :]
            for start in range(len(window) - 1, -1, -1):  # shortest long form first
                if _spells(short, window[start:]):
                    found[short.casefold()] = " ".join(window[start:])
                    break
    return found


# A run of capitalised words, small function words allowed inside: "Council of Europe".
_NAME_RUN = re.compile(r"[A-Z][\w'’-]*(?:\s+(?:(?:of|and|for|the|on|in|&)\s+)*[A-Z][\w'’-]*)+")


def initialisms(texts: Iterable[str]) -> dict[str, str]:
    """Initials (case folded) -> the run of capitalised words they abbreviate in the texts.

    "International Telecommunication Union" gives "itu", "Internet Watch Foundation" "iwf":
    a question may use the short form the article never writes. Every stretch of three to six
    capitalised words of a name counts; initials two names share are dropped as ambiguous.
    """
    found: dict[str, str] = {}
    ambiguous: set[str] = set()
    for text in texts:
        for run in _NAME_RUN.finditer(text):
            tokens = _WORD.findall(run.group())
            capitals = [i for i, t in enumerate(tokens) if t[0].isupper()]
            for a, start in enumerate(capitals):
                for end in capitals[a + 2 : a + 6]:  # 3 to 6 letters, as _ACRONYM reads them
                    words = tokens[start : end + 1]
                    key = "".join(w[0] for w in words if w[0].isupper()).casefold()
                    phrase = " ".join(words)
                    if found.setdefault(key, phrase) != phrase:
                        ambiguous.add(key)
    return {k: v for k, v in found.items() if k not in ambiguous}


def asked_expansion(question: str, known: dict[str, str]) -> str | None:
    """The long form of the acronym ``question`` asks about, if it asks and the article says."""
    if not known:
        return None
    text = " ".join(question.split())
    for token in dict.fromkeys(_WORD.findall(text)):
        acronym = token.removesuffix("'s").removesuffix("’s")
        long_form = known.get(acronym.casefold())
        if long_form is None:
            continue
        if _asking(acronym).search(text):
            return long_form
    return None


@lru_cache(maxsize=256)
def _asking(acronym: str) -> re.Pattern[str]:
    """The ways of asking what ``acronym`` stands for, as one pattern (compiled once)."""
    return re.compile("|".join(p.format(a=re.escape(acronym)) for p in _ASKS), re.IGNORECASE)
