from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PHOTOS = Path(__file__).resolve().parents[1] / "vision" / "data"


@pytest.fixture(scope="session")
def example_photo() -> Path:
    return EXAMPLES / "photo.jpg"


def real_photos() -> list[Path]:
    return sorted(p for p in PHOTOS.glob("*") if p.suffix.lower() in (".jpg", ".png"))


@pytest.fixture
def gradient_png(tmp_path: Path) -> Path:
    """A small warm gradient picture."""
    x = np.linspace(0, 255, 96, dtype=np.uint8)
    arr = np.stack(
        [np.tile(x, (64, 1)), np.full((64, 96), 120, np.uint8), np.full((64, 96), 40, np.uint8)], -1
    )
    path = tmp_path / "gradient.png"
    Image.fromarray(arr).save(path)
    return path
