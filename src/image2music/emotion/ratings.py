"""Photographs rated for emotion: reading Emotion6 and OASIS, and splitting them.

Both sets live in ``<datasets>/image-emotion/`` (see its README and each
folder's PROVENANCE.md); they are research-use data: models are trained and
evaluated on them, and no image is ever copied into the project.

* **Emotion6** (Peng et al. 2015): 1,980 Flickr photos, valence and arousal on
  1..9 (5 neutral) and the share of raters choosing each of seven emotions.
* **OASIS** (Kurdi et al. 2017): 900 photos, valence and arousal on 1..7
  (4 neutral), no categories.

Ratings are mapped to [-1, 1] around each scale's neutral point:
``(r - neutral) / (neutral - low)``. Splits are by image, from a salted hash of
``dataset/file name``, so they never depend on file order and are the same on
every machine.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from image2music.errors import DataError
from image2music.types import EMOTION6_CATEGORIES

__all__ = [
    "IMAGE_EMOTION_SETS",
    "RatedImage",
    "data_version",
    "read_rated_images",
    "split_of",
]

#: The rated-photograph sets, by folder name.
IMAGE_EMOTION_SETS: tuple[str, ...] = ("emotion6", "oasis")

#: Rating scale of each set: (lowest, neutral).
_SCALES = {"emotion6": (1.0, 5.0), "oasis": (1.0, 4.0)}


@dataclass(frozen=True)
class RatedImage:
    """One rated photograph.

    Attributes:
        dataset: ``"emotion6"`` or ``"oasis"``.
        path: The image file.
        valence: Mean valence rating mapped to [-1, 1].
        arousal: Mean arousal rating mapped to [-1, 1].
        distribution: Share of raters per :data:`EMOTION6_CATEGORIES`
            (Emotion6 only; empty for OASIS).
    """

    dataset: str
    path: Path
    valence: float
    arousal: float
    distribution: tuple[float, ...] = ()

    @property
    def key(self) -> str:
        """``dataset/file name``: the image's identity for splits and caches."""
        return f"{self.dataset}/{self.path.name}"


def _scaled(value: str, dataset: str, field: str, where: str) -> float:
    low, neutral = _SCALES[dataset]
    try:
        r = float(value)
    except ValueError as e:
        raise DataError(f"{where}: {field} is not a number: {value!r}") from e
    return max(-1.0, min(1.0, (r - neutral) / (neutral - low)))


def read_rated_images(root: Path, datasets: Sequence[str] = IMAGE_EMOTION_SETS) -> list[RatedImage]:
    """Read the labels of the rated-photograph sets.

    Args:
        root: The ``image-emotion`` folder (holding ``emotion6/`` and ``oasis/``).
        datasets: Which sets to read (default both).

    Returns:
        One :class:`RatedImage` per labelled image whose file exists, in file order.

    Raises:
        DataError: If a set or its ``labels.csv`` is missing or malformed.
    """
    rows: list[RatedImage] = []
    for name in datasets:
        if name not in _SCALES:
            raise DataError(f"unknown image-emotion set {name!r}: choose from {IMAGE_EMOTION_SETS}")
        labels = root / name / "labels.csv"
        try:
            with labels.open(newline="", encoding="utf-8") as fh:
                table = list(csv.DictReader(fh))
        except OSError as e:
            raise DataError(f"cannot read {labels}: {e.strerror or e}") from e
        for i, row in enumerate(table, start=2):
            where = f"{labels}:{i}"
            try:
                path = root / name / row["path"]
                valence = _scaled(row["valence"], name, "valence", where)
                arousal = _scaled(row["arousal"], name, "arousal", where)
                dist: tuple[float, ...] = ()
                if name == "emotion6":
                    raw = [float(row[f"p_{c}"]) for c in EMOTION6_CATEGORIES]
                    total = sum(raw)
                    dist = tuple(v / total for v in raw) if total > 0 else ()
            except (KeyError, ValueError) as e:
                raise DataError(f"{where}: malformed row ({e})") from e
            if path.is_file():
                rows.append(RatedImage(name, path, valence, arousal, dist))
    if not rows:
        raise DataError(f"no rated images found under {root}")
    return rows


def split_of(key: str, seed: int = 0, valid_share: float = 0.15, test_share: float = 0.15) -> str:
    """The split of one image: ``"train"``, ``"valid"`` or ``"test"``.

    Args:
        key: The image's ``dataset/file name`` (:attr:`RatedImage.key`).
        seed: Salt of the hash (default 0): another seed gives another split.
        valid_share: Share of images for validation (default 0.15).
        test_share: Share of images for the test (default 0.15).
    """
    h = hashlib.sha1(f"{seed}:{key}".encode()).digest()
    u = int.from_bytes(h[:8], "big") / 2**64
    if u < test_share:
        return "test"
    if u < test_share + valid_share:
        return "valid"
    return "train"


def data_version(root: Path, datasets: Sequence[str] = IMAGE_EMOTION_SETS) -> str:
    """SHA-256 prefix over the sets' ``labels.csv`` files and image names."""
    h = hashlib.sha256()
    for name in datasets:
        labels = root / name / "labels.csv"
        try:
            h.update(labels.read_bytes())
        except OSError as e:
            raise DataError(f"cannot read {labels}: {e.strerror or e}") from e
        for p in sorted((root / name / "images").glob("*")):
            h.update(p.name.encode())
            h.update(str(p.stat().st_size).encode())
    return h.hexdigest()[:16]
