"""Mastering: the high-pass, the glue and the true-peak limiter."""

from __future__ import annotations

import numpy as np
import pytest

from image2music.rendering.loudness import CEILING_DBFS, TARGET_LUFS, integrated_loudness, master
from image2music.rendering.mastering import GLUE_MAX_DB, glue, highpass, limit, true_peak

SR = 44100


def _tone(freq: float, seconds: float = 3.0, level: float = 0.5) -> np.ndarray:
    t = np.arange(round(seconds * SR)) / SR
    return np.stack([level * np.sin(2 * np.pi * freq * t)] * 2, axis=1).astype(np.float32)


@pytest.mark.parametrize(
    ("freq", "low_db", "high_db"), [(10, -25, -15), (30, -3.5, -2.5), (200, -0.1, 0.1)]
)
def test_the_high_pass_cuts_rumble_only(freq: float, low_db: float, high_db: float) -> None:
    x = _tone(freq)
    highpass(x, SR)
    level = 20 * np.log10(np.abs(x[SR:]).max() / 0.5)
    assert low_db <= level <= high_db


def test_true_peak_sees_between_the_samples() -> None:
    # A sine at a quarter of the rate, sampled at 45 degrees: samples at 0.707, true peak 1.
    n = np.arange(4096)
    x = np.stack([np.sin(np.pi / 2 * n + np.pi / 4)] * 2, axis=1).astype(np.float32)
    assert np.abs(x).max() == pytest.approx(0.7071, abs=1e-3)
    assert true_peak(x) == pytest.approx(1.0, abs=0.02)


def test_only_blocks_that_could_reach_the_floor_are_oversampled() -> None:
    from image2music.rendering.mastering import _block_peaks

    rng = np.random.default_rng(4)
    x = (0.05 * rng.standard_normal((SR * 2, 2))).astype(np.float32)
    n = np.arange(256)
    x[SR : SR + 256] = np.sin(np.pi / 2 * n + np.pi / 4)[:, None] * 0.8  # inter-sample peaks
    exact = _block_peaks(x)
    quick = _block_peaks(x, 0.5)
    loud = exact >= 0.5
    assert loud.any() and np.array_equal(quick[loud], exact[loud])
    assert np.all(quick <= exact) and np.all(quick[~loud] < 0.5)
    assert true_peak(x) == pytest.approx(float(exact.max()))


def test_the_limiter_keeps_the_true_peak_under_the_ceiling() -> None:
    rng = np.random.default_rng(1)
    x = (0.05 * rng.standard_normal((SR * 4, 2))).astype(np.float32)
    x[SR :: SR // 3] = 0.9  # isolated hits
    ceiling = 10 ** (-1 / 20)
    x *= 1.2
    reduction = limit(x, ceiling)
    assert 0 < reduction <= 6.0
    assert true_peak(x) <= ceiling * 1.001


def test_the_glue_is_gentle() -> None:
    quiet = _tone(440, 4.0, 0.05)
    loud = _tone(440, 1.0, 0.8)
    x = np.concatenate([quiet, loud, quiet])
    before = 0.8  # the loud tone's amplitude
    taken = glue(x, SR)
    assert 0 < taken <= GLUE_MAX_DB
    assert np.abs(x[SR * 4 + SR // 4 : SR * 4 + 3 * SR // 4]).max() < before
    assert np.abs(x[: SR * 2]).max() == pytest.approx(0.05, rel=0.05)  # quiet parts untouched


def test_a_peaky_piece_reaches_the_target_under_the_true_peak_ceiling() -> None:
    rng = np.random.default_rng(2)
    x = (0.02 * rng.standard_normal((SR * 6, 2))).astype(np.float32)
    x[SR // 2 :: SR // 2] = 0.35  # peaks that a plain gain could not pass
    plain = master(x, SR, process=False)
    assert integrated_loudness(plain.samples, SR) < TARGET_LUFS - 1  # the ceiling held it down
    done = master(x, SR)
    assert integrated_loudness(done.samples, SR) == pytest.approx(TARGET_LUFS, abs=0.3)
    assert 20 * np.log10(true_peak(done.samples)) <= CEILING_DBFS + 0.05
