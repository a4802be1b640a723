"""Configuration: defaults, files, environment and flags, and the errors that name the key."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import pytest

from bot.config import (
    AnswerConfig,
    ArticleConfig,
    Config,
    ConfigError,
    ConversationConfig,
    RetrievalConfig,
    build_config,
    load_config,
)
from corpus import load_article
from retrieval.ranker import RetrievalSettings

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "config.toml"


def write(folder: Path, text: str, name: str = "config.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def config_error(text: str, tmp_path: Path) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text), env={})
    message = str(info.value)
    assert message and "\n" not in message
    return message


# -- defaults ----------------------------------------------------------------------------------


def test_shipped_config_toml_holds_the_defaults() -> None:
    assert load_config(SHIPPED, env={}) == Config()


def test_shipped_config_toml_documents_every_key_with_its_default() -> None:
    data = tomllib.loads(SHIPPED.read_text("utf-8"))
    defaults = Config()
    assert set(data) == {f.name for f in dataclasses.fields(Config)}
    for table, values in data.items():
        section = getattr(defaults, table)
        assert set(values) == {f.name for f in dataclasses.fields(section)}, table
        for key, value in values.items():
            expected = tuple(value) if isinstance(value, list) else value
            assert getattr(section, key) == expected, f"{table}.{key}"


def test_no_file_no_env_gives_defaults(isolated: Path) -> None:
    assert load_config() == Config()
    assert load_config(env={}) == Config()


def test_empty_file_gives_defaults(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, ""), env={}) == Config()


def test_one_key_keeps_every_other_default(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "[retrieval]\nk1 = 2\n"), env={})
    assert config.retrieval.k1 == 2.0
    assert isinstance(config.retrieval.k1, float)  # an integer is accepted for a number
    assert dataclasses.replace(config.retrieval, k1=1.2) == RetrievalConfig()
    assert dataclasses.replace(config, retrieval=RetrievalConfig()) == Config()


def test_settings_mirror_the_retrieval_table() -> None:
    config = RetrievalConfig(variant="okapi", k1=0.9, b=0.4, sentence_weight=2.0, max_edits=1)
    assert config.settings() == RetrievalSettings("okapi", 0.9, 0.4, 2.0, 1)


def test_config_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Config().retrieval.k1 = 3.0  # type: ignore[misc]


def test_every_value_of_a_full_file_is_read(tmp_path: Path) -> None:
    text = """
