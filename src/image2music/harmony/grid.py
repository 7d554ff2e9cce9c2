"""The harmony network's time grid and its per-step inputs (shared by training and inference).

The network writes one chord per half bar: a step is two quarter-note beats of
a 4/4 bar, so a bar holds one chord (both halves equal) or two. Besides the
previous chord, every step gets

* **position** (:data:`POSITION_FEATURES`): whether it is the second half of
  its bar, the bar's place in a four-bar group (one-hot), the progress through
  the phrase ``t / T`` and, one-hot, whether 1, 2, 3 or 4 steps are left
  (so the network sees the cadence coming);
* **conditioning** (:data:`CONDITION_NAMES`): valence and arousal in [-1, 1]
  and 1.0 for a minor-third mode (0.0 major-third). The same three values also
  set the network's initial state.

How training phrases get their valence and arousal is defined in
:mod:`image2music.sequences.labels`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from image2music.errors import CompositionError

__all__ = [
    "BEATS_PER_STEP",
    "CONDITION_NAMES",
    "POSITION_FEATURES",
    "STEPS_PER_BAR",
    "condition_vector",
    "position_features",
    "step_table",
]

#: Grid steps per 4/4 bar (half bars).
STEPS_PER_BAR = 2
#: Quarter-note beats per grid step.
BEATS_PER_STEP = 2

#: Names of the position inputs, in order.
POSITION_FEATURES: tuple[str, ...] = (
    "second_half",
    "bar_mod4_0",
    "bar_mod4_1",
    "bar_mod4_2",
    "bar_mod4_3",
    "progress",
    "steps_left_1",
    "steps_left_2",
    "steps_left_3",
    "steps_left_4",
)

#: Names of the conditioning inputs, in order.
CONDITION_NAMES: tuple[str, ...] = ("valence", "arousal", "minor")


def step_table(n_steps: int, width: int) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
    """The step indices of an ``n_steps``-step phrase and a zero ``(n_steps, width)`` table.

    Raises:
        CompositionError: If ``n_steps`` is smaller than 1.
    """
    if n_steps < 1:
        raise CompositionError(f"n_steps must be >= 1, got {n_steps}")
    return np.arange(n_steps), np.zeros((n_steps, width), dtype=np.float32)


def position_features(n_steps: int) -> NDArray[np.float32]:
    """Position inputs of every step of an ``n_steps``-step phrase of half bars (>= 1).

    Returns:
        Array ``(n_steps, len(POSITION_FEATURES))``, float32.
    """
    t, out = step_table(n_steps, len(POSITION_FEATURES))
    out[:, 0] = t % STEPS_PER_BAR
    out[t, 1 + (t // STEPS_PER_BAR) % 4] = 1.0
    out[:, 5] = t / n_steps
    left = n_steps - t
    for k in range(1, 5):
        out[:, 5 + k] = left == k
    return out


def condition_vector(valence: float, arousal: float, minor: bool) -> NDArray[np.float32]:
    """Conditioning inputs: valence and arousal clipped to [-1, 1], and the minor flag.

    Args:
        valence: Unpleasant (-1) to pleasant (+1).
        arousal: Calm (-1) to excited (+1).
        minor: Whether the mode has a minor third above the tonic.

    Returns:
        Array ``(len(CONDITION_NAMES),)``, float32.
    """
    return np.array(
        [np.clip(valence, -1.0, 1.0), np.clip(arousal, -1.0, 1.0), 1.0 if minor else 0.0],
        dtype=np.float32,
    )
