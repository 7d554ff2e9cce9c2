"""A small algorithmic reverb in numpy: a mono send turned into a wide stereo room.

The room is a synthetic impulse response, the same for the same room: a few
early reflections (fixed delays and levels), then a late tail of white noise
(one seeded stream per side, so left and right are decorrelated and the
sound widens) under an exponential decay reaching -60 dB at the room's
``rt60_sec``, in three bands split at a quarter of the room's brightness and
at the brightness, the middle band dying in 70 % and the highs in 35 % of the
time (high frequencies die first, as in real rooms). It is applied by FFT
convolution in blocks (overlap-add, float32), so memory stays at a few
blocks however long the piece.

:data:`ROOMS` are the spaces the mix chooses from (:mod:`image2music.arrangement.mix`).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray

__all__ = ["ROOMS", "Room", "ensemble", "impulse_response", "reverberate"]

#: Samples per convolution block.
_BLOCK = 1 << 16


@dataclass(frozen=True)
class Room:
    """A reverberant space.

    Attributes:
        name: Its name in the report.
        rt60_sec: Time for the tail to fall by 60 dB.
        predelay_sec: Gap before the first reflection.
        brightness_hz: Above it the tail dies fastest (see the module docstring).
        wet: Level of the reverb returned to the mix (linear, at a full send).
        fluidsynth: FluidSynth's reverb settings for the same space
            (``room-size``, ``damp``, ``width``, ``level``, each 0..1 except
            width 0..100).
    """

    name: str
    rt60_sec: float
    predelay_sec: float
    brightness_hz: float
    wet: float
    fluidsynth: Mapping[str, float]


#: The spaces, from dry to vast.
ROOMS: Mapping[str, Room] = MappingProxyType(
    {
        "dry": Room(
            "dry", 0.4, 0.003, 6000.0, 0.12,
            {"room-size": 0.15, "damp": 0.6, "width": 50.0, "level": 0.3},
        ),
        "room": Room(
            "room", 0.7, 0.008, 5000.0, 0.3,
            {"room-size": 0.35, "damp": 0.5, "width": 80.0, "level": 0.5},
        ),
        "plate": Room(
            "plate", 1.4, 0.012, 9000.0, 0.35,
            {"room-size": 0.55, "damp": 0.2, "width": 100.0, "level": 0.55},
        ),
        "hall": Room(
            "hall", 2.2, 0.025, 7000.0, 0.45,
            {"room-size": 0.75, "damp": 0.35, "width": 100.0, "level": 0.65},
        ),
        "cathedral": Room(
            "cathedral", 3.6, 0.04, 5000.0, 0.55,
            {"room-size": 0.95, "damp": 0.45, "width": 100.0, "level": 0.75},
        ),
    }
)  # fmt: skip

#: Decay time of the low, middle and high band, as shares of the room's rt60.
_BAND_RT60 = (1.0, 0.7, 0.35)
#: Early reflections: (delay after the pre-delay in seconds, level, side 0 left / 1 right).
_EARLY = ((0.0, 0.5, 0), (0.0071, 0.42, 1), (0.0113, 0.33, 0), (0.0167, 0.3, 1),
          (0.0231, 0.22, 0), (0.0297, 0.2, 1))  # fmt: skip


@functools.lru_cache(maxsize=16)
def impulse_response(room_name: str, sample_rate: int) -> NDArray[np.float32]:
    """The room's stereo impulse response, shape ``(samples, 2)``, float32 (cached)."""
    room = ROOMS[room_name]
    n = int((room.predelay_sec + room.rt60_sec) * sample_rate)
    t = np.arange(n, dtype=np.float64) / sample_rate
    rng = np.random.default_rng(20260)  # fixed: a room always sounds the same
    start = int(room.predelay_sec * sample_rate)
    # The tail: noise in three bands, each dying at its own rate (highs first).
    noise = np.fft.rfft(rng.standard_normal((n, 2)), axis=0)
    freqs = np.fft.rfftfreq(n, 1.0 / sample_rate)
    edges = (0.0, room.brightness_hz / 4, room.brightness_hz, np.inf)
    ir = np.zeros((n, 2), dtype=np.float64)
    for (low, high), share in zip(itertools.pairwise(edges), _BAND_RT60, strict=True):
        band = np.where(((freqs >= low) & (freqs < high))[:, None], noise, 0.0)
        decay = np.exp(-6.907755 * t / (room.rt60_sec * share))  # -60 dB at its rt60
        ir += np.fft.irfft(band, n=n, axis=0) * decay[:, None]
    ir[: start + int(0.01 * sample_rate)] = 0.0  # the tail begins after the early part
    ir *= 0.25
    for delay, level, side in _EARLY:
        ir[start + int(delay * sample_rate), side] += level
    ir /= np.sqrt(np.sum(ir**2, axis=0, keepdims=True))  # unit energy per side
    return ir.astype(np.float32)


