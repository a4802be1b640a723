"""Fitting the boosted-trees decision (:mod:`retrieval.trees`) with scikit-learn.

scikit-learn is a training-only extra (``pip install -e '.[train]'``); its histogram gradient
boosting is fitted here and every tree copied out as plain arrays, which is all answering
reads. The copy is checked against scikit-learn's own probabilities before it is returned,
so a change in how scikit-learn stores its trees fails training loudly instead of shipping a
different model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from bot.errors import UsageError
from retrieval.trees import Trees, build

_EXACT = 1e-9  # how far the copy may differ from scikit-learn's probabilities


@dataclass(frozen=True)
class TreeSettings:
    """How the trees are grown: ``rounds`` trees of at most ``leaves`` leaves, each leaf
    holding at least ``min_leaf`` rows, shrunk by ``learning_rate``, leaf values penalised
    by ``l2``."""

    # Held out by whole question sets and articles, trees of 31 leaves answered and declined
    # more than trees of 15 (docs/quality.md); 400 at half the rate gained no more than
    # noise, for twice the size to load and walk.
    rounds: int = 200
    learning_rate: float = 0.1
    leaves: int = 31
    min_leaf: int = 20
    l2: float = 1.0


def fit_trees(
    rows: Sequence[Mapping[str, float]],
    labels: Sequence[int],
    features: Sequence[str],
    weights: Sequence[float],
    settings: TreeSettings = TreeSettings(),
    meta: Mapping[str, Any] | None = None,
) -> Trees:
    """Boosted trees fitted to ``rows`` (weighted), as the arrays :class:`Trees` walks."""
    try:
        from sklearn.ensemble import HistGradientBoostingClassifier
    except ImportError:
        raise UsageError(
            "training trees needs scikit-learn: pip install -e '.[train]' "
            "(or use --learner logistic)"
        ) from None
    x = np.array([[row.get(f, 0.0) for f in features] for row in rows], dtype=float)
    w = np.asarray(weights, dtype=float)
    model = HistGradientBoostingClassifier(
        max_iter=settings.rounds,
        learning_rate=settings.learning_rate,
        max_leaf_nodes=settings.leaves,
        min_samples_leaf=settings.min_leaf,
        l2_regularization=settings.l2,
        early_stopping=False,
        random_state=0,
    )
    model.fit(x, np.asarray(labels), sample_weight=w)
    trees = _copy(model, features, np.average(x, axis=0, weights=w), meta, settings)
    theirs = model.predict_proba(x)[:, 1]
    ours = np.array([trees.probability(dict(zip(features, r, strict=True))) for r in x])
    if np.max(np.abs(theirs - ours)) > _EXACT:
        raise RuntimeError("the copied trees disagree with scikit-learn's: not written")
    return trees


def _copy(
    model: Any,
    features: Sequence[str],
    mean: Any,
    meta: Mapping[str, Any] | None,
    settings: TreeSettings,
) -> Trees:
    """The fitted trees as concatenated node arrays, leaves pointing to themselves."""
    roots: list[int] = []
    feature: list[int] = []
    threshold: list[float] = []
    left: list[int] = []
    right: list[int] = []
    value: list[float] = []
    for (predictor,) in model._predictors:  # one tree per round for two classes
        offset = len(feature)
        roots.append(offset)
        for i, node in enumerate(predictor.nodes):
            leaf = bool(node["is_leaf"])
            feature.append(0 if leaf else int(node["feature_idx"]))
            threshold.append(float("inf") if leaf else float(node["num_threshold"]))
            left.append(offset + (i if leaf else int(node["left"])))
            right.append(offset + (i if leaf else int(node["right"])))
            value.append(float(node["value"]) if leaf else 0.0)
    base = float(np.ravel(model._baseline_prediction)[0])
    info = {**(meta or {}), "learner": "trees", **asdict(settings)}
    return build(features, list(mean), base, roots, feature, threshold, left, right, value, info)
