"""Sentence splitting and footnote-marker handling for Wikipedia plain text.

Markers such as ``[1]`` or ``[9][10]`` sit right after the words or the full stop they support,
so they are split off per sentence and kept as that sentence's citation numbers.
"""

from __future__ import annotations

import re

from corpus.records import Sentence

_MARKER = re.compile(r"\[(\d{1,4})\]")
_NOTE = re.compile(r"\[(?:citation needed|clarification needed|according to whom\?|when\?|who\?)\]")
# A sentence ends at . ! or ? (optionally followed by closing quotes/brackets and footnote
# markers) when white space and an upper-case letter, digit, quote or bracket follow.
_BOUNDARY = re.compile(r"(?<=[.!?])([\"'”’)\]]*(?:\[\d{1,4}\])*)\s+(?=[\"“‘(\[]?[A-Z0-9])")
_LONGEST_NOTE = len("[clarification needed")
# Only where a run of white space starts: tried inside the run too, each try would scan to its
# end (a line of 40,000 spaces took seconds).
_SPACE_BEFORE_PUNCTUATION = re.compile(r"(?<!\s)\s+([,.;:!?)])")
_SPACES = re.compile(r"\s{2,}")
# Besides white space and other markers, what may follow a marker that closes a sentence.
_TRAILING = frozenset(".,;:!?\"'”’)]")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st jr sr vs etc e.g i.e u.s u.k u.n no inc ltd co corp gen col lt "
    "sgt rev fig approx est dept univ jan feb mar apr jun jul aug sep sept oct nov dec".split()
)


def strip_markers(text: str) -> tuple[str, tuple[int, ...]]:
    """Remove footnote markers from ``text``; return the clean text and the numbers, in order."""
    found = [int(m) for m in _MARKER.findall(text)]
    clean = _NOTE.sub("", _MARKER.sub("", text))
    if _MARKER.search(clean) or _NOTE.search(clean):  # "[[1]2]" leaves "[2]" after one pass
        clean, found = _strip_nested(text)
    numbers = tuple(dict.fromkeys(found))
    clean = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", clean)
    return _SPACES.sub(" ", clean).strip(), numbers


def _strip_nested(text: str) -> tuple[str, list[int]]:
    """Markers and notes removed until none is left, in one pass over the text.

    The same result as removing them again and again (each round takes the markers and then
    the notes the last round uncovered), but linear: a marker nested 16,000 deep would take
    16,000 rounds. Each kept ``[`` remembers the latest round of what was removed inside it,
    so the numbers come out in the order the rounds would find them.
    """
    out: list[str] = []
    # Open brackets that may still close a marker or a note: (index in ``out``, index in
    # ``text``, latest round of a marker removed inside, latest round of a note inside).
    open_: list[list[int]] = []
    found: list[tuple[int, int, int]] = []  # (round, position, number)
    for at, char in enumerate(text):
        if char == "[":
            open_.append([len(out), at, 0, 0])
        elif char == "]" and open_ and len(out) - open_[-1][0] <= _LONGEST_NOTE:
            start, where, markers, notes = open_[-1]
            candidate = "".join(out[start:]) + "]"
            if _MARKER.fullmatch(candidate):
                round_, is_note = max(markers, notes) + 1, False
                found.append((round_, where, int(candidate[1:-1])))
            elif _NOTE.fullmatch(candidate):
                round_, is_note = max(1, markers, notes + 1), True
            else:
                open_.clear()  # a kept "[...]" can never be part of a marker
                out.append(char)
                continue
            del out[start:]
            open_.pop()
            if open_:
                open_[-1][3 if is_note else 2] = max(open_[-1][3 if is_note else 2], round_)
            continue
        elif char == "]":
            open_.clear()
        out.append(char)
    return "".join(out), [number for _, _, number in sorted(found)]


def _ends_with_abbreviation(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` ends in an abbreviation ("Mr.", "e.g.") or an initial.

    Only its last word is read: reading the whole chunk again at every "Mr." of a paragraph
    made a paragraph of 40,000 of them take minutes.
    """
    word_start = end
    while word_start > start and not text[word_start - 1].isspace():
        word_start -= 1
    last = _MARKER.sub("", text[word_start:end]).rstrip(".").lower()
    # "J." or "U.S." style initials, or a known abbreviation.
    return last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha())


def _closing_numbers(piece: str) -> tuple[int, ...]:
    """The markers with nothing after them but other markers, punctuation and closing quotes.

    Worked out from the end of the piece once, rather than by looking ahead from every
    marker (50,000 markers in a row made that quadratic).
    """
    # ends[i]: piece[i:] is made only of such characters and markers.
    ends = {len(piece)}
    i = len(piece) - 1
    while i >= 0:
        char = piece[i]
        if char.isspace() or char in _TRAILING:
            if i + 1 in ends:
                ends.add(i)
        elif not (char == "[" or char.isdecimal()):
            break  # nothing before this character can reach the end
        if char == "[" and (m := _MARKER.match(piece, i)) and m.end() in ends:
            ends.add(i)
        i -= 1
    return tuple(dict.fromkeys(int(m[1]) for m in _MARKER.finditer(piece) if m.end() in ends))


def split_sentences(text: str) -> tuple[Sentence, ...]:
    """Split raw paragraph text into sentences, each with its own citation numbers."""
    pieces: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if _ends_with_abbreviation(text, start, match.end(1)):
            continue
        pieces.append(text[start : match.end(1)])
        start = match.end()
    pieces.append(text[start:])
    parsed = []
    for piece in pieces:
        clean, numbers = strip_markers(piece)
        clean = _unbalanced_parenthesis_dropped(clean)
        if clean:
            parsed.append((clean, numbers, _closing_numbers(piece)))
    # Wikipedia's convention: a marker at a sentence's end sources it; a sentence without
    # one is sourced by the next marker that closes a sentence of the same paragraph; a
    # marker inside a sentence, right after a name, sources only that name, so it comes
    # after the sentence's own source.
    sentences = []
    later: tuple[int, ...] = ()
    for clean, numbers, closing in reversed(parsed):
        sources = tuple(dict.fromkeys((*(closing or later), *numbers)))
        sentences.append(Sentence(clean, numbers, sources))
        later = closing or later
    return tuple(reversed(sentences))


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
