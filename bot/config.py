"""Configuration: ``config.toml`` read once into frozen dataclasses and passed down.

Precedence: command-line flag > environment (``ECPAT_BOT_<TABLE>_<KEY>``) > file > default.
A file may hold only the keys it changes. Unknown tables or keys and bad values are errors
that name the key, so a typo never silently does nothing; an unknown ``ECPAT_BOT_*`` variable
is reported as a warning (:func:`unknown_env`).
"""

from __future__ import annotations

import dataclasses
import math
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, get_type_hints

from retrieval.bm25 import VARIANTS
from retrieval.records import RetrievalSettings
from retrieval.signals import NAMES

CONFIG_ENV = "ECPAT_BOT_CONFIG"
HISTORY_ENV = "ECPAT_BOT_HISTORY"  # the REPL's history file (bot.terminal.repl), not a config key
TOKEN_ENV = "TELEGRAM_BOT_TOKEN"  # the Telegram bot token: never in a file or ECPAT_BOT_*
ENV_PREFIX = "ECPAT_BOT_"


class ConfigError(ValueError):
    """A config file, key or value that cannot be used."""


@dataclass(frozen=True)
class ArticleConfig:
    """``path``: article files or folders of ``.txt`` articles (empty: the shipped article).

    A TOML string or array; from the environment or flags, paths are separated by the OS path
    separator (``:`` on Linux and macOS, ``;`` on Windows), as in ``PATH``.
    """

    path: tuple[str, ...] = ()
    url: str = ""
    max_passage_chars: int = 700


@dataclass(frozen=True)
class RetrievalConfig(RetrievalSettings):
    """The ranking settings plus how many ranked passages an answer carries."""

    top_k: int = 3

    def settings(self) -> RetrievalSettings:
        return RetrievalSettings(
            **{f.name: getattr(self, f.name) for f in fields(RetrievalSettings)}
        )


@dataclass(frozen=True)
class AnswerConfig:
    min_confidence: float = 0.5
    model: str = ""
    ignore_signals: tuple[str, ...] = ()
    min_coverage: float = 0.35
    max_sentences: int = 2
    max_question_chars: int = 4096


@dataclass(frozen=True)
class ConversationConfig:
    max_turns: int = 10
    idle_minutes: float = 60.0
    followup_weight: float = 0.5
    followup_lift: float = 0.5
    article_lift: float = 0.25


@dataclass(frozen=True)
class TelegramConfig:
    base_url: str = "https://api.telegram.org/bot"
    base_file_url: str = ""
    mode: str = "polling"
    poll_timeout: int = 30
    persistence_path: str = "ecpat-bot-telegram.pickle"
    webhook_url: str = ""
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_path: str = "telegram"
    webhook_secret_token: str = ""
    questions_per_minute: int = 10
    allowed_chat_ids: tuple[int, ...] = ()
    messages_per_second: float = 20.0
    chat_messages_per_second: float = 1.0
    flood_retries: int = 3
    updates_per_minute: int = 30
    chat_queue_limit: int = 20
    concurrent_updates: int = 256
    send_retries: int = 3
    send_retry_seconds: float = 1.0


@dataclass(frozen=True)
class CacheConfig:
    """The built index kept on disk between starts (see :mod:`bot.index_cache`)."""

    enabled: bool = True
    dir: str = ""
    min_chars: int = 200_000


@dataclass(frozen=True)
class Config:
    article: ArticleConfig = field(default_factory=ArticleConfig)
    retrieval: RetrievalConfig = field(default_factory=RetrievalConfig)
    answer: AnswerConfig = field(default_factory=AnswerConfig)
    conversation: ConversationConfig = field(default_factory=ConversationConfig)
    telegram: TelegramConfig = field(default_factory=TelegramConfig)
    cache: CacheConfig = field(default_factory=CacheConfig)


