"""The decision to answer or decline: a model over the signals of a candidate answer.

A hand threshold on one number (coverage) cannot weigh a rare word the article lacks against
chat spelling, a strong BM25 margin against a weak sentence match, or a yes/no question about
a name the article never uses. A logistic model over general signals (:mod:`retrieval.signals`)
does, and its output is a probability that the answer is right, which ``answer.min_confidence``
compares with. The shipped model is gradient-boosted trees (:mod:`retrieval.trees`), which
also weigh signals together; the logistic model here is the simpler alternative
(``ecpat-bot train --learner logistic``).

Models are trained by ``ecpat-bot train`` and ship as package data (``data/decision.json``);
answering only reads the stored numbers. Fitting the logistic model (Newton's method with an
L2 penalty on standardised signals) is plain numpy; the trees need scikit-learn to train.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

from retrieval import associations
from retrieval.trees import KIND as TREES
from retrieval.trees import Trees, sigmoid, signal_getter

_MODEL = "decision.json"


class ModelError(ValueError):
    """A decision model file that cannot be used."""


@dataclass(frozen=True)
class Logistic:
    """Standardised logistic regression: p = sigmoid(bias + sum w_i (x_i - mean_i) / scale_i)."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    meta: Mapping[str, Any] | None = None
    _pick: Callable[[Mapping[str, float]], tuple[float, ...]] = field(
        init=False, repr=False, compare=False
    )
    _terms: tuple[tuple[float, float, float], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_pick", signal_getter(self.features))
        terms = tuple(zip(self.mean, self.scale, self.weights, strict=True))
        object.__setattr__(self, "_terms", terms)

    def probability(
        self, values: Mapping[str, float], ignore: Collection[str] = frozenset()
    ) -> float:
        """The probability that the candidate answer is right; ``ignore``d signals count as
        their training mean, so they add nothing either way (an ablation)."""
        z = self.bias
        for name, mean, scale, weight in zip(
            self.features, self.mean, self.scale, self.weights, strict=True
        ):
            if name not in ignore:
                z += weight * (values.get(name, 0.0) - mean) / scale
        return sigmoid(z)

    def probabilities(
        self, rows: Sequence[Mapping[str, float]], ignore: Collection[str] = frozenset()
    ) -> list[float]:
        """:meth:`probability` of each row; a measured row (every signal, none ignored) read
        in one call, the sum taken in the same order."""
        if ignore:
            return [self.probability(values, ignore) for values in rows]
        out = []
        for values in rows:
            try:
                taken = self._pick(values)
            except KeyError:
                out.append(self.probability(values))
                continue
            z = self.bias
            for x, (mean, scale, weight) in zip(taken, self._terms, strict=True):
                z += weight * (x - mean) / scale
            out.append(sigmoid(z))
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": LOGISTIC,
            "features": list(self.features),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "weights": list(self.weights),
            "bias": self.bias,
            "meta": dict(self.meta or {}),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Logistic:
        names = tuple(str(n) for n in data["features"])
        columns = [tuple(float(v) for v in data[key]) for key in ("mean", "scale", "weights")]
        if any(len(c) != len(names) for c in columns) or any(s <= 0 for s in columns[1]):
            raise ValueError("column lengths or scales")
        bias = float(data["bias"])
        if not all(math.isfinite(v) for v in (bias, *chain.from_iterable(columns))):
            # JSON's NaN and Infinity would make every confidence NaN.
            raise ValueError("numbers must be finite")
        return cls(names, *columns, bias, data.get("meta") or {})


@dataclass(frozen=True)
class Blend:
    """A weighted mean of several models' probabilities.

    Boosted trees answer more questions right and decline more held out than the logistic
    model, but their probability jumps between neighbouring questions; the logistic model's
    is smooth. Blended, one's error is often the other's doubt (figures in docs/quality.md).
    ``shares``: each model's weight (summing to 1); equal when not given.
    """

    models: tuple[Logistic | Trees, ...]
    meta: Mapping[str, Any] | None = None
    shares: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        if not self.shares:
            object.__setattr__(self, "shares", (1 / len(self.models),) * len(self.models))
        if len(self.shares) != len(self.models) or not all(
            math.isfinite(s) and s >= 0 for s in self.shares
        ):
            raise ValueError("a blend needs one finite, non-negative share per model")
        if abs(sum(self.shares) - 1) > 1e-9:
            raise ValueError("a blend's shares must sum to 1")

    @property
    def features(self) -> tuple[str, ...]:
        return self.models[0].features

    def probability(
        self, values: Mapping[str, float], ignore: Collection[str] = frozenset()
    ) -> float:
        return self.probabilities([values], ignore)[0]

    def probabilities(
        self, rows: Sequence[Mapping[str, float]], ignore: Collection[str] = frozenset()
    ) -> list[float]:
        """:meth:`probability` of each row, each model scoring all rows in one call."""
        each = [m.probabilities(rows, ignore) for m in self.models]
        return [
            sum(share * p[i] for share, p in zip(self.shares, each, strict=True))
            for i in range(len(rows))
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": BLEND,
            "models": [m.to_json() for m in self.models],
            "shares": list(self.shares),
            "meta": dict(self.meta or {}),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Blend:
        models = tuple(_single(m) for m in data["models"])
        if not models or len({m.features for m in models}) != 1:
            raise ValueError("a blend needs models of the same signals")
        shares = tuple(float(s) for s in data.get("shares") or ())
        return cls(models, data.get("meta") or {}, shares)


LOGISTIC, BLEND = "logistic", "blend"
Model = Logistic | Trees | Blend
_KINDS: dict[str, type[Logistic] | type[Trees] | type[Blend]] = {
    LOGISTIC: Logistic,
    TREES: Trees,
    BLEND: Blend,
}


def _single(data: Any) -> Logistic | Trees:
    model = _KINDS[data.get("kind", LOGISTIC)].from_json(data)
    if isinstance(model, Blend):
        raise ValueError("a blend of blends")
    return model


def model_from_json(data: Any) -> Model:
    """The model a decision file holds, of the ``kind`` it names (logistic when unnamed)."""
    try:
        kind = _KINDS[data.get("kind", LOGISTIC)]
        model = kind.from_json(data)
        learned_associations(model)
        return model
    except (AttributeError, KeyError, TypeError, ValueError, OverflowError) as err:
        raise ModelError(f"decision model is malformed: {err}") from None


def learned_associations(model: Model) -> dict[str, dict[str, frozenset[str]]]:
    """The word associations the model was trained with, per article
    (:mod:`retrieval.associations`), kept with its other training facts; ValueError when
    malformed."""
    data = (model.meta or {}).get("associations")
    return {} if data is None else associations.from_json(data)


def load_model(path: str | Path | None = None) -> Model:
    """The shipped model, or the one at ``path``."""
    file = Path(path or shipped_path())
    if file.exists() and not file.is_file():  # a device or a pipe would never end
        raise ModelError(f"decision model is not a regular file: {file}")
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as err:
        # ValueError: bad JSON, or a number of thousands of digits; RecursionError: deep nesting
        reason = "nested too deeply" if isinstance(err, RecursionError) else str(err)
        raise ModelError(f"cannot read decision model {path or _MODEL}: {reason}") from None
    return model_from_json(data)


def shipped_path() -> Path:
    """Where ``ecpat-bot train --write-shipped`` puts the model in a checkout."""
    return Path(__file__).parent / "data" / _MODEL


def fit(
    rows: Sequence[Mapping[str, float]],
    labels: Sequence[int],
    features: Sequence[str],
    weights: Sequence[float] | None = None,
    l2: float = 1.0,
    meta: Mapping[str, Any] | None = None,
) -> Logistic:
    """A logistic model fitted by Newton's method (IRLS) with an L2 penalty of ``l2``."""
    import numpy as np

    x = np.array([[row.get(f, 0.0) for f in features] for row in rows], dtype=float)
    y = np.asarray(labels, dtype=float)
    w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=float)
    mean = np.average(x, axis=0, weights=w)
    scale = np.sqrt(np.average((x - mean) ** 2, axis=0, weights=w))
    scale[scale < 1e-9] = 1.0
    z = np.hstack([np.ones((len(y), 1)), (x - mean) / scale])
    beta = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], l2)
    penalty[0] = 0.0  # the bias is not shrunk
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ beta, -40, 40)))
        gradient = z.T @ (w * (p - y)) + penalty * beta
        hessian = (z * (w * p * (1 - p))[:, None]).T @ z + np.diag(penalty)
        step = np.linalg.solve(hessian + 1e-9 * np.eye(len(beta)), gradient)
        beta -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return Logistic(
        tuple(features),
        tuple(float(v) for v in mean),
        tuple(float(v) for v in scale),
        tuple(float(v) for v in beta[1:]),
        float(beta[0]),
        meta,
    )
