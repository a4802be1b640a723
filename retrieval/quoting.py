"""What is quoted from a passage: its sentences as shown, as the answer-kind check reads them,
and the footnotes that source them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

from corpus.records import INFOBOX
from retrieval.analyzer import analyze
from retrieval.records import Hit


@lru_cache(maxsize=8192)
def terms_of(text: str) -> tuple[str, ...]:
    """The terms of a heading or sentence, in order (each read once while serving)."""
    return tuple(analyze(text))


def chosen(hit: Hit) -> tuple[int, ...]:
    """The sentences quoted from ``hit`` (its first when none were chosen)."""
    return hit.sentences or (0,)


def quote(hit: Hit) -> str:
    """The sentence (or two) of the passage that answers, in article order.

    An infobox fact says whose it is ("ECPAT International — Founded: 1990."): alone,
    "Founded: 1990." reads like a fragment.
    """
    shown = chosen(hit)
    text = " ".join(hit.passage.sentences[i].text for i in shown)
    name = hit.passage.sentences[0].text
    if hit.passage.section == INFOBOX and 0 not in shown and ": " not in name:
        return f"{name.rstrip('.')} — {text}"
    return text


def content(hit: Hit, labels: frozenset[str]) -> str:
    """The quote as the answer-kind check reads it: infobox facts without their labels.

    "Key people: Carol Bellamy (Chair)." names no people beyond Carol Bellamy; the label's
    words would otherwise pass for an answer to "Who chaired it before Carol Bellamy?".
    """
    if hit.passage.section != INFOBOX:
        return quote(hit)
    texts = []
    for i in chosen(hit):
        text = hit.passage.sentences[i].text
        label = text.partition(": ")[0]
        texts.append(text.removeprefix(f"{label}: ") if label in labels else text)
    return " ".join(texts)


def sources(hit: Hit) -> tuple[int, ...]:
    """The footnotes that source the quoted sentences (see :class:`corpus.records.Sentence`)."""
    numbers = (n for i in chosen(hit) for n in hit.passage.sentences[i].sources)
    return tuple(dict.fromkeys(numbers))


# A quote without a footnote gives way to another saying this much the same (shared terms over
# all their terms).
SAME_FACT = 0.8


def sourced(best: Hit, others: Sequence[Hit], said: Callable[[Hit], frozenset[str]]) -> Hit:
    """``best``; but when its quote has no footnote and another candidate's says the same
    (``said``: the terms a hit's quote states) with one, that one."""
    if sources(best):
        return best
    terms = said(best)
    for other in others:
        theirs = said(other)
        overlap = len(terms & theirs) / max(1, len(terms | theirs))
        if other is not best and overlap >= SAME_FACT and sources(other):
            return other
    return best