[article]
url = "https://example.org/a"
max_passage_chars = 300
[retrieval]
variant = "plus"
k1 = 0.5
b = 0.0
sentence_weight = 0
max_edits = 0
top_k = 50
[answer]
min_coverage = 1
min_confidence = 0.9
model = "model.json"
max_sentences = 5
max_question_chars = 10
[conversation]
max_turns = 1
idle_minutes = 0.5
followup_weight = 0
[telegram]
base_url = "http://127.0.0.1:8081/bot"
"""
    config = load_config(write(tmp_path, text), env={})
    assert config.article == ArticleConfig((), "https://example.org/a", 300)
    assert config.retrieval == RetrievalConfig(
        variant="plus", k1=0.5, b=0.0, sentence_weight=0.0, max_edits=0, top_k=50
    )
    assert config.answer == AnswerConfig(
        min_confidence=0.9,
        model=str(tmp_path / "model.json"),
        min_coverage=1.0,
        max_sentences=5,
        max_question_chars=10,
    )
    assert config.conversation == ConversationConfig(1, 0.5, 0.0)
    assert config.telegram.base_url == "http://127.0.0.1:8081/bot"


# -- errors that name what is wrong ------------------------------------------------------------


def test_unknown_table_is_named(tmp_path: Path) -> None:
    message = config_error("[retrievl]\nk1 = 1.0\n", tmp_path)
    assert "[retrievl]" in message


def test_unknown_key_is_named_with_the_tables_keys(tmp_path: Path) -> None:
    message = config_error("[conversation]\nmax_turn = 5\n", tmp_path)
    assert message == (
        "unknown config key conversation.max_turn "
        "(known in [conversation]: max_turns, idle_minutes, followup_weight, followup_lift, "
        "article_lift)"
    )
    assert "retrieval.k2" in config_error("[retrieval]\nk2 = 1.0\n", tmp_path)


def test_top_level_key_is_not_a_table(tmp_path: Path) -> None:
    assert "retrieval" in config_error("retrieval = 3\n", tmp_path)


@pytest.mark.parametrize(
    "text", ["k1 = \n", "[retrieval\nk1 = 1\n", '[answer]\nmin_confidence = "1\n', "[a]\n[a]\n"]
)
def test_bad_toml_is_one_line_naming_the_file(tmp_path: Path, text: str) -> None:
    message = config_error(text, tmp_path)
    assert "not valid TOML" in message
    assert "config.toml" in message


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml", env={})


def test_config_path_is_a_folder(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path, env={})
    assert "\n" not in str(info.value)


def test_config_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes('[article]\nurl = "caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(ConfigError) as info:
        load_config(path, env={})
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('[retrieval]\ntop_k = "three"', "retrieval.top_k"),
        ("[retrieval]\ntop_k = true", "retrieval.top_k"),
        ("[retrieval]\ntop_k = 2.5", "retrieval.top_k"),
        ('[retrieval]\nk1 = "fast"', "retrieval.k1"),
        ("[retrieval]\nk1 = true", "retrieval.k1"),
        ("[retrieval]\nvariant = 1", "retrieval.variant"),
        ("[article]\nurl = 5", "article.url"),
        ("[article]\nmax_passage_chars = [700]", "article.max_passage_chars"),
        ("[conversation]\nmax_turns = 1.5", "conversation.max_turns"),
        ('[telegram]\nbase_url = ["x"]', "telegram.base_url"),
    ],
)
def test_wrong_type_names_the_key(tmp_path: Path, text: str, key: str) -> None:
    assert key in config_error(text, tmp_path)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('[retrieval]\nvariant = "bm99"', "retrieval.variant"),
        ("[retrieval]\nk1 = -0.1", "retrieval.k1"),
        ("[retrieval]\nk1 = nan", "retrieval.k1"),
        ("[retrieval]\nb = 1.5", "retrieval.b"),
        ("[retrieval]\nb = -1", "retrieval.b"),
        ("[retrieval]\nsentence_weight = -1", "retrieval.sentence_weight"),
        ("[retrieval]\nmax_edits = 3", "retrieval.max_edits"),
        ("[retrieval]\ntop_k = 0", "retrieval.top_k"),
        ("[retrieval]\ntop_k = 51", "retrieval.top_k"),
        ("[retrieval]\nname_weight = 0.5", "retrieval.name_weight"),
        ("[retrieval]\ncandidates = 0", "retrieval.candidates"),
        ("[cache]\nmin_chars = -1", "cache.min_chars"),
        ("[answer]\nmin_coverage = 1.01", "answer.min_coverage"),
        ("[answer]\nmin_confidence = -1", "answer.min_confidence"),
        ("[answer]\nmax_sentences = 0", "answer.max_sentences"),
        ("[answer]\nmax_sentences = 6", "answer.max_sentences"),
        ("[answer]\nmax_question_chars = 9", "answer.max_question_chars"),
        ("[article]\nmax_passage_chars = 49", "article.max_passage_chars"),
        ("[conversation]\nmax_turns = 0", "conversation.max_turns"),
        ("[conversation]\nidle_minutes = 0", "conversation.idle_minutes"),
        ("[conversation]\nfollowup_weight = 2", "conversation.followup_weight"),
    ],
)
def test_out_of_range_names_the_key(tmp_path: Path, text: str, key: str) -> None:
    assert key in config_error(text, tmp_path)


def test_wrong_type_article_path_names_the_key(tmp_path: Path) -> None:
    assert "article.path" in config_error("[article]\npath = 5\n", tmp_path)


# -- precedence: flag > environment > file > default -------------------------------------------


def test_env_overrides_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[retrieval]\nk1 = 2.0\nb = 0.5\n")
    config = load_config(path, env={"ECPAT_BOT_RETRIEVAL_K1": "1.5"})
    assert config.retrieval.k1 == 1.5
    assert config.retrieval.b == 0.5  # the file still applies where env says nothing


def test_env_values_are_parsed_by_type(isolated: Path) -> None:
    env = {
        "ECPAT_BOT_RETRIEVAL_TOP_K": " 5 ",
        "ECPAT_BOT_RETRIEVAL_VARIANT": "okapi",
        "ECPAT_BOT_CONVERSATION_IDLE_MINUTES": "2.5",
    }
    config = load_config(env=env)
    assert (config.retrieval.top_k, config.retrieval.variant) == (5, "okapi")
    assert config.conversation.idle_minutes == 2.5


@pytest.mark.parametrize(
    ("var", "value", "key"),
    [
        ("ECPAT_BOT_RETRIEVAL_K1", "fast", "retrieval.k1"),
        ("ECPAT_BOT_RETRIEVAL_TOP_K", "2.5", "retrieval.top_k"),
        ("ECPAT_BOT_RETRIEVAL_B", "3", "retrieval.b"),
    ],
)
def test_bad_env_value_names_the_key(isolated: Path, var: str, value: str, key: str) -> None:
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        load_config(env={var: value})


def test_flag_overrides_env_and_file(tmp_path: Path) -> None:
    path = write(tmp_path, '[article]\npath = "file.txt"\n[retrieval]\ntop_k = 4\n')
    env = {"ECPAT_BOT_ARTICLE_PATH": "env.txt", "ECPAT_BOT_RETRIEVAL_TOP_K": "5"}
    config = load_config(path, {"article.path": "flag.txt", "retrieval.top_k": 6}, env)
    assert config.article.path == ("flag.txt",)
    assert config.retrieval.top_k == 6
    assert load_config(path, {"article.path": None}, env).article.path == ("env.txt",)
    file_path = load_config(path, {"article.path": None}, {}).article.path
    assert file_path == (str(tmp_path / "file.txt"),)


def test_bad_override_names_the_key(isolated: Path) -> None:
    with pytest.raises(ConfigError, match=r"retrieval\.top_k"):
        load_config(overrides={"retrieval.top_k": 0}, env={})


def test_build_config_without_a_file() -> None:
    config = build_config({}, env={"ECPAT_BOT_ANSWER_MIN_CONFIDENCE": "0.25"})
    assert config.answer.min_confidence == 0.25
    assert dataclasses.replace(config, answer=AnswerConfig()) == Config()


# -- which file is read ------------------------------------------------------------------------


def test_config_toml_in_the_working_folder_is_read(isolated: Path) -> None:
    write(isolated, "[retrieval]\ntop_k = 7\n")
    assert load_config().retrieval.top_k == 7


def test_env_names_the_config_file(isolated: Path, tmp_path_factory) -> None:
    other = write(tmp_path_factory.mktemp("elsewhere"), "[retrieval]\ntop_k = 8\n", "bot.toml")
    write(isolated, "[retrieval]\ntop_k = 7\n")
    assert load_config(env={"ECPAT_BOT_CONFIG": str(other)}).retrieval.top_k == 8
    explicit = write(isolated, "[retrieval]\ntop_k = 9\n", "explicit.toml")
    assert load_config(explicit, env={"ECPAT_BOT_CONFIG": str(other)}).retrieval.top_k == 9


def test_relative_article_path_is_relative_to_the_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_article: Path
) -> None:
    folder = tmp_path / "conf"
    folder.mkdir()
    path = write(folder, '[article]\npath = "../guild.txt"\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    config = load_config(path, env={})
    assert config.article.path == (str(folder / ".." / "guild.txt"),)
    assert load_article(config.article.path[0]).title == "Lighthouse Keepers Guild"


def test_absolute_article_path_is_kept(tmp_path: Path, small_article: Path) -> None:
    path = write(tmp_path / "..", f'[article]\npath = "{small_article.as_posix()}"\n', "abs.toml")
    assert load_config(path, env={}).article.path == (str(small_article),)


def test_a_file_value_must_have_its_toml_type_but_env_text_is_parsed() -> None:
    with pytest.raises(ConfigError, match=r"retrieval\.english_spelling: expected true or false"):
        build_config({"retrieval": {"english_spelling": "yes"}})
    with pytest.raises(ConfigError, match=r"retrieval\.k1: expected a number"):
        build_config({"retrieval": {"k1": "1.5"}})
    config = build_config({}, env={"ECPAT_BOT_RETRIEVAL_ENGLISH_SPELLING": "no"})
    assert config.retrieval.english_spelling is False
