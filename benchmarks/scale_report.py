"""The tables ``bench_scale.py`` prints, and the serving engine's ratios to both bm25s runs.

Two bm25s baselines are measured, and the engine is compared with each:

* ``bm25s``: ``get_scores`` on tokens analysed beforehand (our analyser's), one score per
  passage and no top-k: the cost of BM25 alone, the stricter baseline by far;
* ``bm25s-retrieve``: bm25s as a user calls it, question text in (its own tokenizer and
  stemmer), ``retrieve(k=10)`` out: what a search library costs per question end to end.

Memory is compared with each one's peak resident memory.
"""

from __future__ import annotations

BASELINES = ("bm25s", "bm25s-retrieve")
SERVING = ("Engine", "Engine-cached")


def serving_ratios(row: dict) -> None:
    """Add ``p50_vs_X``, ``p95_vs_X``, ``peak_rss_vs_X`` and ``rss_vs_X`` to each serving
    engine's result in ``row``, for each bm25s baseline ``X`` measured in the same run."""
    engines = row["engines"]
    for name in SERVING:
        result = engines.get(name, {})
        if not result or "error" in result:
            continue
        for base in BASELINES:
            baseline = engines.get(base, {})
            if not baseline or "error" in baseline:
                continue
            result[f"p50_vs_{base}"] = result["p50_ms"] / baseline["p50_ms"]
            result[f"p95_vs_{base}"] = result["p95_ms"] / baseline["p95_ms"]
            result[f"peak_rss_vs_{base}"] = result["peak_rss_mb"] / baseline["peak_rss_mb"]
            if result.get("rss_after_start_mb"):
                result[f"rss_vs_{base}"] = result["rss_after_start_mb"] / baseline["peak_rss_mb"]


def num(x: float) -> str:
    """Three significant digits, without exponents: 0.00312, 4.56, 78,109."""
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def table(results: dict, k1: float, b: float) -> str:
    """Every engine at every size, then the serving engines against both bm25s baselines."""
    lines = [
        f"BM25 at scale — Python {results['python']}, {results['machine']}; k1={k1}, b={b}",
        "",
        "| passages | engine | build ms | p50 ms | p95 ms | p50 / BM25Index | build / BM25Index "
        "| RSS MB: before build / after / peak | top-10 agreement |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in results["sizes"]:
        for name, r in row["engines"].items():
            if "error" in r:
                lines.append(f"| {row['passages']:,} | {name} | error: {r['error']} |||||||")
                continue
            ratio = r.get("p50_vs_BM25Index", float("nan"))
            build = r.get("build_vs_BM25Index", float("nan"))
            agree = f"{r['top10_agreement']:.1%}" if "top10_agreement" in r else "—"
            after = r["rss_after_build_mb"]
            rss = f"{r['rss_before_build_mb']:.0f} / {after or float('nan'):.0f} / "
            lines.append(
                f"| {row['passages']:,} | {name} | {num(r['build_s'] * 1e3)} | "
                f"{num(r['p50_ms'])} | {num(r['p95_ms'])} | {num(ratio)}x | {num(build)}x | "
                f"{rss}{r['peak_rss_mb']:.0f} | {agree} |"
            )
    lines.append("")
    for row in results["sizes"]:
        lines.append(
            f"{row['passages']:,} passages: {row['queries']} queries, {row['tokens']:,} tokens, "
            f"{row['vocabulary']:,} terms, {row['postings']:,} postings"
        )
        lines += serving_lines(row)
    return "\n".join(lines)


def serving_lines(row: dict) -> list[str]:
    """The engine's start, latency and memory, as ratios to each bm25s baseline measured."""
    out = []
    for name in SERVING:
        r = row["engines"].get(name, {})
        if not r or "error" in r:
            continue
        line = (
            f"  {name}: start {r['start_s']:.2f} s; reply p50 {num(r['p50_ms'])} ms, "
            f"p95 {num(r['p95_ms'])} ms; RSS after start {r['rss_after_start_mb'] or 0:.0f} MB, "
            f"peak {r['peak_rss_mb']:.0f} MB"
        )
        if "distinct_questions" in r:
            line += (
                f"; RSS {r['rss_before_questions_mb']:.0f} -> {r['rss_halfway_mb']:.0f} -> "
                f"{r['rss_after_questions_mb']:.0f} MB"
                f" over {r['distinct_questions']:,} distinct questions"
            )
        out.append(line)
        for base in BASELINES:
            if f"p50_vs_{base}" not in r:
                continue
            rss = r.get(f"rss_vs_{base}")
            out.append(
                f"    vs {base}: p50 {num(r[f'p50_vs_{base}'])}x, "
                f"p95 {num(r[f'p95_vs_{base}'])}x, "
                f"RSS after start {num(rss) + 'x' if rss else '—'}, "
                f"peak RSS {num(r[f'peak_rss_vs_{base}'])}x its peak"
            )
    return out
