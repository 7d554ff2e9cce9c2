"""Gentle mastering steps: a high-pass, glue compression and a true-peak limiter, in place.

All three work on float32 ``(frames, channels)`` audio in place, block by
block, so a long piece needs no copy of itself.

* **High-pass** (:func:`highpass`): a second-order Butterworth at
  :data:`HIGHPASS_HZ` (30 Hz), applied as an FFT convolution with its impulse
  response, removes rumble nobody hears but every meter and limiter counts.
* **Glue** (:func:`glue`): a slow, soft compressor on the level of both
  channels together: RMS over 100 ms, 2:1 above a threshold 6 dB over the
  piece's mean level, at most :data:`GLUE_MAX_DB` (3 dB) of reduction, the
  gain smoothed over 300 ms (no pumping).
* **True-peak limiter** (:func:`limit`): the signal's true peak is estimated
  with 4x oversampling (ITU-R BS.1770-4 Annex 2: a 48-tap windowed-sinc
  interpolator); in blocks of 64 samples the gain that keeps it under the
  ceiling is found, spread 8 blocks either way (about 12 ms of look-ahead and
  release) and smoothed, so no block passes the ceiling; at most
  :data:`LIMIT_MAX_DB` (6 dB) of reduction: beyond that the whole piece is
  turned down instead (:func:`~.loudness.master`).
"""

from __future__ import annotations

import functools
import math

import numpy as np

__all__ = [
    "GLUE_MAX_DB",
    "HIGHPASS_HZ",
    "LIMIT_MAX_DB",
    "glue",
    "highpass",
    "limit",
    "true_peak",
]

#: High-pass cut-off, in Hz.
HIGHPASS_HZ = 30.0
#: Largest gain reduction of the glue compressor, in dB.
GLUE_MAX_DB = 3.0
#: Largest gain reduction of the limiter, in dB.
LIMIT_MAX_DB = 6.0

_OVERSAMPLE = 4
_TAPS_PER_PHASE = 12
_BLOCK = 64
_SPREAD_BLOCKS, _SMOOTH_BLOCKS = 8, 4
_CHUNK = 1 << 18


@functools.lru_cache(maxsize=4)
def _highpass_ir(sample_rate: int, taps: int = 4096) -> np.ndarray:
    """Impulse response of the Butterworth high-pass (its tail after ``taps`` is below 1e-6)."""
    k = math.tan(math.pi * HIGHPASS_HZ / sample_rate)
    q = 1.0 / math.sqrt(2.0)
    a0 = 1.0 + k / q + k * k
    b = (1.0 / a0, -2.0 / a0, 1.0 / a0)
    a1, a2 = 2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0
    y = np.zeros(taps)
    x1 = x2 = y1 = y2 = 0.0
    for i in range(taps):
        xi = 1.0 if i == 0 else 0.0
        yi = b[0] * xi + b[1] * x1 + b[2] * x2 - a1 * y1 - a2 * y2
        y[i] = yi
        x2, x1, y2, y1 = x1, xi, y1, yi
    return y


def highpass(x: np.ndarray, sample_rate: int) -> None:
    """Apply the high-pass to ``x`` in place (overlap-add FFT convolution in chunks)."""
    h = _highpass_ir(sample_rate)
    n, channels = x.shape
    size = 1 << 16  # twice as fast here as 2**18 (cache), and as fast as 2**15
    chunk = size - len(h) + 1  # one FFT size: no circular wrap
    spectrum = np.fft.rfft(h.astype(np.float32), size)[:, None]
    carry = np.zeros((len(h) - 1, channels), dtype=np.float32)
    for start in range(0, n, chunk):
        piece = x[start : start + chunk]
        m = len(piece)
        out = np.fft.irfft(np.fft.rfft(piece, size, axis=0) * spectrum, size, axis=0)
        out[: len(carry)] += carry
        carry = out[m : m + len(h) - 1].astype(np.float32)
        x[start : start + m] = out[:m]


