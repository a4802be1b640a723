"""``ecpat-bot eval`` end to end: the real CLI and engine on small files with known outcomes."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import GUILD_FACTS, eval_json, recompute, run_main, write_jsonl

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "corpus" / "questions" / "ecpat.jsonl"

# Against the hand-written guild article (tests/conftest.py): three answerable questions the
# bot answers right, one whose gold answer is nowhere in the article (answered, wrong, gold
# passage absent), and two it must not answer (small talk, off topic).
GUILD_ROWS = [
    *GUILD_FACTS,
    {
        "id": "g4",
        "question": "When was the guild founded?",
        "answers": ["in Atlantis"],
        "category": "wrong-gold",
    },
    {
        "id": "u1",
        "question": "Thanks!",
        "answers": [],
        "unanswerable": True,
        "category": "smalltalk",
    },
    {
        "id": "u2",
        "question": "What is the capital of Peru?",
        "answers": [],
        "unanswerable": True,
        "category": "unrelated",
    },
]


@pytest.fixture
def cli(isolated: Path, capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """``bot.terminal.cli.main`` in an empty folder: (exit code, stdout, stderr)."""
    return functools.partial(run_main, capsys)


def test_exact_figures_on_known_outcomes(cli, small_article: Path, tmp_path: Path) -> None:
    qfile = write_jsonl(tmp_path, GUILD_ROWS)
    data = eval_json(cli, str(qfile), "--article", str(small_article))
    s = data["summary"]
    assert (s["questions"], s["answerable"], s["unanswerable"]) == (6, 4, 2)
    assert s["answer_accuracy"] == 0.75
    assert s["accuracy"] == 5 / 6
    assert s["decline_rate"] == 1.0
    assert s["false_decline_rate"] == 0.0
    assert (s["hit_at_1"], s["hit_at_k"], s["mrr"]) == (0.75, 0.75, 0.75)
    assert s["k"] == 3
    assert s["by_category"]["fact"]["answer_accuracy"] == 1.0
    assert s["by_category"]["wrong-gold"]["answer_accuracy"] == 0.0
    assert s["by_category"]["smalltalk"]["decline_rate"] == 1.0
    by_id = {r["id"]: r for r in data["results"]}
    assert by_id["g4"]["correct"] is False and by_id["g4"]["abstained"] is False
    assert by_id["g4"]["rank"] is None
    assert by_id["u1"]["kind"] == "smalltalk" and by_id["u1"]["correct"] is True


def test_json_structure_and_summary_recomputes_from_results(cli, small_article, tmp_path):
    data = eval_json(cli, str(write_jsonl(tmp_path, GUILD_ROWS)), "--article", str(small_article))
    assert set(data) == {"summary", "results"}
    assert [r["id"] for r in data["results"]] == [row["id"] for row in GUILD_ROWS]
    for r in data["results"]:
        assert {
            "id",
            "question",
            "answer",
            "abstained",
            "correct",
            "latency_ms",
            "passages",
        } <= set(r)
        assert len(r["passages"]) <= 3
        for p in r["passages"]:
            assert set(p) == {"id", "section", "score", "text"}
        scores = [p["score"] for p in r["passages"]]
        assert scores == sorted(scores, reverse=True)
    for name, value in recompute(data["results"]).items():
        assert data["summary"][name] == pytest.approx(value), name


def test_terminal_report_lists_figures_categories_and_failures(cli, small_article, tmp_path):
    code, out, err = cli(
        "eval", str(write_jsonl(tmp_path, GUILD_ROWS)), "--article", str(small_article)
    )
    assert code == 0
    assert "answer accuracy" in out and "0.750" in out and "3/4" in out
    assert "wrong-gold" in out and "smalltalk" in out
    assert "Failed questions: 1" in out
    assert "- g4 [wrong-gold] When was the guild founded?" in out
    assert "“in Atlantis”" in out
    assert "\r" not in err  # no progress bar when stderr is not a terminal


def test_malformed_lines_are_reported_and_the_rest_runs(cli, small_article, tmp_path):
    rows: list[Any] = [
        GUILD_ROWS[0],
        "{broken",
        {"id": "x", "question": "No answers?"},
        GUILD_ROWS[4],
    ]
    code, out, err = cli("eval", str(write_jsonl(tmp_path, rows)), "--article", str(small_article))
    assert code == 0
    assert "q.jsonl: line 2: not valid JSON" in err
    assert "q.jsonl: line 3: an answerable question needs" in err
    assert "2 questions" in out
    data = eval_json(cli, str(tmp_path / "q.jsonl"), "--article", str(small_article))
    assert len(data["summary"]["malformed"]) == 2
    assert data["summary"]["accuracy"] == 1.0


def test_fail_under_and_fail_over_exit_codes(cli, small_article, tmp_path):
    qfile = str(write_jsonl(tmp_path, GUILD_ROWS))
    art = ("--article", str(small_article))
    assert (
        cli("eval", qfile, *art, "--fail-under", "answer_accuracy=0.75", "decline_rate=1")[0] == 0
    )
    code, _, err = cli("eval", qfile, *art, "--fail-under", "answer_accuracy=0.8")
    assert code == 1
    assert "answer_accuracy 0.7500 is below the threshold 0.8" in err
    code, _, err = cli(
        "eval",
        qfile,
        *art,
        "--fail-under",
        "fact.answer_accuracy=1",
        "--fail-under",
        "wrong-gold.accuracy=0.5",
    )
    assert code == 1 and "wrong-gold.accuracy" in err and "fact." not in err
    assert cli("eval", qfile, *art, "--fail-over", "false_decline_rate=0.05")[0] == 0
    assert cli("eval", qfile, *art, "--fail-over", "hit_at_1=0.5")[0] == 1


@pytest.mark.parametrize(
    ("gate", "message"),
    [
        ("accuracyy=0.9", "unknown metric 'accuracyy'"),
        ("answer_accuracy", "expects METRIC=VALUE"),
        ("answer_accuracy=high", "expects METRIC=VALUE"),
        ("nosuchcategory.accuracy=0.5", "unknown category 'nosuchcategory'"),
    ],
)
def test_bad_gate_is_a_usage_error(cli, small_article, tmp_path, gate: str, message: str):
    qfile = str(write_jsonl(tmp_path, GUILD_ROWS))
    code, _, err = cli("eval", qfile, "--article", str(small_article), "--fail-under", gate)
    assert code == 2
    assert err.startswith("ecpat-bot: error:") and message in err
    assert len(err.strip().splitlines()) == 1


def test_missing_and_empty_files_are_usage_errors(cli, tmp_path):
    assert cli("eval", str(tmp_path / "nope.jsonl"))[0] == 2
    code, _, err = cli("eval", str(write_jsonl(tmp_path, ["{bad"])))
    assert code == 2 and "no usable questions" in err


def test_k_overrides_top_k(cli, small_article, tmp_path):
    qfile = str(write_jsonl(tmp_path, GUILD_ROWS))
    data = eval_json(cli, qfile, "--article", str(small_article), "--k", "1")
    assert data["summary"]["k"] == 1
    assert all(len(r["passages"]) <= 1 for r in data["results"])
    assert cli("eval", qfile, "--k", "0")[0] == 2  # checked like the config key


def test_context_is_asked_first_and_compared_with_asking_alone(cli, small_article, tmp_path):
    rows = [
        {
            "id": "f1",
            "question": "When did it open its first training school?",
            "answers": ["1902"],
            "context": ["Tell me about the guild"],
            "category": "followup",
        },
        {
            "id": "s1",
            "question": "How many keepers had the school trained by 1950?",
            "answers": ["400"],
            "context": ["When was the guild founded?"],
            "category": "standalone",
        },
    ]
    qfile = str(write_jsonl(tmp_path, rows))
    data = eval_json(cli, qfile, "--article", str(small_article))
    standalone = data["summary"]["by_category"]["standalone"]
    assert standalone["with_context"] == 1
    assert standalone["accuracy_with_context"] == standalone["accuracy"] == 1.0
    assert standalone["accuracy_without_context"] == 1.0 and standalone["lost_to_context"] == 0
    assert [r["context"] for r in data["results"]] == [r["context"] for r in rows]
    alone = eval_json(cli, qfile, "--article", str(small_article), "--no-context")
    assert alone["summary"]["context"] is False
    assert alone["summary"]["with_context"] == 0
    assert all(r["correct_without_context"] is None for r in alone["results"])


@pytest.mark.e2e
def test_shipped_set_gate_through_python_m_bot(run_bot) -> None:
    """What .ci/run does: the shipped set, with the figure reported and a gate applied."""
    proc = run_bot("eval", str(SHIPPED), "--fail-under", "answer_accuracy=0")
    assert proc.returncode == 0, proc.stderr
    assert "156 questions" in proc.stdout
    assert "answer accuracy" in proc.stdout
    proc = run_bot("eval", str(SHIPPED), "--json", "--fail-under", "answer_accuracy=1.01")
    assert proc.returncode == 1
    summary = json.loads(proc.stdout)["summary"]
    assert 0 <= summary["answer_accuracy"] <= 1
    assert f"answer_accuracy {summary['answer_accuracy']:.4f} is below" in proc.stderr
    assert {"followup", "standalone"} <= set(summary["by_category"])
    assert summary["by_category"]["standalone"]["accuracy_without_context"] is not None


def test_progress_bar_only_on_a_terminal() -> None:
    from io import StringIO

    from bot.evaluation.eval_cli import ProgressBar

    class Tty(StringIO):
        def isatty(self) -> bool:
            return True

    quiet, loud = StringIO(), Tty()
    for stream in (quiet, loud):
        bar = ProgressBar(stream, 100, "eval ")
        for done in range(1, 101):
            bar(done, 100)
    assert quiet.getvalue() == ""
    assert "100/100" in loud.getvalue() and loud.getvalue().endswith("\r")
