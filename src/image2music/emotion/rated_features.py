"""Features of the rated photographs, extracted once and cached.

Training and evaluating the learned emotion model both need the feature
vector (:func:`~image2music.emotion.features.emotion_features`) of every rated
photograph (about 2,900 pictures, a few minutes on two cores). They are
computed through the same :func:`~image2music.vision.analyse_image` as
composing, and cached in ``<cache>/image-emotion/features-<key>.npz``, where
the key hashes the labels, the feature layout and the vision model files, so
a change to any of them recomputes. The colour-psychology estimator's valence
and arousal are stored beside them, as the baseline.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from image2music.emotion.estimator import ColourPsychologyEstimator
from image2music.emotion.features import FEATURE_SIZE, emotion_features
from image2music.emotion.ratings import RatedImage, data_version, read_rated_images
from image2music.errors import DataError, Image2MusicError
from image2music.onnx_models import MODELS_DIR
from image2music.types import EMOTION6_CATEGORIES

__all__ = ["RatedFeatures", "load_rated_features"]

#: Bump when analysis changes in a way the file hashes do not show.
ANALYSIS_VERSION = "1"

#: Called as ``progress(done, total)`` while features are extracted.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RatedFeatures:
    """Feature vectors and ratings of the rated photographs.

    Attributes:
        keys: ``dataset/file`` per row.
        datasets: Dataset name per row.
        x: Feature vectors, ``(N, F)`` float32.
        va: Rated valence and arousal in [-1, 1], ``(N, 2)``.
        distribution: Emotion6 shares, ``(N, 7)``; NaN rows for OASIS.
        colour_va: The colour-psychology estimator's valence and arousal, ``(N, 2)``.
        data_version: Hash of the labels and image list.
    """

    keys: tuple[str, ...]
    datasets: tuple[str, ...]
    x: NDArray[np.float32]
    va: NDArray[np.float64]
    distribution: NDArray[np.float64]
    colour_va: NDArray[np.float64]
    data_version: str

    def rows(self, mask: NDArray[np.bool_]) -> RatedFeatures:
        """The rows where ``mask`` is true."""
        idx = np.flatnonzero(mask)
        return RatedFeatures(
            tuple(self.keys[i] for i in idx),
            tuple(self.datasets[i] for i in idx),
            self.x[idx],
            self.va[idx],
            self.distribution[idx],
            self.colour_va[idx],
            self.data_version,
        )


def _models_hash() -> str:
    h = hashlib.sha256()
    for p in sorted((MODELS_DIR / "vision").glob("*")):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def _one(path: str) -> tuple[NDArray[np.float32], tuple[float, float]] | str:
    from image2music.vision import analyse_image

    try:
        f = analyse_image(path)
        colour = ColourPsychologyEstimator().estimate(f)
    except Image2MusicError as e:
        return str(e)
    return emotion_features(f), (colour.valence, colour.arousal)


def _extract(
    images: Sequence[RatedImage], workers: int, progress: Progress | None
) -> tuple[NDArray[np.float32], NDArray[np.float64]]:
    x = np.zeros((len(images), FEATURE_SIZE), np.float32)
    colour = np.zeros((len(images), 2))
    paths = [str(im.path) for im in images]
    if workers > 1:
        pool = ProcessPoolExecutor(max_workers=workers)
        try:
            results = pool.map(_one, paths, chunksize=16)
            for i, r in enumerate(results):
                _store(i, r, images, x, colour)
                if progress:
                    progress(i + 1, len(images))
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    else:
        for i, p in enumerate(paths):
            _store(i, _one(p), images, x, colour)
            if progress:
                progress(i + 1, len(images))
    return x, colour


def _store(
    i: int,
    result: tuple[NDArray[np.float32], tuple[float, float]] | str,
    images: Sequence[RatedImage],
    x: NDArray[np.float32],
    colour: NDArray[np.float64],
) -> None:
    if isinstance(result, str):
        raise DataError(f"cannot analyse {images[i].path}: {result}")
    x[i], colour[i] = result[0], result[1]


def load_rated_features(
    root: Path,
    cache_dir: Path,
    *,
    workers: int | None = None,
    progress: Progress | None = None,
) -> RatedFeatures:
    """Features and ratings of every rated photograph, from the cache when it is current.

    Args:
        root: The ``image-emotion`` folder.
        cache_dir: Folder for the cached features (created when missing).
        workers: Processes for extraction (default: the number of cores).
        progress: Called as ``progress(done, total)`` while extracting.

    Returns:
        All rows, Emotion6 first, in label-file order.

    Raises:
        DataError: If the data cannot be read or a picture cannot be analysed.
    """
    images = read_rated_images(root)
    version = data_version(root)
    key = hashlib.sha256(
        f"{version}:{FEATURE_SIZE}:{_models_hash()}:{ANALYSIS_VERSION}".encode()
    ).hexdigest()[:16]
    cache = cache_dir / f"features-{key}.npz"
    keys = tuple(im.key for im in images)
    if cache.is_file():
        try:
            with np.load(cache) as z:
                if tuple(str(k) for k in z["keys"]) == keys:
                    x, colour = np.asarray(z["x"], np.float32), np.asarray(z["colour_va"])
                else:
                    x = np.zeros((0, 0), np.float32)
                    colour = np.zeros((0, 2))
        except (OSError, ValueError, KeyError):
            x = np.zeros((0, 0), np.float32)
            colour = np.zeros((0, 2))
    else:
        x = np.zeros((0, 0), np.float32)
        colour = np.zeros((0, 2))
    if x.shape != (len(images), FEATURE_SIZE):
        x, colour = _extract(images, workers or os.cpu_count() or 1, progress)
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_suffix(".tmp.npz")
            with tmp.open("wb") as fh:
                np.savez(fh, keys=np.array(keys), x=x, colour_va=colour)
            tmp.replace(cache)
        except OSError as e:
            raise DataError(f"cannot write the feature cache {cache}: {e.strerror or e}") from e
    nan = [float("nan")] * len(EMOTION6_CATEGORIES)
    return RatedFeatures(
        keys=keys,
        datasets=tuple(im.dataset for im in images),
        x=x,
        va=np.array([[im.valence, im.arousal] for im in images]),
        distribution=np.array([list(im.distribution) if im.distribution else nan for im in images]),
        colour_va=colour,
        data_version=version,
    )
