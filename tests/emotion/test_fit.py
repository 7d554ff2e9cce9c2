"""Fitting the learned emotion model: ridge and softmax regressions in numpy."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from image2music.emotion.features import FEATURE_SIZE
from image2music.emotion.fit import FitConfig, fit_model, select_and_fit
from image2music.errors import DataError

SMALL = FitConfig(alphas=(30.0, 300.0), hand_gains=(1.0,), face_gains=(1.0, 3.0), l2s=(0.01,))


Rows = tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]


def _data(n: int, seed: int) -> Rows:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, FEATURE_SIZE))
    w = np.zeros((FEATURE_SIZE, 2))
    w[:20, 0] = 0.05
    w[20:40, 1] = 0.05
    va = np.tanh(x @ w + rng.normal(0, 0.05, (n, 2)))
    logits = np.stack([x[:, 0], x[:, 1], -x[:, 0], x[:, 2], x[:, 3], -x[:, 1], x[:, 4]], 1)
    q = np.exp(logits)
    q /= q.sum(1, keepdims=True)
    return x, va, x, q


def test_select_and_fit_learns_a_linear_rating() -> None:
    train, valid = _data(1500, 0), _data(200, 1)
    res = select_and_fit(train, valid, SMALL)
    va, probs = res.model.predict(valid[0])
    assert np.corrcoef(va[:, 0], valid[1][:, 0])[0, 1] > 0.8
    assert np.corrcoef(va[:, 1], valid[1][:, 1])[0, 1] > 0.8
    ce = -(valid[3] * np.log(probs)).sum(1).mean()
    prior = -(valid[3] * np.log(train[3].mean(0))).sum(1).mean()
    assert ce < prior
    assert res.alpha[0] in SMALL.alphas and res.face_gain in SMALL.face_gains
    assert {"alpha", "valence_r"} <= set(res.search[0])


def test_fitting_is_deterministic() -> None:
    train, valid = _data(300, 2), _data(100, 3)
    a = select_and_fit(train, valid, SMALL).model
    b = select_and_fit(train, valid, SMALL).model
    assert np.array_equal(a.w_va, b.w_va) and np.array_equal(a.w_cat, b.w_cat)


def test_spread_is_the_training_predictions_spread() -> None:
    x, va, xc, q = _data(300, 4)
    m = fit_model(x, va, xc, q, alpha=(10.0, 10.0), hand_gain=1.0, l2=0.01)
    pred, _ = m.predict(x)
    assert np.allclose(m.spread, pred.std(0), atol=1e-6)


def test_too_few_rows_is_a_data_error() -> None:
    x, va, xc, q = _data(5, 5)
    with pytest.raises(DataError, match="at least 10"):
        fit_model(x, va, xc, q, alpha=(1.0, 1.0), hand_gain=1.0, l2=0.1)


def test_without_category_rows_the_category_model_is_uniform() -> None:
    x, va, _, q = _data(50, 6)
    m = fit_model(x, va, x[:0], q[:0], alpha=(10.0, 10.0), hand_gain=1.0, l2=0.1)
    _, probs = m.predict(x[:3])
    assert np.allclose(probs, 1 / 7)
