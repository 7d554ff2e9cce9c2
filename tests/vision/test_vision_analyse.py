"""analyse_image / analyse_array: the stage's public entry points."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

import image2music.vision as vision
from image2music.errors import AnalysisError, ImageError
from image2music.types import ImageFeatures
from image2music.vision import analyse as analyse_module
from image2music.vision import analyse_array, analyse_image

DATA_DIR = Path(__file__).parent / "data"
PHOTOS = sorted(p.name for p in DATA_DIR.glob("*.jpg"))

Solid = Callable[..., NDArray[np.uint8]]


def test_photos_are_shipped() -> None:
    assert len(PHOTOS) >= 6
    assert (DATA_DIR / "ATTRIBUTION.md").is_file()
    for name in PHOTOS:
        assert name in (DATA_DIR / "ATTRIBUTION.md").read_text(encoding="utf-8")
        assert (DATA_DIR / name).stat().st_size < 60_000


@pytest.mark.parametrize("name", PHOTOS)
def test_every_photo_analyses_in_range(name: str) -> None:
    feats = analyse_image(DATA_DIR / name)
    assert isinstance(feats, ImageFeatures)  # its constructor validates every range
    assert feats.format == "JPEG"
    assert 0.0 <= feats.brightness <= 1.0
    assert -1.0 <= feats.warmth <= 1.0
    assert 0.0 <= feats.colourfulness < 200.0
    hist_sum = sum(feats.hue_histogram)
    assert hist_sum == pytest.approx(1.0) or hist_sum == 0.0
    assert sum(c.share for c in feats.palette) == pytest.approx(1.0)
    for e in feats.entities:
        if e.box is not None:
            x, y, w, h = e.box
            assert x + w <= feats.width_px and y + h <= feats.height_px


def test_photos_differ_the_way_they_look() -> None:
    feats = {name: analyse_image(DATA_DIR / name, detect_entities=False) for name in PHOTOS}
    dark = feats["hubble_deep_field.jpg"]
    assert dark.brightness == min(f.brightness for f in feats.values())
    assert feats["ihc.jpg"].brightness > 0.6
    assert feats["coffee.jpg"].warmth > 0.5
    assert feats["rocket.jpg"].warmth < -0.3
    grey = feats["camera.jpg"]
    assert grey.saturation == pytest.approx(0.0, abs=0.01)
    assert grey.hue_histogram == (0.0,) * 12


def test_face_photo_has_a_face() -> None:
    feats = analyse_image(DATA_DIR / "grace_hopper.jpg")
    assert feats.count("face") == 1
    assert feats.entity_confidence("face") > 0.5


def test_entities_can_be_skipped() -> None:
    assert analyse_image(DATA_DIR / "astronaut.jpg", detect_entities=False).entities == ()


def test_bytes_and_stream_sources_give_the_same_features() -> None:
    path = DATA_DIR / "chelsea.jpg"
    data = path.read_bytes()
    assert analyse_image(data) == analyse_image(path) == analyse_image(io.BytesIO(data))


def test_analysis_size_is_configurable() -> None:
    feats = analyse_image(DATA_DIR / "coffee.jpg", max_side_px=128, detect_entities=False)
    assert (feats.width_px, feats.height_px) == (400, 267)


def test_image_errors_pass_through(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="not found"):
        analyse_image(tmp_path / "missing.png")
    with pytest.raises(ImageError, match="too many pixels"):
        analyse_image(DATA_DIR / "coffee.jpg", max_pixels=1000)


def test_analyse_array_defaults_to_the_array_size(solid: Solid) -> None:
    feats = analyse_array(solid((30, 60, 200), (50, 40)))
    assert (feats.width_px, feats.height_px) == (50, 40)
    assert feats.format == ""
    assert feats.warmth < 0.0


def test_analyse_array_records_original_size_and_format(solid: Solid) -> None:
    feats = analyse_array(solid((200, 60, 30), (64, 48)), width_px=640, height_px=480, format="PNG")
    assert (feats.width_px, feats.height_px, feats.format) == (640, 480, "PNG")


@pytest.mark.parametrize(
    "bad",
    [
        np.zeros((8, 8), dtype=np.uint8),
        np.zeros((8, 8, 4), dtype=np.uint8),
        np.zeros((8, 8, 3), dtype=np.float32),
        np.zeros((0, 8, 3), dtype=np.uint8),
    ],
)
def test_analyse_array_rejects_malformed_arrays(bad: NDArray[np.generic]) -> None:
    with pytest.raises(AnalysisError, match="uint8 with shape"):
        analyse_array(bad)  # type: ignore[arg-type]


def test_unexpected_failures_become_analysis_errors(
    monkeypatch: pytest.MonkeyPatch, solid: Solid
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("simulated\nfailure")

    monkeypatch.setattr(analyse_module, "tone_features", broken)
    with pytest.raises(AnalysisError, match="simulated failure") as err:
        analyse_array(solid((1, 2, 3)))
    assert isinstance(err.value.__cause__, RuntimeError)
    assert "\n" not in str(err.value)


def test_public_api() -> None:
    assert set(vision.__all__) >= {
        "LoadedImage",
        "SUPPORTED_FORMATS",
        "analyse_array",
        "analyse_image",
        "load_image",
        "sniff_format",
    }
    for name in vision.__all__:
        assert hasattr(vision, name)
