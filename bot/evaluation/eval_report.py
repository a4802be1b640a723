"""The ``ecpat-bot eval`` terminal report: headline figures, a per-category table, failures.

Pure text from the summary and results :mod:`bot.evaluation.evaluate` produces, so the report can be
checked without running the CLI.
"""

from __future__ import annotations

from typing import Any

from bot.evaluation.evaluate import Result

# Headline lines: label, summary key, the count it is a share of, what it means.
ROWS = (
    ("answer accuracy", "answer_accuracy", "answerable", "answerable questions answered right"),
    ("decline rate", "decline_rate", "unanswerable", "unanswerable questions declined"),
    ("false declines", "false_decline_rate", "answerable", "answerable questions declined"),
    ("passage hit@1", "hit_at_1", "answerable", "gold passage ranked first"),
    ("passage hit@k", "hit_at_k", "answerable", "gold passage in the top k"),
    ("MRR", "mrr", None, "mean reciprocal rank of the gold passage"),
)
# Per-category table: column heading, summary key.
COLUMNS = (
    ("acc", "accuracy"),
    ("ans.acc", "answer_accuracy"),
    ("decline", "decline_rate"),
    ("f.decl", "false_decline_rate"),
    ("hit@1", "hit_at_1"),
    ("hit@k", "hit_at_k"),
    ("MRR", "mrr"),
    ("alone", "accuracy_without_context"),
)


def _fmt(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def report(summary: dict[str, Any], results: tuple[Result, ...], max_failures: int = 50) -> str:
    """The terminal report: figures, a per-category table, then the failed questions."""
    k = summary["k"]
    lines = [
        f"{summary['file']}: {summary['questions']} questions ({summary['answerable']} answerable,"
        f" {summary['unanswerable']} unanswerable), {summary['format']}, top_k {k}"
        + ("" if summary["context"] else ", context questions NOT asked"),
        "",
    ]
    for label, key, base, meaning in ROWS:
        value, total = summary[key], summary[base] if base else None
        count = f"{round(value * total)}/{total} " if value is not None and total else ""
        lines.append(f"  {label.replace('@k', f'@{k}'):<17}{_fmt(value):>7}   {count}{meaning}")
    lines.append(
        f"  {'latency':<17}median {_fmt(summary['latency_median_ms'], 2)} ms, "
        f"p95 {_fmt(summary['latency_p95_ms'], 2)} ms"
    )
    for cat, group in summary["by_category"].items():
        if group["with_context"]:
            n = group["with_context"]
            lines.append(
                f"  {'context':<17}{cat}: {round(group['accuracy_with_context'] * n)}/{n} right "
                f"with context, {round(group['accuracy_without_context'] * n)}/{n} asked alone"
                f" ({group['lost_to_context']} lost to context)"
            )
    lines += ["", _table(summary), ""]
    failures = [r for r in results if not r.correct]
    lines.append(f"Failed questions: {len(failures)}")
    shown = failures if max_failures <= 0 else failures[:max_failures]
    for r in shown:
        lines += _failure(r)
    if len(shown) < len(failures):
        lines.append(f"... and {len(failures) - len(shown)} more (--max-failures 0 lists all)")
    return "\n".join(lines)


def _table(summary: dict[str, Any]) -> str:
    width = max([len("category"), *(len(c) for c in summary["by_category"])]) + 2
    head = f"{'category':<{width}}{'n':>5}" + "".join(f"{h:>9}" for h, _ in COLUMNS)
    rows = [head, "-" * len(head)]
    groups = [*summary["by_category"].items(), ("all", summary)]
    for cat, group in groups:
        cells = "".join(f"{_fmt(group[key]):>9}" for _, key in COLUMNS)
        rows.append(f"{cat:<{width}}{group['questions']:>5}{cells}")
    return "\n".join(rows)


def _short(text: str, limit: int = 220) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _failure(r: Result) -> list[str]:
    q = r.question
    lines = [f"- {q.id} [{q.category}] {q.question}"]
    if q.context:
        lines.append(f"    after: {' / '.join(q.context)}")
    expected = "a decline" if q.unanswerable else " | ".join(f"“{a}”" for a in q.answers[:4])
    lines.append(f"    expected: {_short(expected, 160)}")
    said = "declined" if r.kind == "decline" else r.kind
    lines.append(f"    bot ({said}): {_short(r.answer)}")
    if not q.unanswerable:
        top = ", ".join(p.id for p in r.passages) or "none"
        where = f"rank {r.rank}" if r.rank else "not in the ranked passages"
        lines.append(f"    gold passage: {where} (ranked: {top})")
    return lines
