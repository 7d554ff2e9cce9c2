"""Track colours taken from the picture's palette, legible on the piano roll's background.

Palette colours are tried largest share first. Greyish ones (HSV saturation
times value below 0.12) are skipped, and so is a colour whose hue lies within
25 degrees of one already taken. Each kept colour is darkened (HLS lightness
lowered in steps of 0.04) until its WCAG 2 contrast ratio against the
background is at least 3:1, the minimum for graphics. Tracks left without a
colour (grey pictures, small palettes) take the unused colours of a fixed,
colour-blind-friendly cycle (Okabe and Ito 2008), those whose hue is far from
every colour taken first.
"""

from __future__ import annotations

import colorsys
from collections.abc import Sequence

from image2music.types import PaletteColour

__all__ = ["BACKGROUND", "FALLBACK_CYCLE", "contrast_ratio", "track_colours"]

#: Background of the piano roll.
BACKGROUND = "#fafafa"
#: Okabe-Ito colours, used when the palette runs out.
FALLBACK_CYCLE: tuple[str, ...] = (
    "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000",
)  # fmt: skip
_MIN_CONTRAST = 3.0
_MIN_CHROMA = 0.12
_MIN_HUE_GAP = 25.0


def _rgb(hex_colour: str) -> tuple[float, float, float]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16) / 255.0, int(h[2:4], 16) / 255.0, int(h[4:6], 16) / 255.0


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(max(0.0, min(1.0, c)) * 255):02x}" for c in rgb)


def _luminance(rgb: tuple[float, float, float]) -> float:
    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours, 1..21."""
    la, lb = sorted((_luminance(_rgb(a)), _luminance(_rgb(b))), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _legible(rgb: tuple[float, float, float], background: str) -> str:
    h, lightness, s = colorsys.rgb_to_hls(*rgb)
    colour = _hex(rgb)
    while contrast_ratio(colour, background) < _MIN_CONTRAST and lightness > 0.0:
        lightness = max(0.0, lightness - 0.04)
        colour = _hex(colorsys.hls_to_rgb(h, lightness, s))
    return colour


def _hue(hex_colour: str) -> float | None:
    h, s, v = colorsys.rgb_to_hsv(*_rgb(hex_colour))
    return h * 360.0 if s * v >= _MIN_CHROMA else None


def _near(hue: float | None, hues: Sequence[float]) -> bool:
    if hue is None:
        return False
    return any(min(abs(hue - o), 360.0 - abs(hue - o)) < _MIN_HUE_GAP for o in hues)


def track_colours(
    palette: Sequence[PaletteColour], n: int, background: str = BACKGROUND
) -> list[str]:
    """``n`` distinct ``#rrggbb`` colours for tracks (rules in the module docstring)."""
    chosen: list[str] = []
    hues: list[float] = []
    for colour in palette:
        if len(chosen) == n:
            break
        rgb = tuple(c / 255.0 for c in colour.rgb)
        h, s, v = colorsys.rgb_to_hsv(*rgb)
        if s * v < _MIN_CHROMA:
            continue
        hue = h * 360.0
        if _near(hue, hues):
            continue
        hues.append(hue)
        chosen.append(_legible((rgb[0], rgb[1], rgb[2]), background))
    spare = [c for c in FALLBACK_CYCLE if c not in chosen]
    distinct = [c for c in spare if not _near(_hue(c), hues)]
    for fallback in [*distinct, *(c for c in spare if c not in distinct)]:
        if len(chosen) >= n:
            break
        chosen.append(fallback)
    while len(chosen) < n:
        chosen.append(FALLBACK_CYCLE[len(chosen) % len(FALLBACK_CYCLE)])
    return chosen[:n]
