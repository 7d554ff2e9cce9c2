"""``image2music train emotion``: fit, evaluate and save the learned emotion model.

Numpy only (no torch): reads the rated photographs' cached features
(:mod:`image2music.emotion.rated_features`), fits the model on the mixed
training split with settings chosen on the validation split
(:mod:`image2music.emotion.fit`), evaluates it and the colour baseline on the
test split and across data sets (:mod:`image2music.evaluation.rated_images`),
and writes ``learned.npz`` + ``learned.json`` (configuration, seed, data
version, split sizes, metrics) to the output folder, and into the package with
``install``.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from image2music.emotion.features import FEATURE_BLOCKS, FEATURE_SIZE
from image2music.emotion.fit import FitConfig
from image2music.emotion.learned import LEARNED_MODEL, EmotionModel
from image2music.emotion.rated_features import Progress, load_rated_features
from image2music.evaluation.rated_images import evaluate_protocol, fit_settings
from image2music.onnx_models import MODELS_DIR

__all__ = ["train_emotion"]

_WEIGHTS = ("mean", "scale", "gain", "w_va", "b_va", "spread", "w_cat", "b_cat")

TRAINED_ON = {
    "emotion6": "Emotion6 (Peng et al. 2015): 1,980 Flickr photographs, academic research"
    " use only, image copyright with the owners",
    "oasis": "OASIS (Kurdi et al. 2017): 900 photographs (Pixabay, Wikimedia, Flickr),"
    " free for research use",
}


def _vision_models() -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()[:16]
        for p in sorted((MODELS_DIR / "vision").glob("*.onnx"))
    }


def train_emotion(
    images_root: Path,
    cache_dir: Path,
    out: Path,
    *,
    seed: int = 0,
    workers: int | None = None,
    install: bool = False,
    progress: Progress | None = None,
    config: FitConfig | None = None,
) -> dict[str, Any]:
    """Fit, evaluate and save the learned emotion model.

    Args:
        images_root: The ``image-emotion`` folder (Emotion6 and OASIS).
        cache_dir: Folder of the feature cache.
        out: Folder for ``learned.npz``, ``learned.json`` (created when missing).
        seed: Split seed (default 0).
        workers: Processes for feature extraction (default: every core).
        install: Also copy the model into the package.
        progress: Called as ``progress(done, total)`` while extracting features.
        config: Search grid (default :class:`FitConfig`).

    Returns:
        The sidecar written with the model (metrics included).

    Raises:
        DataError: If the data cannot be read.
        ModelError: If the model cannot be written.
    """
    from image2music.version import __version__

    cfg = config or FitConfig()
    data = load_rated_features(images_root, cache_dir, workers=workers, progress=progress)
    metrics, mixed = evaluate_protocol(data, seed, cfg)
    sidecar: dict[str, Any] = {
        "kind": "emotion",
        "version": f"{__version__}+{data.data_version[:8]}",
        "feature_size": FEATURE_SIZE,
        "feature_blocks": dict(FEATURE_BLOCKS),
        "seed": seed,
        "data_version": data.data_version,
        "trained_on": TRAINED_ON,
        "trained_split": "mixed train split (70% of each set, by image hash); "
        "settings chosen on the valid split (15%); figures on the test split (15%)",
        "fit_config": {
            "alphas": list(cfg.alphas),
            "hand_gains": list(cfg.hand_gains),
            "face_gains": list(cfg.face_gains),
            "l2s": list(cfg.l2s),
            "steps": cfg.steps,
            "learning_rate": cfg.learning_rate,
        },
        "settings": fit_settings(mixed),
        "vision_models": _vision_models(),
        "package_version": __version__,
        "metrics": metrics,
    }
    weights = hashlib.sha256(
        b"".join(np.asarray(getattr(mixed.model, k), np.float32).tobytes() for k in _WEIGHTS)
    ).hexdigest()
    sidecar["version"] = f"{__version__}+{data.data_version[:8]}.{weights[:8]}"
    model: EmotionModel = replace(mixed.model, sidecar=sidecar)
    path = out / LEARNED_MODEL.name
    model.save(path)
    if install:
        LEARNED_MODEL.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, LEARNED_MODEL)
        shutil.copyfile(path.with_suffix(".json"), LEARNED_MODEL.with_suffix(".json"))
    return sidecar
