"""One line of copied article text: what kind of line it is, read in time linear in its length.

Each test here looks at a line once from one end (no regular expression that could be tried
again at every position of a long line), because an article file is untrusted input: a line
of 40,000 spaces or a heading of 100,000 characters must cost no more than its length.
"""

from __future__ import annotations

import re

from corpus.sentences import strip_markers

_CHROME = (
    "from wikipedia, the free encyclopedia",
    "jump to navigation",
    "jump to search",
    "this article is about",
    "for other uses, see",
)
_EDIT = "[edit]"
_LONGEST_HEADING = 300
REFERENCE = re.compile(r"^\s*(?P<n>\d{1,4})\.\s*\^\s*(?P<text>.*)$")
_URL = re.compile(r"https?://\S+")
# A bare site name in a reference ("www.childrightsconnect.org") still gives a checkable link.
_DOMAIN = re.compile(r"\b(?:[a-z0-9-]+\.)+(?:org|com|net|int|gov|edu|info)\b", re.IGNORECASE)
# Bidirectional marks, a byte order mark and zero-width spaces are invisible: copied text may
# end a paragraph with one (U+200F after Hebrew or Arabic) or start with a BOM, and at either
# end of a line they are dropped like white space.
_INVISIBLE = frozenset(
    "\ufeff\u200b\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# A domain name is at most 253 characters; longer words are not searched, since a word of
# 100,000 "a." made the search quadratic.
_LONGEST_DOMAIN = 253
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*$")


def reference_url(body: str) -> str | None:
    url = _URL.search(body)
    if url:
        return url.group(0)
    for word in body.split():  # a domain never holds white space
        if len(word) <= _LONGEST_DOMAIN + 2 and (domain := _DOMAIN.search(word)):
            return f"https://{domain.group(0).lower()}"
    return None


def heading(line: str) -> str | None:
    """The title of a heading line ("History[edit]" -> "History"); None for other lines.

    ``line`` is stripped. Read from the end, as a regular expression tried at every position
    of a long line would scan to its end from each. A line longer than any heading is not one:
    its title would be repeated in every passage of its section.
    """
    if not line.endswith(_EDIT) or len(line) > _LONGEST_HEADING:
        return None
    title = line[: -len(_EDIT)].rstrip()
    return title or None


def trim(line: str) -> str:
    """``line`` without white space or invisible marks at either end."""
    line = line.strip()
    if not line or not (line[0] in _INVISIBLE or line[-1] in _INVISIBLE):
        return line
    start, end = 0, len(line)
    while start < end and (line[start] in _INVISIBLE or line[start].isspace()):
        start += 1
    while end > start and (line[end - 1] in _INVISIBLE or line[end - 1].isspace()):
        end -= 1
    return line[start:end]


def is_chrome(line: str) -> bool:
    low = line.strip().lower()
    return any(low.startswith(c) for c in _CHROME)


def is_prose(line: str) -> bool:
    """True for a paragraph line: long enough or ending like a sentence."""
    clean, _ = strip_markers(line.strip())
    return bool(_SENTENCE_END.search(clean)) and len(clean.split()) >= 4
