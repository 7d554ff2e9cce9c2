"""A tiny rated-photograph set (Emotion6 and OASIS layout) written into tmp_path."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from image2music.types import EMOTION6_CATEGORIES


def make_rated_set(root: Path, per_set: int = 24) -> Path:
    """Pictures whose rated valence follows their brightness; arousal their saturation.

    Emotion6 ratings are on 1..9 with category shares, OASIS on 1..7.
    """
    rng = np.random.default_rng(0)
    for name, (low, high) in (("emotion6", (1.0, 9.0)), ("oasis", (1.0, 7.0))):
        (root / name / "images").mkdir(parents=True)
        rows = []
        for i in range(per_set):
            light = (i % 6) / 5.0
            sat = ((i // 6) % 4) / 3.0
            grey = 40 + 180 * light
            colour = np.array([grey + 60 * sat, grey, grey - 60 * sat]).clip(0, 255)
            pixels = np.clip(colour + rng.normal(0, 12, (48, 64, 3)), 0, 255).astype(np.uint8)
            file = f"images/{name}_{i}.jpg"
            Image.fromarray(pixels).save(root / name / file, quality=90)
            valence = low + (high - low) * (0.15 + 0.7 * light)
            arousal = low + (high - low) * (0.2 + 0.6 * sat)
            row = {"path": file, "valence": f"{valence:.3f}", "arousal": f"{arousal:.3f}"}
            if name == "emotion6":
                shares = np.full(len(EMOTION6_CATEGORIES), 0.05)
                shares[3 if light > 0.5 else 4] += 0.7  # joy when bright, sadness when dark
                shares /= shares.sum()
                pairs = zip(EMOTION6_CATEGORIES, shares, strict=True)
                row |= {f"p_{c}": f"{p:.4f}" for c, p in pairs}
            rows.append(row)
        with (root / name / "labels.csv").open("w", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return root


@pytest.fixture
def rated_set(tmp_path: Path) -> Path:
    """A fresh tiny ``image-emotion`` folder."""
    return make_rated_set(tmp_path / "image-emotion")
