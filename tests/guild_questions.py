"""Question rows about the hand-written guild article (tests/conftest.py), shared by the
eval and tune tests, and the JSONL file they are written to."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# Three answerable questions the bot answers right against the guild article.
GUILD_FACTS: list[dict[str, Any]] = [
    {
        "id": "g1",
        "question": "When did the guild open its first training school?",
        "answers": ["1902"],
        "category": "fact",
    },
    {
        "id": "g2",
        "question": "How many keepers had the school trained by 1950?",
        "answers": ["more than 400"],
        "category": "fact",
    },
    {
        "id": "g3",
        "question": "When was the guild founded?",
        "answers": ["1871"],
        "category": "fact",
    },
]


def write_jsonl(folder: Path, rows: list[Any], name: str = "q.jsonl") -> Path:
    """``rows`` as a JSONL question file (a str row is written as it is, for malformed lines)."""
    path = folder / name
    lines = [r if isinstance(r, str) else json.dumps(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
