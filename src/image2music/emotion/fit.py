"""Fitting the learned emotion model: ridge and softmax regressions in numpy.

Everything here is deterministic numpy (no torch, no scikit-learn):

* features are standardised on the training rows; the face and expression
  blocks of :data:`~image2music.emotion.features.FEATURE_BLOCKS` are
  multiplied by ``face_gain`` and the other hand-made blocks by ``hand_gain``
  (a larger gain is a smaller ridge penalty: faces appear in only 5 % of the
  rated photographs, and a smiling face should still count); the category
  model has its own face gain, folded into its weights;
* valence and arousal: ridge regressions, closed form, each with its own
  penalty (``alpha_valence``, ``alpha_arousal``);
* categories: multinomial logistic regression on the raters' shares (soft
  labels, cross-entropy), L2 penalty ``l2``, full-batch L-BFGS-free gradient
  descent with a fixed number of steps (Nesterov momentum), from zeros.

:func:`select_and_fit` picks ``alpha``, ``hand_gain`` and ``l2`` on the
validation rows and returns the model fitted on the training rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from image2music.emotion.features import FEATURE_BLOCKS
from image2music.emotion.learned import EmotionModel
from image2music.errors import DataError

__all__ = ["FitConfig", "FitResult", "fit_model", "select_and_fit"]

F64 = NDArray[np.float64]


@dataclass(frozen=True)
class FitConfig:
    """Hyper-parameters searched on the validation rows.

    Attributes:
        alphas: Ridge penalties tried for valence and arousal.
        hand_gains: Gains tried for the hand-made blocks other than faces.
        face_gains: Gains tried for the face and expression blocks.
        l2s: L2 penalties tried for the category model.
        steps: Gradient steps of the category model (default 400).
        learning_rate: Step size of the category model (default 0.05).
    """

    alphas: tuple[float, ...] = (100.0, 300.0, 1000.0, 3000.0, 10000.0, 30000.0)
    hand_gains: tuple[float, ...] = (0.5, 1.0, 2.0)
    face_gains: tuple[float, ...] = (1.0, 3.0, 10.0)
    l2s: tuple[float, ...] = (1e-2, 1e-1, 1.0, 10.0)
    steps: int = 400
    learning_rate: float = 0.05


@dataclass(frozen=True)
class FitResult:
    """A fitted model and how it was chosen.

    Attributes:
        model: The model (fitted on the training rows).
        alpha: Chosen ridge penalties, ``(valence, arousal)``.
        hand_gain: Chosen gain of the hand-made blocks.
        face_gain: Chosen gain of the face and expression blocks.
        category_face_gain: The face gain of the category model.
        l2: Chosen category penalty.
        search: Validation score of every setting tried.
    """

    model: EmotionModel
    alpha: tuple[float, float]
    hand_gain: float
    face_gain: float
    category_face_gain: float
    l2: float
    search: list[dict[str, float]]


_FACE_BLOCKS = ("faces", "expressions")


def _gain_vector(hand_gain: float, face_gain: float) -> F64:
    def block_gain(name: str) -> float:
        if name == "embedding":
            return 1.0
        return face_gain if name in _FACE_BLOCKS else hand_gain

    return np.concatenate([np.full(n, block_gain(name)) for name, n in FEATURE_BLOCKS.items()])


def _standardiser(x: F64) -> tuple[F64, F64]:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale = np.where(scale < 1e-6, 1.0, scale)
    return mean, scale


class _RidgePath:
    """Ridge solutions of one design for any penalty, from one SVD.

    With ``z - mean = U S V^T``, the solution for penalty ``a`` is
    ``V diag(s / (s^2 + a)) U^T (y - mean_y)``: one decomposition serves the
    whole grid of penalties.
    """

    def __init__(self, z: F64, y: F64) -> None:
        self.z_mean = z.mean(axis=0)
        self.y_mean = y.mean(axis=0)
        u, self.s, self.vt = np.linalg.svd(z - self.z_mean, full_matrices=False)
        self.uty = u.T @ (y - self.y_mean)

    def solve(self, alpha: float | tuple[float, ...]) -> tuple[F64, F64]:
        """Weights ``(F, K)`` and bias ``(K,)``; one penalty, or one per output."""
        k = self.uty.shape[1]
        alphas = (alpha,) * k if isinstance(alpha, int | float) else alpha
        cols = [
            self.vt.T @ (self.s / (self.s**2 + a) * self.uty[:, j]) for j, a in enumerate(alphas)
        ]
        w = np.stack(cols, axis=1)
        return w, self.y_mean - self.z_mean @ w


def _ridge(z: F64, y: F64, alpha: float | tuple[float, ...]) -> tuple[F64, F64]:
    """Ridge regression of each column of ``y`` with its own penalty."""
    return _RidgePath(z, y).solve(alpha)


def _softmax(logits: F64) -> F64:
    logits = logits - logits.max(axis=1, keepdims=True)
    p: F64 = np.exp(logits)
    out: F64 = p / p.sum(axis=1, keepdims=True)
    return out


def _softmax_fit(z: F64, q: F64, l2: float, steps: int, lr: float) -> tuple[F64, F64]:
    n, f = z.shape
    k = q.shape[1]
    w = np.zeros((f, k))
    b = np.log(q.mean(axis=0) + 1e-6)
    vw, vb = np.zeros_like(w), np.zeros_like(b)
    mu = 0.9
    for _ in range(steps):
        wl, bl = w + mu * vw, b + mu * vb
        g = (_softmax(z @ wl + bl) - q) / n
        gw = z.T @ g + l2 * wl
        gb = g.sum(axis=0)
        vw = mu * vw - lr * gw
        vb = mu * vb - lr * gb
        w, b = w + vw, b + vb
    return w, b


def fit_model(
    x: F64,
    va: F64,
    x_cat: F64,
    q: F64,
    *,
    alpha: tuple[float, float],
    hand_gain: float,
    l2: float,
    face_gain: float = 1.0,
    category_face_gain: float = 1.0,
    steps: int = 400,
    learning_rate: float = 0.05,
    sidecar: dict[str, Any] | None = None,
) -> EmotionModel:
    """Fit one model with fixed hyper-parameters.

    Args:
        x: Training features for valence and arousal, ``(N, F)``.
        va: Valence and arousal targets in [-1, 1], ``(N, 2)``.
        x_cat: Training features of the rows with category shares, ``(M, F)``.
        q: Category shares, ``(M, 7)``, rows summing to 1.
        alpha: Ridge penalties of valence and arousal.
        hand_gain: Gain of the hand-made blocks other than faces.
        l2: Category penalty.
        face_gain: Gain of the face and expression blocks (default 1).
        category_face_gain: The same for the category model (default 1).
        steps: Gradient steps for the categories (default 400).
        learning_rate: Their step size (default 0.05).
        sidecar: Metadata stored with the model.

    Raises:
        DataError: If there are too few rows or shapes disagree.
    """
    if x.shape[0] < 10 or x.shape[0] != va.shape[0] or x_cat.shape[0] != q.shape[0]:
        raise DataError(f"need at least 10 matching rows, got {x.shape[0]} and {va.shape[0]}")
    mean, scale = _standardiser(x)
    gain = _gain_vector(hand_gain, face_gain)
    z = (x - mean) / scale * gain
    w_va, b_va = _ridge(z, va, alpha)
    spread = np.clip(z @ w_va + b_va, -1.0, 1.0).std(axis=0)
    gain_cat = _gain_vector(hand_gain, category_face_gain)
    if x_cat.shape[0]:
        zc = (x_cat - mean) / scale * gain_cat
        w_cat, b_cat = _softmax_fit(zc, q, l2, steps, learning_rate)
    else:
        w_cat, b_cat = np.zeros((x.shape[1], q.shape[1])), np.zeros(q.shape[1])
    # The category model reads the same standardised z; fold its own gain in.
    w_cat = w_cat * (gain_cat / gain)[:, None]
    return EmotionModel(mean, scale, gain, w_va, b_va, spread, w_cat, b_cat, dict(sidecar or {}))


def _pearson(a: F64, b: F64) -> float:
    if a.std() == 0 or b.std() == 0:
        return 0.0
    return float(np.corrcoef(a, b)[0, 1])


def select_and_fit(
    train: tuple[F64, F64, F64, F64],
    valid: tuple[F64, F64, F64, F64],
    config: FitConfig | None = None,
) -> FitResult:
    """Choose hyper-parameters on ``valid``, return the model fitted on ``train``.

    Args:
        train: ``(x, va, x_cat, q)`` as for :func:`fit_model`.
        valid: The same for the validation rows.
        config: The search grid (default :class:`FitConfig`).

    Returns:
        The chosen model and the search log. For every pair of gains, each
        output gets the penalty with the best validation Pearson r; the face
        gain is the one with the best valence r (faces and their expressions
        are valence cues), then the hand gain the one with the best mean of the
        valence and arousal r. The category penalty minimises the validation
        cross-entropy.
    """
    cfg = config or FitConfig()
    x, va, xc, q = train
    vx, vva, vxc, vq = valid
    mean, scale = _standardiser(x)
    search: list[dict[str, float]] = []
    # (hand_gain, face_gain) -> (best valence r, best arousal r, their alphas)
    table: dict[tuple[float, float], tuple[float, float, float, float]] = {}
    for face_gain in cfg.face_gains:
        for hand_gain in cfg.hand_gains:
            gain = _gain_vector(hand_gain, face_gain)
            z = (x - mean) / scale * gain
            vz = (vx - mean) / scale * gain
            best_r = [-np.inf, -np.inf]
            best_a = [cfg.alphas[0], cfg.alphas[0]]
            path = _RidgePath(z, va)
            for alpha in cfg.alphas:
                w, b = path.solve(alpha)
                pred = vz @ w + b
                rs = (_pearson(pred[:, 0], vva[:, 0]), _pearson(pred[:, 1], vva[:, 1]))
                search.append(
                    {
                        "alpha": alpha,
                        "hand_gain": hand_gain,
                        "face_gain": face_gain,
                        "valence_r": rs[0],
                        "arousal_r": rs[1],
                    }
                )
                for j in (0, 1):
                    if rs[j] > best_r[j]:
                        best_r[j], best_a[j] = rs[j], alpha
            table[(hand_gain, face_gain)] = (best_r[0], best_r[1], best_a[0], best_a[1])
    face_gain = max(cfg.face_gains, key=lambda f: max(table[(h, f)][0] for h in cfg.hand_gains))
    hand_gain = max(cfg.hand_gains, key=lambda h: sum(table[(h, face_gain)][:2]))
    _, _, alpha_v, alpha_a = table[(hand_gain, face_gain)]
    best_l2, best_ce, cat_face_gain = cfg.l2s[0], np.inf, 1.0
    if xc.shape[0] and vxc.shape[0]:
        for fg in cfg.face_gains:
            gain = _gain_vector(hand_gain, fg)
            zc = (xc - mean) / scale * gain
            vzc = (vxc - mean) / scale * gain
            for l2 in cfg.l2s:
                w, b = _softmax_fit(zc, q, l2, cfg.steps, cfg.learning_rate)
                ce = float(-(vq * np.log(_softmax(vzc @ w + b) + 1e-9)).sum(axis=1).mean())
                search.append({"l2": l2, "category_face_gain": fg, "category_cross_entropy": ce})
                if ce < best_ce:
                    best_l2, best_ce, cat_face_gain = l2, ce, fg
    model = fit_model(
        x, va, xc, q, alpha=(alpha_v, alpha_a), hand_gain=hand_gain, face_gain=face_gain,
        category_face_gain=cat_face_gain, l2=best_l2, steps=cfg.steps,
        learning_rate=cfg.learning_rate,
    )  # fmt: skip
    return FitResult(
        model, (alpha_v, alpha_a), hand_gain, face_gain, cat_face_gain, best_l2, search
    )
