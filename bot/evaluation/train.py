"""``ecpat-bot train``: fit the answer-or-decline model on question sets, with held-out figures.

The rows are each question's candidates, asked through the real pipeline
(:mod:`bot.evaluation.training_rows`), read with word associations learned from the other
sources (:mod:`bot.evaluation.associate`). Each source counts about equally (rows are
weighted), whatever its size. The figures shown are cross-validated by whole source: the
model that scores a question set or a SQuAD article never saw it, nor the cross-article rows
made from it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.config import Config
from bot.errors import UsageError
from bot.evaluation.associate import folded_rows
from bot.evaluation.boosting import TreeSettings, fit_trees
from bot.evaluation.training_rows import Row, rows_of, sources
from retrieval.associations import Tables, to_json
from retrieval.decision import Blend, Model, fit
from retrieval.signals import NAMES
from retrieval.trees import MAX_LEAVES, Trees

log = logging.getLogger(__name__)

THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7)
PER_SET_THRESHOLD = 0.5  # answer.min_confidence's default
# Weight of each family of sources in the fit (sources share their family's weight). The
# cross-article questions are thousands of easy declines: weighed as much as SQuAD they made
# the model strict with every paraphrase; at 0.4 it still declines 98% of them held out.
FAMILY_WEIGHT = {"article": 2.0, "squad": 1.0, "cross": 0.4}


def weights(rows: Sequence[Row]) -> list[float]:
    """Row weights: each family its share, split equally between its sources, mean 1."""
    sizes: dict[tuple[str, str], float] = {}
    for r in rows:
        sizes[r.family, r.source] = sizes.get((r.family, r.source), 0) + r.share
    sources: dict[str, int] = {}
    for family, _ in sizes:
        sources[family] = sources.get(family, 0) + 1
    raw = [
        r.share * FAMILY_WEIGHT[r.family] / sources[r.family] / sizes[r.family, r.source]
        for r in rows
    ]
    mean = sum(raw) / len(raw)
    return [w / mean for w in raw]


LEARNERS = ("blend", "trees", "logistic")


# The trees' share of the blended probability. Held out by whole question sets, 0.7 answered
# and declined more than an even mean (docs/quality.md).
TREES_SHARE = 0.7


def train(
    rows: Sequence[Row],
    l2: float = 1.0,
    learner: str = "blend",
    trees_share: float = TREES_SHARE,
    associations: Tables | None = None,
    growth: TreeSettings | None = None,
) -> Model:
    """The model fitted on all ``rows``: boosted trees, a logistic model, or their blend;
    ``associations``: the word associations its rows were read with, kept in the model;
    ``growth``: how the trees are grown (the defaults of :class:`TreeSettings`, with ``l2``)."""
    meta: dict[str, Any] = {"rows": len(rows), "sources": sorted({r.source for r in rows})}
    if associations:
        meta["associations"] = to_json(associations)
    values, labels, weighting = [r.values for r in rows], [r.label for r in rows], weights(rows)
    if learner == "logistic":
        return fit(values, labels, NAMES, weighting, l2, {**meta, "learner": learner, "l2": l2})
    growth = replace(growth or TreeSettings(), l2=l2)
    trees = fit_trees(values, labels, NAMES, weighting, growth, meta)
    if learner == "trees":
        return trees
    logistic = fit(values, labels, NAMES, weighting, l2, {**meta, "learner": "logistic", "l2": l2})
    return Blend((logistic, trees), {**meta, "learner": learner}, (1 - trees_share, trees_share))


def cross_validate(
    rows: Sequence[Row],
    l2: float = 1.0,
    learner: str = "blend",
    trees_share: float = TREES_SHARE,
    growth: TreeSettings | None = None,
) -> list[float]:
    """Each row's probability from a model that never saw its source."""
    probabilities = [0.0] * len(rows)
    for source in sorted({r.source for r in rows}):
        train_rows = [r for r in rows if r.source != source]
        model = train(train_rows, l2, learner, trees_share, growth=growth)
        for i, r in enumerate(rows):
            if r.source == source:
                probabilities[i] = model.probability(r.values)
    return probabilities


def decided(rows: Sequence[Row], probabilities: Sequence[float]) -> list[tuple[Row, float]]:
    """Per question, the candidate the decision quotes (the likeliest) and its probability."""
    best: dict[str, tuple[Row, float]] = {}
    for r, p in zip(rows, probabilities, strict=True):
        if r.question not in best or p > best[r.question][1]:
            best[r.question] = (r, p)
    return list(best.values())


