"""Gradient-boosted decision trees over the signals of a candidate answer, evaluated in numpy.

A logistic model adds the signals' effects; whether an answer is right often depends on
them together (a strong BM25 score means little when the asked-for kind of answer is absent,
a low coverage matters less for a follow-up). Boosted trees learn such interactions, and
held out by whole question sets and articles they answer more and decline more than the
logistic model (figures in docs/quality.md).

Training (``ecpat-bot train``, scikit-learn) writes every tree as plain arrays; answering only
walks them. All trees are walked at once, for every candidate of a question: one numpy pass
over the split nodes finds where each sends each candidate, then each level is one gather,
rather than a Python loop over hundreds of nodes.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

KIND = "trees"


@dataclass(frozen=True, eq=False)
class Trees:
    """p = sigmoid(base + the sum over trees of the leaf each reaches).

    The nodes of all trees are concatenated: ``feature`` and ``threshold`` say where a node
    splits (values ``<=`` the threshold go ``left``), ``value`` is a leaf's contribution, and
    a leaf points to itself so a walk can run a fixed number of ``depth`` steps. ``roots``
    indexes each tree's first node. ``mean`` is each signal's training mean, what an ignored
    signal reads (an ablation).
    """

    features: tuple[str, ...]
    mean: tuple[float, ...]
    base: float
    roots: np.ndarray
    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    depth: int
    meta: Mapping[str, Any] | None = None
    _walk: _Walk = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_walk", _Walk.of(self))

    def probability(
        self, values: Mapping[str, float], ignore: Collection[str] = frozenset()
    ) -> float:
        """The probability that the candidate answer is right."""
        return self.probabilities([values], ignore)[0]

    def probabilities(
        self, rows: Sequence[Mapping[str, float]], ignore: Collection[str] = frozenset()
    ) -> list[float]:
        """:meth:`probability` of each row, all rows walked at once (the same numbers)."""
        x = np.array(
            [
                [
                    mean if name in ignore else values.get(name, 0.0)
                    for name, mean in zip(self.features, self.mean, strict=True)
                ]
                for values in rows
            ]
        ).reshape(len(rows), len(self.features))
        # Where every split node sends each row (one pass over them), then each tree's walk is
        # one gather per level, for every row at once (on the rows laid end to end: numpy's
        # two-dimensional fancy indexing is several times slower at this size).
        walk, n = self._walk, len(self.feature)
        offsets = (np.arange(len(rows)) * n)[:, None]
        step = np.empty((len(rows), n), dtype=np.int64)
        split = np.take(x, walk.feature, axis=1) <= walk.threshold
        inner = len(walk.feature)
        np.add(np.where(split, walk.left, walk.right), offsets, out=step[:, :inner])
        np.add(walk.leaves, offsets, out=step[:, inner:])
        node = walk.roots + offsets
        flat = step.ravel()
        for _ in range(self.depth):
            node = flat[node]
        leaves = walk.value[node - offsets]
        # One row's sum at a time: the same pairwise summation as a single row's.
        return [sigmoid(self.base + float(leaf.sum())) for leaf in leaves]

    def splits(self) -> dict[str, int]:
        """How many splits each signal makes (what the training report shows)."""
        inner = self.left != np.arange(len(self.left))
        counts = np.bincount(self.feature[inner], minlength=len(self.features))
        return {name: int(n) for name, n in zip(self.features, counts, strict=True)}

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": KIND,
            "features": list(self.features),
            "mean": list(self.mean),
            "base": self.base,
            "roots": self.roots.tolist(),
            "feature": self.feature.tolist(),
            "threshold": [t if math.isfinite(t) else None for t in self.threshold.tolist()],
            "left": self.left.tolist(),
            "right": self.right.tolist(),
            "value": self.value.tolist(),
            "meta": dict(self.meta or {}),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Trees:
        """The model in ``data``; ValueError when its arrays do not form trees."""
        names = tuple(str(n) for n in data["features"])
        mean = tuple(float(v) for v in data["mean"])
        thresholds = [math.inf if t is None else float(t) for t in data["threshold"]]
        return build(
            names,
            mean,
            float(data["base"]),
            [int(r) for r in data["roots"]],
            [int(f) for f in data["feature"]],
            thresholds,
            [int(n) for n in data["left"]],
            [int(n) for n in data["right"]],
            [float(v) for v in data["value"]],
            data.get("meta") or {},
        )


class _Walk(NamedTuple):
    """The nodes renumbered split nodes first, leaves last: a walk compares only the split
    nodes (about half), and reaches the same leaves in the same tree order."""

    roots: np.ndarray
    feature: np.ndarray  # of the split nodes only, as are threshold, left and right
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    leaves: np.ndarray  # each leaf's own (new) number: where a walk that reached it stays
    value: np.ndarray

    @classmethod
    def of(cls, trees: Trees) -> _Walk:
        index = np.arange(len(trees.left))
        split = (trees.left != index) | (trees.right != index)
        old = np.concatenate([index[split], index[~split]])  # new number -> old
        new = np.empty_like(old)
        new[old] = np.arange(len(old))
        inner = old[: int(split.sum())]
        return cls(
            new[trees.roots],
            trees.feature[inner],
            trees.threshold[inner],
            new[trees.left[inner]],
            new[trees.right[inner]],
            np.arange(len(inner), len(old)),
            trees.value[old],
        )


def sigmoid(z: float) -> float:
    """The logistic function; 0 far below zero, where ``exp`` would overflow."""
    return 0.0 if z < -40 else 1.0 / (1.0 + math.exp(-z))


def build(
    features: Sequence[str],
    mean: Sequence[float],
    base: float,
    roots: Sequence[int],
    feature: Sequence[int],
    threshold: Sequence[float],
    left: Sequence[int],
    right: Sequence[int],
    value: Sequence[float],
    meta: Mapping[str, Any] | None = None,
) -> Trees:
    """Trees from concatenated node arrays (leaves point to themselves), checked: every
    index in range, every walk reaching a leaf, every number finite."""
    n = len(feature)
    if not (len(threshold) == len(left) == len(right) == len(value) == n) or not roots:
        raise ValueError("node arrays differ in length")
    if len(mean) != len(features) or not all(math.isfinite(v) for v in (*mean, base, *value)):
        raise ValueError("means, base or leaf values are not finite numbers")
    arrays = [np.asarray(a, dtype=np.int64) for a in (roots, feature, left, right)]
    if any(((a < 0) | (a >= n)).any() for a in (arrays[0], arrays[2], arrays[3])):
        raise ValueError("a node points outside the trees")
    if ((arrays[1] < 0) | (arrays[1] >= len(features))).any():
        raise ValueError("a node splits on an unknown signal")
    depth = _depth(arrays[0], arrays[2], arrays[3])
    return Trees(
        tuple(features),
        tuple(float(v) for v in mean),
        float(base),
        *arrays[:2],
        np.asarray(threshold, dtype=float),
        *arrays[2:],
        np.asarray(value, dtype=float),
        depth,
        meta,
    )


def _depth(roots: np.ndarray, left: np.ndarray, right: np.ndarray) -> int:
    """The steps the deepest walk takes to reach a leaf; ValueError on a cycle."""
    leaf = (left == np.arange(len(left))) & (right == np.arange(len(right)))
    frontier, depth = roots[~leaf[roots]], 0
    while len(frontier):
        depth += 1
        if depth > len(left):
            raise ValueError("the trees hold a cycle")
        children = np.concatenate([left[frontier], right[frontier]])
        frontier = children[~leaf[children]]
    return depth
