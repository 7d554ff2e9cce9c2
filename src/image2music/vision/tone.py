"""Tone features of a picture: pure, deterministic array functions.

Every function takes an sRGB ``uint8`` array of shape ``(height, width, 3)``,
normally the downscaled array from :func:`image2music.vision.loading.load_image`
(longest side 512 px), and returns plain Python numbers. Features that depend on
scale (edges, texture) are meant to be computed at that analysis size.

:func:`tone_features` computes all of them at once, sharing intermediate
arrays: about 5-10 ms for a 512 x 384 picture. The heavy per-pixel steps run in
OpenCV (imported on first use, not at import time), the rest in numpy.

Shared definitions, for channels ``R, G, B`` scaled to [0, 1] (Smith 1978,
"Color gamut transform pairs", the HSV model):

* ``V = max(R, G, B)``, chroma ``C = max - min`` (= saturation x value),
  saturation ``S = C / V`` (0 for black).
* Hue ``H`` in degrees [0, 360): 0 red, 60 yellow, 120 green, 180 cyan,
  240 blue, 300 magenta (0 for greys).
* A pixel with ``C < 4/255`` (:data:`GREY_CHROMA`) counts as grey for every
  hue-based feature; this also absorbs JPEG chroma noise in grey photos.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from image2music.types import PaletteColour
from image2music.vision.colour_space import (
    Planes,
    check_rgb,
    grey,
    hsv,
    lightness,
    lightness_from,
    planes,
    srgb_to_lab,
)
from image2music.vision.palette import (
    PALETTE_MERGE_DELTA_E,
    PALETTE_SAMPLE,
    palette,
    palette_from,
)

__all__ = [
    "CANNY_THRESHOLDS",
    "GREY_CHROMA",
    "HUE_BINS",
    "PALETTE_MERGE_DELTA_E",
    "PALETTE_SAMPLE",
    "TEXTURE_NORMALISER",
    "WARMTH_PRIOR",
    "WARM_HUE_DEG",
    "ToneFeatures",
    "brightness",
    "colourfulness",
    "contrast",
    "edge_density",
    "grey",
    "hsv",
    "hue_histogram",
    "lightness",
    "palette",
    "saturation",
    "srgb_to_lab",
    "texture",
    "tone_features",
    "warmth",
]

#: Number of hue-histogram bins (30 degrees each, bin 0 centred on red).
HUE_BINS = 12

#: Chroma (``max - min`` on a 0..1 scale) below which a pixel counts as grey.
GREY_CHROMA = 4.0 / 255.0

#: Hue, in degrees, that counts as warmest (orange); its opposite, 215 (azure),
#: counts as coolest.
WARM_HUE_DEG = 35.0

#: Shrinks warmth towards 0 for nearly grey pictures (see :func:`warmth`).
WARMTH_PRIOR = 0.02

#: Canny hysteresis thresholds (low, high) on 0..255 grey after a Gaussian blur.
CANNY_THRESHOLDS = (50, 150)

#: Expected Sobel gradient magnitude of uniform white noise on [0, 1]; texture 1.0.
TEXTURE_NORMALISER = float(np.sqrt(np.pi / 2.0))


@dataclass(frozen=True)
class ToneFeatures:
    """All tone features of one picture; see the function of the same name for each.

    Attributes:
        brightness: :func:`brightness`, in [0, 1].
        saturation: :func:`saturation`, in [0, 1].
        warmth: :func:`warmth`, in [-1, 1].
        colourfulness: :func:`colourfulness`, >= 0.
        contrast: :func:`contrast`, in [0, 1].
        edge_density: :func:`edge_density`, in [0, 1].
        texture: :func:`texture`, in [0, 1].
        hue_histogram: :func:`hue_histogram`, 12 values.
        palette: :func:`palette`, largest share first.
    """

    brightness: float
    saturation: float
    warmth: float
    colourfulness: float
    contrast: float
    edge_density: float
    texture: float
    hue_histogram: tuple[float, ...]
    palette: tuple[PaletteColour, ...]


def _brightness_from_l(l_star: NDArray[np.float32]) -> float:
    return float(np.clip(np.mean(l_star, dtype=np.float64) / 100.0, 0.0, 1.0))


def brightness(rgb: NDArray[np.uint8]) -> float:
    """Mean CIE lightness, ``mean(L*) / 100``, in [0, 1].

    L* (see :func:`lightness`) is perceptually uniform, so 0.5 looks half-way
    between black and white, unlike the mean of raw 8-bit values.

    Args:
        rgb: sRGB pixels, ``uint8``, shape ``(height, width, 3)``.

    Returns:
        0.0 for black, 1.0 for white.
    """
    return _brightness_from_l(lightness(rgb))


def _saturation_from(p: Planes) -> float:
    return float(np.clip(np.mean(p.sat, dtype=np.float64), 0.0, 1.0))


def saturation(rgb: NDArray[np.uint8]) -> float:
    """Mean HSV saturation ``S = (max - min) / max`` over all pixels, in [0, 1].

    Black pixels count as 0 (Smith 1978).

    Args:
        rgb: sRGB pixels, ``uint8``, shape ``(height, width, 3)``.

    Returns:
        0.0 for a grey picture, 1.0 for one of pure, fully saturated colours.
    """
    return _saturation_from(planes(check_rgb(rgb)))


def _sum(a: NDArray[np.float32]) -> float:
    """Sum in float64 with numpy's pairwise summation.

    Reductions, and float maths that is not exactly rounded (square roots,
    sines), run in numpy rather than OpenCV: OpenCV splits such work across
    threads and SIMD lanes in ways that can change the last bits from one call
    to the next, and every feature here must be exactly reproducible.
    """
    return float(np.sum(a, dtype=np.float64))


def _magnitude(gx: Any, gy: Any) -> NDArray[np.float32]:
    """``sqrt(gx^2 + gy^2)`` per pixel, exactly rounded (numpy, not cv2.magnitude)."""
    x = np.asarray(gx, dtype=np.float32)
    y = np.asarray(gy, dtype=np.float32)
    out = x * x
    out += y * y
    np.sqrt(out, out=out)
    return out


def _hue_weights(p: Planes) -> NDArray[np.float32]:
    """HSV chroma in [0, 1], with grey pixels (below :data:`GREY_CHROMA`) set to 0."""
    w = p.chroma8.astype(np.float32)
    np.putmask(w, w < np.float32(GREY_CHROMA * 255.0 - 1e-3), np.float32(0.0))
    w *= np.float32(1.0 / 255.0)
    return w


def _warmth_from(p: Planes, w: NDArray[np.float32]) -> float:

    delta = p.hue - np.float32(WARM_HUE_DEG)
    delta *= np.float32(np.pi / 180.0)
    np.cos(delta, out=delta)
    delta *= w
    num = _sum(delta)
    den = _sum(w) + WARMTH_PRIOR * w.size
    return float(np.clip(num / den, -1.0, 1.0))


def warmth(rgb: NDArray[np.uint8]) -> float:
    """Warm (red-orange-yellow) versus cool (cyan-azure-blue) balance, in [-1, 1].

    ``warmth = sum(w cos(H - 35 deg)) / (sum(w) + 0.02 N)`` over the N pixels,
    where ``H`` is the HSV hue and the weight ``w`` the HSV chroma (saturation x
    value; 0 for grey pixels, see the module docstring).

    Every coloured pixel votes +1 at orange (35 deg), about +0.8 at red and
    yellow, about 0 at green (120) and purple (300), -1 at azure (215), with a
    weight that grows with how vivid it is. This is the warm-cool axis of
    colour-emotion studies (Ou et al. 2004, "A study of colour emotion and
    colour preference", Color Res. Appl. 29: warmest near orange-red, coolest
    near cyan-blue). The ``0.02 N`` term (:data:`WARMTH_PRIOR`) pulls nearly grey
    pictures towards 0 instead of letting a faint tint score +-1.

    Args:
        rgb: sRGB pixels, ``uint8``, shape ``(height, width, 3)``.

    Returns:
        About +0.95 for a saturated orange picture, -0.95 for a saturated azure
        one, 0.0 for a grey one.
    """
    p = planes(check_rgb(rgb))
    return _warmth_from(p, _hue_weights(p))


def _colourfulness_from(p: Planes) -> float:
    import cv2

    f32 = cv2.CV_32F
    rg = cv2.subtract(p.r, p.g, dtype=f32)
    yb = cv2.subtract(cv2.addWeighted(p.r, 0.5, p.g, 0.5, 0.0, dtype=f32), p.b, dtype=f32)
    rg64 = np.asarray(rg, dtype=np.float64)
    yb64 = np.asarray(yb, dtype=np.float64)
    sd = np.hypot(float(np.std(rg64)), float(np.std(yb64)))
    mu = np.hypot(float(np.mean(rg64)), float(np.mean(yb64)))
    return float(sd + 0.3 * mu)


def colourfulness(rgb: NDArray[np.uint8]) -> float:
    """Hasler and Süsstrunk (2003) colourfulness ``M``, >= 0.

    On 0..255 channels: ``rg = R - G``, ``yb = (R + G) / 2 - B``,
    ``M = sqrt(std(rg)^2 + std(yb)^2) + 0.3 sqrt(mean(rg)^2 + mean(yb)^2)``
    ("Measuring colourfulness in natural images", Proc. SPIE 5007, 2003).
    Their scale: 0 not, 15 slightly, 33 moderately, 45 averagely, 59 quite,
    82 highly, 109+ extremely colourful. The largest possible value is about 468.

    Args:
        rgb: sRGB pixels, ``uint8``, shape ``(height, width, 3)``.

    Returns:
        0.0 for any grey picture.
    """
    return _colourfulness_from(planes(check_rgb(rgb)))


def _contrast_from_l(l_star: NDArray[np.float32]) -> float:
    std = float(np.std(l_star, dtype=np.float64)) / 100.0
    return float(np.clip(std / 0.5, 0.0, 1.0))


def contrast(rgb: NDArray[np.uint8]) -> float:
    """RMS contrast: standard deviation of lightness ``L*/100``, divided by 0.5.

    0.5 is the largest standard deviation a variable on [0, 1] can have (half
    the pixels black, half white), so the result lies in [0, 1] (RMS contrast,
    Peli 1990, "Contrast in complex images", JOSA A 7).

    Args:
        rgb: sRGB pixels, ``uint8``, shape ``(height, width, 3)``.

    Returns:
        0.0 for a flat picture, 1.0 for a half-black, half-white one.
    """
    return _contrast_from_l(lightness(rgb))


def _edge_density_from_grey(g: NDArray[np.uint8]) -> float:
    import cv2

    blurred = cv2.GaussianBlur(g, (5, 5), 1.0)
    edges = cv2.Canny(blurred, CANNY_THRESHOLDS[0], CANNY_THRESHOLDS[1])
    return float(cv2.countNonZero(edges)) / float(g.size)


def edge_density(rgb: NDArray[np.uint8]) -> float:
    """Share of pixels on an edge, in [0, 1].

    Canny (1986) on the Rec. 601 grey picture after a 5 x 5 Gaussian blur
    (sigma 1 px: the smoothing step of Canny's detector, which OpenCV leaves
    out), with hysteresis thresholds 50 and 150 on the 0..255 Sobel gradient
    (:data:`CANNY_THRESHOLDS`, Canny's recommended 1:3 ratio). Fixed rather
    than adaptive thresholds keep pictures comparable: a flat picture has no
    edges. Computed at analysis size (longest side 512 px); edge lines are one
    pixel wide, so typical photos score 0.02..0.15.

    Args:
        rgb: sRGB pixels, ``uint8``, shape ``(height, width, 3)``.

    Returns:
        0.0 for a flat picture.
    """
    return _edge_density_from_grey(grey(rgb))


def _texture_from_grey(g: NDArray[np.uint8]) -> float:
    import cv2

    scale = 1.0 / 255.0
    gx = cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3, scale=scale)
    gy = cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3, scale=scale)
    mean = float(np.mean(_magnitude(gx, gy), dtype=np.float64))
    return float(np.clip(mean / TEXTURE_NORMALISER, 0.0, 1.0))


def texture(rgb: NDArray[np.uint8]) -> float:
    """Mean 3 x 3 Sobel gradient magnitude of the grey picture, normalised, in [0, 1].

    On grey values scaled to [0, 1], ``texture = mean(sqrt(gx^2 + gy^2)) / n``
    where ``n = sqrt(pi / 2) = 1.2533`` (:data:`TEXTURE_NORMALISER`) is the
    expected magnitude for independent uniform noise on [0, 1]: each Sobel
    component then has variance 12 x 1/12 = 1, and the magnitude of two
    independent unit normals has the Rayleigh mean ``sqrt(pi/2)``. So uniform
    grey pixel noise scores about 1 (colour noise about 0.67, as the grey mix
    averages the channels), a flat picture 0, photos roughly 0.05..0.3. Clipped
    to [0, 1].

    Args:
        rgb: sRGB pixels, ``uint8``, shape ``(height, width, 3)``.

    Returns:
        0.0 for a flat picture.
    """
    return _texture_from_grey(grey(rgb))


def _hue_histogram_from(p: Planes, w: NDArray[np.float32]) -> tuple[float, ...]:
    import cv2

    total = _sum(w)
    if total <= 0.0:
        return (0.0,) * HUE_BINS
    # Bin floor((H + 15) / 30) mod 12, so 345..360 wraps round to bin 0.
    shifted = p.hue + np.float32(15.0)
    shifted *= np.float32(1.0 / 30.0)
    bins = shifted.astype(np.uint8)  # truncation == floor for non-negative values
    np.putmask(bins, bins >= HUE_BINS, np.uint8(0))
    # Chroma is an integer 0..255, so a 2-D count of (bin, chroma) weighted by
    # chroma is the exact chroma-weighted histogram, without a float bincount.
    counts = cv2.calcHist([bins, p.chroma8], [0, 1], None, [HUE_BINS, 256], [0, HUE_BINS, 0, 256])
    chroma_weight = np.arange(256, dtype=np.float64) / 255.0
    chroma_weight[chroma_weight < GREY_CHROMA - 1e-9] = 0.0
    hist = np.asarray(counts, dtype=np.float64) @ chroma_weight
    hist /= hist.sum()
    return tuple(float(min(1.0, max(0.0, v))) for v in hist)


def hue_histogram(rgb: NDArray[np.uint8]) -> tuple[float, ...]:
    """Chroma-weighted histogram of HSV hue in 12 bins of 30 degrees, summing to 1.

    Bin ``i`` holds hues in ``[30 i - 15, 30 i + 15)`` degrees, so bin 0 is
    centred on red (345..15), then orange (30), yellow (60), chartreuse (90),
    green (120), spring green (150), cyan (180), azure (210), blue (240),
    violet (270), magenta (300), rose (330). Each pixel adds its HSV chroma
    (saturation x value; grey pixels add nothing), so vivid colours count more
    than dull or dark ones.

    Args:
        rgb: sRGB pixels, ``uint8``, shape ``(height, width, 3)``.

    Returns:
        12 floats in [0, 1] summing to 1, or all 0.0 for a grey picture.
    """
    p = planes(check_rgb(rgb))
    return _hue_histogram_from(p, _hue_weights(p))


def tone_features(rgb: NDArray[np.uint8], *, palette_size: int = 5) -> ToneFeatures:
    """Compute every tone feature of a picture, sharing the intermediate arrays.

    Args:
        rgb: sRGB pixels, ``uint8``, shape ``(height, width, 3)``.
        palette_size: ``k`` for :func:`palette` (default 5).

    Returns:
        The same values the individual functions return.

    Raises:
        AnalysisError: The array is not ``uint8`` of shape ``(height, width, 3)``.
    """
    a = check_rgb(rgb)
    p = planes(a)
    l_star = lightness_from(p)
    w = _hue_weights(p)
    g = grey(a)
    return ToneFeatures(
        brightness=_brightness_from_l(l_star),
        saturation=_saturation_from(p),
        warmth=_warmth_from(p, w),
        colourfulness=_colourfulness_from(p),
        contrast=_contrast_from_l(l_star),
        edge_density=_edge_density_from_grey(g),
        texture=_texture_from_grey(g),
        hue_histogram=_hue_histogram_from(p, w),
        palette=palette_from(a, palette_size),
    )