def _coerce(name: str, kind: Any, value: Any, parse_text: bool = True) -> Any:
    """Check ``value`` against the field type; with ``parse_text`` strings are parsed."""
    if isinstance(value, str) and kind is not str and parse_text:
        text = value.strip()
        try:
            if kind is bool:
                if text.lower() not in {"true", "false", "1", "0", "yes", "no"}:
                    raise ValueError
                return text.lower() in {"true", "1", "yes"}
            if kind is int:
                return int(text)
            if kind is float:
                return _coerce(name, kind, float(text))
            if kind == tuple[int, ...]:
                return tuple(int(part) for part in text.replace(",", " ").split())
            if kind == tuple[str, ...]:
                # Paths are separated as in PATH (they may hold commas or spaces); names by
                # commas or spaces.
                if name.endswith(".path"):
                    return tuple(p.strip() for p in value.split(os.pathsep) if p.strip())
                return tuple(text.replace(",", " ").split())
        except ValueError:
            raise ConfigError(
                f"config key {name}: cannot read {value!r} as {_kind(kind)}"
            ) from None
    if kind is float and isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise ConfigError(f"config key {name}: expected a finite number, got {value!r}")
        return float(value)
    if kind == tuple[int, ...] and isinstance(value, list):
        if all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            return tuple(value)
    elif kind == tuple[str, ...]:
        if isinstance(value, str):  # one path in a file: a TOML string
            return (value,) if value.strip() else ()
        if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            return tuple(v for v in value if v.strip())
    elif isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return value
    raise ConfigError(f"config key {name}: expected {_kind(kind)}, got {value!r}")


def _kind(kind: Any) -> str:
    names = {str: "a string", int: "an integer", float: "a number", bool: "true or false"}
    if kind == tuple[str, ...]:
        return "a string or a list of strings"
    return names.get(kind, "a list of integers")


def _check(config: Config) -> None:
    """Value checks that types alone cannot express."""
    r, a, c = config.retrieval, config.answer, config.conversation
    rules = [
        (r.variant in VARIANTS, "retrieval.variant", f"one of {', '.join(VARIANTS)}"),
        (r.k1 >= 0, "retrieval.k1", "0 or more"),
        (0 <= r.b <= 1, "retrieval.b", "between 0 and 1"),
        (r.sentence_weight >= 0, "retrieval.sentence_weight", "0 or more"),
        (0 <= r.max_edits <= 2, "retrieval.max_edits", "0, 1 or 2"),
        (1 <= r.top_k <= 50, "retrieval.top_k", "between 1 and 50"),
        (r.phrase_weight >= 0, "retrieval.phrase_weight", "0 or more"),
        (0 <= r.synonym_weight <= 1, "retrieval.synonym_weight", "between 0 and 1"),
        (r.unknown_weight >= 0, "retrieval.unknown_weight", "0 or more"),
        (r.name_weight >= 1, "retrieval.name_weight", "1 or more"),
        (r.candidates >= 1, "retrieval.candidates", "at least 1"),
        (0 <= a.min_coverage <= 1, "answer.min_coverage", "between 0 and 1"),
        (0 <= a.min_confidence <= 1, "answer.min_confidence", "between 0 and 1"),
        (
            set(a.ignore_signals) <= set(NAMES),
            "answer.ignore_signals",
            f"a list of signal names ({', '.join(NAMES)})",
        ),
        (c.followup_lift >= 0, "conversation.followup_lift", "0 or more"),
        (c.article_lift >= 0, "conversation.article_lift", "0 or more"),
        (1 <= a.max_sentences <= 5, "answer.max_sentences", "between 1 and 5"),
        (a.max_question_chars >= 10, "answer.max_question_chars", "at least 10"),
        (config.article.max_passage_chars >= 50, "article.max_passage_chars", "at least 50"),
        (c.max_turns >= 1, "conversation.max_turns", "at least 1"),
        (config.cache.min_chars >= 0, "cache.min_chars", "0 or more"),
        (c.idle_minutes > 0, "conversation.idle_minutes", "more than 0"),
        (0 <= c.followup_weight <= 1, "conversation.followup_weight", "between 0 and 1"),
    ]
    for ok, name, expected in rules:
        if not ok:
            raise ConfigError(f"config key {name} must be {expected}")


def _beside(base_dir: Path, value: str) -> str:
    path = Path(value).expanduser()
    return str(path if path.is_absolute() else base_dir / path)


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"config file {path} is not valid TOML: {err}") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"cannot read config file {path}: {err}") from None


