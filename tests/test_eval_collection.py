"""``ecpat-bot eval --collection``: every SQuAD question asked against all the file's articles."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import assert_usage_error, eval_json, recompute, run_main


@pytest.fixture
def cli(isolated: Path, capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    return functools.partial(run_main, capsys)


def _squad(title: str, paragraphs: list[tuple[str, list[tuple[str, str, str]]]]) -> dict[str, Any]:
    return {
        "title": title,
        "paragraphs": [
            {
                "context": context,
                "qas": [
                    {
                        "id": qid,
                        "question": question,
                        "is_impossible": not answer,
                        "answers": [{"text": answer, "answer_start": 0}] if answer else [],
                    }
                    for qid, question, answer in qas
                ],
            }
            for context, qas in paragraphs
        ],
    }


TINY_SQUAD = {
    "version": "v2.0",
    "data": [
        _squad(
            "Alpha_River",
            [
                (
                    "The Alpha river flows through the town of Bexley. It is 40 kilometres long.",
                    [("a1", "How long is the Alpha river?", "40 kilometres")],
                ),
                (
                    "Fishing on the Alpha is popular with anglers in summer. Trout are the "
                    "most common catch.",
                    [
                        ("a2", "What is the most common catch when fishing on the Alpha?", "Trout"),
                        ("a3", "Which company owns the Alpha river's bridges?", ""),
                    ],
                ),
            ],
        ),
        _squad(
            "Beta_Castle",
            [
                (
                    "Beta Castle was built in 1250 by Lord Harwick.",
                    [("b1", "Who built Beta Castle?", "Lord Harwick")],
                ),
                (
                    "The castle was rebuilt after a fire in 1760.",
                    [("b2", "When was the castle rebuilt after the fire?", "1760")],
                ),
            ],
        ),
    ],
}


def test_eval_collection_asks_every_question_against_all_articles(cli, tmp_path: Path) -> None:
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(TINY_SQUAD), encoding="utf-8")
    alone = eval_json(cli, str(path))
    together = eval_json(cli, str(path), "--collection")
    assert alone["summary"]["collection"] is False and together["summary"]["collection"] is True
    by_id = {r["id"]: r for r in together["results"]}
    assert by_id["b2"]["gold_passage"] == "beta-castle/p2"
    assert by_id["a1"]["gold_passage"] == "alpha-river/p1"
    assert by_id["b2"]["passages"][0]["id"] == "beta-castle/p2"
    # Both articles' paragraphs are ranked for one question.
    ranked = {p["id"].partition("/")[0] for r in together["results"] for p in r["passages"]}
    assert ranked == {"alpha-river", "beta-castle"}
    s = together["summary"]
    assert set(s["by_article"]) == {"Alpha_River", "Beta_Castle"}
    assert s["hit_at_1"] == 1.0 and s["answer_accuracy"] == 1.0
    for name, value in recompute(together["results"]).items():
        assert s[name] == pytest.approx(value), name
    alone_ids = {r["id"]: r["gold_passage"] for r in alone["results"]}
    assert alone_ids["b2"] == "p2"  # without --collection, ids are the article's own


def test_eval_collection_needs_a_squad_file(cli, tmp_path: Path, small_article: Path) -> None:
    row = {"id": "g1", "question": "When was the guild founded?", "answers": ["1871"]}
    (tmp_path / "q.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    argv = ("eval", str(tmp_path / "q.jsonl"), "--collection", "--article", str(small_article))
    err = assert_usage_error(*cli(*argv))
    assert "--collection" in err
