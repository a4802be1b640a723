"""Configuration: ``config.toml`` read once into frozen dataclasses and passed down.

Precedence: command-line flag > environment (``ECPAT_BOT_<TABLE>_<KEY>``) > file > default.
A file may hold only the keys it changes. Unknown tables or keys and bad values are errors
that name the key, so a typo never silently does nothing; so is an unknown ``ECPAT_BOT_*``
variable (:func:`check_env`). The type and range checks are in :mod:`bot.config_checks`.
"""

from __future__ import annotations

import dataclasses
import os
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, get_type_hints

from bot import config_checks as checks
from bot.config_checks import ENV_PREFIX, ConfigError, check_rules, check_values, coerce
from corpus.load import MAX_BYTES, user_path
from retrieval.bm25 import VARIANTS
from retrieval.evidence_kinds import NAMES as EVIDENCE_NAMES
from retrieval.records import RetrievalSettings
from retrieval.signals import NAMES

CONFIG_ENV = "ECPAT_BOT_CONFIG"
HISTORY_ENV = "ECPAT_BOT_HISTORY"  # the REPL's history file (bot.terminal.repl), not a config key
TOKEN_ENV = checks.TOKEN_ENV  # the Telegram bot token: never in a file or ECPAT_BOT_*
MAX_CONFIG_BYTES = 1_000_000  # a config file is a few hundred bytes; /dev/zero is not one


@dataclass(frozen=True)
class ArticleConfig:
    """``path``: article files or folders of ``.txt`` articles (empty: the shipped article).

    A TOML string or array; from the environment or flags, paths are separated by the OS path
    separator (``:`` on Linux and macOS, ``;`` on Windows), as in ``PATH``.
    """

    path: tuple[str, ...] = ()
    url: str = ""
    max_passage_chars: int = 700
    max_file_bytes: int = MAX_BYTES


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
    associations: bool = True
    min_coverage: float = 0.35
    max_sentences: int = 2
    max_question_chars: int = 4096
    time_budget_ms: float = 1000.0
    max_repeats: int = 5


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
    persistence_path: str = "ecpat-bot-telegram.sqlite3"
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
    drain_seconds: float = 5.0
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


def _check(config: Config) -> None:
    """Every number in its range (:data:`bot.config_checks.RANGES`), then the checks that a
    range cannot express."""
    check_values({f.name: getattr(config, f.name) for f in fields(config)})
    names = config.answer.ignore_signals
    check_rules(
        [
            (
                config.retrieval.variant in VARIANTS,
                "retrieval.variant",
                f"one of {', '.join(VARIANTS)}",
            ),
            (
                set(names) <= set(NAMES),
                "answer.ignore_signals",
                f"a list of signal names ({', '.join(NAMES)})",
            ),
            (
                set(config.retrieval.evidence) <= set(EVIDENCE_NAMES),
                "retrieval.evidence",
                f"a list of kinds of evidence ({', '.join(EVIDENCE_NAMES)})",
            ),
        ]
    )


def _beside(base_dir: Path, value: str) -> str:
    path = user_path(value)
    return str(path if path.is_absolute() else base_dir / path)


def read_toml(path: Path) -> dict[str, Any]:
    """A config file's tables; a file that is not small regular TOML is one-line error."""
    try:
        regular = stat.S_ISREG(path.stat().st_mode)  # a named pipe would block the open
        if regular:
            with path.open("rb") as fh:
                data = fh.read(MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except (OSError, ValueError) as err:  # ValueError: a NUL in the path
        raise ConfigError(f"cannot read config file {path}: {err}") from None
    if not regular:
        raise ConfigError(f"config file is not a regular file: {path}")
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(f"config file is larger than {MAX_CONFIG_BYTES:,} bytes: {path}")
    try:
        return tomllib.loads(data.decode("utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"config file {path} is not valid TOML: {err}") from None
    except RecursionError:
        raise ConfigError(f"config file {path} is not valid TOML: nested too deeply") from None
    except UnicodeDecodeError as err:
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
    if env:
        check_env(env)
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
        layers.setdefault(table, {})[key] = coerce(name, hints[table][key], value, parse_text)

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
    """One line per ``ECPAT_BOT_*`` variable that sets nothing (see :func:`check_env`)."""
    return checks.unknown_env(env, [*env_keys(), CONFIG_ENV, HISTORY_ENV])


def check_env(env: Mapping[str, str]) -> None:
    """An unknown ``ECPAT_BOT_*`` variable is an error, like an unknown key in a file.

    A misspelt ``ECPAT_BOT_TELEGRAM_ALLOWED_CHAT_ID`` would otherwise leave the bot open to
    every chat while its owner believes it closed.
    """
    unknown = unknown_env(env)
    if unknown:
        more = f" (and {len(unknown) - 1} more)" if len(unknown) > 1 else ""
        raise ConfigError(f"{unknown[0]}{more}")


def load_config(
    path: str | Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
) -> Config:
    """Load the config: ``path``, else $ECPAT_BOT_CONFIG, else ./config.toml if present."""
    env = os.environ if env is None else env
    check_env(env)  # first: a misspelt ECPAT_BOT_CONFIG explains a wrong file's error
    chosen = path or env.get(CONFIG_ENV) or None
    if chosen is None and Path("config.toml").is_file():
        chosen = "config.toml"
    data: dict[str, Any] = {}
    base_dir = None
    if chosen:
        file = user_path(chosen)
        data = read_toml(file)
        base_dir = file.resolve().parent
    return build_config(data, overrides, env, base_dir)
