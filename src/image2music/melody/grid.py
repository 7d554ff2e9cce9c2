"""The melody network's time grid and per-step inputs (shared by training and inference).

The network writes one id per 16th note (:mod:`.tokens`): a note onset, ``HOLD``
or ``REST``. Besides the previous id, every step gets

* **chords** (:data:`CHORD_FEATURES`): the chord sounding at the step and the
  chord of the next half bar (the harmony network's grid), each as the
  12-degree multi-hot of its tones above the key's tonic plus the one-hot of
  its root (all zero for no chord);
* **position** (:data:`POSITION_FEATURES`): the 16th within the bar (one-hot
  of 16), the bar's place in a four-bar group (one-hot of 4), the progress
  through the phrase ``t / T`` and whether this is the last or the
  second-to-last bar;
* **conditioning**: valence, arousal and the minor flag, exactly as the
  harmony network (:func:`image2music.harmony.grid.condition_vector`).

All of it is key-relative, so one network serves every key.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from image2music.harmony.grid import CONDITION_NAMES, condition_vector, step_table
from image2music.harmony.tokens import VOCAB_SIZE as CHORD_VOCAB_SIZE
from image2music.harmony.tokens import is_chord, root_and_quality
from image2music.types import CHORD_QUALITIES

__all__ = [
    "CHORD_FEATURES",
    "CONDITION_NAMES",
    "POSITION_FEATURES",
    "STEPS_PER_BAR",
    "STEPS_PER_BEAT",
    "STEPS_PER_HALF_BAR",
    "chord_features",
    "chord_table",
    "condition_vector",
    "next_chord_ids",
    "position_features",
]

#: Grid steps per quarter note (16th notes).
STEPS_PER_BEAT = 4
#: Grid steps per 4/4 bar.
STEPS_PER_BAR = 16
#: Grid steps per half bar (the harmony network's step).
STEPS_PER_HALF_BAR = 8

#: Names of the chord inputs, in order: current chord tones and root, next chord tones and root.
CHORD_FEATURES: tuple[str, ...] = tuple(
    f"{which}_{kind}{d}"
    for which in ("cur", "next")
    for kind in ("tone", "root")
    for d in range(12)
)

#: Names of the position inputs, in order.
POSITION_FEATURES: tuple[str, ...] = (
    *(f"sixteenth_{i}" for i in range(STEPS_PER_BAR)),
    "bar_mod4_0",
    "bar_mod4_1",
    "bar_mod4_2",
    "bar_mod4_3",
    "progress",
    "last_bar",
    "second_last_bar",
)


def _build_chord_table() -> NDArray[np.float32]:
    table = np.zeros((CHORD_VOCAB_SIZE, 24), dtype=np.float32)
    for token in range(CHORD_VOCAB_SIZE):
        if is_chord(token):
            root, quality = root_and_quality(token)
            for iv in CHORD_QUALITIES[quality]:
                table[token, (root + iv) % 12] = 1.0
            table[token, 12 + root] = 1.0
    return table


_CHORD_TABLE = _build_chord_table()


def chord_table() -> NDArray[np.float32]:
    """``(chord vocabulary, 24)``: tone multi-hot and root one-hot of every chord id."""
    return _CHORD_TABLE


def next_chord_ids(chords: NDArray[np.integer]) -> NDArray[np.int64]:
    """The chord of the next half bar for every step (the last half bar's own at the end).

    Args:
        chords: Chord id of every 16th step.

    Returns:
        Chord id at the start of the half bar after each step's.
    """
    c = np.asarray(chords, dtype=np.int64)
    n = len(c)
    t = np.arange(n)
    nxt = np.minimum((t // STEPS_PER_HALF_BAR + 1) * STEPS_PER_HALF_BAR, n - 1)
    out: NDArray[np.int64] = c[nxt] if n else c
    return out


def chord_features(chords: NDArray[np.integer]) -> NDArray[np.float32]:
    """Chord inputs of every step.

    Args:
        chords: Key-relative chord id (harmony vocabulary) of every 16th step.

    Returns:
        Array ``(n, len(CHORD_FEATURES))``, float32.
    """
    c = np.asarray(chords, dtype=np.int64)
    return np.concatenate([_CHORD_TABLE[c], _CHORD_TABLE[next_chord_ids(c)]], axis=1)


def position_features(n_steps: int) -> NDArray[np.float32]:
    """One-hot 16th in the bar, bar in the phrase and progress of every step (``n_steps`` >= 1).

    Returns:
        Array ``(n_steps, len(POSITION_FEATURES))``, float32.
    """
    t, out = step_table(n_steps, len(POSITION_FEATURES))
    out[t, t % STEPS_PER_BAR] = 1.0
    bar = t // STEPS_PER_BAR
    out[t, STEPS_PER_BAR + bar % 4] = 1.0
    out[:, STEPS_PER_BAR + 4] = t / n_steps
    n_bars = -(-n_steps // STEPS_PER_BAR)
    out[:, STEPS_PER_BAR + 5] = bar == n_bars - 1
    out[:, STEPS_PER_BAR + 6] = bar == n_bars - 2
    return out
