"""Gradient-boosted decision trees over the signals of a candidate answer, evaluated in numpy.

A logistic model adds the signals' effects; whether an answer is right often depends on
them together (a strong BM25 score means little when the asked-for kind of answer is absent,
a low coverage matters less for a follow-up). Boosted trees learn such interactions, and
held out by whole question sets and articles they answer more and decline more than the
logistic model (figures in docs/quality.md).

Training (``ecpat-bot train``, scikit-learn) writes every tree as plain arrays; answering only
reads them. All trees are evaluated at once, for every candidate of a question, without walking
them (the idea of QuickScorer, Lucchese et al. 2015): number each tree's leaves left to right;
a split node that sends a row right rules out the leaves of its left branch, and the leaf the
row reaches is the leftmost one no such node rules out. So one numpy pass compares every split
node, one ``bitwise_and.reduceat`` gathers each tree's leaves still possible as a bit mask, and
the lowest set bit names the leaf: no loop over the trees' depth, which grows with their size.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, NamedTuple

import numpy as np

KIND = "trees"
MAX_LEAVES = 64  # a tree's leaves are the bits of one unsigned 64-bit mask
_ALL = np.uint64(2**64 - 1)


@dataclass(frozen=True, eq=False)
class Trees:
    """p = sigmoid(base + the sum over trees of the leaf each reaches).

    The nodes of all trees are concatenated: ``feature`` and ``threshold`` say where a node
    splits (values ``<=`` the threshold go ``left``), ``value`` is a leaf's contribution, and
    a leaf points to itself; ``depth`` is the most steps from a root to a leaf. ``roots``
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
    _masks: _Masks = field(init=False, repr=False)
    _pick: Callable[[Mapping[str, float]], tuple[float, ...]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_masks", _Masks.of(self))
        object.__setattr__(self, "_pick", signal_getter(self.features))

    def probability(
        self, values: Mapping[str, float], ignore: Collection[str] = frozenset()
    ) -> float:
        """The probability that the candidate answer is right."""
        return self.probabilities([values], ignore)[0]

    def probabilities(
        self, rows: Sequence[Mapping[str, float]], ignore: Collection[str] = frozenset()
    ) -> list[float]:
        """:meth:`probability` of each row, all rows read at once (the same numbers)."""
        x = self._table(rows, ignore)
        # Which split nodes send each row right (one pass over them all), the leaves each
        # tree still allows (one AND per tree), and the leftmost of them (the lowest bit).
        masks = self._masks
        right = ~(np.take(x, masks.feature, axis=1) <= masks.threshold)
        alive = np.bitwise_and.reduceat(np.where(right, masks.ruled, _ALL), masks.starts, axis=1)
        lowest = alive & (~alive + np.uint64(1))
        leaf = np.frexp(lowest.astype(np.float64))[1] - 1  # 2**k is exact in a float
        leaves = masks.value[masks.first + leaf]
        # One row's sum at a time, the trees in order: the same pairwise summation as a walk's.
        return [sigmoid(self.base + float(row.sum())) for row in leaves]

    def _table(self, rows: Sequence[Mapping[str, float]], ignore: Collection[str]) -> np.ndarray:
        """The rows' signals in the model's order (an ignored one as its mean; a missing one
        as 0); at once when every row has every signal, as measured rows do."""
        if not ignore:
            try:
                return np.array([self._pick(v) for v in rows], dtype=float).reshape(
                    len(rows), len(self.features)
                )
            except KeyError:
                pass
        return np.array(
            [
                [
                    mean if name in ignore else values.get(name, 0.0)
                    for name, mean in zip(self.features, self.mean, strict=True)
                ]
                for values in rows
            ]
        ).reshape(len(rows), len(self.features))

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
        whole = {key: np.asarray(data[key], dtype=np.int64) for key in _NODE_LISTS}
        return build(
            names,
            mean,
            float(data["base"]),
            whole["roots"],
            whole["feature"],
            thresholds,
            whole["left"],
            whole["right"],
            np.asarray(data["value"], dtype=float),
            data.get("meta") or {},
        )


_NODE_LISTS = ("roots", "feature", "left", "right")


class _Masks(NamedTuple):
    """The trees as QuickScorer reads them (see the module docstring). Each tree's split nodes
    come together, led by one that never sends a row right, so every tree has one."""

    feature: np.ndarray  # of each split node, as threshold and ruled are
    threshold: np.ndarray
    ruled: np.ndarray  # the leaves a row sent right may still reach: all but the left branch's
    starts: np.ndarray  # where each tree's split nodes begin
    first: np.ndarray  # where each tree's leaves begin in value
    value: np.ndarray  # the leaves' values, tree by tree, each tree's left to right

    @classmethod
    def of(cls, trees: Trees) -> _Masks:
        """Numbered level by level in numpy for every tree at once (a tree is at most
        ``depth`` levels deep): each node's count of leaves below it, then the number of the
        leftmost of them."""
        nodes = np.arange(len(trees.left))
        left, right, roots = trees.left, trees.right, trees.roots
        split = left != nodes
        inner = nodes[split]
        below = (~split).astype(np.int64)  # leaves under each node
        for _ in range(trees.depth):
            below[inner] = below[left[inner]] + below[right[inner]]
        if (below[roots] > MAX_LEAVES).any():
            raise ValueError(f"a tree has more than {MAX_LEAVES} leaves")
        start = np.zeros(len(nodes), dtype=np.int64)  # its leftmost leaf's number in its tree
        tree = np.zeros(len(nodes), dtype=np.intp)
        tree[roots] = np.arange(len(roots))
        for _ in range(trees.depth):
            start[left[inner]] = start[inner]
            start[right[inner]] = start[inner] + below[left[inner]]
            tree[left[inner]] = tree[inner]
            tree[right[inner]] = tree[inner]
        first = np.concatenate([[0], np.cumsum(below[roots])[:-1]])
        leaves = nodes[~split]
        value = np.empty(len(leaves))
        value[first[tree[leaves]] + start[leaves]] = trees.value[leaves]
        # A left branch of n leaves from number k: bits k to k + n - 1 (n < 64: the right
        # branch holds one at least).
        width = below[left[inner]].astype(np.uint64)
        branch = ((np.uint64(1) << width) - np.uint64(1)) << start[inner].astype(np.uint64)
        # Each tree's split nodes together, after one that never sends a row right.
        order = np.lexsort((inner, tree[inner]))
        lead = np.searchsorted(tree[inner][order], np.arange(len(roots)))
        at = lead + np.arange(len(roots))  # where the leading ones land
        feature = np.insert(trees.feature[inner][order], lead, 0)
        threshold = np.insert(trees.threshold[inner][order], lead, math.inf)
        ruled = np.insert(~branch[order], lead, _ALL)
        return cls(feature, threshold, ruled, at, first, value)


def signal_getter(features: Sequence[str]) -> Callable[[Mapping[str, float]], tuple[float, ...]]:
    """A row's signals in the order of ``features``, read in one call (a measured row has every
    signal); KeyError when the row lacks one."""
    pick = itemgetter(*features)
    return pick if len(features) > 1 else lambda values: (pick(values),)


def sigmoid(z: float) -> float:
    """The logistic function; 0 far below zero, where ``exp`` would overflow."""
    return 0.0 if z < -40 else 1.0 / (1.0 + math.exp(-z))


def build(
    features: Sequence[str],
    mean: Sequence[float],
    base: float,
    roots: Sequence[int] | np.ndarray,
    feature: Sequence[int] | np.ndarray,
    threshold: Sequence[float],
    left: Sequence[int] | np.ndarray,
    right: Sequence[int] | np.ndarray,
    value: Sequence[float] | np.ndarray,
    meta: Mapping[str, Any] | None = None,
) -> Trees:
    """Trees from concatenated node arrays (leaves point to themselves), checked: every
    index in range, every walk reaching a leaf, every node in one tree, every number finite."""
    n = len(feature)
    if not (len(threshold) == len(left) == len(right) == len(value) == n) or len(roots) == 0:
        raise ValueError("node arrays differ in length")
    values = np.asarray(value, dtype=float)
    finite = all(math.isfinite(v) for v in (*mean, base)) and bool(np.isfinite(values).all())
    if len(mean) != len(features) or not finite:
        raise ValueError("means, base or leaf values are not finite numbers")
    arrays = [np.asarray(a, dtype=np.int64) for a in (roots, feature, left, right)]
    if any(((a < 0) | (a >= n)).any() for a in (arrays[0], arrays[2], arrays[3])):
        raise ValueError("a node points outside the trees")
    if ((arrays[1] < 0) | (arrays[1] >= len(features))).any():
        raise ValueError("a node splits on an unknown signal")
    depth = _depth(arrays[0], arrays[2], arrays[3])
    # Every node in exactly one tree: a root, or one split node's child, once.
    inner = arrays[2] != np.arange(n)
    parents = np.concatenate([arrays[0], arrays[2][inner], arrays[3][inner]])
    if (np.bincount(parents, minlength=n) != 1).any():
        raise ValueError("the nodes do not form separate trees")
    return Trees(
        tuple(features),
        tuple(float(v) for v in mean),
        float(base),
        *arrays[:2],
        np.asarray(threshold, dtype=float),
        *arrays[2:],
        values,
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
