"""Things recognised in a picture: faces, smiles and whole-scene cues.

Faces and smiles come from OpenCV's bundled Haar cascades (Viola and Jones
2001; Lienhart and Maydt 2002), run on the analysis-size grey picture (longest
side 512 px by default). The cascade's window is 24 x 24 px, so the smallest
face found is 24 px wide *in the analysis picture*: for a picture analysed at
512 px that is about 4.7 % of its longer side, whatever its original size.
Haar cascades only see roughly frontal, upright faces, and now and then take a
round textured object (a coin, a crater) for one; the confidence reflects that.

Scene cues are rules on colour statistics of image regions, documented on
:func:`scene_cues`. Every box is ``(x, y, width, height)`` in pixels of the
original (EXIF-rotated) picture; scene cues have no box.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from image2music.errors import AnalysisError
from image2music.types import Entity

__all__ = [
    "FACE_MIN_PX",
    "SCENE_LABELS",
    "detect_entities",
    "detect_faces",
    "scene_cues",
]

#: Faces are searched on a copy of the analysis image with this longest side.
FACE_SEARCH_SIDE_PX = 320

#: Smallest face side, in face-search pixels, that the cascade can find (its
#: 24 x 24 window): 7.5 % of the picture's longest side.
FACE_MIN_PX = 24

#: Labels :func:`scene_cues` can emit.
SCENE_LABELS = ("sky", "overcast", "vegetation", "sunset", "night")

# Face cascade parameters: 20 % scale steps and at least 4 overlapping raw hits.
# (1.15 steps at 512 px cost about three times as much for the same faces.)
_FACE_SCALE_FACTOR = 1.2
_FACE_MIN_NEIGHBOURS = 4

# Logistic map of the cascade's last-stage weight to a confidence:
# confidence = 1 / (1 + exp(-(weight - centre) / scale)).
# On the bundled frontal-face cascade, clear frontal faces score 4..8 and the
# false hits seen on coins and craters mostly 0.5..2, hence the centre at 2.
_FACE_WEIGHT_CENTRE = 2.0
_FACE_WEIGHT_SCALE = 1.0
_SMILE_WEIGHT_CENTRE = 1.0
_SMILE_WEIGHT_SCALE = 1.0

#: Detections below this confidence are dropped.
MIN_CONFIDENCE = 0.5

# Smiles are searched in the lower half of each face, resized to this size so
# the neighbour threshold means the same for small and large faces.
_SMILE_FACE_PX = 120
_SMILE_MIN_NEIGHBOURS = 20
_SMILE_MIN_SIZE = (30, 15)

# Scene cues are computed on a copy with this longest side (region statistics
# do not need more, and the gradient then measures region-scale texture).
_CUE_SIDE_PX = 128


# One set of cascades per thread: ``detectMultiScale`` changes the classifier's
# internal buffers, so an instance must not be used by two threads at once
# (opencv/opencv#4287); the web service composes in several threads.
_CASCADES = threading.local()


def _cascade(name: str) -> Any:
    """Load one of OpenCV's bundled cascades once per thread.

    Raises:
        AnalysisError: The cascade file is missing or unreadable.
    """
    import cv2.data

    cache: dict[str, Any] | None = getattr(_CASCADES, "by_name", None)
    if cache is None:
        cache = _CASCADES.by_name = {}
    clf = cache.get(name)
    if clf is None:
        path = str(cv2.data.haarcascades) + name
        clf = cv2.CascadeClassifier(path)
        if clf.empty():
            raise AnalysisError(f"cannot load OpenCV cascade {path}")
        cache[name] = clf
    return clf


def _logistic(x: float, centre: float, scale: float) -> float:
    return 1.0 / (1.0 + math.exp(-(x - centre) / scale))


def _to_grey(rgb: NDArray[np.uint8]) -> NDArray[np.uint8]:
    import cv2

    return np.asarray(cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY), np.uint8)


def _scaled_box(
    box: tuple[int, int, int, int], sx: float, sy: float, width_px: int, height_px: int
) -> tuple[int, int, int, int]:
    """An analysis-image box in original-image pixels, clipped to the picture."""
    x, y, w, h = box
    x0 = min(max(0, round(x * sx)), width_px - 1)
    y0 = min(max(0, round(y * sy)), height_px - 1)
    x1 = min(max(x0 + 1, round((x + w) * sx)), width_px)
    y1 = min(max(y0 + 1, round((y + h) * sy)), height_px)
    return x0, y0, x1 - x0, y1 - y0


@dataclass(frozen=True)
class _Hit:
    box: tuple[int, int, int, int]
    weight: float


def _detect(clf: Any, grey: NDArray[np.uint8], **kwargs: Any) -> list[_Hit]:
    rects, _levels, weights = clf.detectMultiScale3(grey, outputRejectLevels=True, **kwargs)
    if len(rects) == 0:
        return []
    flat = np.asarray(weights, dtype=np.float64).ravel()
    return [
        _Hit((int(r[0]), int(r[1]), int(r[2]), int(r[3])), float(wt))
        for r, wt in zip(rects, flat, strict=True)
    ]


def _smile_weight(grey: NDArray[np.uint8], face: tuple[int, int, int, int]) -> float | None:
    """Strongest smile-cascade weight in the lower half of a face, or ``None``."""
    import cv2

    x, y, w, h = face
    crop = grey[y : y + h, x : x + w]
    if crop.size == 0:
        return None
    size = _SMILE_FACE_PX
    face_img = cv2.resize(crop, (size, size), interpolation=cv2.INTER_AREA)
    mouth = np.asarray(
        cv2.equalizeHist(np.ascontiguousarray(face_img[size // 2 :, :])), dtype=np.uint8
    )
    hits = _detect(
        _cascade("haarcascade_smile.xml"),
        mouth,
        scaleFactor=1.1,
        minNeighbors=_SMILE_MIN_NEIGHBOURS,
        minSize=_SMILE_MIN_SIZE,
    )
    return max((hit.weight for hit in hits), default=None)


def detect_faces(
    rgb: NDArray[np.uint8],
    *,
    width_px: int | None = None,
    height_px: int | None = None,
    smiles: bool = True,
) -> tuple[Entity, ...]:
    """Find frontal faces, and smiles inside them, with OpenCV Haar cascades.

    Faces: ``haarcascade_frontalface_default.xml`` on the histogram-equalised
    grey picture downscaled to a longest side of :data:`FACE_SEARCH_SIDE_PX`
    (320 px), scale step 1.2, at least 4 neighbours, smallest face 24 px there
    (7.5 % of the picture's longest side). Searching at this size costs about a
    third of a search at 512 px with finer steps; smaller faces, as in crowd
    shots, are missed.
    Smiles: ``haarcascade_smile.xml`` on the lower half of each face, resized to
    120 x 120 px and equalised, at least 20 neighbours.

    Confidence: ``detectMultiScale3(..., outputRejectLevels=True)`` reports the
    weight of the cascade's last stage for each detection (how far past the
    stage threshold it got). It is mapped through a logistic,
    ``1 / (1 + exp(-(weight - 2)))`` for faces (clear frontal faces score 4..8,
    so 0.9..1.0; typical false hits on round textures 0.5..2) and
    ``1 / (1 + exp(-(weight - 1)))`` for smiles. Detections under 0.5
    (:data:`MIN_CONFIDENCE`) are dropped.

    Args:
        rgb: sRGB analysis pixels, ``uint8``, shape ``(height, width, 3)``.
        width_px: Width of the original picture, for the boxes (default: the
            array's width).
        height_px: Height of the original picture (default: the array's height).
        smiles: Also look for smiles inside each face (default ``True``).

    Returns:
        ``face`` entities (largest first), then ``smile`` entities, each with a
        box in original-picture pixels.
    """
    h, w = rgb.shape[:2]
    width_px = width_px or w
    height_px = height_px or h
    sx, sy = width_px / w, height_px / h
    import cv2

    grey = _to_grey(rgb)
    search = grey
    k = min(1.0, FACE_SEARCH_SIDE_PX / max(h, w))
    if k < 1.0:
        size = (max(1, round(w * k)), max(1, round(h * k)))
        search = np.asarray(cv2.resize(grey, size, interpolation=cv2.INTER_AREA), np.uint8)
    equalised = np.asarray(cv2.equalizeHist(search), dtype=np.uint8)
    raw = _detect(
        _cascade("haarcascade_frontalface_default.xml"),
        equalised,
        scaleFactor=_FACE_SCALE_FACTOR,
        minNeighbors=_FACE_MIN_NEIGHBOURS,
        minSize=(FACE_MIN_PX, FACE_MIN_PX),
    )
    # Back to analysis-image pixels, where smiles are searched at full detail.
    hits = [
        _Hit(
            _scaled_box(hit.box, 1.0 / k, 1.0 / k, w, h) if k < 1.0 else hit.box,
            hit.weight,
        )
        for hit in raw
    ]
    hits.sort(key=lambda hit: (-hit.box[2] * hit.box[3], hit.box))
    faces: list[Entity] = []
    smile_entities: list[Entity] = []
    for hit in hits:
        conf = _logistic(hit.weight, _FACE_WEIGHT_CENTRE, _FACE_WEIGHT_SCALE)
        if conf < MIN_CONFIDENCE:
            continue
        box = _scaled_box(hit.box, sx, sy, width_px, height_px)
        faces.append(Entity("face", conf, box))
        if not smiles:
            continue
        weight = _smile_weight(grey, hit.box)
        if weight is None:
            continue
        s_conf = _logistic(weight, _SMILE_WEIGHT_CENTRE, _SMILE_WEIGHT_SCALE)
        if s_conf >= MIN_CONFIDENCE:
            fx, fy, fw, fh = hit.box
            mouth_box = (fx, fy + fh // 2, fw, fh - fh // 2)
            smile_entities.append(
                Entity("smile", s_conf, _scaled_box(mouth_box, sx, sy, width_px, height_px))
            )
    return tuple(faces) + tuple(smile_entities)


# --------------------------------------------------------------------------- scene cues


def _ramp(x: float, lo: float, hi: float) -> float:
    """0 at or below ``lo``, 1 at or above ``hi``, linear between."""
    return float(min(1.0, max(0.0, (x - lo) / (hi - lo))))


@dataclass(frozen=True)
class _CuePlanes:
    hue: NDArray[np.float32]  # degrees [0, 360)
    sat: NDArray[np.float32]  # HSV S, [0, 1]
    val: NDArray[np.float32]  # HSV V, [0, 1]
    l_star: NDArray[np.float32]  # 0..100
    grad: NDArray[np.float32]  # Sobel magnitude on grey in [0, 1]


def _cue_planes(rgb: NDArray[np.uint8]) -> _CuePlanes:
    import cv2

    from image2music.vision.tone import lightness

    h, w = rgb.shape[:2]
    s = min(1.0, _CUE_SIDE_PX / max(h, w))
    small = np.ascontiguousarray(rgb)
    if s < 1.0:
        size = (max(1, round(w * s)), max(1, round(h * s)))
        small = np.asarray(cv2.resize(small, size, interpolation=cv2.INTER_AREA), np.uint8)
    unit = small.astype(np.float32) / np.float32(255.0)
    hue, sat, val = (
        np.asarray(c, np.float32) for c in cv2.split(cv2.cvtColor(unit, cv2.COLOR_RGB2HSV))
    )
    grey = cv2.cvtColor(unit, cv2.COLOR_RGB2GRAY)
    gx = cv2.Sobel(grey, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(grey, cv2.CV_32F, 0, 1, ksize=3)
    grad = np.sqrt(np.asarray(gx, np.float32) ** 2 + np.asarray(gy, np.float32) ** 2)
    return _CuePlanes(hue, sat, val, lightness(small), grad)


# Thresholds of the scene rules (documented on scene_cues).
_SMOOTH_GRAD = 0.25  # Sobel magnitude on [0, 1] grey at 128 px: "smooth" below this
_GLOW_GRAD = 0.08  # "very smooth", as an evening sky's glow is


def scene_cues(rgb: NDArray[np.uint8]) -> tuple[Entity, ...]:
    """Whole-picture cues from colour statistics of image regions.

    Computed on a copy shrunk to 128 px on the longer side, with HSV hue ``H``
    (degrees), saturation ``S``, value ``V``, CIE lightness ``L*`` and the 3 x 3
    Sobel gradient magnitude ``G`` of grey on [0, 1]; "smooth" means ``G < 0.25``
    (no strong edge at that scale), "very smooth" ``G < 0.08``. A cue is emitted
    when its confidence is at least 0.25; ``share`` is the fraction of pixels of
    the named region meeting the pixel rule, and ``ramp(x, a .. b)`` rises
    linearly from 0 at ``a`` to 1 at ``b``.

    * ``sky``: top third; pixel rule blue (190 <= H <= 255), S >= 0.2, L* >= 15,
      smooth. Clear and dusk skies are blue, bright enough and free of edges.
      Confidence ramps from share 0.25 (0) to 0.65 (1).
    * ``overcast``: top third; pixel rule grey-white (S < 0.12, L* >= 60),
      smooth: cloud cover. Confidence ramps from share 0.35 to 0.75, times 0.8
      (a plain bright wall looks the same).
    * ``vegetation``: whole picture; pixel rule green (65 <= H <= 170),
      S >= 0.2, V >= 0.12. Confidence ramps from share 0.05 to 0.35.
    * ``sunset``: top half; pixel rule a warm glow (H >= 340 or H <= 55,
      S >= 0.35, V >= 0.6, very smooth), and the bottom third darker than the top
      half (ΔL* = difference of their mean L*, the dark land under an evening
      sky). Confidence = ramp(share, 0.25 .. 0.55) x ramp(ΔL*, 8 .. 25). The
      smoothness keeps warm textured surfaces (wood, fur) out.
    * ``night``: whole picture; pixel rule dark (L* < 20). Confidence =
      ramp(dark share, 0.45 .. 0.85) x (0.75 + 0.25 x lights), where ``lights``
      is 1 when between 0.02 % and 10 % of pixels are bright points
      (L* >= 75): stars, street lamps, windows.

    Args:
        rgb: sRGB analysis pixels, ``uint8``, shape ``(height, width, 3)``.

    Returns:
        Entities with labels from :data:`SCENE_LABELS` and no box, most
        confident first.
    """
    p = _cue_planes(rgb)
    h = p.hue.shape[0]
    top3 = slice(0, max(1, h // 3))
    top2 = slice(0, max(1, h // 2))
    bottom3 = slice(h - max(1, h // 3), h)
    smooth = p.grad < _SMOOTH_GRAD

    def share(mask: NDArray[np.bool_]) -> float:
        return float(np.mean(mask)) if mask.size else 0.0

    hue, sat, val, lum = p.hue, p.sat, p.val, p.l_star
    cues: dict[str, float] = {}

    blue = (hue >= 190.0) & (hue <= 255.0) & (sat >= 0.2) & (lum >= 15.0)
    cues["sky"] = _ramp(share((blue & smooth)[top3]), 0.25, 0.65)

    cloud = (sat < 0.12) & (lum >= 60.0) & smooth
    cues["overcast"] = 0.8 * _ramp(share(cloud[top3]), 0.35, 0.75)

    green = (hue >= 65.0) & (hue <= 170.0) & (sat >= 0.2) & (val >= 0.12)
    cues["vegetation"] = _ramp(share(green), 0.05, 0.35)

    glow = ((hue >= 340.0) | (hue <= 55.0)) & (sat >= 0.35) & (val >= 0.6) & (p.grad < _GLOW_GRAD)
    drop = float(np.mean(lum[top2])) - float(np.mean(lum[bottom3]))
    cues["sunset"] = _ramp(share(glow[top2]), 0.25, 0.55) * _ramp(drop, 8.0, 25.0)

    dark_share = share(lum < 20.0)
    bright_share = share(lum >= 75.0)
    lights = 1.0 if 0.0002 <= bright_share <= 0.10 else 0.0
    cues["night"] = _ramp(dark_share, 0.45, 0.85) * (0.75 + 0.25 * lights)

    found = [(label, conf) for label, conf in cues.items() if conf >= 0.25]
    found.sort(key=lambda t: (-t[1], t[0]))
    return tuple(Entity(label, round(conf, 4)) for label, conf in found)


def detect_entities(
    rgb: NDArray[np.uint8],
    *,
    width_px: int | None = None,
    height_px: int | None = None,
) -> tuple[Entity, ...]:
    """Faces, smiles and scene cues of one picture.

    Args:
        rgb: sRGB analysis pixels, ``uint8``, shape ``(height, width, 3)``.
        width_px: Width of the original picture, for the boxes (default: the
            array's width).
        height_px: Height of the original picture (default: the array's height).

    Returns:
        :func:`detect_faces` followed by :func:`scene_cues`.
    """
    return detect_faces(rgb, width_px=width_px, height_px=height_px) + scene_cues(rgb)
