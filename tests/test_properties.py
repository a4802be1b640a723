"""Property tests: no article text breaks the parser, no message breaks the engine."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.engine import Conversation, Engine
from corpus import ArticleError, parse_article

MARKER = re.compile(r"\[\d{1,4}\]")
FAST = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# Lines shaped like the pieces of a Wikipedia copy, mixed with arbitrary text.
_WORDS = st.sampled_from(
    ["ECPAT", "network", "children", "founded", "1990", "Dr.", "U.S.", "is", "the", "a", "in"]
)
_SENTENCE = st.builds(
    lambda words, marks, end: " ".join(words) + end + "".join(f"[{m}]" for m in marks),
    st.lists(_WORDS, min_size=1, max_size=12),
    st.lists(st.integers(0, 99999), max_size=3),
    st.sampled_from([".", "!", "?", ".)", '."', "", " ", "[citation needed]."]),
)
_LINE = st.one_of(
    st.builds(" ".join, st.lists(_SENTENCE, min_size=1, max_size=6)),
    st.builds(lambda t: f"Brackets and digits make {t} markers.", st.text("[]19 x.", max_size=20)),
    st.builds(lambda t: f"{t}[edit]", st.text(max_size=30)),
    st.builds(lambda n, t: f"  {n}. ^ {t}", st.integers(0, 20000), st.text(max_size=60)),
    st.sampled_from(
        [
            "",
            "From Wikipedia, the free encyclopedia",
            "Jump to navigation Jump to search",
            "Founded 1990",
            "Key people",
            "  • Bangkok",
            "Website www.example.org",
            "[1]",
            "[[1]]",
            "Nested markers [[1]2] and [3[citation needed]] in a sentence.",
        ]
    ),
    st.text(max_size=80),
)
ARTICLE_TEXT = st.one_of(
    st.text(max_size=400),
    st.builds("\n".join, st.lists(_LINE, max_size=15)),
    st.builds("\r\n".join, st.lists(_LINE, max_size=10)),
)


@FAST
@given(text=ARTICLE_TEXT, max_chars=st.integers(50, 800))
def test_any_text_parses_or_is_an_article_error(text: str, max_chars: int) -> None:
    try:
        article = parse_article(text, max_chars)
    except ArticleError:
        return
    assert article.title
    assert article.passages
    ids = [p.id for p in article.passages]
    assert len(ids) == len(set(ids))
    numbers = [r.n for r in article.references]
    assert len(numbers) == len(set(numbers))
    for passage in article.passages:
        assert passage.text.strip()
        assert passage.sentences
        assert passage.section in article.sections
        assert passage.text == " ".join(s.text for s in passage.sentences)
        if len(passage.sentences) > 1 and passage.id != "infobox":  # facts are never split
            assert len(passage.text) <= max_chars
    assert all(
        r.url is None or r.url.startswith(("http://", "https://")) for r in article.references
    )


@FAST
@given(text=st.builds("\n".join, st.lists(_LINE, max_size=15)))
def test_parsed_passages_carry_no_footnote_markers(text: str) -> None:
    try:
        article = parse_article(text)
    except ArticleError:
        return
    for passage in article.passages:
        assert not MARKER.search(passage.text), passage.text
        assert all(not MARKER.search(s.text) for s in passage.sentences)


_QUESTIONS = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=50),
    st.builds(
        " ".join,
        st.lists(
            st.sampled_from(
                [
                    "when",
                    "was",
                    "ECPAT",
                    "founded",
                    "it",
                    "more",
                    "sources",
                    "thanks",
                    "hi",
                    "Code",
                    "countries",
                    "?",
                    "<b>",
                    "*",
                    "[1]",
                    "ecpaat",
                    "foundd",
                    "ünïcode",
                    "1,300",
                    "’s",
                    "@bot",
                    "/more",
                    ":sources",
                    "\x00",
                    "\u200b",
                    "\ud800",
                ]
            ),
            max_size=12,
        ),
    ),
    st.just("x" * 1000),
    st.just("x" * 1001),
)


@FAST
@given(messages=st.lists(_QUESTIONS, min_size=1, max_size=4))
def test_no_message_breaks_the_engine(engine: Engine, messages: list[str]) -> None:
    conversation = Conversation()
    for now, message in enumerate(messages):
        reply, conversation = engine.reply(conversation, message, now=float(now))
        assert reply.text.strip()
        assert reply.kind in ("answer", "decline", "more", "sources", "smalltalk", "invalid")
        if reply.kind in ("answer", "decline"):
            assert reply.answer is not None
            assert (reply.kind == "decline") == reply.abstained
        assert len(conversation.turns) <= engine.config.conversation.max_turns


_TURNS = st.sampled_from(
    [
        "When was ECPAT founded?",
        "What is The Code?",
        "In how many countries?",
        "When did it run?",
        "Tell me about the Stop Sex Trafficking campaign",
        "What is the capital of France?",
        "Who chairs ECPAT?",
        "more",
        "tell me more",
        "next",
        "sources",
        "where is that from?",
        "thanks",
        "hi",
        "",
    ]
)


@FAST
@given(messages=st.lists(_TURNS, min_size=1, max_size=8), gaps=st.lists(st.floats(0, 7200)))
def test_conversations_stay_consistent(engine: Engine, messages: list[str], gaps: list[float]):
    conversation = Conversation()
    now = 0.0
    shown: list[str] = []  # passages shown since the last question
    for i, message in enumerate(messages):
        now += gaps[i] if i < len(gaps) else 1.0
        reply, conversation = engine.reply(conversation, message, now=now)
        assert reply.text.strip()
        if reply.kind in ("answer", "decline"):
            shown = []
        if reply.kind == "more" and reply.answer is not None:
            assert reply.text not in shown  # "more" never repeats itself
            shown.append(reply.text)
        if reply.kind == "sources" and reply.answer is not None:
            citation = reply.answer.citation
            assert citation is not None
            assert all(f"[{r.n}] {r.text}" in reply.text for r in citation.references)
        assert len(conversation.turns) <= engine.config.conversation.max_turns
        assert conversation.turns == () or conversation.updated_at <= now
