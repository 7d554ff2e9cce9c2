"""Colour spaces of a picture: sRGB decoding, CIE XYZ and Lab, HSV planes, grey.

Pure, deterministic array functions shared by the tone features
(:mod:`image2music.vision.tone`) and the palette (:mod:`image2music.vision.palette`).
Every function takes an sRGB ``uint8`` array of shape ``(height, width, 3)``.
The heavy per-pixel steps run in OpenCV, imported on first use.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from image2music.errors import AnalysisError

__all__ = [
    "Planes",
    "check_rgb",
    "grey",
    "hsv",
    "lightness",
    "lightness_from",
    "planes",
    "srgb_to_lab",
]

# D65 white point (CIE 1931 2-degree observer), as used by sRGB (IEC 61966-2-1).
_WHITE_D65 = np.array([0.95047, 1.0, 1.08883])

# Linear sRGB -> CIE XYZ (D65), IEC 61966-2-1 (Lindbloom's matrix).
_RGB_TO_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)

# CIE Lab constants (CIE 15:2004): f(t) = cbrt(t) above EPS, t * KAPPA + 4/29 below.
_LAB_EPS = (6.0 / 29.0) ** 3
_LAB_KAPPA = 1.0 / (3.0 * (6.0 / 29.0) ** 2)


def _srgb_decode_table() -> NDArray[np.float32]:
    """Linear-light value of each 8-bit sRGB code (IEC 61966-2-1 transfer curve)."""
    v = np.arange(256, dtype=np.float64) / 255.0
    lin = np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)
    return lin.astype(np.float32)


_SRGB_TO_LINEAR = _srgb_decode_table()

# Luminance Y contributed by each 8-bit code of R, G and B (row 2 of the matrix),
# shaped as OpenCV lookup tables.
_Y_FROM_R = (_SRGB_TO_LINEAR * np.float32(0.2126729)).reshape(1, 256)
_Y_FROM_G = (_SRGB_TO_LINEAR * np.float32(0.7151522)).reshape(1, 256)
_Y_FROM_B = (_SRGB_TO_LINEAR * np.float32(0.0721750)).reshape(1, 256)


class Planes(NamedTuple):
    """Per-pixel planes shared by the features, each ``(height, width)``."""

    r: NDArray[np.uint8]
    g: NDArray[np.uint8]
    b: NDArray[np.uint8]
    hue: NDArray[np.float32]  # degrees [0, 360)
    sat: NDArray[np.float32]  # HSV S in [0, 1]
    chroma8: NDArray[np.uint8]  # max - min, 0..255


# --------------------------------------------------------------------------- conversions


def check_rgb(rgb: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """The array, C-contiguous, if it is a non-empty ``uint8`` (height, width, 3) picture.

    Raises:
        AnalysisError: For any other array.
    """
    a = np.asarray(rgb)
    if a.dtype != np.uint8 or a.ndim != 3 or a.shape[2] != 3 or a.shape[0] * a.shape[1] == 0:
        raise AnalysisError(
            f"expected a non-empty uint8 array of shape (height, width, 3), got {a.dtype} {a.shape}"
        )
    return np.ascontiguousarray(a)


def planes(a: NDArray[np.uint8]) -> Planes:
    """The R, G, B, hue, saturation and chroma planes of a checked picture."""
    import cv2

    r, g, b = (np.asarray(c, dtype=np.uint8) for c in cv2.split(a))
    unit = a.astype(np.float32)
    unit *= np.float32(1.0 / 255.0)
    # Float input: H in degrees [0, 360), S and V in [0, 1], no quantisation.
    h, s, _ = cv2.split(cv2.cvtColor(unit, cv2.COLOR_RGB2HSV))
    hue = np.asarray(h, dtype=np.float32)
    np.putmask(hue, hue >= np.float32(360.0), np.float32(0.0))
    chroma8 = np.asarray(cv2.subtract(cv2.max(cv2.max(r, g), b), cv2.min(cv2.min(r, g), b)))
    return Planes(r, g, b, hue, np.asarray(s, dtype=np.float32), chroma8.astype(np.uint8))


def lightness_from(p: Planes) -> NDArray[np.float32]:
    """CIE L* (0..100) per pixel, from the planes (see :func:`lightness`)."""
    import cv2

    y = np.asarray(
        cv2.add(cv2.add(cv2.LUT(p.r, _Y_FROM_R), cv2.LUT(p.g, _Y_FROM_G)), cv2.LUT(p.b, _Y_FROM_B)),
        dtype=np.float32,
    )
    l_star = np.cbrt(y)
    l_star *= np.float32(116.0)
    l_star -= np.float32(16.0)
    dark = y <= np.float32(_LAB_EPS)
    if dark.any():  # linear segment: L* = 116 * KAPPA * Y (= 903.3 Y) for Y <= EPS
        l_star[dark] = y[dark] * np.float32(116.0 * _LAB_KAPPA)
    return l_star


def lightness(rgb: NDArray[np.uint8]) -> NDArray[np.float32]:
    """CIE 1976 lightness L* of every pixel, 0 (black) .. 100 (white).

    ``Y = 0.2126729 R + 0.7151522 G + 0.0721750 B`` on linear sRGB (IEC 61966-2-1),
    then ``L* = 116 Y^(1/3) - 16``, or ``903.3 Y`` for ``Y <= (6/29)^3``
    (CIE 15:2004).

    Args:
        rgb: sRGB pixels, ``uint8``, shape ``(height, width, 3)``.

    Returns:
        L* per pixel, ``float32``, shape ``(height, width)``.
    """
    return lightness_from(planes(check_rgb(rgb)))


def srgb_to_lab(rgb: NDArray[np.uint8]) -> NDArray[np.float64]:
    """Convert sRGB pixels to CIE 1976 L*a*b* (D65), vectorised.

    sRGB -> linear (IEC 61966-2-1) -> XYZ (D65 matrix) -> Lab (CIE 15:2004).

    Args:
        rgb: sRGB pixels, ``uint8``, any shape ending in 3.

    Returns:
        ``float64`` array of the same shape: L* in 0..100, a* and b* roughly
        -128..127.
    """
    a = np.asarray(rgb, dtype=np.uint8)
    lin = _SRGB_TO_LINEAR[a].astype(np.float64)
    xyz = (lin @ _RGB_TO_XYZ.T) / _WHITE_D65
    f = np.where(xyz > _LAB_EPS, np.cbrt(xyz), xyz * _LAB_KAPPA + 4.0 / 29.0)
    lab = np.empty(f.shape, dtype=np.float64)
    lab[..., 0] = 116.0 * f[..., 1] - 16.0
    lab[..., 1] = 500.0 * (f[..., 0] - f[..., 1])
    lab[..., 2] = 200.0 * (f[..., 1] - f[..., 2])
    return lab


def hsv(rgb: NDArray[np.uint8]) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """HSV hue and saturation of every pixel (definitions in the module docstring).

    Args:
        rgb: sRGB pixels, ``uint8``, shape ``(height, width, 3)``.

    Returns:
        ``(hue_deg, saturation)``: hue in degrees [0, 360) (0 for greys) and
        saturation in [0, 1], both ``float32`` of shape ``(height, width)``.
    """
    p = planes(check_rgb(rgb))
    return p.hue, p.sat


def grey(rgb: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """Rec. 601 luma ``0.299 R + 0.587 G + 0.114 B`` as ``uint8`` (OpenCV's RGB2GRAY).

    Args:
        rgb: sRGB pixels, ``uint8``, shape ``(height, width, 3)``.

    Returns:
        Grey pixels, ``uint8``, shape ``(height, width)``.
    """
    import cv2

    return np.asarray(cv2.cvtColor(check_rgb(rgb), cv2.COLOR_RGB2GRAY), dtype=np.uint8)


# --------------------------------------------------------------------------- scalar features
