"""A chat's :class:`Conversation` as JSON, for state that must outlive the process.

Pickle would restore whatever a file says, code included; JSON restores only what this
module reads. A conversation is written in its smallest faithful form: per turn the question,
the decision's ranked passages as ids with their scores (the passages themselves come back
from the article), what the answer said and cited, and which passage was shown. Of the
analysed question only what a follow-up inherits (its weighted terms and words) is kept; the
rest is never read once the turn is over.

Reading is defensive: anything that does not fit raises :class:`ConversationFormatError`,
and so does state written for another version of the article (the digest differs), since
passage ids and footnote numbers would point at other text. The caller starts that chat
fresh.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from typing import Any

from bot.answer import Answer, Citation
from bot.engine import Conversation, Turn
from corpus.records import Collection, Passage
from retrieval.records import Decision, Hit, Query, Question, Reason

FORMAT = 1  # bumped when the JSON form changes shape


class ConversationFormatError(ValueError):
    """Stored state that cannot be restored faithfully (malformed, or another article)."""


def article_digest(collection: Collection) -> str:
    """A short fingerprint of the passages a conversation can point into."""
    digest = hashlib.sha256()
    for passage in collection.passages:
        for part in (passage.id, passage.article, passage.text):
            digest.update(part.encode("utf-8", "surrogatepass") + b"\x00")
    return digest.hexdigest()[:16]


class ConversationCodec:
    """Encodes conversations for one collection, and decodes them against it."""

    def __init__(self, collection: Collection) -> None:
        self.collection = collection
        self._passages: dict[str, Passage] = {p.id: p for p in collection.passages}
        self._digest: str | None = None

    @property
    def digest(self) -> str:
        if self._digest is None:  # hashing a large collection is worth doing only once
            self._digest = article_digest(self.collection)
        return self._digest

    # -- writing ---------------------------------------------------------------------------
    def dumps(self, conversation: Conversation) -> str:
        turns = [_turn(turn) for turn in conversation.turns]
        data = {"v": FORMAT, "article": self.digest, "at": conversation.updated_at, "turns": turns}
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    # -- reading ---------------------------------------------------------------------------
    def loads(self, text: str | bytes) -> Conversation:
        try:
            data = json.loads(text)
            if _get(data, "v", int) != FORMAT:
                raise ConversationFormatError(f"format {data.get('v')!r}, expected {FORMAT}")
            if _get(data, "article", str) != self.digest:
                raise ConversationFormatError("written for another version of the article")
            turns = tuple(self._turn(t) for t in _get(data, "turns", list))
            return Conversation(turns, _number(data.get("at")))
        except ConversationFormatError:
            raise
        except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
            raise ConversationFormatError(f"malformed: {exc}") from None

    def _turn(self, data: Any) -> Turn:
        question = _get(data, "q", str)
        d = _get(data, "decision", dict)
        ranked = tuple(self._hit(h) for h in _get(d, "ranked", list))
        best = d.get("best")
        # Absent from conversations kept before answers recorded whom they named.
        named = _get(d, "named", list) if "named" in d else []
        analysed = Question(
            text=question,
            query=Query(question, _pairs(_get(d, "terms", list), str, _number)),
            asked=None,
            yes_no=False,
            definition=False,
            followup=False,
            foreign=frozenset(),
            words=_pairs(_get(d, "words", list), str, _text),
        )
        decision = Decision(
            question=analysed,
            answered=_get(d, "answered", bool),
            reason=Reason[_get(d, "reason", str)],
            confidence=_number(d.get("confidence")),
            ranked=ranked,
            best=None if best is None else ranked[_index(best, ranked)],
            quote=_get(d, "quote", str),
            sources=tuple(_integer(n) for n in _get(d, "sources", list)),
            named=frozenset(_text(t) for t in named),
        )
        a = _get(data, "answer", dict)
        confidence = a.get("confidence")
        answer = Answer(
            question=question,
            text=_get(a, "text", str),
            abstained=_get(a, "abstained", bool),
            citation=self._citation(a.get("citation")),
            hits=tuple(ranked[_index(i, ranked)] for i in _get(a, "hits", list)),
            confidence=None if confidence is None else _number(confidence),
        )
        shown = _integer(data.get("shown"))
        if not -1 <= shown < max(len(ranked), 1):
            raise ConversationFormatError(f"shown passage {shown} of {len(ranked)}")
        return Turn(question, decision, answer, shown)

    def _hit(self, data: Any) -> Hit:
        if not isinstance(data, list) or len(data) != 4:
            raise ConversationFormatError("a ranked passage is not [id, score, coverage, sents]")
        ident, score, coverage, sentences = data
        passage = self._passages.get(ident) if isinstance(ident, str) else None
        if passage is None:
            raise ConversationFormatError(f"no passage {ident!r} in the article")
        picked = tuple(_integer(i) for i in sentences)
        if any(not 0 <= i < len(passage.sentences) for i in picked):
            raise ConversationFormatError(f"passage {ident!r} has no such sentence")
        return Hit(passage, _number(score), _number(coverage), picked)

    def _citation(self, data: Any) -> Citation | None:
        if data is None:
            return None
        title = _get(data, "article", str)
        try:
            article = self.collection.article(title)
        except KeyError:
            raise ConversationFormatError(f"no article {title!r}") from None
        refs = []
        for n in _get(data, "refs", list):
            ref = article.reference(_integer(n))
            if ref is None:
                raise ConversationFormatError(f"no footnote {n!r} in {title!r}")
            refs.append(ref)
        url = data.get("url")
        if url is not None and not isinstance(url, str):
            raise ConversationFormatError("citation url is not text")
        return Citation(title, _get(data, "section", str), url, tuple(refs))


def _turn(turn: Turn) -> dict[str, Any]:
    d, a = turn.decision, turn.answer
    ranked = d.ranked
    citation = a.citation
    return {
        "q": turn.question,
        "shown": turn.shown,
        "decision": {
            "answered": d.answered,
            "reason": d.reason.name,
            "confidence": d.confidence,
            "ranked": [[h.passage.id, h.score, h.coverage, list(h.sentences)] for h in ranked],
            "best": None if d.best is None else _position(d.best, ranked),
            "quote": d.quote,
            "sources": list(d.sources),
            "terms": [list(pair) for pair in d.question.query.weights],
            "words": [list(pair) for pair in d.question.words],
            "named": sorted(d.named),
        },
        "answer": {
            "text": a.text,
            "abstained": a.abstained,
            "citation": None
            if citation is None
            else {
                "article": citation.article,
                "section": citation.section,
                "url": citation.url,
                "refs": [r.n for r in citation.references],
            },
            "hits": [_position(h, ranked) for h in a.hits],
            "confidence": a.confidence,
        },
    }


def _position(hit: Hit, ranked: tuple[Hit, ...]) -> int:
    """Where ``hit`` is among the decision's ranked passages; an answer only ever shows those."""
    for i, other in enumerate(ranked):
        if other is hit or other == hit:
            return i
    raise ValueError(f"passage {hit.passage.id!r} is not among the ranked ones")


def _get(data: Any, key: str, kind: type) -> Any:
    if not isinstance(data, dict):
        raise ConversationFormatError(f"expected an object holding {key!r}")
    value = data.get(key)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ConversationFormatError(f"{key!r} is not {kind.__name__}: {value!r}")
    return value


def _integer(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise ConversationFormatError(f"not an integer: {value!r}")


def _number(value: Any) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool) and not math.isinf(value):
        return float(value)
    raise ConversationFormatError(f"not a number: {value!r}")


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise ConversationFormatError(f"not text: {value!r}")


def _index(value: Any, ranked: tuple[Hit, ...]) -> int:
    index = _integer(value)
    if not 0 <= index < len(ranked):
        raise ConversationFormatError(f"passage {index} of {len(ranked)}")
    return index


def _pairs(
    items: list[Any], first: type, second: Callable[[Any], Any]
) -> tuple[tuple[Any, Any], ...]:
    out = []
    for item in items:
        if not isinstance(item, list) or len(item) != 2 or not isinstance(item[0], first):
            raise ConversationFormatError(f"not a pair: {item!r}")
        out.append((item[0], second(item[1])))
    return tuple(out)
