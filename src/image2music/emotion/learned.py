"""The learned emotion estimator: a model fitted to people's ratings of photographs.

``image2music train emotion`` (:mod:`image2music.emotion.train`) fits it on
Emotion6 and OASIS (see ``docs/model-cards/emotion.md``). It reads the vector
of :func:`~image2music.emotion.features.emotion_features` (EfficientNet-Lite0
embedding, tone, scene cues, faces and their expressions, COCO objects),
standardises it, scales each block by its gain, and applies

* a ridge regression for valence and arousal on the raters' scale;
* a stretch to the musical scale: people rarely rate a photograph as very
  exciting (rated arousal has a standard deviation of 0.25 on [-1, 1], the
  model's predictions 0.12), so ``v' = tanh(0.668 * v / sd)`` with ``sd`` the
  spread of the model's predictions on the training photographs; ordinary
  photographs then span about [-0.8, 0.8], neutral stays at 0 and the order of
  pictures (so the ROC AUC) is unchanged;
* a softmax regression for Emotion6's seven categories (anger, disgust, fear,
  joy, sadness, surprise, neutral), fitted to the share of raters who chose each.

Dominance has no ratings in either set, so it is the colour-psychology
estimator's (Valdez and Mehrabian's brightness and saturation terms).

The weights are plain numpy arrays (``models/emotion/learned.npz``) with a JSON
sidecar (``learned.json``: configuration, seed, data version, metrics); no torch
or scikit-learn at inference.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from image2music.emotion.estimator import ColourPsychologyEstimator
from image2music.emotion.features import FEATURE_SIZE, emotion_features
from image2music.errors import EmotionError, ModelError
from image2music.onnx_models import MODELS_DIR
from image2music.types import EMOTION6_CATEGORIES, Emotion, ImageFeatures

__all__ = ["LEARNED_MODEL", "STRETCH", "EmotionModel", "LearnedEstimator", "load_emotion_model"]

#: The shipped weights (``.npz``); the sidecar is the ``.json`` beside it.
LEARNED_MODEL = MODELS_DIR / "emotion" / "learned.npz"

_ARRAYS = ("mean", "scale", "gain", "w_va", "b_va", "spread", "w_cat", "b_cat")

#: Stretch of the musical scale: a prediction ``1.645`` standard deviations
#: from neutral (the 5th or 95th percentile of photographs) maps to ``tanh(1.1)``
#: = 0.8.
STRETCH = 0.668


@dataclass(frozen=True)
class EmotionModel:
    """Weights of the learned emotion model.

    Attributes:
        mean: Per-feature mean on the training images, shape ``(F,)``.
        scale: Per-feature standard deviation (floored), shape ``(F,)``.
        gain: Per-feature block gain applied after standardising, ``(F,)``.
        w_va: Valence and arousal weights, ``(F, 2)``.
        b_va: Valence and arousal biases, ``(2,)``.
        spread: Standard deviation of the training predictions of valence
            and arousal, ``(2,)``: the unit of the musical scale.
        w_cat: Category logits weights, ``(F, 7)``.
        b_cat: Category logit biases, ``(7,)``.
        sidecar: Configuration, seed, data version and metrics.
    """

    mean: NDArray[np.float64]
    scale: NDArray[np.float64]
    gain: NDArray[np.float64]
    w_va: NDArray[np.float64]
    b_va: NDArray[np.float64]
    spread: NDArray[np.float64]
    w_cat: NDArray[np.float64]
    b_cat: NDArray[np.float64]
    sidecar: dict[str, Any]

    def __post_init__(self) -> None:
        f = self.mean.shape[0]
        shapes = {
            "scale": (f,),
            "gain": (f,),
            "w_va": (f, 2),
            "b_va": (2,),
            "spread": (2,),
            "w_cat": (f, len(EMOTION6_CATEGORIES)),
            "b_cat": (len(EMOTION6_CATEGORIES),),
        }
        for name, shape in shapes.items():
            got = getattr(self, name).shape
            if got != shape:
                raise ModelError(f"EmotionModel.{name} must have shape {shape}, got {got}")

    def _z(self, x: NDArray[np.floating[Any]]) -> NDArray[np.float64]:
        return (np.asarray(x, np.float64) - self.mean) / self.scale * self.gain

    def predict(
        self, x: NDArray[np.floating[Any]]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Valence/arousal and category probabilities for feature rows.

        Args:
            x: Feature vectors, shape ``(N, F)``.

        Returns:
            ``(va, probs)``: valence and arousal on the raters' scale, shape
            ``(N, 2)`` clipped to [-1, 1], and ``(N, 7)`` rows summing to 1.
        """
        z = self._z(x)
        va = np.clip(z @ self.w_va + self.b_va, -1.0, 1.0)
        logits = z @ self.w_cat + self.b_cat
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        return va, p

    def musical(self, va: NDArray[np.floating[Any]]) -> NDArray[np.float64]:
        """Stretch rater-scale predictions to the musical scale (see the module docstring)."""
        return np.tanh(STRETCH * np.asarray(va, np.float64) / np.maximum(self.spread, 1e-6))

    def save(self, path: Path) -> None:
        """Write ``path`` (``.npz``) and its ``.json`` sidecar.

        Raises:
            ModelError: If the files cannot be written.
        """
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            arrays: dict[str, Any] = {k: np.asarray(getattr(self, k), np.float32) for k in _ARRAYS}
            with path.open("wb") as fh:
                np.savez(fh, **arrays)
            side = json.dumps(self.sidecar, indent=2, sort_keys=True) + "\n"
            path.with_suffix(".json").write_text(side, encoding="utf-8")
        except OSError as e:
            raise ModelError(f"cannot write the emotion model {path}: {e.strerror or e}") from e


