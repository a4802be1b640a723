"""What hostile messages cost ecpat-bot, next to a normal question in the same run.

    python benchmarks/bench_hostile.py             # table
    python benchmarks/bench_hostile.py --json      # one JSON object
    python benchmarks/bench_hostile.py --reps 5    # quicker

Each message goes to ``Engine.reply`` on a fresh ``Conversation`` (the repeated "how much"
as a follow-up of an answered question), ``--reps`` times after one warm-up pass that builds
what is built once (the typo corrector, the word tables). Reported per message: the reply's
kind, the median wall time, the peak of memory allocated while answering (tracemalloc, one
separate run, as tracing slows the code down) and both as ratios to the normal question's.

The engine allows messages of 40,000 characters (``answer.max_question_chars``; the default is
4,096) so messages longer than Telegram's limit still reach the answering stages; the
ligature message is refused by the limit all the same, as NFKC makes it 72,000 characters.
Standard library timing only; no network.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import string
import sys
import time
import tracemalloc
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.config import AnswerConfig, Config  # noqa: E402
from bot.engine import Conversation, Engine  # noqa: E402
from corpus import load_article  # noqa: E402

NORMAL = "When was ECPAT founded?"
MAX_CHARS = 40_000


def messages() -> dict[str, str]:
    """The hostile messages, by name (the normal question first: the baseline)."""
    rng = random.Random(1)
    distinct = " ".join(
        "".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 9))) for _ in range(4000)
    )
    return {
        "normal question": NORMAL,
        '"how much " x 450, a follow-up': "how much " * 450,
        "one 4,000-letter word": "a" * 4000,
        "4,000 ligatures (NFKC x18)": "\ufdfa" * 4000,
        "4,000 distinct random words": distinct,
        "4,000 emoji": "\U0001f600" * 4000,
        "4,000 combining marks": "e" + "\u0301" * 4000,
        "4,000 zero-width spaces": "When was ECPAT founded" + "\u200b" * 4000 + "?",
        "an article word 2,000 times": "ECPAT " * 2000,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=21, help="timed runs per message")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)

    config = Config(answer=replace(AnswerConfig(), max_question_chars=MAX_CHARS))
    engine = Engine(load_article(), config)
    _, answered = engine.reply(Conversation(), NORMAL)

    def conversation(name: str) -> Conversation:
        return answered if "follow-up" in name else Conversation()

    texts = messages()
    for name, text in texts.items():  # warm-up: what is built once is built here
        engine.reply(conversation(name), text)
    engine.reply(Conversation(), "When was ECPAT fonded?")

    rows = []
    for name, text in texts.items():
        times = []
        for _ in range(args.reps):
            start = time.perf_counter()
            reply, _ = engine.reply(conversation(name), text)
            times.append((time.perf_counter() - start) * 1000)
        tracemalloc.start()
        engine.reply(conversation(name), text)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        rows.append(
            {
                "message": name,
                "chars": len(text),
                "reply": str(reply.kind),
                "median_ms": statistics.median(times),
                "peak_kb": peak / 1024,
            }
        )
    base = rows[0]
    for row in rows:
        row["time_ratio"] = row["median_ms"] / base["median_ms"]
        row["memory_ratio"] = row["peak_kb"] / max(base["peak_kb"], 1e-9)

    if args.json:
        print(json.dumps({"machine": platform.platform(), "reps": args.reps, "rows": rows}))
        return 0
    print(f"{'message':32} {'chars':>6} {'reply':>9} {'median ms':>10} {'x normal':>9}", end="")
    print(f" {'peak KB':>9} {'x normal':>9}")
    for row in rows:
        print(
            f"{row['message']:32} {row['chars']:>6} {row['reply']:>9} "
            f"{row['median_ms']:>10.2f} {row['time_ratio']:>9.1f} "
            f"{row['peak_kb']:>9.1f} {row['memory_ratio']:>9.1f}"
        )
    print(f"\n{platform.platform()}; median of {args.reps} runs after a warm-up pass")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
