"""Hostile settings: every bad value is one line naming the key and its allowed range, exit 2.

Numbers that pass are finite and bounded, so scores and ``--json`` never hold NaN or Infinity.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import assert_usage_error, run_main
from conftest import _clean_env

from bot.config import Config
from bot.config_checks import RANGES

QUESTION = "When was ECPAT founded?"
DIGITS_400 = "9" * 400


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            "[telegram]\nallowed_chat_ids = 12345",
            "config key telegram.allowed_chat_ids: expected a list of integers, got 12345 "
            "(write [12345])",
        ),
        (
            f"[retrieval]\nk1 = {DIGITS_400}",
            "config key retrieval.k1: expected a finite number, got "
            "999999999999999999...9999999999999999999",
        ),
        (
            f"[retrieval]\nk1 = {DIGITS_400}.0",
            "config key retrieval.k1: expected a finite number, got inf",
        ),
        (
            f"[retrieval]\ntop_k = {DIGITS_400}",
            "config key retrieval.top_k must be between 1 and 50, got "
            "999999999999999999...9999999999999999999",
        ),
        (
            "[telegram]\nwebhook_port = 70000",
            "config key telegram.webhook_port must be between 1 and 65,535, got 70000",
        ),
        (
            "[telegram]\nmessages_per_second = 1e-300",
            "config key telegram.messages_per_second must be between 0.1 and 1,000, got 1e-300",
        ),
        (
            "[telegram]\nchat_messages_per_second = 1e-300",
            "config key telegram.chat_messages_per_second must be 0 (off) or between 0.01 and "
            "100, got 1e-300",
        ),
        (
            "[retrieval]\nsentence_weight = 1e300",
            "config key retrieval.sentence_weight must be between 0 and 100, got 1e+300",
        ),
        (
            "[retrieval]\nname_weight = 1e300",
            "config key retrieval.name_weight must be between 1 and 100, got 1e+300",
        ),
        (
            "[conversation]\nidle_minutes = 1e300",
            "config key conversation.idle_minutes must be more than 0 and at most 525,600, "
            "got 1e+300",
        ),
        ("[retrieval]\nk1 = -1", "config key retrieval.k1 must be between 0 and 100, got -1.0"),
        (
            '[article]\npath = "a\\u0000b"',
            "config key article.path must not contain a NUL character",
        ),
        (
            "[telegram]\nallowed_chat_ids = [1, 99999999999999999999]",
            "config key telegram.allowed_chat_ids must be between -9,223,372,036,854,775,808 "
            "and 9,223,372,036,854,775,807, got 99999999999999999999",
        ),
        (
            "[retrieval]\nk1 = " + "[" * 50 + "]" * 50,
            "config key retrieval.k1: expected a number, got [[[[[[[...]]]]]]]",
        ),
    ],
)
def test_bad_file_value_is_one_line_naming_the_key(
    isolated: Path, capsys: pytest.CaptureFixture[str], toml: str, message: str
) -> None:
    (isolated / "config.toml").write_text(toml + "\n")
    err = assert_usage_error(*run_main(capsys, "ask", QUESTION))
    assert err == f"ecpat-bot: error: {message}\n"


def test_toml_nested_2000_deep_is_one_line(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (isolated / "config.toml").write_text("a = " + "[" * 2000 + "]" * 2000 + "\n")
    err = assert_usage_error(*run_main(capsys, "ask", QUESTION))
    assert err == "ecpat-bot: error: config file config.toml is not valid TOML: nested too deeply\n"


@pytest.mark.parametrize(
    ("var", "value", "message"),
    [
        (
            "ECPAT_BOT_TELEGRAM_WEBHOOK_PORT",
            "0",
            "config key telegram.webhook_port must be between 1 and 65,535, got 0",
        ),
        (
            "ECPAT_BOT_RETRIEVAL_K1",
            "nan",
            "config key retrieval.k1: expected a finite number, got nan",
        ),
        (
            "ECPAT_BOT_RETRIEVAL_PHRASE_WEIGHT",
            "1e400",
            "config key retrieval.phrase_weight: expected a finite number, got inf",
        ),
        (
            "ECPAT_BOT_TELEGRAM_ALLOWED_CHAT_IDS",
            "12, x",
            "config key telegram.allowed_chat_ids: cannot read '12, x' as a list of integers",
        ),
        (
            "ECPAT_BOT_ANSWER_MAX_SENTENCES",
            "9" * 5000,
            f"config key answer.max_sentences: cannot read '{'9' * 27}...{'9' * 28}' as an integer",
        ),
    ],
)
def test_bad_environment_value_is_one_line(
    isolated: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    var: str,
    value: str,
    message: str,
) -> None:
    monkeypatch.setenv(var, value)
    err = assert_usage_error(*run_main(capsys, "ask", QUESTION))
    assert err == f"ecpat-bot: error: {message}\n"


def test_every_number_has_a_range_that_holds_its_default() -> None:
    defaults = Config()
    for table in dataclasses.fields(Config):
        section = getattr(defaults, table.name)
        for f in dataclasses.fields(section):
            value = getattr(section, f.name)
            if isinstance(value, int | float) and not isinstance(value, bool):
                name = f"{table.name}.{f.name}"
                assert name in RANGES, f"{name} has no range in bot/config_checks.py"
                assert RANGES[name].allows(value), name


@pytest.mark.e2e
@pytest.mark.parametrize("variant", ["lucene", "okapi", "plus"])
def test_k1_zero_gives_finite_scores_and_right_answers(variant: str) -> None:
    """At k1 = 0 a word counts once however often it appears; a passage without it scores the
    limit (0), not rank-bm25's 0/0."""
    done = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", QUESTION],
        env={**_clean_env(), "ECPAT_BOT_RETRIEVAL_K1": "0", "ECPAT_BOT_RETRIEVAL_VARIANT": variant},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        cwd=os.path.dirname(__file__),
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert "NaN" not in done.stdout and "Infinity" not in done.stdout
    reply = json.loads(done.stdout)
    assert reply["answer"] == "ECPAT International — Founded: 1990."
    assert all(math.isfinite(p["score"]) for p in reply["passages"])