@functools.lru_cache(maxsize=4)
def load_emotion_model(path: Path = LEARNED_MODEL) -> EmotionModel:
    """Read a learned emotion model (cached per process and path).

    Args:
        path: The ``.npz`` file (default: the shipped model).

    Raises:
        ModelError: If a file is missing, unreadable or made for another
            feature layout.
    """
    side = path.with_suffix(".json")
    if not path.is_file() or not side.is_file():
        raise ModelError(
            f"emotion model missing: need {path.name} and {side.name} in {path.parent}"
            " (train one with 'image2music train emotion --install')"
        )
    try:
        sidecar = json.loads(side.read_text(encoding="utf-8"))
        with np.load(path) as z:
            arrays = {k: np.asarray(z[k], np.float64) for k in _ARRAYS}
    except (OSError, ValueError, KeyError) as e:
        raise ModelError(f"unreadable emotion model {path}: {e}") from e
    if sidecar.get("feature_size") != FEATURE_SIZE or arrays["mean"].shape != (FEATURE_SIZE,):
        raise ModelError(
            f"emotion model {path.name} expects {sidecar.get('feature_size')} features,"
            f" this code makes {FEATURE_SIZE}: retrain with 'image2music train emotion --install'"
        )
    return EmotionModel(sidecar=sidecar, **arrays)


class LearnedEstimator:
    """The default estimator: a model learned from rated photographs.

    Args:
        path: The model's ``.npz`` file (default: the shipped model), read
            once per process.

    Raises:
        ModelError: If the model cannot be loaded.
    """

    name = "learned"

    def __init__(self, path: Path = LEARNED_MODEL) -> None:
        self._path = path
        self.version = str(load_emotion_model(path).sidecar.get("version", "unknown"))

    def estimate(self, features: ImageFeatures) -> Emotion:
        """Estimate the emotion of a picture.

        Args:
            features: The picture's features; without ``content`` (networks not
                run) the model still answers from tone, cues and faces.

        Returns:
            The estimated emotion with Emotion6 category scores, ``source="image"``.

        Raises:
            ModelError: If the model cannot be loaded.
            EmotionError: If the features give a non-finite estimate.
        """
        model = load_emotion_model(self._path)
        x = emotion_features(features)[None, :]
        raw, probs = model.predict(x)
        va = model.musical(raw)
        if not np.isfinite(va).all() or not np.isfinite(probs).all():
            raise EmotionError("image features gave a non-finite emotion estimate")
        dominance = ColourPsychologyEstimator().estimate(features).dominance
        cats = {c: round(float(p), 4) for c, p in zip(EMOTION6_CATEGORIES, probs[0], strict=True)}
        return Emotion(
            valence=round(float(va[0, 0]), 4),
            arousal=round(float(va[0, 1]), 4),
            dominance=dominance if math.isfinite(dominance) else 0.0,
            categories=cats,
            source="image",
        )
