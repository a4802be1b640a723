"""A conversation written as JSON and read back behaves exactly as before."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.config import Config
from bot.conversation_json import ConversationCodec, ConversationFormatError
from bot.engine import Conversation, Engine
from corpus import load_article

NOW = 1_800_000_000.0


def _talk(engine: Engine, *messages: str) -> Conversation:
    conversation = Conversation()
    for message in messages:
        _, conversation = engine.reply(conversation, message, now=NOW)
    return conversation


@pytest.mark.parametrize(
    "history",
    [
        ("What is The Code?",),
        ("What is The Code?", "more"),
        ("When was ECPAT founded?", "Who developed The Code?", "more", "more"),
        ("What colour is the moon?",),  # a decline: nothing to lend a follow-up
        ("What is The Code?", "What colour is the moon?"),
        ("Who chairs ECPAT?",),  # an answer naming a person, whom "she" stands for next
    ],
)
def test_a_restored_conversation_answers_follow_ups_more_and_sources_the_same(
    engine: Engine, history: tuple[str, ...]
) -> None:
    codec = ConversationCodec(engine.collection)
    conversation = _talk(engine, *history)
    text = codec.dumps(conversation)
    restored = codec.loads(text)
    assert [t.answer for t in restored.turns] == [t.answer for t in conversation.turns]
    assert [t.shown for t in restored.turns] == [t.shown for t in conversation.turns]
    assert restored.updated_at == conversation.updated_at
    for then in ("more", "sources", "Who developed it?", "When?", "what was her name again"):
        reply, _ = engine.reply(restored, then, now=NOW + 1)
        assert reply == engine.reply(conversation, then, now=NOW + 1)[0], then
    assert codec.dumps(restored) == text, "writing what was read gives the same text"


def test_a_conversation_kept_before_answers_recorded_whom_they_named_still_loads(
    engine: Engine,
) -> None:
    codec = ConversationCodec(engine.collection)
    data = json.loads(codec.dumps(_talk(engine, "Who chairs ECPAT?")))
    assert data["turns"][0]["decision"]["named"] == ["bellami", "carol"]
    del data["turns"][0]["decision"]["named"]
    restored = codec.loads(json.dumps(data))
    assert restored.turns[0].decision.named == frozenset()


def test_the_empty_conversation(engine: Engine) -> None:
    codec = ConversationCodec(engine.collection)
    assert codec.loads(codec.dumps(Conversation())) == Conversation()


def test_state_written_for_another_article_is_refused(engine: Engine, small_article: Path) -> None:
    text = ConversationCodec(engine.collection).dumps(_talk(engine, "What is The Code?"))
    other = Engine(load_article(small_article), Config())
    with pytest.raises(ConversationFormatError, match="another version of the article"):
        ConversationCodec(other.collection).loads(text)


def _tampered(engine: Engine, change: str) -> str:
    codec = ConversationCodec(engine.collection)
    data = json.loads(codec.dumps(_talk(engine, "What is The Code?", "more")))
    turn = data["turns"][0]
    if change == "unknown passage":
        turn["decision"]["ranked"][0][0] = "no-such-passage"
    elif change == "sentence out of range":
        turn["decision"]["ranked"][0][3] = [999]
    elif change == "unknown footnote":
        turn["answer"]["citation"]["refs"] = [99_999]
    elif change == "hit index out of range":
        turn["answer"]["hits"] = [50]
    elif change == "shown out of range":
        turn["shown"] = 77
    elif change == "wrong types":
        turn["decision"]["confidence"] = "high"
    elif change == "missing key":
        del turn["answer"]
    elif change == "unknown reason":
        turn["decision"]["reason"] = "GUESSED"
    elif change == "named not a list":
        turn["decision"]["named"] = "carol"
    elif change == "newer format":
        data["v"] = 99
    return json.dumps(data)


@pytest.mark.parametrize(
    "change",
    [
        "unknown passage",
        "sentence out of range",
        "unknown footnote",
        "hit index out of range",
        "shown out of range",
        "wrong types",
        "missing key",
        "unknown reason",
        "named not a list",
        "newer format",
    ],
)
def test_a_tampered_row_is_refused(engine: Engine, change: str) -> None:
    with pytest.raises(ConversationFormatError):
        ConversationCodec(engine.collection).loads(_tampered(engine, change))


@pytest.mark.parametrize(
    "text",
    ["", "not json", "[]", "null", "{}", '{"v": 1}', "1e999", '{"v": true}', b"\xff\xfe"],
)
def test_anything_else_is_refused(engine: Engine, text: str | bytes) -> None:
    with pytest.raises(ConversationFormatError):
        ConversationCodec(engine.collection).loads(text)
