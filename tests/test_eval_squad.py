"""``ecpat-bot eval`` on SQuAD files: each question asked against its own article's paragraphs."""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_helpers import eval_json, recompute, run_main

ROOT = Path(__file__).resolve().parent.parent
SQUAD_EXCERPT = ROOT.parent / "shared" / "data" / "squad-v2-dev-head.json"


@pytest.fixture
def cli(isolated: Path, capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """``bot.terminal.cli.main`` in an empty folder: (exit code, stdout, stderr)."""
    return functools.partial(run_main, capsys)


TINY_SQUAD = {
    "version": "v2.0",
    "data": [
        {
            "title": "Alpha_River",
            "paragraphs": [
                {
                    "context": "The Alpha river flows through the town of Bexley. "
                    "It is 40 kilometres long.",
                    "qas": [
                        {
                            "id": "a1",
                            "question": "How long is the Alpha river?",
                            "is_impossible": False,
                            "answers": [{"text": "40 kilometres", "answer_start": 62}],
                        },
                        {
                            "id": "a3",
                            "question": "Which company owns the Alpha river's bridges?",
                            "is_impossible": True,
                            "answers": [],
                            "plausible_answers": [{"text": "Bexley", "answer_start": 42}],
                        },
                    ],
                },
                {
                    "context": "Fishing on the Alpha is popular with anglers in summer. "
                    "Trout are the most common catch.",
                    "qas": [
                        {
                            "id": "a2",
                            "question": "What is the most common catch when fishing?",
                            "is_impossible": False,
                            "answers": [{"text": "Trout", "answer_start": 56}],
                        }
                    ],
                },
            ],
        },
        {
            "title": "Beta_Castle",
            "paragraphs": [
                {
                    "context": "Beta Castle was built in 1250 by Lord Harwick.",
                    "qas": [
                        {
                            "id": "b1",
                            "question": "Who built Beta Castle?",
                            "is_impossible": False,
                            "answers": [{"text": "Lord Harwick", "answer_start": 33}],
                        }
                    ],
                },
                {
                    "context": "The castle was rebuilt after a fire in 1760.",
                    "qas": [
                        {
                            "id": "b2",
                            "question": "When was the castle rebuilt after the fire?",
                            "is_impossible": False,
                            "answers": [{"text": "1760", "answer_start": 39}],
                        }
                    ],
                },
            ],
        },
    ],
}


@pytest.mark.parametrize("flags", [(), ("--format", "squad")])
def test_squad_file_each_question_against_its_own_article(cli, tmp_path, flags):
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(TINY_SQUAD, indent=1), encoding="utf-8")
    data = eval_json(cli, str(path), *flags)
    s = data["summary"]
    assert s["format"] == "squad"
    assert (s["questions"], s["answerable"], s["unanswerable"]) == (5, 4, 1)
    assert set(s["by_category"]) == {"answerable", "unanswerable"}
    assert set(s["by_article"]) == {"Alpha_River", "Beta_Castle"}
    by_id = {r["id"]: r for r in data["results"]}
    assert by_id["b2"]["gold_passage"] == "p2" and by_id["b2"]["article"] == "Beta_Castle"
    assert by_id["b2"]["passages"][0]["id"] == "p2"  # the castle's own paragraphs, not the river's
    assert by_id["a3"]["unanswerable"] is True
    assert s["hit_at_1"] == 1.0 and s["answer_accuracy"] == 1.0
    for name, value in recompute(data["results"]).items():
        assert s[name] == pytest.approx(value), name


def test_squad_file_forced_as_jsonl_reports_lines(cli, tmp_path):
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(TINY_SQUAD), encoding="utf-8")
    code, _, err = cli("eval", str(path), "--format", "jsonl")
    assert code == 2 and "no usable questions" in err


@pytest.mark.e2e
@pytest.mark.skipif(
    not SQUAD_EXCERPT.is_file(), reason=f"SQuAD excerpt not present at {SQUAD_EXCERPT}"
)
def test_squad_excerpt_runs_in_under_a_minute(run_bot) -> None:
    start = time.perf_counter()
    proc = run_bot("eval", str(SQUAD_EXCERPT), "--json")
    elapsed = time.perf_counter() - start
    assert proc.returncode == 0, proc.stderr
    assert elapsed < 60
    summary = json.loads(proc.stdout)["summary"]
    assert summary["format"] == "squad"
    assert len(summary["by_article"]) == 5
    assert summary["questions"] == 1407
    assert summary["hit_at_1"] is not None
