"""``ecpat-bot tune``: grid search over BM25 settings and the decline threshold, with k-fold CV.

Picking the best of many settings on the same questions that score it flatters the winner,
so the figures reported as the estimate are cross-validated: each fold's setting is chosen on
the other folds and scored on the held-out one. Only (variant, k1, b) changes the ranking; the
decline threshold ``answer.min_confidence`` is applied afterwards to each result's decision
confidence, so one engine run per ranking setting covers every threshold. The winner is then run
once more through a real engine with its threshold, and those are the in-sample figures shown.
What the command prints (TOML or JSON) is built in :mod:`bot.evaluation.tune_report`.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from bot.config import Config
from bot.config_checks import RANGES
from bot.evaluation.evaluate import EngineFor, Progress, Result, figures, is_correct, run
from bot.evaluation.questions import Question
from retrieval.bm25 import VARIANTS

log = logging.getLogger(__name__)

T = TypeVar("T", str, float)

OBJECTIVES = ("accuracy", "answer_accuracy", "decline_rate", "hit_at_1", "hit_at_k", "mrr")
DEFAULT_VARIANTS = VARIANTS
DEFAULT_K1 = (0.9, 1.2, 1.5, 2.0)
DEFAULT_B = (0.5, 0.75, 0.9)
DEFAULT_MIN_CONFIDENCE = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
# A held-out fold smaller than this scores each setting on too few questions to trust.
MIN_FOLD_SIZE = 5


@dataclass(frozen=True)
class Setting:
    """One point of the grid."""

    variant: str
    k1: float
    b: float
    min_confidence: float

    def label(self) -> str:
        return f"{self.variant} k1={self.k1:g} b={self.b:g} min_confidence={self.min_confidence:g}"


@dataclass(frozen=True)
class Grid:
    """The values tried; the configured ones come first, so ties keep the current settings."""

    variants: tuple[str, ...]
    k1: tuple[float, ...]
    b: tuple[float, ...]
    min_confidence: tuple[float, ...]

    @property
    def engines(self) -> int:
        return len(self.variants) * len(self.k1) * len(self.b)

    def settings(self) -> list[Setting]:
        points = itertools.product(self.variants, self.k1, self.b, self.min_confidence)
        return [Setting(*point) for point in points]


@dataclass(frozen=True)
class Outcome:
    """What the search found: the winner, its figures, the CV estimate, each fold's pick."""

    best: Setting
    objective: str
    folds: int
    in_sample: dict[str, Any]
    cross_validated: dict[str, Any]
    fold_picks: tuple[Setting, ...]
    ranking: tuple[tuple[Setting, float], ...]
    questions: int


def _values(
    text: str | None, default: Sequence[T], current: T, convert: Callable[[str], T]
) -> tuple[T, ...]:
    """A flag's list (``default`` when None), the configured value first when it is tried.

    The defaults always include the configured value; a list given on the command line is
    taken as it is.
    """
    if text is None:
        values = list(default)
    else:
        try:
            values = [convert(part) for part in text.split(",") if part.strip()]
        except ValueError:
            raise ValueError(f"cannot read the list {text!r}") from None
        if not values:
            raise ValueError("a grid list must not be empty")
    if text is None or current in values:
        values.insert(0, current)
    return tuple(dict.fromkeys(values))


def grid_from_flags(
    config: Config,
    variants: str | None = None,
    k1: str | None = None,
    b: str | None = None,
    min_confidence: str | None = None,
) -> Grid:
    """The grid from comma-separated flag values (defaults when None), checked like config."""
    r, a = config.retrieval, config.answer
    grid = Grid(
        _values(variants, DEFAULT_VARIANTS, r.variant, lambda s: s.strip()),
        _values(k1, DEFAULT_K1, r.k1, float),
        _values(b, DEFAULT_B, r.b, float),
        _values(min_confidence, DEFAULT_MIN_CONFIDENCE, a.min_confidence, float),
    )
    bad = [v for v in grid.variants if v not in VARIANTS]
    if bad:
        raise ValueError(f"unknown BM25 variant {bad[0]!r} (choose from {', '.join(VARIANTS)})")
    for key, values in (("retrieval.k1", grid.k1), ("retrieval.b", grid.b)):
        allowed = RANGES[key]  # a comparison with NaN is false: `v < 0` would let it through
        if not all(allowed.allows(v) for v in values):
            raise ValueError(f"{key.partition('.')[2]} values must be {allowed}")
    if not all(RANGES["answer.min_confidence"].allows(v) for v in grid.min_confidence):
        raise ValueError(f"min_confidence values must be {RANGES['answer.min_confidence']}")
    return grid


def check_options(objective: str, folds: int) -> None:
    """ValueError for an objective or fold count ``search`` cannot use (before any work)."""
    if objective not in OBJECTIVES:
        raise ValueError(f"unknown objective {objective!r} (choose from {', '.join(OBJECTIVES)})")
    if folds < 2:
        raise ValueError("--folds must be at least 2")


def fold_warning(questions: int, folds: int) -> str | None:
    """Why ``questions`` are too few for ``folds`` (None when they are enough).

    ``search`` still runs (with at most one fold per question), but its cross-validated
    figures then rest on a handful of questions each, so the user should hear it.
    """
    if questions < folds:
        return (
            f"{questions} questions are too few for {folds} folds: using {questions} folds of "
            "one question each, so the cross-validated figures are rough"
        )
    if questions < MIN_FOLD_SIZE * folds:
        return (
            f"{questions} questions make {folds} folds of about {questions // folds} each, "
            f"fewer than {MIN_FOLD_SIZE}: the cross-validated figures are rough "
            "(use fewer --folds or more questions)"
        )
    return None


