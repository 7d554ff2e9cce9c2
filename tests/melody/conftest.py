"""Fixtures of the melody-network tests: the harmony tests' synthetic corpus with melodies.

Every half bar of the synthetic songs gets a small melody over its chord
(chord tones on the beats, a passing note now and then), so training and
evaluation run on it in seconds.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from numpy.typing import NDArray

from image2music.harmony.tokens import root_and_quality
from image2music.types import CHORD_QUALITIES
from image2music.vocab import melody_token
from tests.harmony.conftest import FakeCorpus, fake_corpus

_PATTERNS = ((1, 2, 1, 0), (0, 1, 2, 1), (2, 1, 0, 1))


def _with_melody(song: object, rng: np.random.Generator) -> object:
    onsets: list[int] = []
    durs: list[int] = []
    pitches: list[int] = []
    s = song  # an image2music.data.Song
    chord_on = np.asarray(s.chord_onset)  # type: ignore[attr-defined]
    chord_tok = np.asarray(s.chord_token)  # type: ignore[attr-defined]
    n_half = int(s.end_beats) // 2  # type: ignore[attr-defined]
    for h in range(n_half):
        beat = 2.0 * h
        k = int(np.searchsorted(chord_on, beat, side="right")) - 1
        root, quality = root_and_quality(int(chord_tok[k]))
        tones = [(root + iv) % 12 for iv in CHORD_QUALITIES[quality]]
        pattern = _PATTERNS[int(rng.integers(len(_PATTERNS)))]
        cadence = h % 4 == 3
        length = 4 if cadence else 2
        for j, role in enumerate(pattern[: 2 if cadence else 4]):
            onsets.append(8 * h + j * length)
            durs.append(length)
            pitches.append(60 + tones[role % len(tones)])
    tokens = [melody_token(p, 0) for p in pitches]
    return dataclasses.replace(
        s,  # type: ignore[type-var]
        note_onset=np.array(onsets, dtype=np.int32),
        note_dur=np.array(durs, dtype=np.int32),
        note_pitch=np.array(pitches, dtype=np.int8),
        note_token=np.array(tokens, dtype=np.int16),
    )


def melody_corpus() -> FakeCorpus:
    """The synthetic harmony corpus, every song with a melody."""
    base = fake_corpus()
    rng = np.random.default_rng(11)
    return FakeCorpus([_with_melody(s, rng) for s in base.songs])  # type: ignore[misc]


@pytest.fixture(scope="session")
def mcorpus() -> FakeCorpus:
    return melody_corpus()


class RandomStepModel:
    """A stand-in network: seeded random logits, so only the rules shape the melody."""

    def __init__(self, seed: int = 0) -> None:
        self._rng = np.random.default_rng(seed)

    def start(self, chords: NDArray[np.integer], condition: NDArray[np.float32]) -> None:
        self._rng = np.random.default_rng(int(np.asarray(chords).sum()) % 1000)

    def next_logits(self, prev_token: int, t: int) -> NDArray[np.float32]:
        return self._rng.normal(0.0, 1.0, 65).astype(np.float32)
