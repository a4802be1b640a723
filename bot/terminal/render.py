"""Plain-text and JSON views of a reply, shared by ``ask``, the REPL and eval."""

from __future__ import annotations

from typing import Any

from bot.answer import Answer, Citation, Hit, citation_lines
from bot.engine import Reply


def render_text(reply: Reply) -> str:
    """The reply as a person reads it in a terminal: the answer, then where it comes from."""
    answer = reply.answer
    if reply.kind in ("answer", "more") and answer is not None and answer.citation is not None:
        return "\n".join([reply.text, "", *citation_lines(answer.citation)])
    return reply.text


def render_hits(hits: tuple[Hit, ...]) -> str:
    """The ranked passages with their scores (the REPL's ``:why``)."""
    if not hits:
        return "No passage matched any word of the question."
    lines = []
    for rank, hit in enumerate(hits, start=1):
        text = hit.passage.text if len(hit.passage.text) <= 160 else hit.passage.text[:157] + "..."
        lines.append(
            f"{rank}. {hit.score:.3f} (covers {hit.coverage:.0%}) [{hit.passage.id}] "
            f"{hit.passage.section}: {text}"
        )
    return "\n".join(lines)


def citation_json(citation: Citation | None) -> dict[str, Any] | None:
    if citation is None:
        return None
    return {
        "article": citation.article,
        "section": citation.section,
        "url": citation.url,
        "references": [{"n": r.n, "text": r.text, "url": r.url} for r in citation.references],
    }


def hits_json(hits: tuple[Hit, ...]) -> list[dict[str, Any]]:
    return [
        {
            "id": h.passage.id,
            "section": h.passage.section,
            "score": round(h.score, 6),
            "text": h.passage.text,
        }
        for h in hits
    ]


def reply_json(question: str, reply: Reply) -> dict[str, Any]:
    """The ``--json`` object: question, answer text, abstained, citation, ranked passages."""
    answer: Answer | None = reply.answer
    return {
        "question": question,
        "answer": reply.text,
        "abstained": reply.abstained,
        "citation": citation_json(answer.citation if answer and not answer.abstained else None),
        "passages": hits_json(answer.hits if answer else ()),
    }
