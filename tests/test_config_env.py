"""Unknown ``ECPAT_BOT_*`` variables: a one-line error (exit 2) that names the nearest real one."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from cli_helpers import run_main

from bot.config import ConfigError, env_keys, load_config, unknown_env

ROOT = Path(__file__).resolve().parent.parent


def test_every_key_of_config_toml_has_its_variable() -> None:
    data = tomllib.loads((ROOT / "config.toml").read_text("utf-8"))
    expected = {
        f"ECPAT_BOT_{table}_{key}".upper(): f"{table}.{key}"
        for table, values in data.items()
        for key in values
    }
    assert env_keys() == expected


def test_known_variables_give_no_warning() -> None:
    env = {var: "1" for var in env_keys()}
    env |= {"ECPAT_BOT_CONFIG": "x.toml", "ECPAT_BOT_HISTORY": "h", "PATH": "/bin", "HOME": "/"}
    assert unknown_env(env) == []


@pytest.mark.parametrize(
    ("var", "hint"),
    [
        ("ECPAT_BOT_RETRIEVAL_K3", "did you mean ECPAT_BOT_RETRIEVAL_K1?"),
        ("ECPAT_BOT_ARTICLE_PAHT", "did you mean ECPAT_BOT_ARTICLE_PATH?"),
        ("ECPAT_BOT_ANSWER_MIN_COVERAG", "did you mean ECPAT_BOT_ANSWER_MIN_COVERAGE?"),
        ("ECPAT_BOT_TELEGRAM_TOKEN", "the bot token is read from TELEGRAM_BOT_TOKEN"),
        ("ECPAT_BOT_XYZ", "settings are ECPAT_BOT_<TABLE>_<KEY>"),
    ],
)
def test_unknown_variable_is_named_with_a_hint(var: str, hint: str) -> None:
    assert unknown_env({var: "secret value", "ECPAT_BOT_RETRIEVAL_K1": "1.5"}) == [
        f"unknown environment variable {var} ({hint})"
    ]


def test_unknown_variable_is_an_error(isolated: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(env={"ECPAT_BOT_RETRIEVAL_K3": "9"})
    assert str(info.value) == (
        "unknown environment variable ECPAT_BOT_RETRIEVAL_K3 (did you mean ECPAT_BOT_RETRIEVAL_K1?)"
    )


def test_a_misspelt_allow_list_stops_the_bot_instead_of_opening_it(
    isolated: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ECPAT_BOT_TELEGRAM_ALLOWED_CHAT_ID", "5")
    code, out, err = run_main(capsys, "telegram")
    assert (code, out) == (2, "")
    assert err == (
        "ecpat-bot: error: unknown environment variable ECPAT_BOT_TELEGRAM_ALLOWED_CHAT_ID "
        "(did you mean ECPAT_BOT_TELEGRAM_ALLOWED_CHAT_IDS?)\n"
    )


def test_several_unknown_variables_still_give_one_line(
    isolated: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ECPAT_BOT_RETRIEVAL_K3", "2")
    monkeypatch.setenv("ECPAT_BOT_XYZ", "2")
    code, out, err = run_main(capsys, "ask", "When was ECPAT founded?")
    assert (code, out) == (2, "")
    assert err == (
        "ecpat-bot: error: unknown environment variable ECPAT_BOT_RETRIEVAL_K3 "
        "(did you mean ECPAT_BOT_RETRIEVAL_K1?) (and 1 more)\n"
    )


def test_the_variable_error_comes_before_a_config_file_error(
    isolated: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A misspelt ECPAT_BOT_CONFIG explains why ./config.toml is read."""
    monkeypatch.setenv("ECPAT_BOT_CONFG", "mine.toml")
    (isolated / "config.toml").write_text("[retrieval]\nk2 = 1\n")
    code, out, err = run_main(capsys, "ask", "When was ECPAT founded?")
    assert (code, out) == (2, "")
    assert err == (
        "ecpat-bot: error: unknown environment variable ECPAT_BOT_CONFG "
        "(did you mean ECPAT_BOT_CONFIG?)\n"
    )


@pytest.mark.e2e
def test_real_command_stops_at_an_unknown_variable(run_bot) -> None:
    done = run_bot("ask", "When was ECPAT founded?", ECPAT_BOT_ANSWER_MIN_COVERAG="0.3")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "ecpat-bot: error: unknown environment variable ECPAT_BOT_ANSWER_MIN_COVERAG "
        "(did you mean ECPAT_BOT_ANSWER_MIN_COVERAGE?)\n"
    )
