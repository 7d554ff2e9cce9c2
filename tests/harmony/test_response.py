"""The shipped network really responds to valence and arousal (50 seeds per point)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from image2music.evaluation.progression_stats import progression_statistics
from image2music.harmony.network import NetworkHarmony

SAMPLES = 50


@pytest.fixture(scope="module")
def gen(shipped_model: Path) -> NetworkHarmony:
    return NetworkHarmony()


def _stats(gen: NetworkHarmony, v: float, a: float, mode: str) -> dict[str, float]:
    rng = np.random.default_rng(123)
    seqs = [gen.sample_tokens(v, a, mode, 8, rng) for _ in range(SAMPLES)]
    return progression_statistics(seqs, [mode == "minor"] * SAMPLES)


@pytest.mark.parametrize("mode", ["major", "minor"])
def test_valence_raises_the_major_chord_share(gen: NetworkHarmony, mode: str) -> None:
    high = _stats(gen, 0.8, 0.0, mode)["major_share"]
    low = _stats(gen, -0.8, 0.0, mode)["major_share"]
    assert high - low > 0.15, (high, low)


@pytest.mark.parametrize("mode", ["major", "minor"])
def test_arousal_quickens_the_harmonic_rhythm(gen: NetworkHarmony, mode: str) -> None:
    high = _stats(gen, 0.0, 0.8, mode)["changes_per_bar"]
    low = _stats(gen, 0.0, -0.8, mode)["changes_per_bar"]
    assert high - low > 0.25, (high, low)


def test_valence_response_is_monotonic(gen: NetworkHarmony) -> None:
    shares = [_stats(gen, v, 0.0, "major")["major_share"] for v in (-0.8, 0.0, 0.8)]
    assert shares[0] < shares[1] < shares[2], shares
