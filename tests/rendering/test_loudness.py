from __future__ import annotations

import math

import numpy as np
import pytest

from image2music.rendering.loudness import (
    CEILING_DBFS,
    TARGET_LUFS,
    fade_out,
    integrated_loudness,
    k_weighting_impulse_response,
    master,
)

SR = 48000


def sine(freq: float, amplitude: float, seconds: float = 5.0, sr: int = SR) -> np.ndarray:
    t = np.arange(round(seconds * sr)) / sr
    return amplitude * np.sin(2 * np.pi * freq * t)


@pytest.mark.parametrize("sr", [48000, 44100])
def test_full_scale_1khz_sine_reads_minus_3_01_lkfs(sr: int) -> None:
    # ITU-R BS.1770-4, 2.1: a 0 dBFS 1 kHz sine in one channel reads -3.01 LKFS.
    assert integrated_loudness(sine(1000, 1.0, sr=sr), sr) == pytest.approx(-3.01, abs=0.05)


def test_level_and_channels_add_up() -> None:
    quiet = sine(1000, 10 ** (-20 / 20))
    assert integrated_loudness(quiet, SR) == pytest.approx(-23.01, abs=0.05)
    stereo = np.stack([quiet, quiet], axis=1)
    assert integrated_loudness(stereo, SR) == pytest.approx(-20.0, abs=0.05)


def test_k_weighting_shapes_the_spectrum() -> None:
    low = integrated_loudness(sine(30, 0.5), SR)
    mid = integrated_loudness(sine(1000, 0.5), SR)
    high = integrated_loudness(sine(8000, 0.5), SR)
    assert low < mid - 1.0  # high-pass near 38 Hz
    assert high == pytest.approx(mid + 3.5, abs=1.0)  # the +4 dB shelf
    h = k_weighting_impulse_response(SR)
    assert abs(h[-16:]).max() < 1e-9


def test_gating_ignores_silence_and_silence_is_minus_inf() -> None:
    tone = sine(1000, 0.1, seconds=10)
    padded = np.concatenate([np.zeros(SR * 20), tone, np.zeros(SR * 20)])
    # Only the blocks that straddle the tone's edges lower it (by about 0.13 LU).
    assert integrated_loudness(padded, SR) == pytest.approx(integrated_loudness(tone, SR), abs=0.2)
    assert integrated_loudness(np.zeros(SR), SR) == -math.inf


def test_master_reaches_the_target_under_the_ceiling() -> None:
    rng = np.random.default_rng(0)
    noise = (0.01 * rng.standard_normal((SR * 4, 2))).astype(np.float32)
    done = master(noise, SR)
    assert integrated_loudness(done.samples, SR) == pytest.approx(TARGET_LUFS, abs=0.05)
    assert done.peak_dbfs <= CEILING_DBFS
    # A spiky signal cannot reach -16 LUFS without clipping: the ceiling wins.
    spikes = np.zeros((SR * 4, 2), dtype=np.float32)
    spikes[:: SR // 2] = 0.05
    capped = master(spikes, SR)
    assert capped.peak_dbfs == pytest.approx(CEILING_DBFS - 0.01, abs=0.01)
    assert integrated_loudness(capped.samples, SR) < TARGET_LUFS
    silent = master(np.zeros((SR, 2), dtype=np.float32), SR)
    assert silent.gain_db == 0.0 and silent.peak_dbfs == -math.inf


def test_fade_out_ends_in_silence() -> None:
    x = np.ones((SR * 3, 2), dtype=np.float32)
    y = fade_out(x, SR, 1.0)
    assert np.all(y[: SR * 2] == 1.0)
    assert y[-1, 0] == pytest.approx(0.0, abs=1e-6)
    assert np.all(np.diff(y[SR * 2 :, 0]) <= 0)
