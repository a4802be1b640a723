"""Check that ``retrieval.candidates`` changes speed only: the same answers at two settings.

    python benchmarks/same_answers.py corpus/questions/*.jsonl ../shared/data/squad-v2-dev-head.json
    python benchmarks/same_answers.py FILE --candidates 30 --against 1000000

Runs ``ecpat-bot eval FILE --json`` once with each number of candidates (through
``ECPAT_BOT_RETRIEVAL_CANDIDATES``) and compares, question by question, the answer given,
whether the bot abstained, its confidence and the ranked passages. Exit code 1 when any differ.

Both runs get the same ``PYTHONHASHSEED`` (``--seed``): a few confidences differ in their last
bit between hash seeds, whatever the setting (a float sum over a set's order in the decision's
signals), which would hide what is compared here.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMPARED = ("id", "answer", "abstained", "confidence", "passages")


def evaluate(path: str, candidates: int, seed: int) -> tuple[list[dict], float]:
    """``ecpat-bot eval PATH --json`` with ``candidates``: its results and seconds taken."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ECPAT_BOT_")}
    env["PYTHONHASHSEED"] = str(seed)
    env["ECPAT_BOT_RETRIEVAL_CANDIDATES"] = str(candidates)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    argv = [sys.executable, "-m", "bot", "eval", path, "--json", "--no-cache"]
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):  # 1: a gate failed, which eval without gates never does
        raise SystemExit(f"eval {path} failed: {done.stderr.strip()}")
    return json.loads(done.stdout)["results"], seconds


def differences(ours: list[dict], theirs: list[dict]) -> list[str]:
    """One line per question whose compared fields differ."""
    out = []
    for a, b in zip(ours, theirs, strict=True):
        changed = [key for key in COMPARED if a.get(key) != b.get(key)]
        if changed:
            out.append(f"  {a['id']}: {', '.join(changed)} differ ({a['question']!r})")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", help="question sets (JSONL or SQuAD JSON)")
    parser.add_argument("--candidates", type=int, default=30, help="the setting checked")
    # The most the configuration allows (retrieval.candidates): more than any article here has
    # passages, so every matching passage is scored.
    parser.add_argument("--against", type=int, default=10**6, help="the reference setting")
    parser.add_argument("--seed", type=int, default=0, help="PYTHONHASHSEED of both runs")
    args = parser.parse_args(argv)
    failed = 0
    for path in args.files:
        ours, fast = evaluate(path, args.candidates, args.seed)
        theirs, slow = evaluate(path, args.against, args.seed)
        lines = differences(ours, theirs)
        answered = sum(not r["abstained"] for r in ours)
        verdict = "identical" if not lines else f"{len(lines)} differ"
        print(
            f"{path}: {len(ours)} questions ({answered} answered), {verdict} "
            f"(candidates={args.candidates}: {fast:.1f} s, {args.against}: {slow:.1f} s)"
        )
        print("\n".join(lines[:20]), end="\n" if lines else "")
        failed += bool(lines)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
