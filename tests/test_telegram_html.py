"""Rendering replies as Telegram HTML: escaped, within 4096 characters, split at sentences.

Every rendered message is checked with the same rules the fake Bot API server applies.
"""

from __future__ import annotations

from fake_bot_api_html import parse_html, utf16_len
from fake_bot_api_rules import check_message_text
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.answer import Answer, Citation
from bot.engine import Conversation, Engine, Reply
from bot.telegram.html import FALLBACK, MAX_MESSAGE, reference_list, render_lines, render_reply
from corpus.records import Reference

NASTY = 'a < b && c > d "q" <b>bold?</b> *star* _under_ [link](x) &amp; &#0; \u202e 😀'


def _visible(messages: list[str]) -> list[str]:
    return [check_message_text(m, "HTML").text for m in messages]


def _cited(text: str, refs: tuple[Reference, ...] = ()) -> Reply:
    citation = Citation("A <Title> & Co", "Sec <1>", "https://e.org/wiki/A_(b)?x=1&y=<2>", refs)
    return Reply("answer", text, Answer("q", text, False, citation))


def test_answer_then_citation_with_section_footnotes_and_links(engine: Engine) -> None:
    reply, _ = engine.reply(Conversation(), "What is The Code?")
    [message] = render_reply(reply)
    parsed = check_message_text(message, "HTML")
    citation = reply.answer.citation
    assert parsed.text.startswith(reply.text)
    assert f"Source: {citation.article} › {citation.section}" in parsed.text
    for ref in citation.references:
        assert f"[{ref.n}] {ref.text}" in parsed.text
    links = [e for e in parsed.entities if e["type"] == "text_link"]
    assert links[0]["url"] == "https://en.wikipedia.org/wiki/ECPAT"


def test_every_piece_of_text_is_escaped() -> None:
    refs = (Reference(3, "Ref <i>3</i> & more", "https://r.org/?a=1&b=2"),)
    [message] = render_reply(_cited(NASTY, refs))
    parsed = parse_html(message)
    assert parsed.text.startswith(NASTY)
    assert "A <Title> & Co › Sec <1>" in parsed.text
    assert "[3] Ref <i>3</i> & more link" in parsed.text
    urls = [e["url"] for e in parsed.entities if e["type"] == "text_link"]
    assert urls == ["https://e.org/wiki/A_(b)?x=1&y=<2>", "https://r.org/?a=1&b=2"]


def test_long_answers_split_at_sentence_boundaries() -> None:
    sentences = [f"Sentence number {i} says something about ECPAT & friends." for i in range(300)]
    messages = render_reply(_cited(" ".join(sentences)))
    visible = _visible(messages)
    assert len(messages) > 3
    assert all(utf16_len(v) <= MAX_MESSAGE for v in visible)
    for text in visible[:-1]:
        assert text.endswith("friends."), "a message must end at a sentence boundary"
    joined = " ".join(visible)
    assert joined.startswith(" ".join(sentences))
    assert "Source: A <Title> & Co" in visible[-1]


def test_a_sentence_longer_than_a_message_is_cut_between_words_or_hard() -> None:
    words = render_reply(Reply("answer", "word " * 2000))
    blob = render_reply(Reply("answer", "&" * 5000))
    emoji = render_reply(Reply("answer", "😀" * 3000))
    for messages in (words, blob, emoji):
        assert len(messages) >= 2
        assert all(utf16_len(v) <= MAX_MESSAGE for v in _visible(messages))
    assert "".join(_visible(blob)) == "&" * 5000
    assert "".join(_visible(emoji)) == "😀" * 3000


def test_never_empty() -> None:
    assert render_reply(Reply("smalltalk", "")) == [FALLBACK]
    assert render_reply(Reply("smalltalk", " \n\t ")) == [FALLBACK]
    assert render_lines(["", "  "]) == [FALLBACK]


def test_the_whole_reference_list_is_valid(engine: Engine) -> None:
    visible = "\n".join(_visible(reference_list(engine.article)))
    for ref in engine.article.references:
        assert f"[{ref.n}] {ref.text}" in visible


def test_sources_reply_lists_the_last_answers_references(engine: Engine) -> None:
    _, conversation = engine.reply(Conversation(), "What is The Code?")
    reply, _ = engine.sources(conversation)
    [text] = _visible(render_reply(reply))
    assert text.startswith("Sources of the last answer:")
    assert all(f"[{r.n}]" in text for r in reply.answer.citation.references)


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        st.text(max_size=6000),
        st.lists(st.text(max_size=400), max_size=40).map(". ".join),  # often > 4096
        st.text(alphabet="<>&;#x\"' \n.", max_size=5000),
    ),
    st.sampled_from(["answer", "decline", "smalltalk", "more"]),
)
def test_any_text_renders_to_valid_messages(text: str, kind: str) -> None:
    reply = _cited(text) if kind in ("answer", "more") else Reply(kind, text)
    messages = render_reply(reply)
    assert messages
    for visible in _visible(messages):  # raises BadRequest on invalid HTML, empty or too long
        assert utf16_len(visible) <= MAX_MESSAGE
    if text.strip():
        visible_words = " ".join(_visible(messages)).split()
        assert visible_words[: len(text.split())] == text.split()
