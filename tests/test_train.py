"""``ecpat-bot train``: rows from question sets and a SQuAD file, held-out figures, a model
file that ``answer.model`` then uses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import run_main
from test_eval_squad import TINY_SQUAD

from bot.config import Config
from bot.engine import Conversation, Engine
from bot.evaluation.questions import Question as EvalQuestion
from bot.evaluation.train import FAMILY_WEIGHT, cross_validate, figures, train, weights
from bot.evaluation.training_rows import Row, analysed, collect
from retrieval.decision import load_model
from retrieval.signals import NAMES

SET = [
    {"id": "e1", "question": "When was ECPAT founded?", "answers": ["1990"]},
    {"id": "e2", "question": "Who chairs ECPAT?", "answers": ["Carol Bellamy"]},
    {"id": "e3", "question": "Where is the secretariat?", "answers": ["Bangkok"]},
    {"id": "e4", "question": "What is the capital of France?", "unanswerable": True},
]


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    questions = tmp_path / "set.jsonl"
    questions.write_text("\n".join(json.dumps(r) for r in SET) + "\n", encoding="utf-8")
    squad = tmp_path / "squad.json"
    squad.write_text(json.dumps(TINY_SQUAD), encoding="utf-8")
    return questions, squad


def test_rows_come_from_the_set_squad_and_cross_article_negatives(files) -> None:
    questions, squad = files
    rows = collect(Config(), [str(questions)], str(squad))
    families = {r.family for r in rows}
    assert families == {"article", "squad", "cross"}
    assert all(r.values.keys() == set(NAMES) for r in rows)
    assert all(r.label == 0 for r in rows if r.family == "cross")  # never the right article
    assert any(r.label == 1 for r in rows if r.family == "article")
    # Each family weighs its share whatever its size; a question's candidates share one weight.
    w = weights(rows)
    assert sum(w) == pytest.approx(len(rows))
    by_family = {f: sum(x for x, r in zip(w, rows, strict=True) if r.family == f) for f in families}
    share = FAMILY_WEIGHT["article"] / FAMILY_WEIGHT["cross"]
    assert by_family["article"] == pytest.approx(share * by_family["cross"])
    assert by_family["article"] == pytest.approx(2 * by_family["squad"])


def test_held_out_figures_use_a_model_that_never_saw_the_source() -> None:
    rows = [
        Row(src, "article", True, label, {"coverage": cov}, f"{src}:{i}")
        for src in ("a", "b", "c")
        for i, (cov, label) in enumerate([(0.9, 1), (0.8, 1), (0.2, 0), (0.1, 0)])
    ]
    probabilities = cross_validate(rows)
    figs = figures(rows, probabilities, 0.5)["article"]
    assert figs["answer_accuracy"] == 0.5 and figs["false_decline_rate"] == 0.5
    model = train(rows)
    assert model.probability({"coverage": 0.9}) > 0.5 > model.probability({"coverage": 0.1})


def test_train_writes_a_model_the_bot_uses(files, isolated: Path, capsys) -> None:
    questions, squad = files
    target = isolated / "model.json"
    code, out, err = run_main(
        capsys, "train", str(questions), "--squad", str(squad), "--write", str(target)
    )
    assert (code, err) == (0, "")
    assert "held out by source" in out and f"model written to {target}" in out
    held = out.split("each question set held out, at min_confidence 0.5:\n")[1].splitlines()
    assert held[0].split()[0] == questions.name and len(held[0].split(" / ")) == 3
    assert load_model(target).features == NAMES
    (isolated / "config.toml").write_text('[answer]\nmodel = "model.json"\n', encoding="utf-8")
    code, out, _ = run_main(capsys, "ask", "When was ECPAT founded?")
    assert code == 0 and out.startswith("ECPAT International")


def test_train_grows_the_trees_asked_for(files, isolated: Path, capsys) -> None:
    questions, squad = files
    target = isolated / "trees.json"
    args = ("--learner", "trees", "--rounds", "3", "--leaves", "4", "--min-leaf", "2")
    args += ("--learning-rate", "0.2")
    code, _, err = run_main(
        capsys, "train", str(questions), "--squad", str(squad), *args, "--write", str(target)
    )
    assert (code, err) == (0, "")
    model = json.loads(target.read_text(encoding="utf-8"))
    assert len(model["roots"]) == 3
    meta = model["meta"]
    assert (meta["rounds"], meta["leaves"], meta["min_leaf"], meta["learning_rate"]) == (
        3,
        4,
        2,
        0.2,
    )
    ends = zip(model["left"], model["right"], strict=True)
    leaves = [i for i, (a, b) in enumerate(ends) if a == b == i]
    assert 3 <= len(leaves) <= 3 * 4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "train needs at least one question set or --squad FILE"),
        (("missing.jsonl",), "question set not found: missing.jsonl"),
        (("q.jsonl", "--trees-share", "1.5"), "--trees-share must be between 0 and 1"),
        (("q.jsonl", "--trees-share", "nan"), "--trees-share must be between 0 and 1"),
        (("q.jsonl", "--rounds", "0"), "--rounds must be at least 1"),
        (("q.jsonl", "--leaves", "1"), "--leaves must be at least 2"),
        (("q.jsonl", "--leaves", "65"), "--leaves must be at most 64"),
        (("q.jsonl", "--min-leaf", "0"), "--min-leaf must be at least 1"),
        (("q.jsonl", "--learning-rate", "0"), "--learning-rate must be above 0 and at most 1"),
        (("q.jsonl", "--learning-rate", "nan"), "--learning-rate must be above 0 and at most 1"),
    ],
)
def test_train_usage_errors(isolated: Path, capsys, args, message) -> None:
    code, out, err = run_main(capsys, "train", *args)
    assert (code, out) == (2, "")
    assert err.strip() == f"ecpat-bot: error: {message}"


def test_a_corrupt_model_file_is_one_line(isolated: Path, capsys) -> None:
    (isolated / "bad.json").write_text("{not json", encoding="utf-8")
    (isolated / "config.toml").write_text('[answer]\nmodel = "bad.json"\n', encoding="utf-8")
    code, out, err = run_main(capsys, "ask", "When was ECPAT founded?")
    assert (code, out) == (2, "")
    assert err.startswith("ecpat-bot: error: cannot read decision model") and err.count("\n") == 1


@pytest.mark.parametrize(
    "earlier",
    [
        (),  # a first question: "it" is the article's subject
        ("Who chairs ECPAT?",),  # "she" is the chair
        ("What colour is the moon?",),  # declined: nothing to lean on
        ("What is The Code?", "What colour is the moon?"),  # the latest answered question
        ("hello", "Who developed The Code?"),  # small talk is no turn
    ],
)
@pytest.mark.parametrize("text", ["when did she start", "when was it founded", "when?"])
def test_training_reads_a_question_after_others_as_the_engine_does(
    engine: Engine, earlier: tuple[str, ...], text: str
) -> None:
    conversation = Conversation()
    for message in earlier:
        _, conversation = engine.reply(conversation, message)
    reply, _ = engine.reply(conversation, text)
    read = analysed(engine.pipeline, EvalQuestion("q", text, context=earlier))
    assert read is not None
    decision = engine.pipeline.decide(read, engine.pipeline.rank(read))
    assert decision.quote == ("" if reply.answer is None else reply.answer.text) or (
        reply.abstained and not decision.answered
    )
