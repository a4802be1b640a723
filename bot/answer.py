"""Answer records and how a ranked hit becomes an answer with its citation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from corpus.records import Article, Reference
from retrieval.quoting import sources
from retrieval.records import Hit

# The records front ends read, all from here: what an answer is, where it comes from, the
# ranked passages it chose from, the article they belong to.
__all__ = [
    "Answer",
    "Article",
    "Citation",
    "Hit",
    "Reference",
    "citation_lines",
    "cite",
    "decline_text",
]

MAX_TOPICS = 5  # topics a decline names


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


def citation_lines(citation: Citation) -> list[str]:
    """A citation as plain text: ``Source: article › section — url``, then one line per
    footnote. The one plain-text form, under an answer and as the "sources" reply; Telegram
    formats the same record as HTML."""
    head = f"Source: {citation.article} › {citation.section}"
    if citation.url:
        head += f" — {citation.url}"
    lines = [head]
    for ref in citation.references:
        line = f"  [{ref.n}] {ref.text}"
        if ref.url and ref.url not in ref.text:
            line += f" <{ref.url}>"
        lines.append(line)
    return lines


def decline_text(
    topics: Sequence[str], examples: Sequence[str] = (), first: bool = True, articles: int = 1
) -> str:
    """A short refusal; the first in a conversation also suggests what to ask instead:
    ``examples`` when there are any, else the ``topics`` covered (an article's sections, a
    collection's article titles; the first few, so the suggestion stays short)."""
    text = "Sorry, the article doesn't say." if articles == 1 else "Sorry, the articles don't say."
    if not first:
        return text
    if examples:
        return text + " Try, for example: " + " or ".join(f"“{e}”" for e in examples[:2])
    shown = "; ".join(topics[:MAX_TOPICS])
    if len(topics) > MAX_TOPICS:
        shown += f" and {len(topics) - MAX_TOPICS} more"
    return text + (f" It covers: {shown}." if topics else "")
