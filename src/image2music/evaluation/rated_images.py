"""How well an emotion estimator matches people's ratings of photographs.

Metrics, for predictions against ratings in [-1, 1]:

* ``valence_r``, ``arousal_r``: Pearson correlation;
* ``valence_auc``: ROC AUC of the predicted valence for "rated positive"
  (rating above the scale's neutral point) against "rated negative" (below it);
  pictures rated exactly neutral are left out;
* ``valence_mae``, ``arousal_mae``: mean absolute error;
* for Emotion6 rows (rated category shares): ``category_top1`` (the model's most
  likely category is the raters' most chosen), ``category_cross_entropy``
  against the raters' shares, and per category the Pearson r between predicted
  and rated shares.

:func:`evaluate_protocol` runs the whole protocol on the cached features of the
rated sets: the mixed held-out test split, then training on Emotion6 and testing
on OASIS and the reverse, each for the learned model and the colour baseline.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from image2music.emotion.fit import FitConfig, FitResult, select_and_fit
from image2music.emotion.rated_features import RatedFeatures
from image2music.emotion.ratings import split_of
from image2music.evaluation.classification import roc_auc
from image2music.types import EMOTION6_CATEGORIES

__all__ = ["emotion_metrics", "evaluate_protocol", "fit_on", "fit_settings", "split_masks"]

F64 = NDArray[np.float64]


def _r(a: F64, b: F64) -> float | None:
    if len(a) < 3 or a.std() == 0 or b.std() == 0:
        return None
    return round(float(np.corrcoef(a, b)[0, 1]), 4)


def emotion_metrics(
    pred_va: F64, true_va: F64, pred_cat: F64 | None = None, true_cat: F64 | None = None
) -> dict[str, Any]:
    """Agreement of predictions with ratings (see the module docstring).

    Args:
        pred_va: Predicted valence and arousal, ``(N, 2)``.
        true_va: Rated valence and arousal, ``(N, 2)``.
        pred_cat: Predicted Emotion6 shares, ``(N, 7)``, or ``None``.
        true_cat: Rated shares, ``(N, 7)``; rows with NaN are skipped.

    Returns:
        A JSON-ready dict of the metrics.
    """
    v = true_va[:, 0]
    keep = v != 0
    auc = roc_auc(list(v[keep] > 0), [float(s) for s in pred_va[keep, 0]])
    out: dict[str, Any] = {
        "n": len(true_va),
        "valence_r": _r(pred_va[:, 0], true_va[:, 0]),
        "arousal_r": _r(pred_va[:, 1], true_va[:, 1]),
        "valence_auc": None if auc is None else round(auc, 4),
        "valence_mae": round(float(np.abs(pred_va[:, 0] - true_va[:, 0]).mean()), 4),
        "arousal_mae": round(float(np.abs(pred_va[:, 1] - true_va[:, 1]).mean()), 4),
    }
    if pred_cat is not None and true_cat is not None:
        rows = ~np.isnan(true_cat).any(axis=1)
        if rows.sum() >= 3:
            p, q = pred_cat[rows], true_cat[rows]
            out["category_n"] = int(rows.sum())
            out["category_top1"] = round(float((p.argmax(1) == q.argmax(1)).mean()), 4)
            ce = -(q * np.log(np.clip(p, 1e-9, 1.0))).sum(axis=1).mean()
            out["category_cross_entropy"] = round(float(ce), 4)
            prior = q.mean(axis=0)
            ce0 = -(q * np.log(np.clip(prior, 1e-9, 1.0))).sum(axis=1).mean()
            out["category_cross_entropy_prior"] = round(float(ce0), 4)
            out["category_r"] = {c: _r(p[:, i], q[:, i]) for i, c in enumerate(EMOTION6_CATEGORIES)}
    return out


def split_masks(data: RatedFeatures, seed: int = 0) -> dict[str, NDArray[np.bool_]]:
    """Boolean row masks of the train, valid and test splits (by image)."""
    arr = np.array([split_of(k, seed) for k in data.keys])
    return {s: arr == s for s in ("train", "valid", "test")}


def _xy(data: RatedFeatures) -> tuple[F64, F64, F64, F64]:
    x = data.x.astype(np.float64)
    cat = ~np.isnan(data.distribution).any(axis=1)
    return x, data.va, x[cat], data.distribution[cat]


def fit_on(
    train: RatedFeatures, valid: RatedFeatures, config: FitConfig | None = None
) -> FitResult:
    """Fit the learned model on ``train``, choosing settings on ``valid``."""
    return select_and_fit(_xy(train), _xy(valid), config)


def _scores(result: FitResult, test: RatedFeatures) -> dict[str, Any]:
    va, cat = result.model.predict(test.x)
    has_categories = bool(np.abs(result.model.w_cat).sum() > 0)
    return {
        "learned": emotion_metrics(va, test.va, cat if has_categories else None, test.distribution),
        "colour": emotion_metrics(test.colour_va, test.va),
    }


def evaluate_protocol(
    data: RatedFeatures, seed: int = 0, config: FitConfig | None = None
) -> tuple[dict[str, Any], FitResult]:
    """The mixed-split and both cross-dataset evaluations.

    Args:
        data: Features and ratings of every rated photograph.
        seed: Split seed (default 0).
        config: Fit search grid.

    Returns:
        ``{"mixed": ..., "emotion6_to_oasis": ..., "oasis_to_emotion6": ...}``,
        each holding the learned and colour metrics and the chosen settings,
        and the model fitted on the mixed training split (the one to ship).
        Cross-dataset: the training set's own train/valid splits choose the
        settings; the whole other set is the test.
    """
    masks = split_masks(data, seed)
    out: dict[str, Any] = {}
    mixed = fit_on(data.rows(masks["train"]), data.rows(masks["valid"]), config)
    out["mixed"] = {
        "test": _scores(mixed, data.rows(masks["test"])),
        "valid": _scores(mixed, data.rows(masks["valid"])),
        "settings": fit_settings(mixed),
        "sizes": {s: int(m.sum()) for s, m in masks.items()},
    }
    out["mixed"]["per_dataset"] = {
        name: _scores(mixed, data.rows(masks["test"] & (np.array(data.datasets) == name)))
        for name in ("emotion6", "oasis")
    }
    ds = np.array(data.datasets)
    for src, dst in (("emotion6", "oasis"), ("oasis", "emotion6")):
        res = fit_on(
            data.rows((ds == src) & ~masks["valid"]),
            data.rows((ds == src) & masks["valid"]),
            config,
        )
        out[f"{src}_to_{dst}"] = {
            "test": _scores(res, data.rows(ds == dst)),
            "settings": fit_settings(res),
        }
    return out, mixed


def fit_settings(res: FitResult) -> dict[str, float]:
    """The hyper-parameters a fit chose, JSON-ready."""
    return {
        "alpha_valence": res.alpha[0],
        "alpha_arousal": res.alpha[1],
        "hand_gain": res.hand_gain,
        "face_gain": res.face_gain,
        "category_face_gain": res.category_face_gain,
        "l2": res.l2,
    }
