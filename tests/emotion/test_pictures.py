"""Valence and arousal move the documented way for pictures differing in one property."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageEnhance

from image2music.emotion import ColourPsychologyEstimator
from image2music.types import Emotion
from image2music.vision import analyse_image

PHOTOS = Path(__file__).resolve().parents[1] / "vision" / "data"
EST = ColourPsychologyEstimator()


def _emotion(img: Image.Image, tmp_path: Path, name: str) -> Emotion:
    path = tmp_path / f"{name}.png"
    img.save(path)
    return EST.estimate(analyse_image(path, detect_entities=False))


def _offset(img: Image.Image, delta: int) -> Image.Image:
    """Shift every channel by ``delta``: lighter or darker with the same contrast,
    edges and colour differences (multiplying would change those too)."""
    arr = np.asarray(img, dtype=np.int16) + delta
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


@pytest.mark.parametrize("photo", ["coffee.jpg", "chelsea.jpg", "rocket.jpg"])
def test_brightening_a_photo_raises_valence_and_lowers_arousal(photo: str, tmp_path: Path) -> None:
    # Valdez and Mehrabian (1994): brightness raises pleasure, lowers arousal.
    base = Image.open(PHOTOS / photo).convert("RGB")
    dark = _emotion(_offset(base, -35), tmp_path, "dark")
    bright = _emotion(_offset(base, 35), tmp_path, "bright")
    assert bright.valence > dark.valence
    assert bright.arousal < dark.arousal


@pytest.mark.parametrize("photo", ["coffee.jpg", "chelsea.jpg", "rocket.jpg"])
def test_saturating_a_photo_raises_arousal_and_valence(photo: str, tmp_path: Path) -> None:
    # Valdez and Mehrabian (1994): saturation raises arousal and pleasure.
    base = Image.open(PHOTOS / photo).convert("RGB")
    muted = _emotion(ImageEnhance.Color(base).enhance(0.3), tmp_path, "muted")
    vivid = _emotion(ImageEnhance.Color(base).enhance(1.6), tmp_path, "vivid")
    assert vivid.arousal > muted.arousal + 0.1
    assert vivid.valence > muted.valence


def test_flat_colours_differing_only_in_lightness(tmp_path: Path) -> None:
    dark = _emotion(Image.new("RGB", (64, 64), (60, 40, 30)), tmp_path, "dark")
    light = _emotion(Image.new("RGB", (64, 64), (230, 200, 180)), tmp_path, "light")
    assert light.valence > dark.valence + 0.3
