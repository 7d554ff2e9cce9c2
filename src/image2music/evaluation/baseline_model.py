"""The rule-based baseline as a predictive model, so it can be scored like the others.

:class:`~image2music.baseline.harmony.BaselineHarmony` writes progressions,
it does not assign probabilities. Its rules are turned into a predictive
model by *counting what they produce*: the baseline writes progressions of
4, 8 and 16 bars for every point of a 9 x 9 valence-arousal grid in a major
and in a minor key, with :data:`SEEDS_PER_POINT` seeds each; their half-bar
chord ids (key-relative, the grid of the network) give a bigram table per
mode (previous chord, or ``BOS``, -> next chord), smoothed by adding ``k`` to
every one of the 204 chords (``k`` picked on the validation split). This is
the baseline's own transition structure (its loops and cadences) with
just enough smoothing to score chords it never writes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from image2music.baseline.harmony import BaselineHarmony
from image2music.harmony.decoding import progression_to_tokens
from image2music.harmony.tokens import BOS, CHORD_IDS, FIRST_CHORD_ID, VOCAB_SIZE
from image2music.types import Emotion, Key

__all__ = ["SEEDS_PER_POINT", "BaselineBigram", "baseline_sequences"]

#: Seeds per (valence, arousal, bars, mode) point of the grid.
SEEDS_PER_POINT = 3


def baseline_sequences(minor: bool) -> list[list[int]]:
    """Half-bar id sequences the baseline writes over the emotion grid in one mode."""
    gen = BaselineHarmony()
    key = Key(9, "minor") if minor else Key(0, "major")
    grid = np.linspace(-1.0, 1.0, 9)
    out: list[list[int]] = []
    for i, v in enumerate(grid):
        for j, a in enumerate(grid):
            for bars in (4, 8, 16):
                for s in range(SEEDS_PER_POINT):
                    rng = np.random.default_rng([s, bars, i, j])
                    prog = gen.generate(Emotion(float(v), float(a)), key, bars, rng)
                    out.append(progression_to_tokens(prog))
    return out


class BaselineBigram:
    """Add-k smoothed bigram of the baseline's output, one table per mode.

    Args:
        k: Pseudo-count added to every chord after every context (default 0.1).
    """

    def __init__(self, k: float = 0.1) -> None:
        self.k = k
        self._counts: dict[bool, NDArray[np.float64]] = {}
        for minor in (False, True):
            counts = np.zeros((VOCAB_SIZE, len(CHORD_IDS)))
            for seq in baseline_sequences(minor):
                prev = BOS
                for tok in seq:
                    counts[prev, tok - FIRST_CHORD_ID] += 1.0
                    prev = tok
            self._counts[minor] = counts

    def distribution(self, prev: int, minor: bool) -> NDArray[np.float64]:
        """Probabilities of the 204 real chords after ``prev`` (``BOS`` at the start)."""
        row = self._counts[minor][prev] + self.k
        out: NDArray[np.float64] = row / row.sum()
        return out

    def sequence_distributions(self, seq: Sequence[int], minor: bool) -> NDArray[np.float64]:
        """``(len(seq), 204)``: the distribution before each step of ``seq``."""
        prevs = [BOS, *seq[:-1]]
        rows = self._counts[minor][prevs] + self.k
        return np.asarray(rows / rows.sum(axis=1, keepdims=True))
