"""Loudness: ITU-R BS.1770-4 integrated loudness, normalisation, a peak ceiling and a fade.

**Measure.** Each channel is K-weighted (a high-shelf of about +4 dB above
1.7 kHz, then a high-pass near 38 Hz, coefficients recomputed for the sample
rate as in libebur128), squared and averaged over 400 ms blocks that overlap
by 75 %. A block's loudness is ``-0.691 + 10 log10(sum of channel means)``
(weights 1 for left and right). Blocks below -70 LUFS are dropped (absolute
gate), then blocks more than 10 LU below the mean of the rest (relative gate);
the mean of what is left is the integrated loudness. The filters run as an
overlap-add FFT convolution with their impulse response (4096 taps; what is cut
off is below 1e-10), so everything is plain numpy (about 0.1 s for 30 s of
stereo audio).

**Normalise.** The gain that brings the piece to :data:`TARGET_LUFS` (-16
LUFS, the usual level for music on streaming and podcast platforms) is
applied; if the sample peak would then pass :data:`CEILING_DBFS` (-1 dBFS),
the gain is lowered until it does not, so nothing ever clips (the piece is
then quieter than -16 LUFS). Finally a raised-cosine fade-out shapes the last
seconds.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

__all__ = [
    "CEILING_DBFS",
    "TARGET_LUFS",
    "Mastered",
    "fade_out",
    "integrated_loudness",
    "k_weighting_impulse_response",
    "master",
]

#: Loudness the audio is normalised to, in LUFS.
TARGET_LUFS = -16.0
#: Highest sample peak allowed, in dBFS.
CEILING_DBFS = -1.0
#: Margin kept below the ceiling for 16-bit rounding, in dB.
_MARGIN_DB = 0.01
_BLOCK_SEC, _STEP_SEC = 0.4, 0.1
_ABSOLUTE_GATE, _RELATIVE_GATE = -70.0, -10.0
_IR_TAPS = 4096


def _biquads(sample_rate: int) -> list[tuple[tuple[float, float, float], tuple[float, float]]]:
    """``(b0, b1, b2), (a1, a2)`` of the two K-weighting stages at a sample rate."""
    f0, gain_db, q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
    k = math.tan(math.pi * f0 / sample_rate)
    vh = 10.0 ** (gain_db / 20.0)
    vb = vh**0.4996667741545416
    a0 = 1.0 + k / q + k * k
    shelf = (
        ((vh + vb * k / q + k * k) / a0, 2.0 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0),
        (2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0),
    )
    f0, q = 38.13547087602444, 0.5003270373238773
    k = math.tan(math.pi * f0 / sample_rate)
    a0 = 1.0 + k / q + k * k
    highpass = ((1.0, -2.0, 1.0), (2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0))
    return [shelf, highpass]


@functools.lru_cache(maxsize=8)
def k_weighting_impulse_response(sample_rate: int, taps: int = _IR_TAPS) -> np.ndarray:
    """Impulse response of the K-weighting filter (both stages), ``taps`` samples long."""
    x = [0.0] * taps
    x[0] = 1.0
    for (b0, b1, b2), (a1, a2) in _biquads(sample_rate):
        y = [0.0] * taps
        x1 = x2 = y1 = y2 = 0.0
        for i, xi in enumerate(x):
            yi = b0 * xi + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2
            y[i] = yi
            x2, x1, y2, y1 = x1, xi, y1, yi
        x = y
    return np.asarray(x, dtype=np.float64)


def _k_weight(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """K-weight ``(frames, channels)`` audio by overlap-add FFT convolution."""
    h = k_weighting_impulse_response(sample_rate)
    block, n = h.shape[0], samples.shape[0]
    n_blocks = -(-n // block)
    padded = np.zeros((n_blocks * block, samples.shape[1]))
    padded[:n] = samples
    spectra = np.fft.rfft(padded.reshape(n_blocks, block, -1), 2 * block, axis=1)
    pieces = np.fft.irfft(spectra * np.fft.rfft(h, 2 * block)[None, :, None], 2 * block, axis=1)
    out = np.zeros(((n_blocks + 1) * block, samples.shape[1]))
    out[: n_blocks * block] += pieces[:, :block].reshape(n_blocks * block, -1)
    out[block:] += pieces[:, block:].reshape(n_blocks * block, -1)
    return out[:n]


def integrated_loudness(samples: np.ndarray, sample_rate: int) -> float:
    """Integrated loudness in LUFS (ITU-R BS.1770-4; method in the module docstring).

    Args:
        samples: Audio, shape ``(frames,)`` or ``(frames, channels)``, full scale 1.0.
        sample_rate: In Hz.

    Returns:
        Loudness in LUFS; ``-inf`` for silence (every block below the absolute gate).
    """
    x = np.asarray(samples, dtype=np.float64)
    if x.ndim == 1:
        x = x[:, None]
    if x.shape[0] == 0:
        return -math.inf
    z = _k_weight(x, sample_rate) ** 2
    block, step = round(_BLOCK_SEC * sample_rate), round(_STEP_SEC * sample_rate)
    cum = np.concatenate([np.zeros((1, z.shape[1])), np.cumsum(z, axis=0)])
    if z.shape[0] <= block:
        starts = np.array([0])
        block = z.shape[0]
    else:
        starts = np.arange(0, z.shape[0] - block + 1, step)
    means = (cum[starts + block] - cum[starts]) / block  # (blocks, channels)
    power = means.sum(axis=1)
    with np.errstate(divide="ignore"):
        loud = -0.691 + 10.0 * np.log10(power)
    kept = power[loud > _ABSOLUTE_GATE]
    if kept.size == 0:
        return -math.inf
    relative = -0.691 + 10.0 * math.log10(float(kept.mean())) + _RELATIVE_GATE
    with np.errstate(divide="ignore"):
        final = power[(loud > _ABSOLUTE_GATE) & (loud > relative)]
    return -0.691 + 10.0 * math.log10(float(final.mean()))


def fade_out(samples: np.ndarray, sample_rate: int, seconds: float) -> np.ndarray:
    """Apply a raised-cosine fade to the last ``seconds`` (the whole signal if shorter)."""
    n = min(samples.shape[0], round(seconds * sample_rate))
    if n <= 0:
        return samples
    out = samples.copy()
    ramp = 0.5 * (1.0 + np.cos(np.linspace(0.0, math.pi, n)))
    out[-n:] *= ramp.astype(out.dtype)[:, None] if out.ndim == 2 else ramp.astype(out.dtype)
    return out


@dataclass(frozen=True)
class Mastered:
    """Audio after loudness normalisation.

    Attributes:
        samples: Float32 audio, shape ``(frames, channels)``.
        loudness_in_lufs: Loudness before, in LUFS (``-inf`` for silence).
        gain_db: Gain applied, in dB.
        peak_dbfs: Sample peak after, in dBFS.
    """

    samples: np.ndarray
    loudness_in_lufs: float
    gain_db: float
    peak_dbfs: float


def master(
    samples: np.ndarray,
    sample_rate: int,
    *,
    target_lufs: float = TARGET_LUFS,
    ceiling_dbfs: float = CEILING_DBFS,
    fade_sec: float = 0.0,
) -> Mastered:
    """Normalise loudness under a peak ceiling, then fade out (see the module docstring).

    Args:
        samples: Audio, shape ``(frames, channels)``.
        sample_rate: In Hz.
        target_lufs: Loudness to reach (default -16 LUFS).
        ceiling_dbfs: Highest sample peak (default -1 dBFS).
        fade_sec: Length of the final fade-out in seconds (default 0: none).

    Returns:
        The mastered audio and what was done.
    """
    x = np.asarray(samples, dtype=np.float32)
    measured = integrated_loudness(x, sample_rate)
    peak = float(np.max(np.abs(x))) if x.size else 0.0
    gain_db = 0.0 if not math.isfinite(measured) else target_lufs - measured
    if peak > 0.0:
        peak_db = 20.0 * math.log10(peak)
        gain_db = min(gain_db, ceiling_dbfs - _MARGIN_DB - peak_db)
    y = x * np.float32(10.0 ** (gain_db / 20.0))
    if fade_sec > 0:
        y = fade_out(y, sample_rate, fade_sec)
    out_peak = float(np.max(np.abs(y))) if y.size else 0.0
    peak_dbfs = 20.0 * math.log10(out_peak) if out_peak > 0 else -math.inf
    return Mastered(y.astype(np.float32), measured, gain_db, peak_dbfs)
