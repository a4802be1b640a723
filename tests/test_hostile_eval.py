"""Hostile question sets and gates: a bad line is reported and the rest still runs; a gate that
cannot fail is refused; nothing ends in a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import GUILD_FACTS, assert_usage_error, run_main, write_jsonl
from conftest import _clean_env


def test_a_huge_number_and_deep_nesting_are_bad_lines_and_the_rest_runs(
    isolated: Path, capsys: pytest.CaptureFixture[str], small_article: Path
) -> None:
    rows = [
        GUILD_FACTS[0],
        '{"id": "big", "question": "How many?", "answers": [' + "9" * 5000 + "]}",
        "[" * 100_000 + "]" * 100_000,
        GUILD_FACTS[1],
    ]
    qfile = write_jsonl(isolated, rows)
    code, out, err = run_main(capsys, "eval", str(qfile), "--article", str(small_article))
    assert code == 0
    assert err.splitlines() == [
        f"{qfile}: line 2: not valid JSON (Exceeds the limit (4300 digits) for integer string "
        "conversion) (skipped)",
        f"{qfile}: line 3: not valid JSON (nested too deeply) (skipped)",
    ]
    assert out.splitlines()[0].startswith(f"{qfile}: 2 questions (2 answerable, 0 unanswerable)")
    assert "  answer accuracy    1.000   2/2 answerable questions answered right" in out


def test_a_squad_file_nested_too_deeply_is_one_line(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (isolated / "deep.json").write_text('{"data": ' + "[" * 100_000 + "]" * 100_000 + "}")
    err = assert_usage_error(*run_main(capsys, "eval", "deep.json", "--format", "squad"))
    assert err == "ecpat-bot: error: SQuAD file is not valid JSON (nested too deeply)\n"


def test_squad_titles_of_any_type_are_read(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    qa = {"id": "q1", "question": "Who keeps the lamps?", "answers": [{"text": "the guild"}]}
    paragraph = {"context": "The guild keeps the lamps of Port Ellis.", "qas": [qa]}
    data = {"data": [{"title": [[["odd"]]], "paragraphs": [paragraph]}]}
    (isolated / "odd.json").write_text(json.dumps(data))
    code, out, err = run_main(capsys, "eval", "odd.json")
    assert (code, err) == (0, "")
    assert (
        out.splitlines()[0]
        == "odd.json: 1 questions (1 answerable, 0 unanswerable), squad, top_k 3"
    )


@pytest.mark.parametrize(
    ("flag", "gate"),
    [
        ("--fail-under", "accuracy=nan"),
        ("--fail-under", "x=nan"),
        ("--fail-over", "false_decline_rate=inf"),
        ("--fail-under", "accuracy=-Infinity"),
    ],
)
def test_a_gate_that_is_not_a_finite_number_is_a_usage_error(
    isolated: Path, capsys: pytest.CaptureFixture[str], small_article: Path, flag: str, gate: str
) -> None:
    qfile = write_jsonl(isolated, GUILD_FACTS)
    err = assert_usage_error(
        *run_main(capsys, "eval", str(qfile), "--article", str(small_article), flag, gate)
    )
    assert (
        err == f"ecpat-bot: error: {flag} expects METRIC=VALUE with a finite number, got {gate!r}\n"
    )


@pytest.mark.e2e
@pytest.mark.parametrize("path", ["/dev/zero", "pipe"])
def test_a_question_file_that_is_no_regular_file_is_one_line(tmp_path: Path, path: str) -> None:
    if path == "pipe":
        path = str(tmp_path / "pipe.jsonl")
        os.mkfifo(path)
    done = subprocess.run(
        [sys.executable, "-m", "bot", "eval", path],
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=20,
        cwd=tmp_path,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"ecpat-bot: error: question file is not a regular file: {path}\n"


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--k1", "1.2,nan", "k1 values must be between 0 and 100"),
        ("--b", "inf", "b values must be between 0 and 1"),
        ("--min-confidence", "nan", "min_confidence values must be between 0 and 1"),
    ],
)
def test_a_tune_grid_value_that_is_not_a_finite_number_is_a_usage_error(
    isolated: Path, capsys: pytest.CaptureFixture[str], flag: str, value: str, message: str
) -> None:
    qfile = write_jsonl(isolated, GUILD_FACTS)
    err = assert_usage_error(*run_main(capsys, "tune", str(qfile), flag, value))
    assert err == f"ecpat-bot: error: {message}\n"
