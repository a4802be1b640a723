"""The command line: ``bot.terminal.cli.main`` in-process (fast) and the real ``python -m bot``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import assert_usage_error, run_main

TITLE = "End Child Prostitution and Trafficking"
URL = "https://en.wikipedia.org/wiki/ECPAT"
FOUNDED = f"ECPAT International — Founded: 1990.\n\nSource: {TITLE} › Infobox — {URL}\n"
CODE_SECTION = (
    "The code of conduct for the protection of children from sexual exploitation in travel and "
    "tourism"
)
DECLINE = (
    "Sorry, the article doesn't say. Try, for example: “When was ECPAT founded?” or "
    "“Who chairs ECPAT?”"
)


# -- ask, text ---------------------------------------------------------------------------------


def test_ask_founded(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_main(capsys, "ask", "When was ECPAT founded?")
    assert (code, out, err) == (0, FOUNDED, "")
    assert "1990" in out


def test_ask_joins_unquoted_words(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_main(capsys, "ask", "when", "was", "ecpat", "founded") == (0, FOUNDED, "")
    assert run_main(capsys, "ask", "When was ECPAT", "founded?") == (0, FOUNDED, "")


@pytest.mark.parametrize(
    "argv",
    [
        ("ask", "--json", "when", "was", "ECPAT", "founded"),
        ("ask", "when", "was", "ECPAT", "founded", "--json"),
        ("ask", "-v", "--json", "when", "was", "ECPAT", "founded", "--config", "none.toml"),
    ],
)
def test_ask_flags_parse_around_unquoted_words(
    isolated: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]
) -> None:
    (isolated / "none.toml").write_text("")
    code, out, err = run_main(capsys, *argv)
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["question"] == "when was ECPAT founded"
    assert data["answer"] == "ECPAT International — Founded: 1990."


def test_ask_with_references(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_main(capsys, "ask", "What is The Code?")
    assert code == 0
    assert out == (
        "The Code is a set of protocols that tourism operators may sign up to, in order to ensure "
        "that their businesses do not facilitate or encourage the sexual exploitation of children "
        "by travelers and tourists. The Code was developed by ECPAT Sweden in 1996 and is "
        "promoted through the international ECPAT network.\n"
        "\n"
        f"Source: {TITLE} › {CODE_SECTION} — {URL}\n"
        '  [9] Ms. Anne van der TuukAbang Africa Travel (2013-11-21). "History". The Code. '
        "Retrieved 2014-01-22.\n"
        '  [10] Hetter, Katia. "Fighting sex trafficking in hotels, one room at a time". CNN.\n'
    )


def test_ask_markup_is_answered_normally(isolated: Path, capsys) -> None:
    code, out, err = run_main(capsys, "ask", "<b>When</b> was ECPAT *founded*?")
    assert (code, out, err) == (0, FOUNDED, "")


def test_ask_unrelated_declines(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_main(capsys, "ask", "What is the capital of France?")
    assert (code, out, err) == (0, DECLINE + "\n", "")


def test_ask_small_talk(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_main(capsys, "ask", "hi")
    assert code == 0
    assert out == f"Hello! Ask me anything about {TITLE}, for example: “When was ECPAT founded?”\n"


# -- ask --json --------------------------------------------------------------------------------


def ask_json(capsys: pytest.CaptureFixture[str], question: str, *flags: str) -> dict:
    code, out, err = run_main(capsys, "ask", "--json", question, *flags)
    assert (code, err) == (0, "")
    data = json.loads(out)  # the whole of stdout is one JSON object
    assert isinstance(data, dict)
    assert out.startswith("{") and out.endswith("}\n")
    assert set(data) == {"question", "answer", "abstained", "citation", "passages"}
    assert data["question"] == question
    for p in data["passages"]:
        assert set(p) == {"id", "section", "score", "text"}
        assert isinstance(p["score"], float)
    scores = [p["score"] for p in data["passages"]]
    assert scores == sorted(scores, reverse=True)
    assert len(data["passages"]) <= 3  # top_k
    return data


def test_json_answer(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = ask_json(capsys, "When was ECPAT founded?")
    assert data["abstained"] is False
    assert data["answer"] == "ECPAT International — Founded: 1990."
    assert data["citation"] == {
        "article": TITLE,
        "section": "Infobox",
        "url": URL,
        "references": [],
    }
    assert len(data["passages"]) == 3
    assert data["passages"][0]["id"] == "infobox"
    assert data["passages"][0]["section"] == "Infobox"
    assert "Founded: 1990." in data["passages"][0]["text"]


def test_json_references(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = ask_json(capsys, "Which agreements has ECPAT signed?")
    assert data["abstained"] is False
    assert "Internet Watch Foundation" in data["answer"]
    citation = data["citation"]
    assert set(citation) == {"article", "section", "url", "references"}
    assert citation["section"] == "Protecting children online"
    # The marker closing the sentence sources it; the one after a name sources that name.
    assert citation["references"] == [
        {
            "n": 14,
            "text": "http://www.childhelplineinternational.org/resources/news/mou-asia-pacfic/",
            "url": "http://www.childhelplineinternational.org/resources/news/mou-asia-pacfic/",
        },
        {
            "n": 13,
            "text": '"ECPAT International and the INHOPE Foundation cooperate in the fight against '
            'child sexual abuse material". inhopefoundation.org. Retrieved 4 August 2015.',
            "url": "https://inhopefoundation.org",
        },
    ]
    assert data["passages"][0]["id"] == "protecting-children-online-1"


def test_json_unrelated(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = ask_json(capsys, "What is the capital of France?")
    assert data["abstained"] is True
    assert data["citation"] is None
    assert data["answer"] == DECLINE
    assert "When was ECPAT founded?" in data["answer"]  # says what it can answer instead


def test_json_small_talk(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = ask_json(capsys, "thanks")
    assert (data["abstained"], data["citation"], data["passages"]) == (True, None, [])
    assert data["answer"].startswith("You're welcome!")


def test_json_passages_follow_top_k(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (isolated / "config.toml").write_text("[retrieval]\ntop_k = 1\n")
    data = ask_json(capsys, "When was ECPAT founded?")
    assert [p["id"] for p in data["passages"]] == ["infobox"]


# -- another article ---------------------------------------------------------------------------

GUILD_SCHOOL = (
    "The guild opened its first training school in 1902, teaching lamp care and signal codes.\n"
    "\n"
    # Another article gets no ECPAT link (article.url is empty by default).
    "Source: Lighthouse Keepers Guild › History\n"
    "  [3] https://example.org/guild/school\n"
)


def test_article_flag_answers_from_that_article(
    isolated: Path, capsys: pytest.CaptureFixture[str], small_article: Path
) -> None:
    question = "When did the guild open its first training school?"
    code, out, err = run_main(capsys, "ask", question, "--article", str(small_article))
    assert (code, out, err) == (0, GUILD_SCHOOL, "")
    code, out, _ = run_main(
        capsys, "ask", "When was ECPAT founded?", "--article", str(small_article)
    )
    assert out.startswith("Sorry, the article doesn't say.")


def test_article_flag_beats_env_and_env_beats_file(
    isolated: Path,
    capsys: pytest.CaptureFixture[str],
    small_article: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    question = "When did the guild open its first training school?"
    (isolated / "config.toml").write_text('[article]\npath = "from-file.txt"\n')
    err = assert_usage_error(*run_main(capsys, "ask", question))
    assert "from-file.txt" in err
    monkeypatch.setenv("ECPAT_BOT_ARTICLE_PATH", str(small_article))
    assert run_main(capsys, "ask", question) == (0, GUILD_SCHOOL, "")
    monkeypatch.setenv("ECPAT_BOT_ARTICLE_PATH", "from-env.txt")
    assert run_main(capsys, "ask", question, "--article", str(small_article))[1] == GUILD_SCHOOL


# -- the real command --------------------------------------------------------------------------


@pytest.mark.e2e
def test_real_command_ask(run_bot) -> None:
    done = run_bot("ask", "When was ECPAT founded?")
    assert (done.returncode, done.stdout, done.stderr) == (0, FOUNDED, "")


@pytest.mark.e2e
def test_real_command_ask_without_quotes(run_bot) -> None:
    done = run_bot("ask", "when", "was", "ecpat", "founded")
    assert (done.returncode, done.stdout, done.stderr) == (0, FOUNDED, "")


@pytest.mark.e2e
@pytest.mark.parametrize(
    "args",
    [
        ("ask", ""),
        ("ask", "When was ECPAT founded?", "--article", "nope.txt"),
    ],
)
def test_real_command_errors(run_bot, args: tuple[str, ...]) -> None:
    done = run_bot(*args)
    assert_usage_error(done.returncode, done.stdout, done.stderr)


@pytest.mark.e2e
def test_real_command_huge_question(run_bot) -> None:
    done = run_bot("ask", "When " * 20_000)
    assert_usage_error(done.returncode, done.stdout, done.stderr)


@pytest.mark.e2e
def test_ask_does_not_import_telegram(bot_env: dict[str, str], tmp_path: Path) -> None:
    code = (
        "import sys; from bot.terminal.cli import main; main(['ask','When was ECPAT founded?']); "
        "assert not any(m == 'telegram' or m.startswith('telegram.') for m in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=bot_env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == FOUNDED


@pytest.mark.e2e
def test_ascii_only_stdout_gets_no_traceback(run_bot) -> None:
    done = run_bot("ask", "What is The Code?", PYTHONIOENCODING="ascii")
    assert "Traceback" not in done.stderr
    assert done.returncode == 0
    assert "The Code is a set of protocols" in done.stdout
