"""Clips made in the tests from the test photos (three stills: three scenes)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray
from PIL import Image

from tests.conftest import need

PHOTOS = Path(__file__).resolve().parent / "vision" / "data"
#: Bright, dark and calm stills (see tests/pipeline/test_sequence.py).
STILLS = ("astronaut.jpg", "camera.jpg", "coffee.jpg")
#: Seconds of each still in the three-scene clip.
SCENE_SECONDS = (5.0, 6.0, 7.0)

MakeClip = Callable[..., Path]


def stills(size: tuple[int, int] = (320, 240)) -> list[NDArray[np.uint8]]:
    return [np.asarray(Image.open(PHOTOS / n).convert("RGB").resize(size)) for n in STILLS]


def write_clip(
    path: Path,
    frames: Sequence[NDArray[np.uint8]],
    seconds: Sequence[float],
    *,
    codec: str = "libx264",
    container: str | None = None,
    fps: int = 25,
) -> Path:
    """Encode each frame held for its seconds, with PyAV."""
    av = need("av", "video clips")
    height, width = frames[0].shape[:2]
    with av.open(str(path), "w", format=container) as out:
        stream = out.add_stream(codec, rate=fps)
        stream.width, stream.height = width, height
        stream.pix_fmt = "rgb8" if codec == "gif" else "yuv420p"
        for frame, sec in zip(frames, seconds, strict=True):
            for _ in range(round(sec * fps)):
                for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                    out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


@pytest.fixture(scope="session")
def three_scenes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An 18-second H.264 MP4: a bright, a dark and a calm still (cuts at 5 s and 11 s)."""
    folder = tmp_path_factory.mktemp("clips")
    return write_clip(folder / "three.mp4", stills(), SCENE_SECONDS)


@pytest.fixture
def make_clip(tmp_path: Path) -> MakeClip:
    def make(name: str, seconds: Sequence[float] = SCENE_SECONDS, **kwargs: object) -> Path:
        return write_clip(tmp_path / name, stills()[: len(seconds)], seconds, **kwargs)  # type: ignore[arg-type]

    return make
