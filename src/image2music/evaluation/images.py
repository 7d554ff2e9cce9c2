"""``image2music evaluate images LABELS.csv``: the image-emotion stage on a labelled set.

The CSV has a ``path`` column (relative to the CSV's folder, or absolute) and
one or more label columns:

* ``valence`` and/or ``arousal``: numbers; their sign is the class (rows at
  exactly 0 are left out of that dimension);
* ``category``: one of Mikels' eight categories (amusement, awe, contentment,
  excitement, anger, disgust, fear, sadness), scored for the colour estimator,
  or one of Emotion6's seven (anger, disgust, fear, joy, sadness, surprise,
  neutral), scored for the learned estimator;
* ``label``: ``positive``/``negative`` (also ``pos``/``neg``, ``1``/``0``/``-1``),
  scored as valence.

Reported for each estimator (the learned model and the colour baseline):
accuracy, balanced accuracy and ROC AUC of the estimated valence sign, arousal
sign and top category (one-vs-rest AUC, averaged over the categories present),
and Pearson r where valence or arousal are numbers. Rows that cannot be read or
estimated are listed, not fatal.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np

from image2music.errors import Image2MusicError
from image2music.evaluation.classification import balanced_accuracy, binary_report, roc_auc

__all__ = ["evaluate_images", "read_label_rows"]

_POSITIVE = {"positive", "pos", "1", "+1", "+", "true", "yes"}
_NEGATIVE = {"negative", "neg", "0", "-1", "-", "false", "no"}


def read_label_rows(csv_path: Path) -> list[dict[str, str]]:
    """The rows of a labels CSV.

    Raises:
        Image2MusicError: If the file is missing, has no ``path`` column or no label column.
    """
    try:
        with csv_path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            fields = [f.strip().lower() for f in reader.fieldnames or []]
            rows = [
                {k.strip().lower(): (v or "").strip() for k, v in r.items() if k} for r in reader
            ]
    except OSError as e:
        raise Image2MusicError(f"cannot read {csv_path}: {e}") from e
    if "path" not in fields:
        raise Image2MusicError(f"{csv_path} has no 'path' column")
    if not {"valence", "arousal", "category", "label"} & set(fields):
        raise Image2MusicError(
            f"{csv_path} needs a label column: valence, arousal, category or label"
        )
    return rows


def _number(text: str) -> float | None:
    try:
        v = float(text)
    except ValueError:
        return None
    return v if np.isfinite(v) else None


def _valence_truth(row: dict[str, str]) -> bool | None:
    v = _number(row.get("valence", ""))
    if v is not None:
        return None if v == 0 else v > 0
    label = row.get("label", "").lower()
    if label in _POSITIVE:
        return True
    if label in _NEGATIVE:
        return False
    return None


def evaluate_images(
    csv_path: Path,
    *,
    detect_entities: bool = True,
    estimators: tuple[str, ...] = ("learned", "colour"),
) -> dict[str, Any]:
    """Score the emotion estimators against the labels of a CSV.

    Each picture is analysed once, as ``compose`` does, and every estimator
    reads the same features.

    Args:
        csv_path: The labels CSV (see the module docstring).
        detect_entities: Look for faces, smiles, scene cues and objects, as
            ``compose`` does (default ``True``).
        estimators: Estimator names (default: the learned model and the colour
            baseline).

    Returns:
        ``{"csv", "rows", "failures", "estimators": {name: {"estimator",
        "valence", "arousal", "category", "valence_r", "arousal_r"}}}``; a task
        without labels is ``None``. ``category`` counts only rows whose label
        belongs to that estimator's vocabulary (Mikels' eight for ``colour``,
        Emotion6's seven for ``learned``).

    Raises:
        Image2MusicError: If the CSV itself is unusable.
    """
    from image2music.emotion import estimator_for
    from image2music.types import CATEGORIES, EMOTION6_CATEGORIES
    from image2music.vision import analyse_image

    rows = read_label_rows(csv_path)
    models = {name: estimator_for(name) for name in estimators}
    failures: list[dict[str, Any]] = []
    known = set(CATEGORIES) | set(EMOTION6_CATEGORIES)
    truths: list[tuple[bool | None, float | None, float | None, str]] = []
    estimates: dict[str, list[Any]] = {name: [] for name in models}
    for i, row in enumerate(rows, start=2):
        path = Path(row.get("path", ""))
        if not row.get("path"):
            failures.append({"line": i, "path": "", "error": "empty path"})
            continue
        if not path.is_absolute():
            path = csv_path.parent / path
        category = row.get("category", "").lower()
        if category and category not in known:
            failures.append(
                {"line": i, "path": str(path), "error": f"unknown category {category!r}"}
            )
            continue
        try:
            features = analyse_image(path, detect_entities=detect_entities)
            got = {name: m.estimate(features) for name, m in models.items()}
        except (Image2MusicError, OSError, ValueError) as e:
            failures.append({"line": i, "path": str(path), "error": str(e)})
            continue
        truths.append(
            (
                _valence_truth(row),
                _number(row.get("valence", "")),
                _number(row.get("arousal", "")),
                category,
            )
        )
        for name, emotion in got.items():
            estimates[name].append(emotion)
    results = {
        name: _score(f"{m.name} {m.version}", truths, estimates[name]) for name, m in models.items()
    }
    return {"csv": str(csv_path), "rows": len(rows), "failures": failures, "estimators": results}


def _pearson(a: list[float], b: list[float]) -> float | None:
    if len(a) < 3 or float(np.std(a)) == 0 or float(np.std(b)) == 0:
        return None
    return round(float(np.corrcoef(a, b)[0, 1]), 4)


def _score(
    label: str,
    truths: list[tuple[bool | None, float | None, float | None, str]],
    emotions: list[Any],
) -> dict[str, Any]:
    val_y: list[bool] = []
    val_s: list[float] = []
    aro_y: list[bool] = []
    aro_s: list[float] = []
    v_pairs: tuple[list[float], list[float]] = ([], [])
    a_pairs: tuple[list[float], list[float]] = ([], [])
    cat_true: list[str] = []
    cat_pred: list[str] = []
    cat_scores: list[dict[str, float]] = []
    for (truth, v, a, category), emotion in zip(truths, emotions, strict=True):
        if truth is not None:
            val_y.append(truth)
            val_s.append(emotion.valence)
        if v is not None:
            v_pairs[0].append(v)
            v_pairs[1].append(emotion.valence)
        if a is not None:
            a_pairs[0].append(a)
            a_pairs[1].append(emotion.arousal)
            if a != 0:
                aro_y.append(a > 0)
                aro_s.append(emotion.arousal)
        if category and category in emotion.categories:
            cat_true.append(category)
            cat_pred.append(emotion.top_category or "")
            cat_scores.append(dict(emotion.categories))
    return {
        "estimator": label,
        "valence": binary_report(val_y, val_s) if val_y else None,
        "arousal": binary_report(aro_y, aro_s) if aro_y else None,
        "valence_r": _pearson(*v_pairs),
        "arousal_r": _pearson(*a_pairs),
        "category": _category_report(cat_true, cat_pred, cat_scores) if cat_true else None,
    }


def _category_report(
    truth: list[str], predicted: list[str], scores: list[dict[str, float]]
) -> dict[str, Any]:
    aucs = {}
    for c in sorted(set(truth)):
        auc = roc_auc([t == c for t in truth], [s.get(c, 0.0) for s in scores])
        if auc is not None:
            aucs[c] = round(auc, 4)
    bal = balanced_accuracy(truth, predicted)
    return {
        "n": len(truth),
        "accuracy": round(
            float(np.mean([t == p for t, p in zip(truth, predicted, strict=True)])), 4
        ),
        "balanced_accuracy": None if bal is None else round(bal, 4),
        "roc_auc": round(float(np.mean(list(aucs.values()))), 4) if aucs else None,
        "roc_auc_by_category": aucs,
    }
