"""An interpolated Kneser–Ney n-gram model of half-bar chord ids (torch-free).

The yardstick for the harmony network: trained on the same sequences, it
predicts the next chord from the previous ``order - 1`` ids (``BOS``-padded
at the start). Smoothing is interpolated Kneser–Ney (Chen and Goodman 1998)
with one absolute discount per order, ``D = n1 / (n1 + 2 n2)`` (clipped to
[0.05, 0.95]); the highest
order uses raw counts, the lower orders continuation counts (how many
distinct ids precede an n-gram), and the unigram level is interpolated with
the uniform distribution over the 204 real chords, so every chord keeps a
non-zero probability. ``N`` and ``UNK`` may appear in a history but are
never predicted (their targets are skipped, as in the network's loss).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from image2music.errors import ConfigError, ModelError
from image2music.harmony.tokens import BOS, CHORD_IDS, FIRST_CHORD_ID, VOCAB_SIZE

__all__ = ["KneserNeyNgram", "NgramStepModel"]

_N_CHORDS = len(CHORD_IDS)


class KneserNeyNgram:
    """Interpolated Kneser–Ney chord n-gram (see the module docstring).

    Args:
        order: n, >= 1 (1 = unigram; 3 = the previous two chords).
    """

    def __init__(self, order: int = 3) -> None:
        if order < 1:
            raise ConfigError(f"order must be >= 1, got {order}")
        self.order = order
        self._tables: list[dict[tuple[int, ...], NDArray[np.float64]]] = []
        self._discounts: list[float] = []
        self._cache: dict[tuple[int, ...], NDArray[np.float64]] = {}

    def fit(self, sequences: Sequence[Sequence[int]]) -> KneserNeyNgram:
        """Count the n-grams of ``sequences`` (lists of ids, without ``BOS``)."""
        n = self.order
        raw: dict[tuple[int, ...], dict[int, float]] = defaultdict(lambda: defaultdict(float))
        for seq in sequences:
            padded = [BOS] * (n - 1) + [int(x) for x in seq]
            for i in range(n - 1, len(padded)):
                w = padded[i]
                if w >= FIRST_CHORD_ID:
                    raw[tuple(padded[i - n + 1 : i])][w] += 1.0
        levels: list[dict[tuple[int, ...], dict[int, float]]] = [raw]
        # continuation counts: distinct left extensions of each lower-order n-gram
        for _k in range(n - 1, 0, -1):
            higher = levels[-1]
            cont: dict[tuple[int, ...], dict[int, float]] = defaultdict(lambda: defaultdict(float))
            for ctx, nexts in higher.items():
                for w in nexts:
                    cont[ctx[1:]][w] += 1.0
            levels.append(cont)
        levels.reverse()  # levels[k - 1]: contexts of length k - 1
        self._tables, self._discounts, self._cache = [], [], {}
        for level in levels:
            table: dict[tuple[int, ...], NDArray[np.float64]] = {}
            n1 = n2 = 0
            for ctx, nexts in level.items():
                vec = np.zeros(_N_CHORDS)
                for w, c in nexts.items():
                    vec[w - FIRST_CHORD_ID] = c
                table[ctx] = vec
                n1 += int((vec == 1).sum())
                n2 += int((vec == 2).sum())
            self._tables.append(table)
            d = n1 / (n1 + 2 * n2) if n1 + 2 * n2 > 0 else 0.5
            self._discounts.append(min(max(d, 0.05), 0.95))
        return self

    def distribution(self, history: Sequence[int]) -> NDArray[np.float64]:
        """Probabilities of the 204 real chords (ids 5..208, in order) after ``history``.

        Args:
            history: The ids so far, without ``BOS`` (it is padded in).
        """
        if not self._tables:
            raise ModelError("the n-gram model is not fitted")
        padded = [BOS] * (self.order - 1) + [int(x) for x in history]
        key = tuple(padded[len(padded) - (self.order - 1) :]) if self.order > 1 else ()
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        p = np.full(_N_CHORDS, 1.0 / _N_CHORDS)
        for k, (table, d) in enumerate(zip(self._tables, self._discounts, strict=True)):
            ctx = key[len(key) - k :] if k else ()
            counts = table.get(ctx)
            if counts is None:
                continue
            total = counts.sum()
            types = float((counts > 0).sum())
            p = np.maximum(counts - d, 0.0) / total + d * types / total * p
        self._cache[key] = p
        return p


class NgramStepModel:
    """An n-gram model as a :class:`~image2music.harmony.decoding.StepModel` for sampling."""

    def __init__(self, model: KneserNeyNgram) -> None:
        self.model = model
        self._history: list[int] = []

    def start(self, n_steps: int, condition: NDArray[np.float32]) -> None:
        """Begin a sequence (the n-gram ignores length and conditioning)."""
        self._history = []

    def next_logits(self, prev_token: int, t: int) -> NDArray[np.float32]:
        """Log-probabilities over the vocabulary (specials at -1e9)."""
        if t > 0:
            self._history.append(prev_token)
        out = np.full(VOCAB_SIZE, -1e9, dtype=np.float32)
        out[FIRST_CHORD_ID:] = np.log(np.maximum(self.model.distribution(self._history), 1e-30))
        return out