@pytest.mark.e2e
@pytest.mark.parametrize("path", ["/dev/zero", "pipe"])
def test_a_config_file_that_is_no_regular_file_is_one_line(tmp_path: Path, path: str) -> None:
    if path == "pipe":
        path = str(tmp_path / "pipe.toml")
        os.mkfifo(path)
    done = subprocess.run(
        [sys.executable, "-m", "bot", "ask", QUESTION, "--config", path],
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"ecpat-bot: error: config file is not a regular file: {path}\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (None, "decision model is malformed: numbers must be finite"),
        ("[" * 100_000 + "]" * 100_000, "cannot read decision model model.json: nested too deeply"),
    ],
)
def test_a_decision_model_that_would_give_nan_is_one_line(
    isolated: Path, capsys: pytest.CaptureFixture[str], text: str | None, message: str
) -> None:
    if text is None:  # the shipped model with a NaN bias (JSON's parser accepts NaN)
        shipped = json.loads(
            (Path(__file__).parent.parent / "retrieval/data/decision.json").read_text()
        )
        shipped["models"][0]["bias"] = math.nan  # the blend's logistic part
        text = json.dumps(shipped)
    (isolated / "model.json").write_text(text)
    (isolated / "config.toml").write_text('[answer]\nmodel = "model.json"\n')
    err = assert_usage_error(*run_main(capsys, "ask", QUESTION))
    assert err == f"ecpat-bot: error: {message}\n".replace(
        "model.json", str(isolated / "model.json")
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ("ask", QUESTION, "--article", "~nosuchuser/a.txt"),
            "article not found: ~nosuchuser/a.txt",
        ),
        (
            ("ask", QUESTION, "--config", "~nosuchuser/c.toml"),
            "config file not found: ~nosuchuser/c.toml",
        ),
        (("eval", "~nosuchuser/q.jsonl"), "question file not found: ~nosuchuser/q.jsonl"),
    ],
)
def test_a_home_folder_that_does_not_exist_is_not_found(
    isolated: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], message: str
) -> None:
    err = assert_usage_error(*run_main(capsys, *argv))
    assert err == f"ecpat-bot: error: {message}\n"
