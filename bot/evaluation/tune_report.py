"""What ``ecpat-bot tune`` prints: a TOML document (the default) or one JSON object.

Kept apart from the search in :mod:`bot.evaluation.tune` so both views are built from the same
:class:`~bot.evaluation.tune.Outcome`, and the TOML one stays a config file ``load_config`` accepts.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from bot.evaluation.tune import Outcome, Setting

SHOWN = ("accuracy", "answer_accuracy", "decline_rate", "false_decline_rate", "hit_at_1", "mrr")


def to_toml(setting: Setting, header: str = "") -> str:
    """The settings as a config file fragment ``load_config`` accepts."""
    lines = [f"# {header}"] if header else []
    lines += [
        "[retrieval]",
        f'variant = "{setting.variant}"',
        f"k1 = {float(setting.k1)!r}",
        f"b = {float(setting.b)!r}",
        "",
        "[answer]",
        f"min_confidence = {float(setting.min_confidence)!r}",
    ]
    return "\n".join(lines) + "\n"


def _line(figs: dict[str, Any]) -> str:
    return ", ".join(
        f"{name} {'-' if figs[name] is None else format(figs[name], '.3f')}" for name in SHOWN
    )


def render(outcome: Outcome, source: str, top: int = 5) -> str:
    """The report as TOML comments, then the best settings: stdout is a usable config file."""
    lines = [
        f"# ecpat-bot tune {source}: {outcome.questions} questions, objective {outcome.objective}",
        f"# {outcome.folds}-fold cross-validated (setting chosen on the other folds):",
        f"#   {_line(outcome.cross_validated)}",
        "# settings chosen per fold:",
        *(f"#   fold {n}: {s.label()}" for n, s in enumerate(outcome.fold_picks, start=1)),
        f"# best on all questions (top {top} of {len(outcome.ranking)}):",
        *(f"#   {score:.3f}  {s.label()}" for s, score in outcome.ranking[:top]),
        "# best setting, in-sample (optimistic; the cross-validated line is the estimate):",
        f"#   {_line(outcome.in_sample)}",
        "",
    ]
    return "\n".join(lines) + to_toml(outcome.best)


def to_json(outcome: Outcome, source: str) -> dict[str, Any]:
    """Everything the TOML report says, as data: every grid point's score, not just the top."""
    return {
        "file": source,
        "questions": outcome.questions,
        "objective": outcome.objective,
        "folds": outcome.folds,
        "best": dataclasses.asdict(outcome.best),
        "cross_validated": outcome.cross_validated,
        "in_sample": outcome.in_sample,
        "fold_picks": [dataclasses.asdict(s) for s in outcome.fold_picks],
        "ranking": [{**dataclasses.asdict(s), "score": score} for s, score in outcome.ranking],
    }
