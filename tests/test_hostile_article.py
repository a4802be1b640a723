"""Hostile article files: parsed in time linear in their size, read only when they are regular
files under the size limit, and invisible marks at line ends ignored.

The slow inputs run the real ``python -m bot`` and bound the CPU time the child used, with
room to spare: before parsing was made linear each took 10 to 90 seconds.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import assert_usage_error, run_main
from conftest import ROOT, _clean_env

HEAD = "Guild Notes\n\nFrom Wikipedia, the free encyclopedia\n\nThe guild keeps lamps burning.\n\n"
SLOW_CPU_SECONDS = 3.0


def _nested(depth: int) -> str:
    """``[[[1]2]2]...``: each round of marker removal uncovers one more marker."""
    return "[" * depth + "1" + "]2" * depth + "]"


HOSTILE = {
    "a line of 40,000 spaces": "The guild keeps lamps" + " " * 40_000 + "burning here.\n",
    "spaces inside a heading": "x" + " " * 100_000 + "y[edit]\nThe school opened in 1902.\n",
    "markers nested 16,000 deep": "The guild keeps lamps burning " + _nested(16_000) + ".\n",
    "400 KB of Mr. Smith": "The guild met." + " Mr. Smith" * 40_000 + ".\n",
    "50,000 repeated markers": "The guild keeps lamps burning." + "[1]" * 50_000 + "\n",
    "50,000 repeated references": "References[edit]\n" + "  1. ^ Same.\n" * 50_000,
    "30,000 sentences in a paragraph": "The guild keeps a lamp. " * 30_000 + "\n",
    "10,000 repeated headings": "History[edit]\nThe guild keeps a lamp here.\n" * 10_000,
    "a heading of 100,000 characters": "x" * 100_000 + "[edit]\n" + "A lamp is kept.\n" * 5_000,
    "a reference of 100,000 dots": "  1. ^ " + "a." * 100_000 + "\n",
}


def _run(
    *args: str, timeout: float = 30, **env: str
) -> tuple[subprocess.CompletedProcess[str], float]:
    """``python -m bot ARGS`` and the CPU seconds it used (its own count, not wall time)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={**_clean_env(), **env},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        cwd=ROOT / "tests",
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return done, cpu


@pytest.mark.e2e
@pytest.mark.parametrize("body", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_article_is_parsed_in_linear_time(tmp_path: Path, body: str) -> None:
    article = tmp_path / "hostile.txt"
    article.write_text(HEAD + body, encoding="utf-8")
    done, cpu = _run("ask", "What does the guild keep?", "--article", str(article), "--no-cache")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines()[-1].startswith("Source: Guild Notes › ")
    assert cpu < SLOW_CPU_SECONDS


@pytest.mark.e2e
def test_a_device_is_not_read_as_an_article() -> None:
    done, _ = _run("ask", "When?", "--article", "/dev/zero", timeout=20)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "ecpat-bot: error: article is not a regular file: /dev/zero\n"


@pytest.mark.e2e
def test_a_named_pipe_is_not_waited_on(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)
    done, _ = _run("ask", "When?", "--article", str(pipe), timeout=20)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"ecpat-bot: error: article is not a regular file: {pipe}\n"


def test_an_article_over_the_size_limit_is_an_error(
    isolated: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (isolated / "big.txt").write_text(HEAD + "The guild keeps lamps burning.\n" * 10)
    monkeypatch.setenv("ECPAT_BOT_ARTICLE_MAX_FILE_BYTES", "200")
    err = assert_usage_error(*run_main(capsys, "ask", "When?", "--article", "big.txt"))
    assert (
        err
        == "ecpat-bot: error: article is larger than 200 bytes (article.max_file_bytes): big.txt\n"
    )


def test_the_default_size_limit_reads_the_shipped_article(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shipped = ROOT / "corpus" / "data" / "ecpat.txt"
    code, out, _ = run_main(capsys, "ask", "When was ECPAT founded?", "--article", str(shipped))
    assert (code, out.splitlines()[0]) == (0, "ECPAT International — Founded: 1990.")


def test_a_byte_order_mark_is_not_part_of_the_title(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (isolated / "bom.txt").write_text("\ufeff" + HEAD + "The school opened in 1902.\n")
    code, out, err = run_main(capsys, "ask", "When did the school open?", "--article", "bom.txt")
    assert (code, err) == (0, "")
    assert out.splitlines() == ["The school opened in 1902.", "", "Source: Guild Notes › Lead"]


@pytest.mark.parametrize("mark", ["\u200e", "\u200f", "\u202c", "\u2069", "\u200e\u200f "])
def test_a_paragraph_ending_in_a_bidi_mark_is_kept(
    isolated: Path, capsys: pytest.CaptureFixture[str], mark: str
) -> None:
    text = "Guild Notes\n\nThe guild keeps lamps burning.\n\nHistory[edit]\n\n"
    (isolated / "bidi.txt").write_text(text + f"The school opened in 1902 in Port Ellis.{mark}\n")
    code, out, err = run_main(capsys, "ask", "When did the school open?", "--article", "bidi.txt")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "The school opened in 1902 in Port Ellis.",
        "",
        "Source: Guild Notes › History",
    ]
