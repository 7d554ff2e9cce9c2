"""Classification figures in numpy: accuracy, balanced accuracy and ROC AUC."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

__all__ = ["balanced_accuracy", "binary_report", "rank_average", "roc_auc"]


def rank_average(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """Ranks 1..n of ``x``, ties given their average rank."""
    order = np.argsort(x, kind="mergesort")
    sorted_x = x[order]
    ranks = np.empty(x.shape[0])
    i = 0
    while i < x.shape[0]:
        j = i
        while j + 1 < x.shape[0] and sorted_x[j + 1] == sorted_x[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2.0 + 1.0
        i = j + 1
    return ranks


def roc_auc(positive: Sequence[bool] | NDArray[np.bool_], scores: Sequence[float]) -> float | None:
    """Area under the ROC curve by the Mann-Whitney U statistic (ties count half).

    Returns:
        The AUC, or ``None`` when one class is absent.
    """
    y = np.asarray(positive, dtype=bool)
    s = np.asarray(scores, dtype=np.float64)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        return None
    ranks = rank_average(s)
    u = ranks[y].sum() - n_pos * (n_pos + 1) / 2.0
    return float(u / (n_pos * n_neg))


def balanced_accuracy(truth: Sequence[str], predicted: Sequence[str]) -> float | None:
    """Mean recall over the classes present in ``truth`` (``None`` when empty)."""
    if not truth:
        return None
    t, p = np.asarray(truth), np.asarray(predicted)
    return float(np.mean([(p[t == c] == c).mean() for c in np.unique(t)]))


def binary_report(
    positive: Sequence[bool], scores: Sequence[float]
) -> dict[str, float | int | None]:
    """Accuracy (score > 0 means positive), balanced accuracy and ROC AUC."""
    y = np.asarray(positive, dtype=bool)
    s = np.asarray(scores, dtype=np.float64)
    if y.size == 0:
        return {"n": 0, "accuracy": None, "balanced_accuracy": None, "roc_auc": None}
    pred = s > 0
    labels = ["pos" if v else "neg" for v in y]
    guessed = ["pos" if v else "neg" for v in pred]
    auc = roc_auc(y, list(s))
    bal = balanced_accuracy(labels, guessed)
    return {
        "n": int(y.size),
        "positives": int(y.sum()),
        "accuracy": round(float((pred == y).mean()), 4),
        "balanced_accuracy": None if bal is None else round(bal, 4),
        "roc_auc": None if auc is None else round(auc, 4),
    }
