"""The whole engine at scale, for ``bench_scale.py``: start, reply latency, memory over time.

A generated corpus is written as one article text file (a heading every four paragraphs, as a
long Wikipedia article has), so the engine is measured as it serves: ``Engine.from_config``
parses, builds and (with the index cache on) writes or loads the index, then ``Engine.reply``
answers each question in a fresh conversation. Passages are the article's, so they can differ
a little from the BM25 engines' (the parser splits paragraphs over ``max_passage_chars``).

Two workers, each its own process (so its memory is its own):

* ``Engine``: the first start, index cache empty (parse, build, write the cache), then replies;
* ``Engine-cached``: a later start (the index loaded from that cache), then replies, then the
  memory check: resident memory before and after 2,000 distinct questions (questions of the
  run's sets, then the same with one word misspelled, so the speller meets new words).
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path

DISTINCT = 2_000  # questions in the memory check
MAX_FILE_BYTES = 20_000_000  # config.toml's article.max_file_bytes


def article_text(passages: Sequence, title: str = "Generated article") -> str:
    """The passages as one plain-text article in the layout ``corpus.parse`` reads."""
    lines = [title, ""]
    for i, passage in enumerate(passages):
        if i % 4 == 0:
            lines += [f"{passage.section} {i // 4 + 1}[edit]", ""]
        lines += [passage.text, ""]
    return "\n".join(lines)


def misspelled(question: str, rng: random.Random) -> str:
    """``question`` with two adjacent letters of one longer word swapped."""
    words = question.split()
    long = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha()]
    if not long:
        return question + " please"
    i = rng.choice(long)
    w = words[i]
    j = rng.randrange(1, len(w) - 2)
    words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    return " ".join(words)


def distinct_questions(questions: Sequence[str], n: int = DISTINCT) -> list[str]:
    """``n`` distinct questions: the given ones, then misspelled variants of them (then, for a
    short set whose variants run out, ones asking about a year)."""
    rng = random.Random(20240601)
    found = list(dict.fromkeys(questions))
    seen = set(found)
    for _ in range(20 * n):
        if len(found) >= n or not questions:
            break
        variant = misspelled(rng.choice(questions), rng)
        if variant not in seen:
            seen.add(variant)
            found.append(variant)
    year = 1000
    while len(found) < n and questions:
        found.append(f"{questions[year % len(questions)].rstrip('?')} in {year}?")
        year += 1
    return found[:n]


def engine_worker(
    work: dict,
    folder: str,
    cached: bool,
    min_seconds: float,
    max_passes: int,
    rss_mb: Callable[[], float | None],
) -> dict:
    """Start the engine (cache empty, or filled by the ``Engine`` worker), time replies."""
    from bot.config import load_config
    from bot.engine import Conversation, Engine

    article = Path(folder) / "article.txt"
    if not article.exists():
        article.write_text(article_text(work["passages"]), encoding="utf-8")
    overrides = {
        "article.path": "" if work.get("shipped") else str(article),
        "cache.dir": str(Path(folder) / "cache"),
        "cache.min_chars": "0",
        # 100,000 passages are about 60 MB of text, over the default limit on an article file.
        "article.max_file_bytes": str(max(MAX_FILE_BYTES, 2 * article.stat().st_size)),
    }
    config = load_config(overrides=overrides, env={})
    before = rss_mb()
    start = time.perf_counter()
    engine = Engine.from_config(config)
    start_s = time.perf_counter() - start
    started = rss_mb()
    questions = work["questions"]
    engine.reply(Conversation(), questions[0])  # warm-up, as for every engine
    samples: list[float] = []
    began, passes = time.perf_counter(), 0
    while passes < max_passes and (not passes or time.perf_counter() - began < min_seconds):
        for text in questions:
            tick = time.perf_counter_ns()
            engine.reply(Conversation(), text)
            samples.append((time.perf_counter_ns() - tick) / 1e6)
        passes += 1
    samples.sort()
    result = {
        "start_s": start_s,
        "passages": len(engine.article.passages),
        "p50_ms": statistics.median(samples),
        "p95_ms": samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))],
        "samples": len(samples),
        "passes": passes,
        "rss_before_start_mb": before,
        "rss_after_start_mb": started,
    }
    if cached:
        asked = distinct_questions(work["all_questions"])
        # One misspelled question first: the speller is built on first need, once.
        engine.reply(Conversation(), misspelled(asked[0], random.Random(1)))
        flat_before = halfway = rss_mb()
        for i, text in enumerate(asked):
            engine.reply(Conversation(), text)
            if i == len(asked) // 2:
                halfway = rss_mb()
        result.update(
            distinct_questions=len(asked),
            rss_before_questions_mb=flat_before,
            rss_halfway_mb=halfway,
            rss_after_questions_mb=rss_mb(),
        )
    return result
