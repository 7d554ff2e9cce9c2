"""The numpy reverb and ensemble: deterministic, decaying at the room's rate, wide."""

from __future__ import annotations

import numpy as np
import pytest

from image2music.rendering.reverb import ROOMS, ensemble, impulse_response, reverberate

RATE = 44100


@pytest.mark.parametrize("room", list(ROOMS))
def test_impulse_responses_decay_at_their_rt60(room: str) -> None:
    ir = impulse_response(room, RATE)
    assert ir.dtype == np.float32 and ir.shape[1] == 2
    energy = np.cumsum((ir.astype(np.float64) ** 2).sum(axis=1)[::-1])[::-1]  # Schroeder
    db = 10 * np.log10(energy / energy[0] + 1e-30)
    t20 = np.argmax(db < -20) / RATE - np.argmax(db < -5) / RATE
    rt60 = 3 * t20  # from the -5..-25 dB slope
    assert rt60 == pytest.approx(ROOMS[room].rt60_sec, rel=0.5)
    assert np.array_equal(ir, impulse_response(room, RATE))


def test_the_reverb_is_wide_and_keeps_the_length() -> None:
    rng = np.random.default_rng(0)
    send = np.zeros(RATE * 3, np.float32)
    send[::4410] = rng.uniform(0.2, 0.5, len(send[::4410])).astype(np.float32)
    wet = reverberate(send, "hall", RATE)
    assert wet.shape == (len(send), 2)
    assert abs(np.corrcoef(wet[:, 0], wet[:, 1])[0, 1]) < 0.3
    silent = reverberate(np.zeros(RATE, np.float32), "room", RATE)
    assert not silent.any()


def test_the_ensemble_differs_between_the_sides() -> None:
    t = np.arange(RATE * 2) / RATE
    tone = (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    dry = np.stack([tone, tone], axis=1)
    part = dry.copy()
    ensemble(part, RATE, gain=1.0)
    voices = part - dry
    assert np.corrcoef(voices[RATE:, 0], voices[RATE:, 1])[0, 1] < 0.9
    long = np.tile(dry, (40, 1))  # several blocks: the same as one pass would give
    wet = long.copy()
    ensemble(wet, RATE, gain=0.5)
    assert np.abs(wet[70000:70010] - long[70000:70010]).max() > 0
