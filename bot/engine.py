"""The one conversational engine behind the CLI, the REPL, eval and Telegram.

``Engine.reply(conversation, message)`` returns a :class:`Reply` and the next
:class:`Conversation`; state is immutable and picklable so any front end can keep it
(per chat in Telegram, per session in the REPL, per question in eval).
"""

from __future__ import annotations

import logging
import re
import time
import unicodedata
from dataclasses import dataclass, replace
from enum import StrEnum
from itertools import islice

from bot.answer import Answer, Citation, citation_lines, cite, decline_text
from bot.config import Config, ConfigError
from bot.index_cache import load_or_build
from bot.intents import intent
from corpus.collection import collect
from corpus.records import Article, Collection, example_questions
from retrieval.budget import Deadline
from retrieval.decision import load_model
from retrieval.memory import freeze
from retrieval.pipeline import AnswerSettings, Decision, Pipeline
from retrieval.ranker import Retriever
from retrieval.records import Hit, Reason

log = logging.getLogger(__name__)

_MENTION = re.compile(r"@\w+")
MORE_LIMIT = 10  # passages a turn keeps for "more"
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

# Declines of a message that was never read as a question: saying the article has no answer
# would be wrong, so the reply says why.
UNREAD = {
    Reason.REPEATED: "Sorry, that doesn't read like a question: "
    "it says the same words over and over. Please ask it once, in your own words.",
    Reason.OVER_BUDGET: "Sorry, that message took me too long to work out. "
    "Please ask a shorter question.",
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

    def __deepcopy__(self, memo: dict[int, object]) -> Conversation:
        """Itself: it is immutable, and PTB deep-copies every chat's data on the event loop
        before each save, which for a conversation's passages would be pure waste."""
        return self


class ReplyKind(StrEnum):
    """What a reply is; front ends may style each differently (its value is its JSON name)."""

    ANSWER = "answer"
    DECLINE = "decline"
    MORE = "more"
    SOURCES = "sources"
    SMALLTALK = "smalltalk"
    INVALID = "invalid"  # an empty or over-long message


@dataclass(frozen=True)
class Reply:
    """What to show: ``kind`` says what it is, ``text`` the body, ``answer`` the cited answer."""

    kind: ReplyKind
    text: str
    answer: Answer | None = None

    @property
    def abstained(self) -> bool:
        return self.answer is None or self.answer.abstained


class Engine:
    """Answers messages about one article, or a collection of articles indexed together.

    ``article`` is the first (for one article, the only) article: what the front ends name
    when they introduce the bot; ``collection`` holds them all.
    """

    def __init__(
        self, article: Article | Collection, config: Config, retriever: Retriever | None = None
    ) -> None:
        """``retriever``: one already built for these passages under ``config.retrieval``
        (from the index cache); None builds it."""
        collection = article if isinstance(article, Collection) else collect([article])
        if len(collection.articles) > 1 and config.article.url:
            raise ConfigError(
                "config key article.url applies to a single article; "
                "give each article file a “URL: https://...” line instead"
            )
        self.collection = collection
        self.article = collection.articles[0]
        self.config = config
        a, c = config.answer, config.conversation
        settings = AnswerSettings(
            min_confidence=a.min_confidence,
            max_sentences=a.max_sentences,
            keep=max(MORE_LIMIT, config.retrieval.top_k),
            followup_weight=c.followup_weight,
            followup_lift=c.followup_lift,
            article_lift=c.article_lift,
            ignore=frozenset(a.ignore_signals),
            associations=a.associations,
            max_repeats=a.max_repeats,
        )
        self.pipeline = Pipeline(
            collection.passages,
            config.retrieval.settings(),
            settings,
            load_model(a.model or None),
            self.article.title,
            frozenset(label for art in collection.articles for label, _ in art.facts),
            retriever,
        )
        self.retriever = self.pipeline.retriever
        several = len(collection.articles) > 1
        self.examples = () if several else example_questions(self.article)

    @property
    def title(self) -> str:
        """What the bot answers about: the article's title, or the collection's titles."""
        titles = self.collection.titles
        if len(titles) == 1:
            return titles[0]
        return ", ".join(titles[:-1]) + " and " + titles[-1]

    @property
    def url(self) -> str | None:
        """The (first) article's link; see :meth:`url_for`."""
        return self.url_for(self.article)

    def url_for(self, article: Article) -> str | None:
        """An article's link: the configured one (a single article only), else its file's
        ``URL:`` line (Wikipedia's for the shipped article)."""
        return self.config.article.url or article.url

    def topics(self) -> list[str]:
        """What a decline suggests asking about: the article's sections, or for a collection
        its articles' titles."""
        if len(self.collection.articles) > 1:  # SQuAD's titles are page names: "Sky_(UK)"
            return [t.replace("_", " ") for t in self.collection.titles]
        # The first four only: a long article has tens of thousands of sections, and every
        # declined question reads this.
        named = (s for s in self.article.sections if s not in ("Lead", "Infobox"))
        return list(islice(named, 4))

    @classmethod
    def from_config(cls, config: Config) -> Engine:
        """The engine a front end serves from: a large collection's index is loaded from
        the index cache when it holds one (:mod:`bot.index_cache`); the heap is frozen once
        built (see :mod:`retrieval.memory`)."""
        collection, retriever = load_or_build(config)
        engine = cls(collection, config, retriever)
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
        deadline = Deadline.after(self.config.answer.time_budget_ms)
        text = message.strip()
        limit = self.config.answer.max_question_chars
        if not _MENTION.sub("", text).strip():  # empty, or only "@somebot"
            return Reply(
                ReplyKind.INVALID, "Please type a question about the article."
            ), conversation
        # The limit holds for the text as it is read: NFKC turns one character into up to 18
        # ("ﷺ"), so a message within the limit could become a far longer one. A message too
        # long as sent is refused before NFKC is even worked out.
        size = len(text) if len(text) > limit else len(unicodedata.normalize("NFKC", text))
        if size > limit:
            read = "" if size == len(text) else " once its characters are spelled out"
            msg = (
                f"That question is too long ({size:,} characters{read}); "
                f"please use at most {limit:,}."
            )
            return Reply(ReplyKind.INVALID, msg), conversation
        text = " ".join(text.split())  # runs of white space and line breaks fold to one space
        kind = intent(text)
        if kind == "more":
            return self.more(conversation)
        if kind == "sources":
            return self.sources(conversation)
        if kind is not None:
            return Reply(ReplyKind.SMALLTALK, self._small_talk(kind)), conversation
        return self._answer(conversation, text, now, deadline)

    def ask(self, question: str) -> Reply:
        """A one-off question in a fresh conversation."""
        return self.reply(Conversation(), question)[0]

    def more(self, conversation: Conversation) -> tuple[Reply, Conversation]:
        """The next best passage for the last question."""
        last = conversation.last
        if last is None:
            first = "Ask me a question first; then “more” shows the next passage."
            return Reply(ReplyKind.MORE, first), conversation
        # Only passages that still bear on the question: they hold at least min_coverage of it.
        floor = self.config.answer.min_coverage
        following = [
            h for i, h in enumerate(last.hits) if i > last.shown and h.coverage >= max(floor, 1e-9)
        ]
        if not following:
            return Reply(
                ReplyKind.MORE, "That's all the article has on that question."
            ), conversation
        hit = following[0]
        shown = last.hits.index(hit)
        text = hit.passage.text  # the whole passage, cited with all its footnotes
        whole = replace(hit, sentences=tuple(range(len(hit.passage.sentences))))
        answer = Answer(last.question, text, False, self._cite(whole), last.hits)
        turn = replace(last, shown=shown, answer=answer)
        return Reply(ReplyKind.MORE, text, answer), replace(
            conversation, turns=(*conversation.turns[:-1], turn)
        )

    def sources(self, conversation: Conversation) -> tuple[Reply, Conversation]:
        """The full references behind the last answer."""
        last = conversation.last
        if last is None or last.answer.citation is None:
            first = "There is no answer to give sources for yet. Ask me a question first."
            return Reply(ReplyKind.SOURCES, first), conversation
        lines = citation_lines(last.answer.citation)
        if len(lines) == 1:
            lines.append("(no footnotes on this passage)")
        return Reply(ReplyKind.SOURCES, "\n".join(lines), last.answer), conversation

    # -- helpers ------------------------------------------------------------------------

    def _small_talk(self, kind: str) -> str:
        ex = list(self.examples) + ["What is this article about?"] * 3
        return SMALL_TALK[kind].format(title=self.title, ex0=ex[0], ex1=ex[1], ex2=ex[2])

    def _cite(self, hit: Hit) -> Citation:
        """The citation of ``hit`` from its own article: title, footnotes, link."""
        article = self.collection.article_of(hit.passage)
        return cite(article, hit, self.url_for(article))

    def _answer(
        self, conversation: Conversation, text: str, now: float, deadline: Deadline | None
    ) -> tuple[Reply, Conversation]:
        cfg = self.config
        # A follow-up leans on the latest answer: a declined question has no subject to lend.
        # A conversation's first question leans on the article's subject (see Pipeline.opening).
        lent = (
            next((c for t in reversed(conversation.turns) if (c := t.decision.context())), None)
            if conversation.turns
            else self.pipeline.opening()
        )
        decision = self.pipeline.answer(text, lent, deadline)
        hits = decision.ranked[: cfg.retrieval.top_k]
        if decision.answered and decision.best is not None:
            citation = self._cite(decision.best)
            answer = Answer(text, decision.quote, False, citation, hits, decision.confidence)
            kind = ReplyKind.ANSWER
        else:
            first = not any(t.answer.abstained for t in conversation.turns)
            several = len(self.collection.articles)
            refusal = UNREAD.get(decision.reason) or decline_text(
                self.topics(), self.examples, first, several
            )
            answer = Answer(text, refusal, True, None, hits, decision.confidence)
            kind = ReplyKind.DECLINE
        turn = Turn(text, decision, answer, -1 if answer.abstained else 0)
        turns = (*conversation.turns, turn)[-cfg.conversation.max_turns :]
        return Reply(kind, answer.text, answer), Conversation(turns, now)
