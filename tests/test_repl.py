"""The REPL: whole transcripts through the real ``python -m bot repl``, commands in-process."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.terminal.cli import main
from bot.terminal.repl import HELP, PROMPT, Session, loop

TITLE = "End Child Prostitution and Trafficking"
URL = "https://en.wikipedia.org/wiki/ECPAT"
BANNER = f"Ask me about “{TITLE}”. Type :help for commands, Ctrl-D to leave."
CODE_SOURCE = (
    f"Source: {TITLE} › The code of conduct for the protection of children from sexual "
    f"exploitation in travel and tourism — {URL}\n"
    '  [9] Ms. Anne van der TuukAbang Africa Travel (2013-11-21). "History". The Code. '
    "Retrieved 2014-01-22.\n"
    '  [10] Hetter, Katia. "Fighting sex trafficking in hotels, one room at a time". CNN.\n'
)
CODE_ANSWER = (
    "The Code is a set of protocols that tourism operators may sign up to, in order to ensure "
    "that their businesses do not facilitate or encourage the sexual exploitation of children by "
    "travelers and tourists. The Code was developed by ECPAT Sweden in 1996 and is promoted "
    "through the international ECPAT network.\n\n" + CODE_SOURCE
)
COUNTRIES_ANSWER = (
    "Today, more than 1,300 tour operators, hotels, airlines and other travel businesses across "
    "42 countries have signed up.\n\n" + CODE_SOURCE
)
NEXT_PASSAGE = (
    "The ECPAT International network consists of 102 member organisations in 93 countries. Its "
    "secretariat is based in Bangkok, Thailand, providing technical support to member groups, "
    "coordinating research, and managing international advocacy campaigns.\n\n"
    f"Source: {TITLE} › Lead — {URL}\n"
    '  [1] "ECPAT International". ECPAT International. Retrieved 2018-03-12.\n'
)


# -- the real command --------------------------------------------------------------------------


@pytest.mark.e2e
def test_transcript_follow_up_and_more_then_eof(run_bot) -> None:
    done = run_bot("repl", stdin="What is The Code?\nIn how many countries?\n:more\n")
    assert done.stderr == ""
    assert done.returncode == 0
    assert done.stdout == (
        f"{BANNER}\n"
        f"{PROMPT}{CODE_ANSWER}"
        f"{PROMPT}{COUNTRIES_ANSWER}"
        f"{PROMPT}{NEXT_PASSAGE}"
        f"{PROMPT}\n"  # Ctrl-D: a newline, then leave
    )


@pytest.mark.e2e
def test_transcript_quit_stops_reading(run_bot) -> None:
    done = run_bot("repl", stdin=":help\n:quit\nWhen was ECPAT founded?\n")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == f"{BANNER}\n{PROMPT}{HELP}\n{PROMPT}"


@pytest.mark.e2e
def test_ctrl_c_leaves_cleanly(bot_env: dict[str, str], tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "repl"],
        cwd=tmp_path,
        env=bot_env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        # Wait for the prompt: the REPL is then blocked reading stdin.
        seen = b""
        deadline = time.monotonic() + 30
        while not seen.endswith(PROMPT.encode()) and time.monotonic() < deadline:
            ready, _, _ = select.select([proc.stdout], [], [], 1.0)
            if ready:
                chunk = os.read(proc.stdout.fileno(), 4096)
                if not chunk:
                    break
                seen += chunk
        assert seen.endswith(PROMPT.encode()), seen
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0
    assert b"Traceback" not in err
    assert err == b""
    assert (seen + out).decode() == f"{BANNER}\n{PROMPT}\n"


# -- the session's commands, in-process --------------------------------------------------------


@pytest.fixture
def session(engine: Engine) -> Session:
    return Session(engine)


def test_help(session: Session) -> None:
    assert session.handle(":help") == HELP
    assert session.handle(":h") == HELP
    assert session.handle("  :?  ") == HELP
    for command in (":more", ":sources", ":why", ":help", ":quit"):
        assert command in HELP


@pytest.mark.parametrize("command", [":quit", ":q", ":exit", "  :quit  "])
def test_quit(session: Session, command: str) -> None:
    assert session.handle(command) is None


def test_blank_line_prints_nothing(session: Session) -> None:
    assert session.handle("") == ""
    assert session.handle("   ") == ""
    assert session.conversation.turns == ()


def test_unknown_command(session: Session) -> None:
    assert session.handle(":bogus") == "Unknown command :bogus. Type :help for the list."
    assert session.conversation.turns == ()


def test_why_before_a_question(session: Session) -> None:
    assert session.handle(":why") == "Ask a question first."


def test_why_shows_ranked_passages_with_scores(session: Session) -> None:
    session.handle("When was ECPAT founded?")
    lines = session.handle(":why").splitlines()
    assert len(lines) == 3  # top_k
    pattern = re.compile(r"^(\d)\. (\d+\.\d{3}) \(covers \d{1,3}%\) \[([\w.-]+)\] [^:]+: .+$")
    matches = [pattern.match(line) for line in lines]
    assert all(matches), lines
    assert [int(m.group(1)) for m in matches] == [1, 2, 3]
    scores = [float(m.group(2)) for m in matches]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] > 0
    assert lines[0].startswith("1. ")
    assert "(covers 100%) [infobox] Infobox: ECPAT International. Founded: 1990." in lines[0]
    assert all(len(line) < 300 for line in lines)  # long passages are shortened


def test_sources(session: Session) -> None:
    assert session.handle(":sources") == (
        "There is no answer to give sources for yet. Ask me a question first."
    )
    session.handle("What is The Code?")
    assert session.handle(":sources") == (
        f"Source: {TITLE} › The code of conduct for the protection of children from sexual "
        f"exploitation in travel and tourism — {URL}\n"
        '  [9] Ms. Anne van der TuukAbang Africa Travel (2013-11-21). "History". The Code. '
        "Retrieved 2014-01-22.\n"
        '  [10] Hetter, Katia. "Fighting sex trafficking in hotels, one room at a time". CNN.'
    )


def test_more_and_sources_follow_the_shown_passage(session: Session) -> None:
    assert session.handle("What is The Code?") == CODE_ANSWER.rstrip("\n")
    assert session.handle("In how many countries?") == COUNTRIES_ANSWER.rstrip("\n")
    assert session.handle(":more") == NEXT_PASSAGE.rstrip("\n")
    assert session.handle(":sources") == (
        f"Source: {TITLE} › Lead — {URL}\n"
        '  [1] "ECPAT International". ECPAT International. Retrieved 2018-03-12.'
    )


# -- the loop ----------------------------------------------------------------------------------


def drive(lines: list[str], end: type[BaseException]) -> tuple[int, list[str], list[str]]:
    """Run ``loop`` on scripted input ending in ``end``; return code, prompts and output."""
    pending = list(lines)
    prompts: list[str] = []
    written: list[str] = []

    def read(prompt: str) -> str:
        prompts.append(prompt)
        if not pending:
            raise end
        return pending.pop(0)

    def respond(line: str) -> str | None:
        return None if line == "bye!" else line.upper()

    code = loop(respond, read=read, write=written.append, banner="hello")
    return code, prompts, written


@pytest.mark.parametrize("end", [EOFError, KeyboardInterrupt])
def test_loop_ends_on_eof_and_ctrl_c(end: type[BaseException]) -> None:
    code, prompts, written = drive(["a", "b"], end)
    assert code == 0
    assert prompts == [PROMPT] * 3
    assert written == ["hello", "A", "B", ""]


def test_loop_leaves_on_none_and_skips_empty_output() -> None:
    code, prompts, written = drive(["", "a", "bye!", "never"], EOFError)
    assert code == 0
    assert prompts == [PROMPT] * 3
    assert written == ["hello", "A"]


def test_why_when_nothing_matched(session: Session) -> None:
    session.handle("What is the capital of France?")
    assert session.handle(":why") == "No passage matched any word of the question."


def test_repl_with_a_missing_article_is_one_line(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["repl", "--article", "nope.txt"]) == 2
    out, err = capsys.readouterr()
    assert (out, err) == ("", "ecpat-bot: error: article not found: nope.txt\n")


def test_answers_wrap_at_word_boundaries_keeping_citation_indents() -> None:
    from bot.terminal.repl import wrap

    text = "one two three four five six\n  [1] a reference that is long enough http://example.org/x"
    assert wrap(text, 12).splitlines() == [
        "one two",
        "three four",
        "five six",
        "  [1] a",
        "      reference",
        "      that",
        "      is",
        "      long",
        "      enough",
        "      http://example.org/x",
    ]
    assert wrap("short", 12) == "short"
