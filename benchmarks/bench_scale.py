"""How BM25 build time, query latency and memory grow with the corpus, next to two baselines.

    python benchmarks/bench_scale.py                        # 12, 2,000, 20,000, 100,000 passages
    python benchmarks/bench_scale.py --sizes 12,2000 --queries 50 --json

Corpora: the shipped ECPAT article (12 passages), and deterministic corpora of the requested
sizes recombined from the SQuAD excerpt's paragraphs with a seeded RNG (each passage: one
paragraph's sentences shuffled, about a third swapped for sentences of the same article,
titled by the article). Queries: SQuAD questions spread over the file (the shipped question
set for the ECPAT article, whose vocabulary SQuAD's questions barely meet), analysed once with
``retrieval.analyzer.analyze``. Every engine gets the same analysed passages and queries.

Measured per size, each engine in its own subprocess (so peak RSS, ``ru_maxrss``, is its own):
build seconds; per-query latency p50/p95 over repeated passes; the top 10 passages per query,
to check the baselines rank alike. Engines: ``BM25Index.scores`` (this project), rank-bm25's
``get_scores`` (the definition BM25Index reproduces), ``bm25s`` (``pip install -e '.[bench]'``;
its "lucene" method is our default variant without the constant k1 + 1 factor, in float32),
``bm25s-retrieve`` (bm25s as a user calls it: its own tokenizer on the question text, then
``retrieve(k=10)``) and ``Retriever`` build and ``search(query(text), 10)`` (the whole ranker,
questions as text).
``Engine`` and ``Engine-cached`` are the whole bot as it serves (``benchmarks/scale_engine.py``):
the first start (parse, build, write the index cache) and a later one (the index loaded from
that cache), ``Engine.reply`` latency, and resident memory before and after 2,000 distinct
questions. Targets at 100,000 passages: reply p50 at most 3x bm25s's p50 and p95 at most 10x
its p95 in the same run; a start from the cache under 5 s; resident memory at most 3x bm25s's.
The engine's ratios are reported against both bm25s engines (``scale_report.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _path in (ROOT, ROOT / "benchmarks"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import numpy as np  # noqa: E402
from scale_report import serving_ratios, table  # noqa: E402

from corpus import Passage, load_article  # noqa: E402
from corpus.sentences import split_sentences  # noqa: E402
from retrieval.analyzer import analyze  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "squad-v2-dev-head.json"
ECPAT_QUESTIONS = ROOT / "corpus" / "questions" / "ecpat.jsonl"
SIZES = (12, 2_000, 20_000, 100_000)
ENGINES = (
    "BM25Index",
    "rank-bm25",
    "bm25s",
    "bm25s-retrieve",
    "Retriever",
    "Engine",
    "Engine-cached",
)
# Engines whose query returns its top passages (the others return a score per passage).
RANKING = ("bm25s-retrieve", "Retriever")
SERVING = ("Engine", "Engine-cached")  # Engine-cached loads what Engine wrote: run it after
SEED = 20240601
K1, B = 1.2, 0.75  # RetrievalSettings' defaults, for every engine
TOP = 10


def squad(path: Path) -> tuple[list[tuple[str, list]], list[str]]:
    """(article title, its paragraphs' sentences) per paragraph, and every question in order."""
    data = json.loads(path.read_text("utf-8"))["data"]
    paragraphs = [
        (article["title"].replace("_", " "), list(split_sentences(p["context"])))
        for article in data
        for p in article["paragraphs"]
    ]
    questions = [q["question"] for a in data for p in a["paragraphs"] for q in p["qas"]]
    return paragraphs, questions


def generated(size: int, paragraphs: list[tuple[str, list]]) -> list[Passage]:
    """``size`` passages recombined from SQuAD paragraphs, the same for the same size, always."""
    rng = random.Random(f"{SEED}:{size}")
    by_title: dict[str, list] = {}
    for title, sentences in paragraphs:
        by_title.setdefault(title, []).extend(sentences)
    passages = []
    for i in range(size):
        title, sentences = paragraphs[i % len(paragraphs)]
        picked = [rng.choice(by_title[title]) if rng.random() < 1 / 3 else s for s in sentences]
        rng.shuffle(picked)
        text = " ".join(s.text for s in picked)
        passages.append(Passage(f"p{i + 1}", title, text, tuple(picked)))
    return passages


def spread(items: Sequence[str], n: int) -> list[str]:
    """``n`` items evenly spaced over ``items`` (all of them when there are fewer)."""
    if n >= len(items):
        return list(items)
    return [items[i * len(items) // n] for i in range(n)]


def workload(size: int, paragraphs: list, questions: list[str], n: int) -> dict:
    if size == 12:
        passages = list(load_article().passages)
        lines = ECPAT_QUESTIONS.read_text("utf-8").splitlines()
        questions = [json.loads(line)["question"] for line in lines if line.strip()]
    else:
        passages = generated(size, paragraphs)
    every = list(questions)
    asked = [(q, analyze(q)) for q in spread(questions, n)]
    asked = [(q, tokens) for q, tokens in asked if tokens]  # bm25s rejects an empty query
    return {
        "passages": passages,
        "documents": [analyze(f"{p.section} {p.text}") for p in passages],
        "questions": [q for q, _ in asked],
        "queries": [tokens for _, tokens in asked],
        "all_questions": every,
        "shipped": size == 12,
    }


# -- one engine, in a subprocess ---------------------------------------------------------------


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes on macOS


def rss_mb() -> float | None:
    """Resident memory now (Linux only): what an engine keeps once its build's peak is over."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError):
        return None


def top(scores: np.ndarray) -> list[int]:
    """The best ``TOP`` passages, ties in corpus order (scores rounded as the ranker does)."""
    order = np.lexsort((np.arange(len(scores)), -np.round(np.asarray(scores, float), 9)))
    return order[:TOP].tolist()


def engine(name: str, work: dict) -> tuple[Callable[[], object], Callable[[object, int], list]]:
    """(build, query): build() -> index; query(index, i) -> the top passages for query i."""
    docs, queries = work["documents"], work["queries"]
    if name == "BM25Index":
        from retrieval.bm25 import BM25Index

        weights = [Counter(q) for q in queries]  # a repeated word counts twice, as in rank-bm25
        return (lambda: BM25Index(docs, "lucene", K1, B)), lambda ix, i: ix.scores(weights[i])
    if name == "rank-bm25":
        from retrieval.bm25 import rank_bm25_model

        build = lambda: rank_bm25_model(docs, "lucene", K1, B)  # noqa: E731
        return build, lambda model, i: model.get_scores(queries[i])
    if name == "bm25s":
        try:
            import bm25s
        except ImportError:
            raise SystemExit("bm25s is not installed: pip install -e '.[bench]'") from None

        def build_bm25s() -> object:
            retriever = bm25s.BM25(k1=K1, b=B, method="lucene")
            retriever.index(docs, show_progress=False)
            return retriever

        return build_bm25s, lambda retriever, i: retriever.get_scores(queries[i])
    if name == "bm25s-retrieve":
        return bm25s_as_called(work)
    from retrieval.ranker import RetrievalSettings, Retriever

    ids = {p.id: n for n, p in enumerate(work["passages"])}
    texts = work["questions"]

    def search(retriever: Retriever, i: int) -> list[int]:
        return [ids[h.passage.id] for h in retriever.search(retriever.query(texts[i]), TOP)]

    return (lambda: Retriever(work["passages"], RetrievalSettings())), search


def bm25s_as_called(work: dict) -> tuple[Callable[[], object], Callable[[object, int], list]]:
    """bm25s as a user calls it: its own tokenizer and stemmer, question text in, top 10 out.

    Passages are indexed from their text (section title + text, as the others), tokenized by
    ``bm25s.tokenize`` with English stop words and PyStemmer's English stemmer; each query
    tokenizes the question text the same way and calls ``retrieve(tokens, k=10)``. Unlike the
    ``bm25s`` engine (``get_scores`` on tokens analysed beforehand), every query pays for
    tokenizing, stemming and selecting the top 10, as the bot does for its own.
    """
    try:
        import bm25s
        import Stemmer
    except ImportError:
        raise SystemExit("bm25s is not installed: pip install -e '.[bench]'") from None
    stemmer = Stemmer.Stemmer("english")
    texts = [f"{p.section} {p.text}" for p in work["passages"]]
    questions = work["questions"]
    k = min(TOP, len(texts))

    def build() -> object:
        tokens = bm25s.tokenize(texts, stopwords="en", stemmer=stemmer, show_progress=False)
        retriever = bm25s.BM25(k1=K1, b=B, method="lucene")
        retriever.index(tokens, show_progress=False)
        return retriever

    def query(retriever: object, i: int) -> list[int]:
        tokens = bm25s.tokenize(questions[i], stopwords="en", stemmer=stemmer, show_progress=False)
        found, _ = retriever.retrieve(tokens, k=k, show_progress=False)  # type: ignore[attr-defined]
        return found[0].tolist()

    return build, query


def worker(name: str, path: str, min_seconds: float, max_passes: int) -> dict:
    with open(path, "rb") as file:
        work = pickle.load(file)
    if name in SERVING:
        from scale_engine import engine_worker

        folder = os.path.dirname(path)
        cached = name == "Engine-cached"
        result = engine_worker(work, folder, cached, min_seconds, max_passes, rss_mb)
        result.update(build_s=result["start_s"], peak_rss_mb=peak_rss_mb())
        result["rss_before_build_mb"] = result["rss_before_start_mb"]
        result["rss_after_build_mb"] = result["rss_after_start_mb"]
        return result
    build, query = engine(name, work)
    base_rss = rss_mb() or peak_rss_mb()
    start = time.perf_counter()
    index = build()
    build_s = time.perf_counter() - start
    built_rss = rss_mb()
    query(index, 0)  # warm-up: first-use costs (a speller, numpy dispatch) are not latency
    samples: list[float] = []
    tops: list[list[int]] = []
    began, passes = time.perf_counter(), 0
    while passes < max_passes and (not passes or time.perf_counter() - began < min_seconds):
        for i in range(len(work["queries"])):
            tick = time.perf_counter_ns()
            result = query(index, i)
            samples.append((time.perf_counter_ns() - tick) / 1e6)
            if not passes:
                tops.append(result if name in RANKING else top(result))
        passes += 1
    samples.sort()
    return {
        "build_s": build_s,
        "p50_ms": statistics.median(samples),
        "p95_ms": samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))],
        "samples": len(samples),
        "passes": passes,
        "rss_before_build_mb": base_rss,
        "rss_after_build_mb": built_rss,
        "peak_rss_mb": peak_rss_mb(),
        "top": tops,
    }


# -- the run -----------------------------------------------------------------------------------


def measure(name: str, path: str, args: argparse.Namespace) -> dict:
    argv = [sys.executable, str(Path(__file__).resolve()), "--worker", name, "--input", path]
    argv += ["--min-time", str(args.min_time), "--max-passes", str(args.max_passes)]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(done.stdout)


def agreement(ours: list[list[int]], theirs: list[list[int]]) -> float:
    """Mean share of our top passages a baseline also puts in its top, over the queries."""
    pairs = zip(ours, theirs, strict=True)
    return statistics.fmean(len(set(a) & set(b)) / max(len(a), 1) for a, b in pairs)


def run_size(size: int, paragraphs: list, questions: list[str], args: argparse.Namespace) -> dict:
    work = workload(size, paragraphs, questions, args.queries)
    docs = work["documents"]
    row: dict = {
        "passages": size,
        "queries": len(work["queries"]),
        "tokens": sum(map(len, docs)),
        "vocabulary": len({t for d in docs for t in d}),
        "postings": sum(len(set(d)) for d in docs),
        "engines": {},
    }
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "work.pickle")
        with open(path, "wb") as file:
            pickle.dump(work, file, protocol=pickle.HIGHEST_PROTOCOL)
        for name in args.engines:
            print(f"  {size:>7,} passages: {name} ...", file=sys.stderr, flush=True)
            row["engines"][name] = measure(name, path, args)
    ours = row["engines"].get("BM25Index", {})
    for name, result in row["engines"].items():
        if "error" in result or "error" in ours or not ours:
            continue
        result["p50_vs_BM25Index"] = result["p50_ms"] / ours["p50_ms"]
        result["build_vs_BM25Index"] = result["build_s"] / ours["build_s"]
        if name in ("rank-bm25", "bm25s", "bm25s-retrieve"):
            result["top10_agreement"] = agreement(ours["top"], result["top"])
    for result in row["engines"].values():
        result.pop("top", None)
    serving_ratios(row)
    return row


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="SQuAD 2.0 JSON")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="passage counts")
    parser.add_argument("--queries", type=int, default=200, help="questions per size")
    parser.add_argument("--engines", default=",".join(ENGINES), help="which to measure")
    parser.add_argument("--min-time", type=float, default=1.0, help="seconds of passes")
    parser.add_argument("--max-passes", type=int, default=20, help="passes over the queries")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--input", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.input, args.min_time, args.max_passes)))
        return 0
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    args.engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    if unknown := set(args.engines) - set(ENGINES):
        parser.error(f"unknown engines: {', '.join(sorted(unknown))} (from {', '.join(ENGINES)})")
    if any(s < 1 for s in sizes) or args.queries < 1 or args.max_passes < 1:
        parser.error("--sizes, --queries and --max-passes must be at least 1")
    if not args.data.is_file():
        parser.error(f"no SQuAD file at {args.data} (give --data)")
    paragraphs, questions = squad(args.data)
    results = {
        "python": platform.python_version(),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        "data": str(args.data),
        "sizes": [run_size(size, paragraphs, questions, args) for size in sizes],
    }
    print(json.dumps(results, indent=2) if args.json else table(results, K1, B))
    return 0


if __name__ == "__main__":
    sys.exit(main())
