"""Answer records and how a ranked hit becomes an answer with its citation."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from corpus.parse import INFOBOX
from corpus.records import Article, Reference
from retrieval.ranker import Hit


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


def cite(article: Article, hit: Hit, url: str | None) -> Citation:
    """The citation for the answering sentences of ``hit`` (their footnotes, else the passage's)."""
    sentences = [hit.passage.sentences[i] for i in hit.sentences]
    numbers = [n for s in sentences for n in s.citations] or list(hit.passage.citations)
    refs = tuple(r for n in dict.fromkeys(numbers) if (r := article.reference(n)) is not None)
    return Citation(article.title, hit.passage.section, url or None, refs)


def _chosen(hit: Hit) -> tuple[int, ...]:
    return hit.sentences or (0,)


def answer_text(hit: Hit) -> str:
    """The sentence (or two) of the passage that answers, in article order.

    An infobox fact says whose it is ("ECPAT International — Founded: 1990."): alone,
    "Founded: 1990." reads like a fragment.
    """
    chosen = _chosen(hit)
    text = " ".join(hit.passage.sentences[i].text for i in chosen)
    name = hit.passage.sentences[0].text
    if hit.passage.section == INFOBOX and 0 not in chosen and ": " not in name:
        return f"{name.rstrip('.')} — {text}"
    return text


def answer_content(hit: Hit, labels: Collection[str]) -> str:
    """The answer as the answer-type check reads it: infobox facts without their labels.

    "Key people: Carol Bellamy (Chair)." names no people beyond Carol Bellamy; the label's
    words would otherwise pass for an answer to "Who chaired it before Carol Bellamy?".
    """
    if hit.passage.section != INFOBOX:
        return answer_text(hit)
    texts = []
    for i in _chosen(hit):
        text = hit.passage.sentences[i].text
        label = text.partition(": ")[0]
        texts.append(text.removeprefix(f"{label}: ") if label in labels else text)
    return " ".join(texts)


def decline_text(article: Article, examples: Sequence[str] = ()) -> str:
    """A polite refusal that says what the bot can answer instead."""
    topics = [s for s in article.sections if s not in ("Lead", "Infobox")]
    text = f"Sorry, the article “{article.title}” doesn't say."
    if topics:
        listed = "; ".join(t[:1].lower() + t[1:] for t in topics)
        text += f" It covers {article.title} in general, and: {listed}."
    if examples:
        text += " Try: " + " / ".join(f"“{e}”" for e in examples[:2])
    return text
