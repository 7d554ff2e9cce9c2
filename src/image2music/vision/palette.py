"""The dominant colours of a picture: k-means in CIE Lab on a pixel sample.

Deterministic: a regular pixel grid, k-means++ seeded by a fixed generator,
Lloyd iterations, then clusters closer than :data:`PALETTE_MERGE_DELTA_E`
merged.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from image2music.errors import AnalysisError
from image2music.types import PaletteColour
from image2music.vision.colour_space import check_rgb, srgb_to_lab

__all__ = ["PALETTE_MERGE_DELTA_E", "PALETTE_SAMPLE", "palette", "palette_from"]

#: Most pixels fed to k-means for the palette.
PALETTE_SAMPLE = 4096

#: Palette clusters closer than this CIE76 colour difference are merged.
PALETTE_MERGE_DELTA_E = 10.0

# k-means stops when no centre moves more than this (CIE76 units), or after
# this many Lloyd iterations.
_KMEANS_TOL = 0.25
_KMEANS_MAX_ITER = 25


def _strided_sample(a: NDArray[np.uint8], limit: int) -> NDArray[np.uint8]:
    """At most ``limit`` pixels on a regular grid, as an ``(n, 3)`` array."""
    h, w = a.shape[:2]
    step = max(1, int(np.ceil(np.sqrt(h * w / limit))))
    sample = a[step // 2 :: step, step // 2 :: step].reshape(-1, 3)
    while sample.shape[0] > limit:  # pragma: no cover - the ceil above keeps it small
        step += 1
        sample = a[::step, ::step].reshape(-1, 3)
    return np.ascontiguousarray(sample)


def _kmeans_pp_init(x: NDArray[np.float64], k: int, seed: int) -> NDArray[np.float64]:
    """k-means++ seeding (Arthur and Vassilvitskii 2007) from a fixed-seed generator."""
    rng = np.random.default_rng(seed)
    n = x.shape[0]
    centres = np.empty((k, x.shape[1]))
    centres[0] = x[int(rng.integers(n))]
    d2 = np.sum((x - centres[0]) ** 2, axis=1)
    for i in range(1, k):
        cum = np.cumsum(d2)
        total = float(cum[-1])
        if total <= 0.0:  # fewer distinct colours than k: duplicate centres stay empty
            centres[i:] = centres[0]
            break
        j = int(np.searchsorted(cum, rng.random() * total, side="right"))
        centres[i] = x[min(j, n - 1)]
        d2 = np.minimum(d2, np.sum((x - centres[i]) ** 2, axis=1))
    return centres


def _kmeans(x: NDArray[np.float64], k: int, *, seed: int = 0) -> NDArray[np.intp]:
    """Lloyd's k-means; returns the cluster label of every row of ``x``.

    Empty clusters keep their centre (no random restarts), so the result only
    depends on ``x``, ``k`` and ``seed``.
    """
    centres = _kmeans_pp_init(x, k, seed)
    x2 = np.sum(x * x, axis=1)[:, None]
    labels = np.zeros(x.shape[0], dtype=np.intp)
    for _ in range(_KMEANS_MAX_ITER):
        d2 = x2 - 2.0 * (x @ centres.T) + np.sum(centres * centres, axis=1)[None, :]
        labels = np.argmin(d2, axis=1).astype(np.intp)
        counts = np.bincount(labels, minlength=k).astype(np.float64)
        new = centres.copy()
        for d in range(x.shape[1]):
            sums = np.bincount(labels, weights=x[:, d], minlength=k)
            new[:, d] = np.where(counts > 0, sums / np.maximum(counts, 1.0), centres[:, d])
        shift = float(np.max(np.sqrt(np.sum((new - centres) ** 2, axis=1))))
        centres = new
        if shift < _KMEANS_TOL:
            break
    d2 = x2 - 2.0 * (x @ centres.T) + np.sum(centres * centres, axis=1)[None, :]
    final: NDArray[np.intp] = np.argmin(d2, axis=1).astype(np.intp)
    return final


def _merge_close(lab: NDArray[np.float64], labels: NDArray[np.intp]) -> NDArray[np.intp]:
    """Merge clusters whose mean Lab colours lie within the merge ΔE, closest pair first."""
    labels = labels.copy()
    while True:
        ids = np.unique(labels)
        if ids.size < 2:
            return labels
        means = np.array([lab[labels == i].mean(axis=0) for i in ids])
        d = np.sqrt(np.sum((means[:, None, :] - means[None, :, :]) ** 2, axis=2))
        np.fill_diagonal(d, np.inf)
        i, j = divmod(int(np.argmin(d)), ids.size)
        if d[i, j] >= PALETTE_MERGE_DELTA_E:
            return labels
        labels[labels == ids[j]] = ids[i]


def palette_from(a: NDArray[np.uint8], k: int) -> tuple[PaletteColour, ...]:
    """The palette of a checked picture (see :func:`palette`)."""
    sample = _strided_sample(a, PALETTE_SAMPLE)
    lab = srgb_to_lab(sample)
    labels = _merge_close(lab, _kmeans(lab, min(k, sample.shape[0])))
    n = sample.shape[0]
    colours: list[tuple[int, tuple[int, int, int]]] = []
    for c in np.unique(labels):
        members = sample[labels == c]
        mean = np.rint(members.mean(axis=0)).astype(int)
        colours.append((int(members.shape[0]), (int(mean[0]), int(mean[1]), int(mean[2]))))
    colours.sort(key=lambda t: (-t[0], t[1]))
    return tuple(PaletteColour(rgb=rgb, share=count / n) for count, rgb in colours)


def palette(rgb: NDArray[np.uint8], k: int = 5) -> tuple[PaletteColour, ...]:
    """Dominant colours by k-means in CIE Lab, largest share first.

    1. Take at most 4096 pixels (:data:`PALETTE_SAMPLE`) on a regular grid
       (deterministic and spatially even, no random sampling).
    2. Convert them to CIE Lab (D65), where Euclidean distance approximates
       perceived difference (CIE76 ΔE).
    3. Lloyd's k-means with ``k`` clusters, seeded by k-means++ (Arthur and
       Vassilvitskii 2007) drawn from ``numpy.random.default_rng(0)``, until no
       centre moves by 0.25 ΔE or 25 iterations: the same result on every run.
    4. Merge clusters whose mean colours are closer than ΔE 10
       (:data:`PALETTE_MERGE_DELTA_E`, a clearly visible difference), closest
       pair first; empty clusters disappear.
    5. Report each cluster's mean sRGB colour and its share of the sample;
       ties in share are ordered by colour.

    Args:
        rgb: sRGB pixels, ``uint8``, shape ``(height, width, 3)``.
        k: Most colours to return (default 5), >= 1.

    Returns:
        1..k colours; shares are in [0, 1] and sum to 1 (up to float rounding).

    Raises:
        AnalysisError: ``k`` is smaller than 1 or the array is malformed.
    """
    if k < 1:
        raise AnalysisError(f"palette needs k >= 1, got {k}")
    return palette_from(check_rgb(rgb), k)


# --------------------------------------------------------------------------- all at once
