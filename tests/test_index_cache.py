"""The index cache on disk: a hit answers the same, anything wrong with a file is rebuilt."""

from __future__ import annotations

import logging
import pickle
from pathlib import Path

import pytest

from bot.config import load_config
from bot.engine import Engine
from bot.index_cache import FORMAT, cache_dir, cache_key
from corpus.load import read_article_text
from tests.cli_helpers import run_main

QUESTIONS = (
    "When was the guild founded?",
    "Where was it founded?",
    "How many keepers had the school trained by 1950?",
    "What is the capital of France?",
)


@pytest.fixture
def cached(tmp_path: Path, small_article: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The cache folder; the small article counts as large enough to cache."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("ECPAT_BOT_CACHE_DIR", str(folder))
    monkeypatch.setenv("ECPAT_BOT_CACHE_MIN_CHARS", "0")
    monkeypatch.setenv("ECPAT_BOT_ARTICLE_PATH", str(small_article))
    return folder


def answers(engine: Engine) -> list[tuple[str, str, bool]]:
    return [(r.kind, r.text, r.abstained) for r in map(engine.ask, QUESTIONS)]


def files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*")) if folder.exists() else []


def test_a_hit_answers_as_a_fresh_build(cached: Path, caplog: pytest.LogCaptureFixture) -> None:
    fresh = answers(Engine.from_config(load_config(overrides={"cache.enabled": "false"})))
    assert files(cached) == []
    built = Engine.from_config(load_config())  # a miss: built and written
    [written] = files(cached)
    stamp = written.stat().st_mtime_ns
    loaded = Engine.from_config(load_config())  # a hit
    assert written.stat().st_mtime_ns == stamp
    assert answers(built) == answers(loaded) == fresh
    assert loaded.retriever is not built.retriever
    assert not caplog.records


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"\x00garbage, not a pickle" * 10,
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: data[:1],
        lambda data: b"",
        lambda data: pickle.dumps((FORMAT, "another key", None, None)),  # stale
        lambda data: pickle.dumps(["a list"]),
    ],
)
def test_a_damaged_file_is_rebuilt_with_one_warning(
    cached: Path, caplog: pytest.LogCaptureFixture, damage: object
) -> None:
    expected = answers(Engine.from_config(load_config()))
    [written] = files(cached)
    written.write_bytes(damage(written.read_bytes()))  # type: ignore[operator]
    with caplog.at_level(logging.WARNING, logger="bot.index_cache"):
        engine = Engine.from_config(load_config())
    [record] = caplog.records
    assert record.levelno == logging.WARNING and "rebuilding" in record.getMessage()
    assert "\n" not in record.getMessage()
    assert answers(engine) == expected
    caplog.clear()
    Engine.from_config(load_config())  # rewritten whole: a hit again
    assert not caplog.records


def test_a_changed_article_or_setting_misses(cached: Path, small_article: Path) -> None:
    Engine.from_config(load_config())
    assert len(files(cached)) == 1
    Engine.from_config(load_config(overrides={"retrieval.k1": "1.5"}))
    assert len(files(cached)) == 2
    Engine.from_config(load_config(overrides={"article.max_passage_chars": "300"}))
    assert len(files(cached)) == 3
    small_article.write_text(small_article.read_text() + "\nThe guild closed in 1999.\n")
    engine = Engine.from_config(load_config())
    assert len(files(cached)) == 4
    assert "1999" in engine.ask("When did the guild close?").text


def test_settings_that_do_not_shape_the_index_share_it(cached: Path) -> None:
    config = load_config()
    text = read_article_text(config.article.path[0])
    other = load_config(overrides={"retrieval.top_k": "5", "answer.min_confidence": "0.9"})
    assert cache_key(text, config) == cache_key(text, other)
    assert cache_key(text, config) != cache_key(text + " ", config)


def test_no_cache_flag_writes_nothing(
    cached: Path, small_article: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_main(capsys, "ask", "--no-cache", "When was the guild founded?")
    assert code == 0 and "1871" in out
    assert files(cached) == []
    code, out, _ = run_main(capsys, "ask", "When was the guild founded?")
    assert code == 0 and "1871" in out
    assert len(files(cached)) == 1


def test_small_articles_are_not_cached(
    cached: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ECPAT_BOT_CACHE_MIN_CHARS", "200000")
    code, _, _ = run_main(capsys, "ask", "When was the guild founded?")
    assert code == 0 and files(cached) == []


def test_an_unwritable_folder_is_a_warning(
    cached: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = cached.parent / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("ECPAT_BOT_CACHE_DIR", str(blocker / "cache"))
    with caplog.at_level(logging.WARNING, logger="bot.index_cache"):
        engine = Engine.from_config(load_config())
    [record] = caplog.records
    assert "not written" in record.getMessage()
    assert "1871" in engine.ask("When was the guild founded?").text


def test_the_default_folder_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = load_config(env={})
    assert cache_dir(config, {"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "ecpat-bot"
    assert cache_dir(config, {}) == Path.home() / ".cache" / "ecpat-bot"
