"""The decision models as shipped and as read from files: trees walked in numpy, blends."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from retrieval.decision import Blend, Logistic, ModelError, load_model, model_from_json
from retrieval.trees import Trees, build

FEATURES = ("coverage", "score")


def stump() -> Trees:
    """One tree: coverage <= 0.5 gives -1, else +1; a second tree adds 0.5 when score > 2."""
    return build(
        FEATURES,
        mean=(0.5, 1.0),
        base=0.0,
        roots=[0, 3],
        feature=[0, 0, 0, 1, 0, 0],
        threshold=[0.5, math.inf, math.inf, 2.0, math.inf, math.inf],
        left=[1, 1, 2, 4, 4, 5],
        right=[2, 1, 2, 5, 4, 5],
        value=[0.0, -1.0, 1.0, 0.0, 0.0, 0.5],
    )


def sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def test_trees_add_the_leaves_each_walk_reaches() -> None:
    trees = stump()
    assert trees.depth == 1
    assert trees.probability({"coverage": 0.2, "score": 1}) == pytest.approx(sigmoid(-1))
    assert trees.probability({"coverage": 0.5, "score": 3}) == pytest.approx(sigmoid(-0.5))
    assert trees.probability({"coverage": 0.9, "score": 3}) == pytest.approx(sigmoid(1.5))
    # An ignored signal reads its training mean: coverage 0.5 goes left.
    ignored = trees.probability({"coverage": 0.9, "score": 1}, {"coverage"})
    assert ignored == pytest.approx(sigmoid(-1))
    assert trees.splits() == {"coverage": 1, "score": 1}


def _walk_one(trees: Trees, values: dict[str, float]) -> float:
    """One row walked node by node in Python: what the numpy walk must give, to the bit."""
    leaves = []
    for root in trees.roots.tolist():
        node = root
        while trees.left[node] != node:
            x = values.get(trees.features[trees.feature[node]], 0.0)
            node = trees.left[node] if x <= trees.threshold[node] else trees.right[node]
        leaves.append(trees.value[node])
    total = trees.base + float(np.array(leaves).sum())
    return 0.0 if total < -40 else 1.0 / (1.0 + math.exp(-total))


def test_many_rows_at_once_give_each_row_its_own_probability_to_the_bit() -> None:
    model = load_model()
    assert isinstance(model, Blend)
    trees = next(m for m in model.models if isinstance(m, Trees))
    rng = np.random.default_rng(7)
    picks = rng.choice([0.0, 0.3, 1.0, 3.0], (5, len(model.features)))
    rows = [dict(zip(model.features, row.tolist(), strict=True)) for row in picks]
    assert trees.probabilities(rows) == [_walk_one(trees, r) for r in rows]
    logistic = next(m for m in model.models if isinstance(m, Logistic))
    assert logistic.probabilities(rows) == [logistic.probability(r) for r in rows]
    partial = [{k: v for k, v in r.items() if k != "score"} for r in rows]  # a signal missing
    assert logistic.probabilities(partial) == [logistic.probability(r) for r in partial]
    assert model.probabilities(rows) == [model.probability(r) for r in rows]
    assert model.probabilities(rows, {"score"}) == [model.probability(r, {"score"}) for r in rows]
    assert model.probabilities([]) == []


def test_every_leaf_is_found_as_a_walk_finds_it() -> None:
    # Values on, just above and just below each threshold, and NaN (sent right by a walk).
    model = load_model()
    trees = next(m for m in model.models if isinstance(m, Trees))
    rng = np.random.default_rng(11)
    inner = trees.left != np.arange(len(trees.left))
    cuts = np.unique(trees.threshold[inner])
    picks = np.concatenate([cuts, np.nextafter(cuts, np.inf), np.nextafter(cuts, -np.inf)])
    grid = rng.choice(np.append(picks, np.nan), (300, len(trees.features)))
    rows = [dict(zip(trees.features, row.tolist(), strict=True)) for row in grid]
    assert trees.probabilities(rows) == [_walk_one(trees, r) for r in rows]


def _chain(splits: int) -> dict:
    """One tree of ``splits`` split nodes in a row, each with a leaf on its right."""
    feature, threshold, left, right, value = [], [], [], [], []
    for i in range(splits):  # node 2i splits; 2i + 1 is its leaf; 2i + 2 the next split
        nodes = [(float(i), 2 * i + 2, 2 * i + 1, 0.0), (None, 2 * i + 1, 2 * i + 1, float(i))]
        for cut, low, high, leaf in nodes:
            feature.append(0)
            threshold.append(cut)
            left.append(low)
            right.append(high)
            value.append(leaf)
    end = 2 * splits  # the last split's left: a leaf
    feature.append(0)
    threshold.append(None)
    left.append(end)
    right.append(end)
    value.append(-1.0)
    data = stump().to_json()
    return {
        **data,
        "roots": [0],
        "feature": feature,
        "threshold": threshold,
        "left": left,
        "right": right,
        "value": value,
    }


def test_a_tree_of_sixty_four_leaves_is_read_and_more_is_a_model_error() -> None:
    trees = model_from_json(_chain(63))
    assert isinstance(trees, Trees)
    for x in (-1.0, 0.5, 30.0, 62.5, 100.0):
        assert trees.probability({"coverage": x}) == _walk_one(trees, {"coverage": x})
    with pytest.raises(ModelError, match="more than 64 leaves"):
        model_from_json(_chain(64))


def test_trees_survive_json_and_infinite_thresholds() -> None:
    trees = stump()
    data = json.loads(json.dumps(trees.to_json()))  # strict JSON: no Infinity
    again = model_from_json(data)
    assert isinstance(again, Trees)
    assert again.probability({"coverage": 0.9, "score": 3}) == trees.probability(
        {"coverage": 0.9, "score": 3}
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"left": [1, 1, 2, 4, 4, 9]}, "outside"),
        ({"left": [1, 1, 2, 4, 3, 5], "right": [2, 1, 2, 5, 3, 5]}, "cycle"),
        ({"feature": [0, 0, 0, 7, 0, 0]}, "unknown signal"),
        ({"roots": [0, 0]}, "separate trees"),
        ({"roots": [0, 4]}, "separate trees"),
        ({"left": [1, 1, 2, 4, 4, 5], "right": [1, 1, 2, 5, 4, 5]}, "separate trees"),
        ({"value": [0.0, -1.0, 1.0, 0.0, 0.0, None]}, "malformed"),
        ({"roots": []}, "length"),
        ({"base": "NaN"}, "finite"),
    ],
)
def test_broken_trees_are_a_model_error(change: dict, message: str) -> None:
    data = {**stump().to_json(), **change}
    with pytest.raises(ModelError, match=message):
        model_from_json(data)


@pytest.mark.parametrize("data", [[], "trees", {"kind": "forest"}, {"kind": "blend"}, None])
def test_a_model_file_of_another_shape_is_a_model_error(data: object) -> None:
    with pytest.raises(ModelError):
        model_from_json(data)


def test_a_blend_averages_its_models(tmp_path: Path) -> None:
    logistic = Logistic(FEATURES, (0.5, 1.0), (1.0, 1.0), (2.0, 0.0), 0.0)
    blend = Blend((logistic, stump()))
    values = {"coverage": 0.9, "score": 3}
    expected = (logistic.probability(values) + stump().probability(values)) / 2
    assert blend.probability(values) == pytest.approx(expected)
    path = tmp_path / "blend.json"
    path.write_text(json.dumps(blend.to_json()), encoding="utf-8")
    assert load_model(path).probability(values) == pytest.approx(expected)


def test_a_blend_weighs_its_models_by_their_shares(tmp_path: Path) -> None:
    logistic = Logistic(FEATURES, (0.5, 1.0), (1.0, 1.0), (2.0, 0.0), 0.0)
    blend = Blend((logistic, stump()), None, (0.3, 0.7))
    values = {"coverage": 0.9, "score": 3}
    expected = 0.3 * logistic.probability(values) + 0.7 * stump().probability(values)
    assert blend.probability(values) == pytest.approx(expected)
    path = tmp_path / "blend.json"
    path.write_text(json.dumps(blend.to_json()), encoding="utf-8")
    assert load_model(path).probability(values) == pytest.approx(expected)


@pytest.mark.parametrize("shares", [[0.5], [0.5, 0.6], [1.5, -0.5], [float("nan"), 1.0]])
def test_a_blend_with_bad_shares_is_a_model_error(shares: list[float]) -> None:
    data = Blend((stump(), stump())).to_json()
    data["shares"] = shares
    with pytest.raises(ModelError, match="share"):
        model_from_json(data)


def test_a_blend_of_blends_or_of_other_signals_is_refused() -> None:
    blend = Blend((stump(),)).to_json()
    with pytest.raises(ModelError, match="blend of blends"):
        model_from_json({"kind": "blend", "models": [blend]})
    other = Logistic(("words",), (0.0,), (1.0,), (1.0,), 0.0).to_json()
    with pytest.raises(ModelError, match="same signals"):
        model_from_json({"kind": "blend", "models": [other, stump().to_json()]})


def test_the_shipped_decision_blends_logistic_and_trees() -> None:
    model = load_model()
    assert isinstance(model, Blend)
    assert [type(m) for m in model.models] == [Logistic, Trees]
    assert len(model.models[1].roots) == model.models[1].meta["rounds"]