def glue(x: np.ndarray, sample_rate: int) -> float:
    """Gently compress loud passages of ``x`` in place; returns the largest reduction in dB."""
    hop = max(1, round(0.025 * sample_rate))  # RMS over 4 hops: 100 ms
    hops = -(-len(x) // hop)
    energy = np.zeros(hops)
    step = _CHUNK - _CHUNK % hop  # whole hops per chunk
    for start in range(0, len(x), step):
        piece = x[start : start + step]
        per_frame = np.square(piece, dtype=np.float64).sum(axis=1)
        whole = len(piece) // hop
        first = start // hop
        energy[first : first + whole] = per_frame[: whole * hop].reshape(whole, hop).sum(axis=1)
        if whole * hop < len(piece):
            energy[first + whole] = per_frame[whole * hop :].sum()
    window = 4 * hop
    rms = np.convolve(energy, np.ones(4), mode="full")[3:] / (window * x.shape[1])
    with np.errstate(divide="ignore"):
        level = 10.0 * np.log10(np.maximum(rms, 1e-12))
    active = level[level > -70.0]
    if active.size == 0:
        return 0.0
    threshold = 10.0 * math.log10(float(np.mean(10.0 ** (active / 10.0)))) + 6.0
    reduction = np.clip((level - threshold) * 0.5, 0.0, GLUE_MAX_DB)  # 2:1 above it
    smooth = max(1, round(0.3 * sample_rate / hop))
    kernel = np.ones(smooth) / smooth
    reduction = np.convolve(reduction, kernel, mode="same")
    if not reduction.any():
        return 0.0  # nothing loud enough: the audio is left as it is
    gains = 10.0 ** (-reduction / 20.0)  # per hop; interpolated per frame below
    centres = np.arange(hops) * hop + window / 2
    for start in range(0, len(x), _CHUNK):
        t = np.arange(start, min(len(x), start + _CHUNK), dtype=np.float64)
        x[start : start + len(t)] *= np.interp(t, centres, gains).astype(np.float32)[:, None]
    return float(reduction.max())


@functools.lru_cache(maxsize=1)
def _interpolator() -> np.ndarray:
    """The oversampling filter's phases 1..3, shape (3, taps per phase)."""
    taps = _OVERSAMPLE * _TAPS_PER_PHASE
    n = np.arange(taps) - (taps - 1) / 2.0
    h = np.sinc(n / _OVERSAMPLE) * np.kaiser(taps, 8.0)
    phases = np.stack([h[p::_OVERSAMPLE] for p in range(_OVERSAMPLE)])
    phases /= phases.sum(axis=1, keepdims=True)
    return phases[1:].astype(np.float32)  # float32 convolutions: twice as fast


def _sample_peaks(x: np.ndarray) -> np.ndarray:
    """The sample peak (absolute, linear) of every block of :data:`_BLOCK` frames."""
    n = len(x)
    peaks = np.zeros(-(-n // _BLOCK))
    for start in range(0, n, _CHUNK):
        piece = np.abs(x[start : start + _CHUNK])
        best = piece.max(axis=1) if piece.shape[1] != 2 else np.maximum(piece[:, 0], piece[:, 1])
        padded = np.zeros(-(-len(best) // _BLOCK) * _BLOCK, dtype=best.dtype)
        padded[: len(best)] = best
        first = start // _BLOCK
        chunk_peaks = padded.reshape(-1, _BLOCK).max(axis=1)
        peaks[first : first + len(chunk_peaks)] = chunk_peaks
    return peaks


@functools.lru_cache(maxsize=1)
def _overshoot() -> float:
    """How far an interpolated sample can exceed the samples around it (``max sum |taps|``)."""
    return float(np.abs(_interpolator()).sum(axis=1).max())


def _block_peaks(x: np.ndarray, floor: float = 0.0) -> np.ndarray:
    """The true peak (absolute, linear) of every block of :data:`_BLOCK` frames.

    Only blocks whose true peak could reach ``floor`` are oversampled: an
    interpolated sample is at most :func:`_overshoot` times the largest of
    the samples it is made of, so a block whose neighbourhood stays below
    ``floor / overshoot`` cannot reach it; those blocks get their sample
    peak (exact for every use here: the limiter leaves them alone and the
    loudest true peak is never in them).
    """
    peaks = _sample_peaks(x)
    near = peaks.copy()  # the taps reach into the neighbouring blocks
    np.maximum(near[1:], peaks[:-1], out=near[1:])
    np.maximum(near[:-1], peaks[1:], out=near[:-1])
    wanted = near * _overshoot() >= floor
    if not wanted.any():
        return peaks
    edges = np.flatnonzero(np.diff(np.concatenate([[0], wanted.astype(np.int8), [0]])))
    for first, last in zip(edges[::2], edges[1::2], strict=True):
        _oversampled_peaks(x, int(first), int(last), peaks)
    return peaks


def _oversampled_peaks(x: np.ndarray, first: int, last: int, peaks: np.ndarray) -> None:
    """Set ``peaks[first:last]`` to the 4x oversampled peaks of those blocks."""
    n = len(x)
    phases = _interpolator()
    half = _TAPS_PER_PHASE // 2
    end_frame = min(n, last * _BLOCK)
    for start in range(first * _BLOCK, end_frame, _CHUNK):
        stop = min(end_frame, start + _CHUNK)
        lo, hi = max(0, start - half), min(n, stop + half)
        piece = x[lo:hi]
        best = np.abs(piece[start - lo : stop - lo]).max(axis=1)
        for channel in range(x.shape[1]):
            for phase in phases:
                inter = np.abs(np.convolve(piece[:, channel], phase, mode="same"))
                np.maximum(best, inter[start - lo : stop - lo], out=best)
        padded = np.zeros(-(-len(best) // _BLOCK) * _BLOCK)
        padded[: len(best)] = best
        chunk_peaks = padded.reshape(-1, _BLOCK).max(axis=1)
        peaks[start // _BLOCK : start // _BLOCK + len(chunk_peaks)] = chunk_peaks


def true_peak(x: np.ndarray) -> float:
    """The true peak of ``x`` (linear, 4x oversampled); 0 for silence."""
    if x.size == 0:
        return 0.0
    return float(_block_peaks(x, float(_sample_peaks(x).max())).max())


def limit(x: np.ndarray, ceiling: float) -> float:
    """Keep the true peak of ``x`` under ``ceiling`` (linear), in place.

    Returns:
        The largest gain reduction, in dB (at most :data:`LIMIT_MAX_DB`: the
        caller turns the piece down first when more would be needed).
    """
    peaks = _block_peaks(x, ceiling)
    need = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-12))
    if need.min() >= 1.0:
        return 0.0
    need = np.maximum(need, 10.0 ** (-LIMIT_MAX_DB / 20.0))
    spread = need.copy()  # each block's gain covers the peaks around it
    for shift in range(1, _SPREAD_BLOCKS + 1):
        np.minimum(spread[shift:], need[:-shift], out=spread[shift:])
        np.minimum(spread[:-shift], need[shift:], out=spread[:-shift])
    kernel = np.ones(2 * _SMOOTH_BLOCKS + 1) / (2 * _SMOOTH_BLOCKS + 1)
    padded = np.pad(spread, _SMOOTH_BLOCKS, mode="edge")
    gain_blocks = np.minimum(np.convolve(padded, kernel, mode="valid"), need)
    centres = np.arange(len(gain_blocks)) * _BLOCK + _BLOCK / 2
    edges_lo = np.arange(len(gain_blocks)) * _BLOCK
    for start in range(0, len(x), _CHUNK):
        t = np.arange(start, min(len(x), start + _CHUNK))
        gain = np.interp(t, centres, gain_blocks)
        # Never above the block's own need: interpolation must not undo a reduction.
        block_need = gain_blocks[np.searchsorted(edges_lo, t, side="right") - 1]
        x[start : start + len(t)] *= np.minimum(gain, block_need).astype(np.float32)[:, None]
    return float(-20.0 * math.log10(float(gain_blocks.min())))
