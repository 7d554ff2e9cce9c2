"""A small numpy classifier: standardised features and L2 softmax regression.

Trained by full-batch gradient descent with Adam steps, from zero weights, so
training is deterministic. Two classes make a binary head.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["Scaler", "SoftmaxRegression", "fit_softmax"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Scaler:
    """Standardisation fitted on the training features.

    Attributes:
        mean: Per-feature mean.
        scale: Per-feature standard deviation (1 where the feature is constant).
    """

    mean: FloatArray
    scale: FloatArray

    @classmethod
    def fit(cls, x: FloatArray) -> Scaler:
        """Fit on the rows of ``x``."""
        std = x.std(axis=0)
        return cls(x.mean(axis=0), np.where(std > 1e-9, std, 1.0))

    def transform(self, x: FloatArray) -> FloatArray:
        """Standardise ``x``; values are clipped to +-6 standard deviations."""
        out: FloatArray = np.clip((x - self.mean) / self.scale, -6.0, 6.0)
        return out


@dataclass(frozen=True)
class SoftmaxRegression:
    """A linear softmax classifier on standardised features.

    Attributes:
        weights: ``(n_features, n_classes)``.
        bias: ``(n_classes,)``.
        l2: The L2 strength it was trained with.
    """

    weights: FloatArray
    bias: FloatArray
    l2: float

    def proba(self, x: FloatArray) -> FloatArray:
        """Class probabilities, one row per row of ``x`` (standardised)."""
        z = x @ self.weights + self.bias
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        out: FloatArray = e / e.sum(axis=1, keepdims=True)
        return out

    def predict(self, x: FloatArray) -> NDArray[np.int64]:
        """The most probable class of each row."""
        out: NDArray[np.int64] = self.proba(x).argmax(axis=1)
        return out


def fit_softmax(
    x: FloatArray,
    y: NDArray[np.int64],
    n_classes: int,
    *,
    l2: float = 0.01,
    steps: int = 1500,
    lr: float = 0.05,
    balanced: bool = True,
) -> SoftmaxRegression:
    """Fit a :class:`SoftmaxRegression` by gradient descent (Adam).

    Args:
        x: Standardised features, ``(n, d)``.
        y: Class indices ``0..n_classes-1``.
        n_classes: Number of classes.
        l2: L2 penalty on the weights (not the bias).
        steps: Gradient steps.
        lr: Adam learning rate.
        balanced: Weigh the classes equally.

    Returns:
        The fitted model.
    """
    n, d = x.shape
    onehot = np.zeros((n, n_classes))
    onehot[np.arange(n), y] = 1.0
    counts = np.maximum(onehot.sum(axis=0), 1.0)
    sample_w = (n / (n_classes * counts))[y] if balanced else np.ones(n)
    sample_w = sample_w / sample_w.sum()
    w, b = np.zeros((d, n_classes)), np.zeros(n_classes)
    m_w, v_w, m_b, v_b = np.zeros_like(w), np.zeros_like(w), np.zeros_like(b), np.zeros_like(b)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for t in range(1, steps + 1):
        model = SoftmaxRegression(w, b, l2)
        err = (model.proba(x) - onehot) * sample_w[:, None]
        g_w = x.T @ err + l2 * w
        g_b = err.sum(axis=0)
        m_w = beta1 * m_w + (1 - beta1) * g_w
        v_w = beta2 * v_w + (1 - beta2) * g_w**2
        m_b = beta1 * m_b + (1 - beta1) * g_b
        v_b = beta2 * v_b + (1 - beta2) * g_b**2
        c1, c2 = 1 - beta1**t, 1 - beta2**t
        w = w - lr * (m_w / c1) / (np.sqrt(v_w / c2) + eps)
        b = b - lr * (m_b / c1) / (np.sqrt(v_b / c2) + eps)
    return SoftmaxRegression(w, b, l2)
