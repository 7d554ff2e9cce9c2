"""The Python API takes what Python users hold, and says clearly what it does not take."""

from __future__ import annotations

import inspect
from dataclasses import fields
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import image2music
from image2music.errors import ConfigError, Image2MusicError, ImageError
from image2music.options import ComposeOptions
from image2music.pipeline import compose
from tests.conftest import need
from tests.faults.conftest import EXAMPLE


def test_option_keywords_are_the_option_fields() -> None:
    params = inspect.signature(compose).parameters
    keywords = {n for n, p in params.items() if p.kind == p.KEYWORD_ONLY}
    assert keywords - {"estimator", "progress"} == {f.name for f in fields(ComposeOptions)}
    assert all(params[f.name].default is None for f in fields(ComposeOptions))


def test_every_kind_of_picture_gives_the_same_music() -> None:
    data = EXAMPLE.read_bytes()
    reference = image2music.compose(EXAMPLE, bars=4)
    with EXAMPLE.open("rb") as fh:
        from_file = image2music.compose(fh, bars=4)
    with Image.open(EXAMPLE) as im:
        from_pil = image2music.compose(im, bars=4)
        pixels = np.asarray(im.convert("RGB"))
    from_array = image2music.compose(pixels, bars=4)
    from_bytes = image2music.compose(data, bars=4)
    for other in (bytearray(data), memoryview(data)):
        assert image2music.compose(other, bars=4).midi == from_bytes.midi
    assert from_bytes.score.tracks == reference.score.tracks  # the same music, titled "image"
    assert from_file.midi == reference.midi
    assert from_file.report["image"]["name"] == "photo.jpg"
    # Pillow and numpy pictures are decoded in full, then downscaled: the same emotion
    assert from_pil.emotion.valence == pytest.approx(reference.emotion.valence, abs=0.1)
    assert from_array.emotion.valence == pytest.approx(from_pil.emotion.valence, abs=1e-3)
    assert from_array.features.width_px == pixels.shape[1]


@pytest.mark.parametrize("bad", [None, 3.5, ["photo.jpg"], {"path": "x"}])
def test_unsupported_types_name_the_type(bad: object) -> None:
    with pytest.raises(Image2MusicError, match=f"got {type(bad).__name__}"):
        image2music.compose(bad)


def test_wrong_arrays_are_image_errors() -> None:
    with pytest.raises(ImageError, match="uint8 with shape"):
        image2music.compose(np.zeros((10, 10), np.uint8))
    with pytest.raises(ImageError, match="float64"):
        image2music.compose(np.zeros((10, 10, 3)))


def test_text_and_closed_files_are_image_errors(tmp_path: Path) -> None:
    with (
        EXAMPLE.open("r", encoding="latin-1") as text,
        pytest.raises(ImageError, match="binary file"),
    ):
        image2music.compose(text)
    fh = EXAMPLE.open("rb")
    fh.close()
    with pytest.raises(ImageError, match="closed"):
        image2music.compose(fh)


def test_a_non_number_option_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="tempo_bpm must be a number"):
        image2music.compose(EXAMPLE, tempo_bpm="abc")  # type: ignore[arg-type]


def test_result_converts_to_pretty_midi_and_music21() -> None:
    result = image2music.compose(EXAMPLE, bars=4)
    pm = result.to_pretty_midi()
    assert len(pm.instruments) >= 3
    assert pm.get_end_time() > 5
    need("music21", "to_music21")
    score = result.to_music21()
    assert len(score.parts) >= 3