def configured(config: Config, setting: Setting) -> Config:
    """``config`` with a grid point's values (already range-checked by the grid)."""
    retrieval = dataclasses.replace(
        config.retrieval, variant=setting.variant, k1=setting.k1, b=setting.b
    )
    answer = dataclasses.replace(config.answer, min_confidence=setting.min_confidence)
    return dataclasses.replace(config, retrieval=retrieval, answer=answer)


def at_threshold(result: Result, min_confidence: float) -> Result:
    """A result obtained with ``min_confidence = 0`` as it would be with ``min_confidence``.

    The engine declines when the decision model's confidence is below the threshold; everything
    else (ranking, the sentence quoted) does not depend on it, so only ``abstained`` can change.
    """
    if result.abstained or result.confidence is None or result.confidence >= min_confidence:
        return result
    correct = is_correct(result.question, True, result.matches)
    return dataclasses.replace(result, abstained=True, kind="decline", correct=correct)


def at_setting(
    questions: Sequence[Question],
    engines: Callable[[Config], EngineFor],
    config: Config,
    setting: Setting,
    base: Sequence[Result],
) -> list[Result]:
    """Results at ``setting`` from a ``min_confidence = 0`` run of the same ranking setting.

    Questions without context take the threshold shortcut; those with context are asked again
    (a declined context question lends no subject to its follow-up, so the shortcut can't
    know their outcome). They are few, so this stays cheap.
    """
    redo = [i for i, q in enumerate(questions) if q.context]
    again: dict[int, Result] = {}
    if redo:
        engine_for = engines(configured(config, setting))
        rerun = run([questions[i] for i in redo], engine_for, compare_alone=False)
        again = dict(zip(redo, rerun, strict=True))
    return [again.get(i) or at_threshold(r, setting.min_confidence) for i, r in enumerate(base)]


def assign_folds(questions: Sequence[Question], folds: int, seed: int) -> list[int]:
    """A fold per question, shuffled within each category so every fold has a share of each."""
    rng = random.Random(seed)
    fold = [0] * len(questions)
    by_category: dict[str, list[int]] = {}
    for index, question in enumerate(questions):
        by_category.setdefault(question.category, []).append(index)
    offset = 0
    for indices in by_category.values():
        rng.shuffle(indices)
        for position, index in enumerate(indices):
            fold[index] = (offset + position) % folds
        offset += len(indices)
    return fold


def search(
    questions: Sequence[Question],
    engines: Callable[[Config], EngineFor],
    config: Config,
    grid: Grid,
    folds: int = 5,
    objective: str = "accuracy",
    seed: int = 0,
    progress: Progress | None = None,
) -> Outcome:
    """Score every grid point, cross-validate the choice, and pick the overall winner."""
    check_options(objective, folds)
    folds = min(folds, len(questions))
    if folds < 2:
        raise ValueError("tuning needs at least 2 questions")
    total = grid.engines * len(questions)
    runs: dict[tuple[str, float, float], tuple[Result, ...]] = {}
    for n, (variant, k1, b) in enumerate(itertools.product(grid.variants, grid.k1, grid.b)):
        cfg = configured(config, Setting(variant, k1, b, 0.0))
        done = n * len(questions)
        step = None if progress is None else (lambda i, _t, d=done: progress(d + i, total))
        runs[(variant, k1, b)] = run(questions, engines(cfg), compare_alone=False, progress=step)
    settings = grid.settings()
    exact: dict[Setting, dict[int, Result]] = {}

    def results(setting: Setting, indices: Sequence[int]) -> list[Result]:
        if setting not in exact:
            base = runs[(setting.variant, setting.k1, setting.b)]
            exact[setting] = dict(enumerate(at_setting(questions, engines, config, setting, base)))
        return [exact[setting][i] for i in indices]

    def best(indices: Sequence[int]) -> tuple[Setting, list[tuple[Setting, float]]]:
        scored = []
        for order, setting in enumerate(settings):
            f = figures(results(setting, indices))
            scored.append(((f[objective] or 0.0, f["mrr"] or 0.0, -order), setting))
        scored.sort(key=lambda item: item[0], reverse=True)
        return scored[0][1], [(s, key[0]) for key, s in scored]

    fold_of = assign_folds(questions, folds, seed)
    held_out: list[Result] = []
    picks = []
    for f in range(folds):
        train = [i for i in range(len(questions)) if fold_of[i] != f]
        test = [i for i in range(len(questions)) if fold_of[i] == f]
        pick, _ = best(train)
        picks.append(pick)
        held_out += results(pick, test)
        log.info("fold %d: %s", f + 1, pick.label())
    winner, ranking = best(range(len(questions)))
    real = run(questions, engines(configured(config, winner)), compare_alone=False)
    simulated = results(winner, range(len(questions)))
    if [r.correct for r in real] != [r.correct for r in simulated]:
        log.warning("threshold shortcut disagrees with a real engine run; trust the real figures")
    return Outcome(
        winner,
        objective,
        folds,
        figures(real),
        figures(held_out),
        tuple(picks),
        tuple(ranking),
        len(questions),
    )
