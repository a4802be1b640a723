"""Running ``ecpat-bot`` in-process, and the question files eval and tune read.

Shared by the CLI, eval and tune tests: the guild article's fact rows (tests/conftest.py),
writing them as JSONL, and the figures recomputed from ``eval --json`` results.
"""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.evaluation.questions import normalize
from bot.terminal.cli import main

# Three answerable questions the bot answers right against the guild article.
GUILD_FACTS: list[dict[str, Any]] = [
    {
        "id": "g1",
        "question": "When did the guild open its first training school?",
        "answers": ["1902"],
        "category": "fact",
    },
    {
        "id": "g2",
        "question": "How many keepers had the school trained by 1950?",
        "answers": ["more than 400"],
        "category": "fact",
    },
    {
        "id": "g3",
        "question": "When was the guild founded?",
        "answers": ["1871"],
        "category": "fact",
    },
]


def write_jsonl(folder: Path, rows: list[Any], name: str = "q.jsonl") -> Path:
    """``rows`` as a JSONL question file (a str row is written as it is, for malformed lines)."""
    path = folder / name
    lines = [r if isinstance(r, str) else json.dumps(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_main(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``bot.terminal.cli.main(argv)``: (exit code, stdout, stderr)."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_usage_error(code: int, out: str, err: str) -> str:
    """Exit 2, nothing on stdout, exactly one line on stderr: ``ecpat-bot: error: ...``."""
    assert code == 2
    assert out == ""
    assert err.startswith("ecpat-bot: error: ")
    assert err.endswith("\n")
    assert err.count("\n") == 1
    assert "Traceback" not in err
    return err


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
