from __future__ import annotations

import numpy as np

from image2music.evaluation.judge.model import Scaler, fit_softmax


def test_learns_a_separable_toy_problem() -> None:
    rng = np.random.default_rng(0)
    centres = np.array([[3.0, 0.0], [-3.0, 0.0], [0.0, 3.0]])
    y = rng.integers(0, 3, 300)
    x = centres[y] + rng.normal(0, 0.5, (300, 2)) + 10.0
    scaler = Scaler.fit(x)
    model = fit_softmax(scaler.transform(x), y, 3, l2=0.001)
    assert (model.predict(scaler.transform(x)) == y).mean() > 0.97
    p = model.proba(scaler.transform(x))
    assert np.allclose(p.sum(axis=1), 1.0)


def test_deterministic_and_constant_features() -> None:
    x = np.c_[np.linspace(-1, 1, 50), np.ones(50)]
    y = (x[:, 0] > 0).astype(np.int64)
    scaler = Scaler.fit(x)
    assert scaler.scale[1] == 1.0
    a = fit_softmax(scaler.transform(x), y, 2, steps=200)
    b = fit_softmax(scaler.transform(x), y, 2, steps=200)
    assert np.array_equal(a.weights, b.weights)
    assert (a.predict(scaler.transform(x)) == y).mean() > 0.9
