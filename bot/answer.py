"""Answer records and how a ranked hit becomes an answer with its citation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from corpus.records import Article, Reference
from retrieval.pipeline import sources
from retrieval.records import Hit


@dataclass(frozen=True)
class Citation:
    """Where an answer comes from: article, section, footnotes, link."""

    article: str
    section: str
    url: str | None
    references: tuple[Reference, ...] = ()


@dataclass(frozen=True)
class Answer:
    """What the bot says to a question, and the ranked passages it chose from."""

    question: str
    text: str
    abstained: bool
    citation: Citation | None
    hits: tuple[Hit, ...] = ()
    confidence: float | None = None  # the decision model's probability that it is right


def cite(article: Article, hit: Hit, url: str | None) -> Citation:
    """The citation for the quoted sentences of ``hit``: the footnotes that source them
    (:func:`retrieval.pipeline.sources`), else the passage's."""
    numbers = sources(hit) or hit.passage.citations
    refs = tuple(r for n in dict.fromkeys(numbers) if (r := article.reference(n)) is not None)
    return Citation(article.title, hit.passage.section, url or None, refs)


def decline_text(article: Article, examples: Sequence[str] = (), first: bool = True) -> str:
    """A short refusal; the first in a conversation also suggests what to ask instead."""
    text = "Sorry, the article doesn't say."
    if not first:
        return text
    if examples:
        return text + " Try, for example: " + " or ".join(f"“{e}”" for e in examples[:2])
    topics = [s for s in article.sections if s not in ("Lead", "Infobox")][:4]
    return text + (f" It covers: {'; '.join(topics)}." if topics else "")
