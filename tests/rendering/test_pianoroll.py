from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import image2music
from image2music.rendering.colours import BACKGROUND, FALLBACK_CYCLE, contrast_ratio, track_colours
from image2music.rendering.pianoroll import HEIGHT_PX, WIDTH_PX, pianoroll_png
from image2music.types import PaletteColour

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "photo.jpg"


def _hex_to_rgb(h: str) -> tuple[int, int, int]:
    return int(h[1:3], 16), int(h[3:5], 16), int(h[5:7], 16)


def test_png_is_valid_sized_and_drawn() -> None:
    result = image2music.compose(EXAMPLE, bars=4, arousal=0.8)
    data = result.render("png")
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(io.BytesIO(data)) as im:
        im.verify()
    with Image.open(io.BytesIO(data)) as im:
        assert im.size == (WIDTH_PX, HEIGHT_PX)
        pixels = np.asarray(im.convert("RGB")).reshape(-1, 3)
    colours = {tuple(p) for p in pixels[::7]}
    assert len(colours) > 50  # not blank
    pitched = [t for t in result.score.tracks if not t.is_drum]
    expected = track_colours(result.features.palette, len(pitched))
    distances = np.abs(pixels.astype(int) - np.array(_hex_to_rgb(expected[0]))).sum(axis=1)
    assert (distances < 30).sum() > 200  # the melody's palette colour is on the picture


def test_png_is_deterministic_and_handles_a_long_piece() -> None:
    result = image2music.compose(EXAMPLE, duration_sec=60)
    a = pianoroll_png(result.score, result.features.palette)
    assert a == pianoroll_png(result.score, result.features.palette)
    assert pianoroll_png(result.score) != a  # default colours without a palette


def test_track_colours_come_from_the_palette_and_stay_legible() -> None:
    palette = [
        PaletteColour((250, 240, 120), 0.5),  # pale yellow: darkened
        PaletteColour((128, 128, 128), 0.3),  # grey: skipped
        PaletteColour((245, 235, 110), 0.1),  # same hue as the first: skipped
        PaletteColour((40, 60, 200), 0.1),
    ]
    colours = track_colours(palette, 4)
    assert len(set(colours)) == 4
    assert colours[0] != "#faf078" and colours[1] == "#283cc8"
    assert all(contrast_ratio(c, BACKGROUND) >= 3.0 for c in colours[:2])
    assert colours[2:] == [c for c in FALLBACK_CYCLE if c in colours[2:]]


@pytest.mark.parametrize("n", [1, 4, 9])
def test_grey_pictures_fall_back_to_the_colour_cycle(n: int) -> None:
    colours = track_colours([PaletteColour((120, 120, 120), 1.0)], n)
    assert len(colours) == n
    assert colours[: min(n, len(FALLBACK_CYCLE))] == list(FALLBACK_CYCLE[:n])


def test_contrast_ratio_extremes() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#777777") == pytest.approx(1.0)
