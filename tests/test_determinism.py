"""The same question gives the same answer and the same confidence in every process.

Python salts string hashes per process, so anything summed in a set's order differs in its
last bits from run to run; near the decision threshold that could flip an answer.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

# Questions whose terms gain thesaurus alternatives (held in sets), casual and typed.
QUESTIONS = [
    "how many kids are trafficked worldwide every year",
    "who's the boss of ecpat",
    "wat r the main things ecpat focuses on",
    "did ecpat work with a cosmetics company",
]


def _eval(path: Path, seed: str, *args: str) -> list[dict]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ECPAT_BOT_")}
    env["PYTHONHASHSEED"] = seed
    out = subprocess.run(
        [sys.executable, "-m", "bot", "eval", str(path), "--json", "--no-cache", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=path.parent,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)["results"]


def test_confidences_do_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    path = tmp_path / "questions.jsonl"
    rows = [
        {"id": f"q{i}", "question": q, "answers": [], "unanswerable": True, "category": "fact"}
        for i, q in enumerate(QUESTIONS)
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    runs = [_eval(path, seed) for seed in ("0", "7", "11")]
    seen = [[(r["answer"], r["confidence"], r["passages"]) for r in run] for run in runs]
    assert seen[0] == seen[1] == seen[2]


def test_a_words_statistics_do_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    # "connectings" is no English word: its statistics are those of the article's word of the
    # same stem, and two are equally common here.
    article = tmp_path / "article.txt"
    article.write_text(
        "Wires\n\nThe wires were connected in 1901 by the city. A line connecting two towns "
        "followed in 1905.\n\nHistory[edit]\n\nThe city grew along the river after 1900.\n",
        encoding="utf-8",
    )
    path = tmp_path / "questions.jsonl"
    row = {"id": "q", "question": "when were the connectings made", "answers": ["1901"]}
    path.write_text(json.dumps({**row, "category": "fact"}) + "\n", encoding="utf-8")
    runs = [_eval(path, seed, "--article", str(article)) for seed in ("1", "2", "3", "4")]
    assert len({json.dumps([(r["answer"], r["confidence"]) for r in run]) for run in runs}) == 1


def test_chat_spellings_are_read_alike_in_every_process() -> None:
    # Consonant skeletons shared by equally common words ("shp": ship, shop).
    code = "from retrieval.wordstats import _skeletons; print(sorted(_skeletons().items()))"
    outputs = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        )
        outputs.add(run.stdout)
    assert len(outputs) == 1
