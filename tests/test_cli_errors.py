"""Bad input and setup for ``ecpat-bot``: exit code 2 and one line on stderr, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import assert_usage_error, run_main

from bot.terminal.cli import main


@pytest.mark.parametrize("question", ["", "   ", "\n\t"])
def test_empty_question(isolated: Path, capsys: pytest.CaptureFixture[str], question: str) -> None:
    err = assert_usage_error(*run_main(capsys, "ask", question))
    assert err == "ecpat-bot: error: Please type a question about the article.\n"


def test_empty_question_json(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert_usage_error(*run_main(capsys, "ask", "--json", ""))


def test_huge_question(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = assert_usage_error(*run_main(capsys, "ask", "x" * 100_000))
    assert "too long" in err
    assert "100,000" in err


def test_missing_article(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = assert_usage_error(*run_main(capsys, "ask", "When?", "--article", "nope.txt"))
    assert err == "ecpat-bot: error: article not found: nope.txt\n"


def test_empty_article(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (isolated / "empty.txt").write_text("")
    err = assert_usage_error(*run_main(capsys, "ask", "When?", "--article", "empty.txt"))
    assert "empty" in err


def test_article_is_a_folder(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert_usage_error(*run_main(capsys, "ask", "When?", "--article", str(isolated)))


def test_article_not_utf8(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (isolated / "bin.txt").write_bytes(b"\xff\xfe\x00broken")
    assert_usage_error(*run_main(capsys, "ask", "When?", "--article", "bin.txt"))


def test_bad_toml(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (isolated / "config.toml").write_text("[retrieval\nk1 = 1\n")
    err = assert_usage_error(*run_main(capsys, "ask", "When was ECPAT founded?"))
    assert "config.toml" in err


def test_unknown_config_key(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (isolated / "config.toml").write_text("[retrieval]\nk2 = 1\n")
    err = assert_usage_error(*run_main(capsys, "ask", "When was ECPAT founded?"))
    assert "retrieval.k2" in err


def test_missing_config_file(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = assert_usage_error(*run_main(capsys, "ask", "When?", "--config", "nope.toml"))
    assert "nope.toml" in err


def test_bad_env_value(
    isolated: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ECPAT_BOT_RETRIEVAL_TOP_K", "many")
    err = assert_usage_error(*run_main(capsys, "ask", "When was ECPAT founded?"))
    assert "retrieval.top_k" in err


def test_no_command_is_a_usage_error(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main([])
    assert info.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "ecpat-bot: error:" in err


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["ask", "who", "chairs", "ECPAT", "--bogus"], "ask"),
        (["repl", "--json"], "repl"),
        (["eval", "q.jsonl", "--folds", "3"], "eval"),
    ],
)
def test_an_unknown_flag_shows_its_commands_usage(
    isolated: Path, capsys: pytest.CaptureFixture[str], argv: list[str], command: str
) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"usage: ecpat-bot {command} ")
    assert f"ecpat-bot {command}: error: unrecognized arguments: " in err


def test_ask_without_a_question_is_a_usage_error(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["ask", "--json"])
    assert info.value.code == 2
    assert "the following arguments are required: question" in capsys.readouterr().err


@pytest.mark.e2e
def test_a_reader_that_leaves_early_gives_exit_141_and_no_traceback(
    tmp_path: Path, bot_env: dict[str, str]
) -> None:
    """`ecpat-bot eval ... | head -1`: the gate must not pass by accident (exit 0) nor crash."""
    import subprocess
    import sys

    rows = "".join(
        f'{{"id": "q{i}", "question": "Who chairs ECPAT?", "answers": ["nobody"]}}\n'
        for i in range(600)  # a report well over a pipe buffer (64 KiB)
    )
    (tmp_path / "q.jsonl").write_text(rows)
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "eval", "q.jsonl", "--max-failures", "0"],
        cwd=tmp_path,
        env=bot_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline()  # the first line of the report, then the reader leaves
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141
    assert "Traceback" not in err
