"""The checks behind :mod:`bot.config`: every value's type and range, and the environment.

Kept apart from the dataclasses so that adding a key means adding a field there and a range
here. A value that passes is safe for every command: numbers are finite and bounded (no score
turns into infinity, no rate stops the bot), and every failure is one :class:`ConfigError`
line naming the key and what it may be.
"""

from __future__ import annotations

import math
import os
import reprlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

ENV_PREFIX = "ECPAT_BOT_"
TOKEN_ENV = "TELEGRAM_BOT_TOKEN"  # the Telegram bot token: never in a file or ECPAT_BOT_*


class ConfigError(ValueError):
    """A config file, key or value that cannot be used."""


@dataclass(frozen=True)
class Range:
    """The numbers a key allows: ``low`` to ``high``; ``above_low``: ``low`` itself excluded;
    ``off``: 0 is also allowed, meaning the feature is off."""

    low: float
    high: float
    above_low: bool = False
    off: bool = False

    def allows(self, value: float) -> bool:
        if self.off and value == 0:
            return True
        above = value > self.low if self.above_low else value >= self.low
        return above and value <= self.high

    def __str__(self) -> str:
        low, high = _number(self.low), _number(self.high)
        text = (
            f"more than {low} and at most {high}" if self.above_low else f"between {low} and {high}"
        )
        return f"0 (off) or {text}" if self.off else text


WEIGHT = Range(0, 100)
# Bounds for a number no range below names (a key added without one): finite and not absurd.
ANY_INT = Range(-(2**63), 2**63 - 1)
ANY_FLOAT = Range(-1e9, 1e9)
CHAT_ID = Range(-(2**63), 2**63 - 1)

RANGES: dict[str, Range] = {
    "article.max_passage_chars": Range(50, 100_000),
    "article.max_file_bytes": Range(1, 2_000_000_000),
    "retrieval.k1": Range(0, 100),
    "retrieval.b": Range(0, 1),
    "retrieval.sentence_weight": WEIGHT,
    "retrieval.phrase_weight": WEIGHT,
    "retrieval.max_edits": Range(0, 2),
    "retrieval.synonym_weight": Range(0, 1),
    "retrieval.unknown_weight": WEIGHT,
    "retrieval.name_weight": Range(1, 100),
    "retrieval.candidates": Range(1, 1_000_000),
    "retrieval.top_k": Range(1, 50),
    "retrieval.max_typo_chars": Range(0, 1000),
    "retrieval.max_typo_words": Range(0, 10_000),
    "retrieval.nonword_zipf": Range(0, 8),
    "answer.min_confidence": Range(0, 1),
    "answer.min_coverage": Range(0, 1),
    "answer.max_sentences": Range(1, 5),
    "answer.max_question_chars": Range(10, 1_000_000),
    "answer.time_budget_ms": Range(1, 3_600_000, off=True),
    "answer.max_repeats": Range(2, 10_000, off=True),
    "conversation.max_turns": Range(1, 1000),
    "conversation.idle_minutes": Range(0, 525_600, above_low=True),  # up to a year
    "conversation.followup_weight": Range(0, 1),
    "conversation.followup_lift": WEIGHT,
    "conversation.article_lift": WEIGHT,
    "cache.min_chars": Range(0, 10**12),
    "telegram.poll_timeout": Range(1, 600),
    "telegram.webhook_port": Range(1, 65535),
    "telegram.questions_per_minute": Range(1, 10_000, off=True),
    "telegram.messages_per_second": Range(0.1, 1000),
    "telegram.chat_messages_per_second": Range(0.01, 100, off=True),
    "telegram.flood_retries": Range(0, 20),
    "telegram.drain_seconds": Range(0, 3600),
    "telegram.updates_per_minute": Range(1, 10_000, off=True),
    "telegram.chat_queue_limit": Range(1, 100_000, off=True),
    "telegram.concurrent_updates": Range(1, 100_000),
    "telegram.send_retries": Range(0, 20),
    "telegram.send_retry_seconds": Range(0, 60),
}


def _number(value: float) -> str:
    return f"{value:,}" if isinstance(value, int) or value.is_integer() else str(value)


_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 60
_SHORT.maxlong = 40


def shown(value: Any) -> str:
    """``value`` as a short repr: a bad value may be megabytes long or nested thousands deep."""
    return _SHORT.repr(value)


def kind_name(kind: Any) -> str:
    names = {str: "a string", int: "an integer", float: "a number", bool: "true or false"}
    if kind == tuple[str, ...]:
        return "a string or a list of strings"
    return names.get(kind, "a list of integers")