def figures(rows: Sequence[Row], probabilities: Sequence[float], threshold: float) -> dict:
    """Answer accuracy, decline rate and false declines by family at ``threshold``."""
    out: dict[str, Any] = {}
    questions = decided(rows, probabilities)
    for family in ("article", "squad", "cross", "all"):
        chosen = [(r, p) for r, p in questions if family in ("all", r.family)]
        answerable = [(r, p) for r, p in chosen if r.answerable]
        unanswerable = [(r, p) for r, p in chosen if not r.answerable]
        out[family] = {
            "answer_accuracy": _share([r.label == 1 and p >= threshold for r, p in answerable]),
            "false_decline_rate": _share([p < threshold for _, p in answerable]),
            "decline_rate": _share([p < threshold for _, p in unanswerable]),
            "questions": len(chosen),
        }
    return out


def _share(flags: Sequence[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


def _shown(f: dict) -> str:
    """Answer accuracy / decline rate / false declines of one family's figures."""
    vals = [f[k] for k in ("answer_accuracy", "decline_rate", "false_decline_rate")]
    return " / ".join("-" if v is None else f"{v:.3f}" for v in vals)


def report(rows: Sequence[Row], probabilities: Sequence[float], model: Model) -> str:
    """Held-out figures per threshold, then the fitted weights."""
    lines = [f"{len(rows)} rows from {len({r.source for r in rows})} sources", ""]
    lines.append("held out by source: answer accuracy / decline rate / false declines")
    for t in THRESHOLDS:
        figs = figures(rows, probabilities, t)
        parts = []
        for family in ("article", "squad", "cross"):
            if figs[family]["questions"]:
                parts.append(f"{family} {_shown(figs[family])}")
        lines.append(f"  min_confidence {t:.1f}: " + "; ".join(parts))
    lines += ["", f"each question set held out, at min_confidence {PER_SET_THRESHOLD}:"]
    for source in sorted({r.source for r in rows if r.family == "article"}):
        own = [(r, p) for r, p in zip(rows, probabilities, strict=True) if r.source == source]
        f = figures([r for r, _ in own], [p for _, p in own], PER_SET_THRESHOLD)["article"]
        lines.append(f"  {source:28} {_shown(f)}")
    for part in model.models if isinstance(model, Blend) else (model,):
        if isinstance(part, Trees):
            lines += ["", f"{len(part.roots)} trees; splits per signal:"]
            ranked = sorted(part.splits().items(), key=lambda p: -p[1])
            lines += [f"  {name:16} {n:5d}" for name, n in ranked]
            continue
        lines += ["", "logistic weights (standardised signals):"]
        weighed = sorted(zip(part.features, part.weights, strict=True), key=lambda p: -abs(p[1]))
        lines += [f"  {name:16} {w:+.3f}" for name, w in weighed]
        lines.append(f"  {'(bias)':16} {part.bias:+.3f}")
    return "\n".join(lines)


def run_train(args: Any, config: Config) -> int:
    from retrieval.decision import shipped_path

    if not args.sets and not args.squad:
        raise UsageError("train needs at least one question set or --squad FILE")
    share = TREES_SHARE if args.trees_share is None else args.trees_share
    if not 0 <= share <= 1:  # also false for NaN
        raise UsageError("--trees-share must be between 0 and 1")
    growth = _growth(args)
    for path in [*args.sets, *([args.squad] if args.squad else [])]:
        if not Path(path).is_file():
            raise UsageError(f"question set not found: {path}")
    given = sources(config, args.sets, args.squad)
    if args.associations:
        rows, table = folded_rows(given)
    else:
        rows, table = rows_of(given, {}), {}
    if len({r.label for r in rows}) < 2 or len({r.source for r in rows}) < 2:
        raise UsageError("train needs right and wrong answers from at least two sources")
    model = train(rows, args.l2, args.learner, share, table, growth)
    if table:
        learned = ", ".join(f"{key} ({len(words)} words)" for key, words in table.items())
        print(f"learned associations: {learned}")
    print(report(rows, cross_validate(rows, args.l2, args.learner, share, growth), model))
    target = shipped_path() if args.shipped else (Path(args.write) if args.write else None)
    if target is not None:
        import json

        target.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
        print(f"\nmodel written to {target}")
    return 0


def _growth(args: Any) -> TreeSettings:
    """The trees' settings the flags give (the defaults for those not given); UsageError on
    one out of range."""
    given = {
        key: value
        for key in ("rounds", "leaves", "min_leaf", "learning_rate")
        if (value := getattr(args, key)) is not None
    }
    for key, least in (("rounds", 1), ("leaves", 2), ("min_leaf", 1)):
        if given.get(key, least) < least:
            raise UsageError(f"--{key.replace('_', '-')} must be at least {least}")
    if given.get("leaves", 0) > MAX_LEAVES:  # a tree's leaves are the bits of one mask
        raise UsageError(f"--leaves must be at most {MAX_LEAVES}")
    if not 0 < given.get("learning_rate", 1) <= 1:  # also false for NaN
        raise UsageError("--learning-rate must be above 0 and at most 1")
    return TreeSettings(**given, l2=args.l2)
