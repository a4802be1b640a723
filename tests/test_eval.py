"""``ecpat-bot eval`` end to end: the real CLI and engine on small files with known outcomes."""

from __future__ import annotations

import json
import math
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from guild_questions import GUILD_FACTS, write_jsonl

from bot.cli import main
from bot.questions import normalize

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "corpus" / "questions" / "ecpat.jsonl"
SQUAD_EXCERPT = ROOT.parent / "shared" / "data" / "squad-v2-dev-head.json"

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
    """``bot.cli.main`` in an empty folder: (exit code, stdout, stderr)."""

    def call(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return call


def eval_json(cli: Callable[..., tuple[int, str, str]], *argv: str) -> dict[str, Any]:
    code, out, err = cli("eval", *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def recompute(results: list[dict[str, Any]]) -> dict[str, float | None]:
    """The headline figures from the per-question results alone, as docs/eval.md defines them."""
    ans = [r for r in results if not r["unanswerable"]]
    una = [r for r in results if r["unanswerable"]]

    def ratio(n: int, d: int) -> float | None:
        return n / d if d else None

    def rank(r: dict[str, Any]) -> int | None:
        golds = [normalize(a) for a in r["answers"]]
        for i, p in enumerate(r["passages"], start=1):
            if ("gold_passage" in r and p["id"] == r["gold_passage"]) or (
                "gold_passage" not in r and any(g in normalize(p["text"]) for g in golds)
            ):
                return i
        return None

    ranks = [rank(r) for r in ans]
    lat = sorted(r["latency_ms"] for r in results)
    return {
        "accuracy": ratio(sum(r["correct"] for r in results), len(results)),
        "answer_accuracy": ratio(sum(r["correct"] for r in ans), len(ans)),
        "decline_rate": ratio(sum(r["abstained"] for r in una), len(una)),
        "false_decline_rate": ratio(sum(r["abstained"] for r in ans), len(ans)),
        "hit_at_1": ratio(sum(k == 1 for k in ranks), len(ranks)),
        "hit_at_k": ratio(sum(k is not None for k in ranks), len(ranks)),
        "mrr": ratio(sum(1 / k for k in ranks if k), len(ranks)),
        "latency_median_ms": statistics.median(lat),
        "latency_p95_ms": lat[math.ceil(0.95 * len(lat)) - 1],
    }


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


def test_progress_bar_only_on_a_terminal() -> None:
    from io import StringIO

    from bot.eval_cli import ProgressBar

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