def coerce(name: str, kind: Any, value: Any, parse_text: bool = True) -> Any:
    """Check ``value`` against the field type; with ``parse_text`` strings are parsed."""
    if isinstance(value, str) and kind is not str and parse_text:
        return coerce(name, kind, _parse(name, kind, value), parse_text=False)
    if kind is float and isinstance(value, int | float) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:  # an integer of hundreds of digits
            number = math.inf
        if not math.isfinite(number):
            raise ConfigError(f"config key {name}: expected a finite number, got {shown(value)}")
        return number
    if kind == tuple[int, ...]:
        if isinstance(value, list | tuple) and all(_is_int(v) for v in value):
            return tuple(value)
        hint = f" (write [{value}])" if _is_int(value) else ""
        raise ConfigError(
            f"config key {name}: expected a list of integers, got {shown(value)}{hint}"
        )
    if kind == tuple[str, ...]:
        if isinstance(value, str):  # one path in a file: a TOML string
            return (value,) if value.strip() else ()
        if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            return tuple(v for v in value if v.strip())
    elif (kind in (str, bool) and isinstance(value, kind)) or (kind is int and _is_int(value)):
        return value
    raise ConfigError(f"config key {name}: expected {kind_name(kind)}, got {shown(value)}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _parse(name: str, kind: Any, value: str) -> Any:
    """Text from the environment or a flag read as ``kind``."""
    text = value.strip()
    try:
        if kind is bool:
            if text.lower() not in {"true", "false", "1", "0", "yes", "no"}:
                raise ValueError
            return text.lower() in {"true", "1", "yes"}
        if kind is int:
            return int(text)
        if kind is float:
            return float(text)
        if kind == tuple[int, ...]:
            return tuple(int(part) for part in text.replace(",", " ").split())
        if kind == tuple[str, ...]:
            # Paths are separated as in PATH (they may hold commas or spaces); names by
            # commas or spaces.
            if name.endswith(".path"):
                return tuple(p.strip() for p in value.split(os.pathsep) if p.strip())
            return tuple(text.replace(",", " ").split())
    except ValueError:  # also an integer of more than 4,300 digits
        pass
    raise ConfigError(f"config key {name}: cannot read {shown(value)} as {kind_name(kind)}")


def check_values(sections: Mapping[str, Any]) -> None:
    """Every number within its key's range, no NUL in a string: one line on the first that
    is not. ``sections``: table name -> its dataclass."""
    for table, section in sections.items():
        for f in fields(section):
            name, value = f"{table}.{f.name}", getattr(section, f.name)
            values = value if isinstance(value, tuple) else (value,)
            for item in values:
                _check_one(name, item)


def _check_one(name: str, value: Any) -> None:
    if isinstance(value, str):
        if "\0" in value:
            raise ConfigError(f"config key {name} must not contain a NUL character")
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        return
    default = CHAT_ID if name == "telegram.allowed_chat_ids" else None
    allowed = RANGES.get(name) or default or (ANY_INT if isinstance(value, int) else ANY_FLOAT)
    if not allowed.allows(value):
        raise ConfigError(f"config key {name} must be {allowed}, got {shown(value)}")


def check_rules(rules: Iterable[tuple[bool, str, str]]) -> None:
    """Checks that are not ranges: (holds, key, what it must be)."""
    for ok, name, expected in rules:
        if not ok:
            raise ConfigError(f"config key {name} must be {expected}")


def unknown_env(env: Mapping[str, str], known: Iterable[str]) -> list[str]:
    """One line per ``ECPAT_BOT_*`` variable that sets nothing, with the nearest real name.

    A misspelt variable would otherwise be ignored without a word, and a misspelt
    ``..._ALLOWED_CHAT_IDS`` would leave the bot open to everyone: so it is an error.
    """
    names = list(known)
    suffixes = [name.removeprefix(ENV_PREFIX) for name in names]  # the shared prefix is no hint
    messages = []
    for var in sorted(env):
        if var.startswith(ENV_PREFIX) and var not in names:
            import difflib  # only now: every command's start-up imports this module

            near = difflib.get_close_matches(var.removeprefix(ENV_PREFIX), suffixes, n=1)
            if var.endswith("_TOKEN"):
                hint = f"the bot token is read from {TOKEN_ENV}"
            elif near:
                hint = f"did you mean {ENV_PREFIX}{near[0]}?"
            else:
                hint = f"settings are {ENV_PREFIX}<TABLE>_<KEY>"
            messages.append(f"unknown environment variable {var} ({hint})")
    return messages
