"""Learned word associations: what :func:`learn` keeps, how the model file carries them, and
what they change in the real pipeline's signals."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from bot.config import build_config
from bot.engine import Engine
from corpus import load_article
from retrieval.analyzer import stem
from retrieval.associations import (
    Example,
    LearnSettings,
    article_key,
    from_json,
    learn,
    merged,
    to_json,
)
from retrieval.decision import ModelError, learned_associations, load_model, shipped_path


def ex(source: str, missing: str, said: str, article: str = "ECPAT") -> Example:
    return Example(article, source, frozenset(missing.split()), frozenset(said.split()))


# Ten right answers; "cosmet" is uncovered next to "shop" in two sets' questions.
BACKGROUND = [ex(f"s{i}", "", f"children network report{i}") for i in range(8)]


def test_an_association_needs_two_sources_and_a_specific_word() -> None:
    examples = [
        ex("a", "cosmet", "bodi shop children 2009"),
        ex("b", "cosmet", "bodi shop children"),
        ex("a", "cop", "interpol children"),  # one author only
        *BACKGROUND,
    ]
    tables = learn(examples)
    # "children" is in every quote (no lift); 2009 is a number; "cop" was seen in one set.
    assert tables == {"ecpat": {"cosmet": frozenset({"bodi", "shop"})}}
    assert learn(examples, LearnSettings(min_sources=1))["ecpat"]["cop"] == {"interpol"}


def test_a_word_of_questions_the_article_does_not_answer_stands_for_nothing() -> None:
    answered = [ex(s, "capit", "stockholm congress") for s in "ab"]
    unanswered = [Example("ECPAT", s, frozenset({"capit"}), frozenset(), right=False) for s in "cd"]
    assert learn([*answered, *BACKGROUND])["ecpat"]["capit"] == {"stockholm", "congress"}
    assert "ecpat" not in learn([*answered, *unanswered, *BACKGROUND])
    assert learn([*unanswered]) == {}


def test_each_article_learns_its_own_table() -> None:
    examples = [ex("a", "cosmet", "bodi shop"), ex("b", "cosmet", "bodi shop"), *BACKGROUND]
    elsewhere = [ex(s, "cosmet", "lipstick", "Other Article") for s in "ab"]
    tables = learn([*examples, *elsewhere])
    assert tables["ecpat"]["cosmet"] == {"bodi", "shop"}
    assert "other article" not in tables  # "lipstick" is in every one of its quotes
    assert article_key("  The  Body Shop ") == "the body shop"
    assert merged(tables, ["ECPAT", "Unknown"]) == tables["ecpat"]


def test_a_word_keeps_only_its_most_specific_associates() -> None:
    said = "alpha beta gamma delta epsilon"
    examples = [ex("a", "word", said), ex("b", "word", said), *BACKGROUND]
    assert len(learn(examples, LearnSettings(per_term=2))["ecpat"]["word"]) == 2
    assert learn([]) == {}


def test_the_table_round_trips_through_json_and_rejects_other_shapes() -> None:
    tables = {"ecpat": {"cosmet": frozenset({"shop", "bodi"})}}
    assert to_json(tables) == {"ecpat": {"cosmet": ["bodi", "shop"]}}
    assert from_json(json.loads(json.dumps(to_json(tables)))) == tables
    for bad in ([], {"a": "b"}, {"a": {"b": "c"}}, {"a": {"b": [1]}}):
        with pytest.raises(ValueError, match="associations must map"):
            from_json(bad)


def test_a_model_file_with_malformed_associations_is_refused(tmp_path: Path) -> None:
    data = json.loads(shipped_path().read_text("utf-8"))
    data["meta"]["associations"] = {"ecpat": {"cosmet": "shop"}}
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ModelError, match="malformed"):
        load_model(path)


def _signals(engine: Engine, text: str) -> dict[str, float]:
    pipeline = engine.pipeline
    question = pipeline.analyse(text)
    _, values, _ = max(pipeline.assess(question, pipeline.rank(question)), key=lambda a: a[2])
    return values


def test_an_associated_word_counts_as_covered_not_as_absent() -> None:
    config = build_config({})
    article = load_article(config.article.path)
    question = "when did ecpat run a campaign with the cosmetics firm"
    engine = Engine(article, config)
    engine.pipeline.use_associations({})
    before = _signals(engine, question)
    linked = {stem("cosmetics"): frozenset({stem("body"), stem("shop")})}
    tables = {article_key(article.title): linked}
    model = load_model()
    model = replace(model, meta={**(model.meta or {}), "associations": to_json(tables)})
    assert learned_associations(model) == tables
    engine.pipeline.use_associations(learned_associations(model))
    after = _signals(engine, question)
    assert (before["familiar"], after["familiar"]) == (0.0, 1.0)
    assert before["absent_gap"] > 0 and after["absent_gap"] == 0
    assert after["quote_share"] > before["quote_share"] and after["learned"] > 0
    # Another article's table says nothing of this one.
    engine.pipeline.use_associations({"another article": linked})
    assert _signals(engine, question) == before


def test_the_config_key_turns_a_model_files_associations_off(tmp_path: Path) -> None:
    article = load_article(build_config({}).article.path)
    data = json.loads(shipped_path().read_text("utf-8"))
    data["meta"]["associations"] = {article_key(article.title): {"cosmet": ["bodi", "shop"]}}
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    on = build_config({"answer": {"model": str(path)}})
    off = build_config({"answer": {"model": str(path), "associations": False}})
    assert Engine(article, on).pipeline.associations == {"cosmet": {"bodi", "shop"}}
    assert Engine(article, off).pipeline.associations == {}