def reverberate(send: NDArray[np.float32], room_name: str, sample_rate: int) -> NDArray[np.float32]:
    """The room's answer to a mono send: stereo, as long as ``send`` (the tail is cut).

    Args:
        send: Mono float32 signal (what every part sends to the reverb).
        room_name: One of :data:`ROOMS`.
        sample_rate: In Hz.

    Returns:
        Float32 ``(len(send), 2)``, scaled by the room's ``wet`` level.
    """
    ir = impulse_response(room_name, sample_rate)
    size = 1
    while size < _BLOCK + len(ir) - 1:
        size *= 2
    spectrum = np.fft.rfft(ir, n=size, axis=0)
    out = np.zeros((len(send) + size, 2), dtype=np.float32)
    for start in range(0, len(send), _BLOCK):
        block = send[start : start + _BLOCK].astype(np.float32)
        if not np.any(block):
            continue
        wet = np.fft.irfft(np.fft.rfft(block, n=size)[:, None] * spectrum, n=size, axis=0)
        out[start : start + size] += wet.astype(np.float32)
    result = out[: len(send)]
    result *= np.float32(ROOMS[room_name].wet)
    return result


#: The ensemble's voices, left and right: (delay in ms, depth in ms, rate in Hz, phase).
_VOICES = ((14.0, 3.0, 0.31, 0.0), (19.0, 3.5, 0.23, 1.7))


def ensemble(parts: NDArray[np.float32], sample_rate: int, *, gain: float) -> None:
    """Add a stereo chorus of a part to it, in place: a slowly modulated delay per side.

    Each side reads the part's mono sum through its own delay (14 and 19 ms)
    swept by a slow sine (0.31 and 0.23 Hz, 3 to 3.5 ms deep), so the sides
    differ and the part sounds wider, as an ensemble does. Works in blocks, so
    its temporaries stay small.

    Args:
        parts: Float32 ``(frames, 2)``, changed in place.
        sample_rate: In Hz.
        gain: Level of the chorus voices (the part's chorus send, 0..1).
    """
    n = len(parts)
    reach = round(max(d + depth for d, depth, _, _ in _VOICES) * sample_rate / 1000.0) + 2
    voices = np.empty((min(n, _BLOCK), 2), dtype=np.float32)
    for start in reversed(range(0, n, _BLOCK)):  # from the end: a block reads only earlier audio
        end = min(n, start + _BLOCK)
        lo = max(0, start - reach)
        mono = (parts[lo:end, 0] + parts[lo:end, 1]) * np.float32(0.5)
        t = np.arange(start, end, dtype=np.float64)
        index = np.arange(lo, end, dtype=np.float64)
        for side, (delay_ms, depth_ms, rate_hz, phase) in enumerate(_VOICES):
            sweep = np.sin(2 * np.pi * rate_hz * t / sample_rate + phase)
            lag = (delay_ms + depth_ms * sweep) * (sample_rate / 1000.0)
            voices[: end - start, side] = np.interp(t - lag, index, mono, left=0.0)
        parts[start:end] += voices[: end - start] * np.float32(gain)
