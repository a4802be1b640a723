"""The one conversational engine behind the CLI, the REPL, eval and Telegram.

``Engine.reply(conversation, message)`` returns a :class:`Reply` and the next
:class:`Conversation`; state is immutable and picklable so any front end can keep it
(per chat in Telegram, per session in the REPL, per question in eval).
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, replace

from bot.answer import Answer, cite, decline_text
from bot.config import Config
from bot.index_cache import load_or_build
from bot.intents import intent
from corpus.records import Article
from retrieval.decision import load_model
from retrieval.memory import freeze
from retrieval.pipeline import AnswerSettings, Decision, Pipeline
from retrieval.ranker import Retriever
from retrieval.records import Hit

log = logging.getLogger(__name__)

ECPAT_URL = "https://en.wikipedia.org/wiki/ECPAT"
_MENTION = re.compile(r"@\w+")
MORE_LIMIT = 10  # passages a turn keeps for "more"
EXAMPLES = ("When was ECPAT founded?", "Who chairs ECPAT?", "What is The Code?")
SMALL_TALK = {
    "greeting": "Hello! Ask me anything about {title}, for example: “{ex0}”",
    "thanks": "You're welcome! Ask me another question about {title} any time.",
    "identity": "I'm a bot that answers questions about the Wikipedia article “{title}”, "
    "quoting the sentence that answers and citing where it comes from.",
    "help": "Ask me a question about {title} and I'll answer from the Wikipedia article, with "
    "its source. Say “more” for the next passage, “sources” for the references. "
    "Try: “{ex0}” / “{ex1}” / “{ex2}”",
    "bye": "Goodbye! Come back with more questions about {title}.",
}


@dataclass(frozen=True)
class Turn:
    """One answered question: how it was decided, what was shown."""

    question: str
    decision: Decision
    answer: Answer
    shown: int = 0  # index into hits of the passage last shown; -1 when none was (a decline)

    @property
    def hits(self) -> tuple[Hit, ...]:
        return self.decision.ranked


@dataclass(frozen=True)
class Conversation:
    """The recent turns of one chat, newest last."""

    turns: tuple[Turn, ...] = ()
    updated_at: float = 0.0

    @property
    def last(self) -> Turn | None:
        return self.turns[-1] if self.turns else None


@dataclass(frozen=True)
class Reply:
    """What to show: ``kind`` says what it is, ``text`` the body, ``answer`` the cited answer.

    Kinds: answer, decline, more, sources, smalltalk, invalid (an empty or over-long message).
    """

    kind: str
    text: str
    answer: Answer | None = None

    @property
    def abstained(self) -> bool:
        return self.answer is None or self.answer.abstained


class Engine:
    """Answers messages about one article."""

    def __init__(
        self, article: Article, config: Config, retriever: Retriever | None = None
    ) -> None:
        """``retriever``: one already built for ``article`` under ``config.retrieval`` (from
        the index cache); None builds it."""
        self.article = article
        self.config = config
        a, c = config.answer, config.conversation
        settings = AnswerSettings(
            min_confidence=a.min_confidence,
            max_sentences=a.max_sentences,
            keep=max(MORE_LIMIT, config.retrieval.top_k),
            followup_weight=c.followup_weight,
            followup_lift=c.followup_lift,
        )
        self.pipeline = Pipeline(
            article.passages,
            config.retrieval.settings(),
            settings,
            load_model(a.model or None),
            article.title,
            frozenset(label for label, _ in article.facts),
            retriever,
        )
        self.retriever = self.pipeline.retriever
        self.examples = EXAMPLES if article.title.startswith("End Child") else ()

    @property
    def url(self) -> str | None:
        """The article's link: configured, else Wikipedia's for the shipped article only."""
        if self.config.article.url:
            return self.config.article.url
        return None if self.config.article.path else ECPAT_URL

    @classmethod
    def from_config(cls, config: Config) -> Engine:
        """The engine a front end serves from: a large article's index is loaded from the
        index cache when it holds one (:mod:`bot.index_cache`); the heap is frozen once built
        (see :mod:`retrieval.memory`)."""
        article, retriever = load_or_build(config)
        engine = cls(article, config, retriever)
        freeze()
        return engine

    # -- the conversational entry point -------------------------------------------------

    def reply(
        self, conversation: Conversation, message: str, now: float | None = None
    ) -> tuple[Reply, Conversation]:
        """Answer ``message`` in the context of ``conversation``."""
        now = time.time() if now is None else now
        idle = self.config.conversation.idle_minutes * 60
        if conversation.turns and now - conversation.updated_at > idle:
            conversation = Conversation()
        elif conversation.turns:  # any message, "more" included, keeps the chat alive
            conversation = replace(conversation, updated_at=now)
        text = message.strip()
        limit = self.config.answer.max_question_chars
        if not _MENTION.sub("", text).strip():  # empty, or only "@somebot"
            return Reply("invalid", "Please type a question about the article."), conversation
        if len(text) > limit:
            msg = (
                f"That question is too long ({len(text):,} characters); "
                f"please keep it under {limit:,}."
            )
            return Reply("invalid", msg), conversation
        text = " ".join(text.split())  # runs of white space and line breaks fold to one space
        kind = intent(text)
        if kind == "more":
            return self.more(conversation)
        if kind == "sources":
            return self.sources(conversation)
        if kind is not None:
            return Reply("smalltalk", self._small_talk(kind)), conversation
        return self._answer(conversation, text, now)

    def ask(self, question: str) -> Reply:
        """A one-off question in a fresh conversation."""
        return self.reply(Conversation(), question)[0]

    def more(self, conversation: Conversation) -> tuple[Reply, Conversation]:
        """The next best passage for the last question."""
        last = conversation.last
        if last is None:
            return Reply(
                "more", "Ask me a question first; then “more” shows the next passage."
            ), conversation
        # The top_k passages, then any further ones that would have been answers themselves.
        top_k, floor = self.config.retrieval.top_k, self.config.answer.min_coverage
        following = [
            h
            for i, h in enumerate(last.hits)
            if i > last.shown and h.coverage > 0 and (i < top_k or h.coverage >= floor)
        ]
        if not following:
            return Reply("more", "That's all the article has on that question."), conversation
        hit = following[0]
        shown = last.hits.index(hit)
        text = hit.passage.text  # the whole passage, cited with all its footnotes
        whole = replace(hit, sentences=tuple(range(len(hit.passage.sentences))))
        answer = Answer(last.question, text, False, cite(self.article, whole, self.url), last.hits)
        turn = replace(last, shown=shown, answer=answer)
        return Reply("more", text, answer), replace(
            conversation, turns=(*conversation.turns[:-1], turn)
        )

    def sources(self, conversation: Conversation) -> tuple[Reply, Conversation]:
        """The full references behind the last answer."""
        last = conversation.last
        if last is None or last.answer.citation is None:
            return Reply(
                "sources", "There is no answer to give sources for yet. Ask me a question first."
            ), conversation
        citation = last.answer.citation
        lines = [f"{citation.article}, section “{citation.section}”"]
        if citation.url:
            lines[0] += f": {citation.url}"
        lines += [f"[{r.n}] {r.text}" for r in citation.references]
        if not citation.references:
            lines.append("(no footnotes on this passage)")
        return Reply("sources", "\n".join(lines), last.answer), conversation

    # -- helpers ------------------------------------------------------------------------

    def _small_talk(self, kind: str) -> str:
        ex = list(self.examples) + ["What is this article about?"] * 3
        return SMALL_TALK[kind].format(title=self.article.title, ex0=ex[0], ex1=ex[1], ex2=ex[2])

    def _answer(
        self, conversation: Conversation, text: str, now: float
    ) -> tuple[Reply, Conversation]:
        cfg = self.config
        last = conversation.last
        decision = self.pipeline.answer(text, last.decision.context() if last else None)
        hits = decision.ranked[: cfg.retrieval.top_k]
        if decision.answered and decision.best is not None:
            citation = cite(self.article, decision.best, self.url)
            answer = Answer(text, decision.quote, False, citation, hits, decision.confidence)
            kind = "answer"
        else:
            first = not any(t.answer.abstained for t in conversation.turns)
            refusal = decline_text(self.article, self.examples, first)
            answer = Answer(text, refusal, True, None, hits, decision.confidence)
            kind = "decline"
        turn = Turn(text, decision, answer, -1 if answer.abstained else 0)
        turns = (*conversation.turns, turn)[-cfg.conversation.max_turns :]
        return Reply(kind, answer.text, answer), Conversation(turns, now)