def build_config(
    data: Mapping[str, Any],
    overrides: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    base_dir: Path | None = None,
) -> Config:
    """A :class:`Config` from file data, then env, then ``overrides`` (``"table.key"``).

    File values must have their TOML type (``check_type = "yes"`` is an error); text from the
    environment or flags is parsed into the key's type.
    """
    tables = {f.name: f.default_factory for f in fields(Config)}  # type: ignore[misc]
    hints = {table: get_type_hints(cls) for table, cls in tables.items()}
    layers: dict[str, dict[str, Any]] = {}

    def put(table: str, key: str, value: Any, parse_text: bool) -> None:
        if table not in tables:
            raise ConfigError(f"unknown config table [{table}] (known: {', '.join(tables)})")
        if key not in hints[table]:
            known = ", ".join(hints[table])
            raise ConfigError(f"unknown config key {table}.{key} (known in [{table}]: {known})")
        name = f"{table}.{key}"
        layers.setdefault(table, {})[key] = _coerce(name, hints[table][key], value, parse_text)

    for table, values in data.items():
        if table not in tables:
            raise ConfigError(f"unknown config table [{table}] (known: {', '.join(tables)})")
        if not isinstance(values, Mapping):
            raise ConfigError(f"config [{table}] must be a table of keys")
        for key, value in values.items():
            put(table, key, value, parse_text=False)
    if base_dir is not None:  # paths in a file are relative to the file
        for table, key in (("article", "path"), ("answer", "model"), ("cache", "dir")):
            value = layers.get(table, {}).get(key)
            if isinstance(value, tuple):
                layers[table][key] = tuple(_beside(base_dir, v) for v in value)
            elif value:
                layers[table][key] = _beside(base_dir, value)
    for var, dotted in env_keys().items():
        if env and var in env:
            table, _, key = dotted.partition(".")
            put(table, key, env[var], parse_text=True)
    for dotted, value in (overrides or {}).items():
        table, _, key = dotted.partition(".")
        if value is not None:
            put(table, key, value, parse_text=True)
    sections = {t: dataclasses.replace(cls(), **layers.get(t, {})) for t, cls in tables.items()}
    config = Config(**sections)
    _check(config)
    return config


def env_keys() -> dict[str, str]:
    """Every settings variable and its key (``ECPAT_BOT_RETRIEVAL_K1`` -> ``retrieval.k1``)."""
    names = {}
    for table in fields(Config):
        for key in get_type_hints(table.default_factory):  # type: ignore[arg-type]
            names[f"{ENV_PREFIX}{table.name}_{key}".upper()] = f"{table.name}.{key}"
    return names


def unknown_env(env: Mapping[str, str]) -> list[str]:
    """One line per ``ECPAT_BOT_*`` variable that sets nothing, with the nearest real name.

    A misspelt variable would otherwise be ignored without a word. It is a warning rather
    than an error like an unknown file key: the environment is shared with other programs,
    and a stale export should not stop a running service.
    """
    known = [*env_keys(), CONFIG_ENV, HISTORY_ENV]
    suffixes = [name.removeprefix(ENV_PREFIX) for name in known]  # the shared prefix is no hint
    messages = []
    for var in sorted(env):
        if var.startswith(ENV_PREFIX) and var not in known:
            import difflib  # only now: every command's start-up imports this module

            near = difflib.get_close_matches(var.removeprefix(ENV_PREFIX), suffixes, n=1)
            if var.endswith("_TOKEN"):
                hint = f"the bot token is read from {TOKEN_ENV}"
            elif near:
                hint = f"did you mean {ENV_PREFIX}{near[0]}?"
            else:
                hint = f"settings are {ENV_PREFIX}<TABLE>_<KEY>"
            messages.append(f"unknown environment variable {var} is ignored ({hint})")
    return messages


def load_config(
    path: str | Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
) -> Config:
    """Load the config: ``path``, else $ECPAT_BOT_CONFIG, else ./config.toml if present."""
    env = os.environ if env is None else env
    chosen = path or env.get(CONFIG_ENV) or None
    if chosen is None and Path("config.toml").is_file():
        chosen = "config.toml"
    data: dict[str, Any] = {}
    base_dir = None
    if chosen:
        file = Path(chosen).expanduser()
        data = read_toml(file)
        base_dir = file.resolve().parent
    return build_config(data, overrides, env, base_dir)
