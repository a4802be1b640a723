"""Sentence splitting and footnote-marker handling for Wikipedia plain text.

Markers such as ``[1]`` or ``[9][10]`` sit right after the words or the full stop they support,
so they are split off per sentence and kept as that sentence's citation numbers.
"""

from __future__ import annotations

import re

from corpus.records import Sentence

_MARKER = re.compile(r"\[(\d{1,4})\]")
# A marker with nothing after it but other markers, punctuation and closing quotes.
_CLOSING = re.compile(r"\[(\d{1,4})\](?=(?:[\s.,;:!?\"'”’)\]]|\[\d{1,4}\])*$)")
_NOTE = re.compile(r"\[(?:citation needed|clarification needed|according to whom\?|when\?|who\?)\]")
# A sentence ends at . ! or ? (optionally followed by closing quotes/brackets and footnote
# markers) when white space and an upper-case letter, digit, quote or bracket follow.
_BOUNDARY = re.compile(r"(?<=[.!?])([\"'”’)\]]*(?:\[\d{1,4}\])*)\s+(?=[\"“‘(\[]?[A-Z0-9])")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st jr sr vs etc e.g i.e u.s u.k u.n no inc ltd co corp gen col lt "
    "sgt rev fig approx est dept univ jan feb mar apr jun jul aug sep sept oct nov dec".split()
)


def strip_markers(text: str) -> tuple[str, tuple[int, ...]]:
    """Remove footnote markers from ``text``; return the clean text and the numbers, in order."""
    found: list[int] = []
    clean, previous = text, None
    while clean != previous:  # "[[1]2]" leaves "[2]" after one pass
        previous = clean
        found += (int(m) for m in _MARKER.findall(clean))
        clean = _NOTE.sub("", _MARKER.sub("", clean))
    numbers = tuple(dict.fromkeys(found))
    clean = re.sub(r"\s+([,.;:!?)])", r"\1", clean)
    return re.sub(r"\s{2,}", " ", clean).strip(), numbers


def _ends_with_abbreviation(chunk: str) -> bool:
    words = chunk.rstrip().split()
    if not words:
        return False
    last = words[-1].rstrip(".").lower()
    # "J." or "U.S." style initials, or a known abbreviation.
    return last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha())


def split_sentences(text: str) -> tuple[Sentence, ...]:
    """Split raw paragraph text into sentences, each with its own citation numbers."""
    pieces: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end(1)
        chunk = text[start:end]
        if _ends_with_abbreviation(_MARKER.sub("", chunk)):
            continue
        pieces.append(chunk)
        start = match.end()
    pieces.append(text[start:])
    parsed = []
    for piece in pieces:
        clean, numbers = strip_markers(piece)
        clean = _unbalanced_parenthesis_dropped(clean)
        if clean:
            closing = tuple(dict.fromkeys(int(n) for n in _CLOSING.findall(piece)))
            parsed.append((clean, numbers, closing))
    sentences = []
    for i, (clean, numbers, closing) in enumerate(parsed):
        # Wikipedia's convention: a marker at a sentence's end sources it; a sentence without
        # one is sourced by the next marker that closes a sentence of the same paragraph; a
        # marker inside a sentence, right after a name, sources only that name, so it comes
        # after the sentence's own source.
        later = next((c for _, _, c in parsed[i + 1 :] if c), ())
        sources = tuple(dict.fromkeys((*(closing or later), *numbers)))
        sentences.append(Sentence(clean, numbers, sources))
    return tuple(sentences)


def _unbalanced_parenthesis_dropped(sentence: str) -> str:
    """A parenthesis opened before the sentence ends, or closed after it begins, is dropped.

    "(The name originally stood for ... utilized. Today it goes by ECPAT.)" is one aside of two
    sentences; quoted alone, each would show a bracket the other closes.
    """
    if sentence.startswith("(") and sentence.count("(") > sentence.count(")"):
        sentence = sentence[1:].lstrip()
    if sentence.count(")") > sentence.count("("):
        end = sentence.rfind(")")
        if not sentence[end + 1 :].strip(" .!?\"'”’"):  # a closing bracket at the very end
            sentence = (sentence[:end] + sentence[end + 1 :]).rstrip()
    return sentence
