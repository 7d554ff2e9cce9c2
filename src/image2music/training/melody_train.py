"""Training the melody network: its tensors and figures, over the one training loop.

The loop, its seeding, optimiser, stopping rules (whole epochs, also for the
time budget) and label noise/dropout are :mod:`image2music.training.loop`'s.
The melody network adds its tensors (the previous 16th-note id in, the step's
id out, padding not scored; chord and position inputs per step) and its
validation figures (top-1 on every step and on note onsets).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from image2music.melody.grid import chord_features, position_features
from image2music.melody.tokens import FIRST_NOTE_ID, PAD
from image2music.sequences.melody_dataset import MelodyExamples
from image2music.training.loop import (
    SequenceTensors,
    evaluate_sequences,
    per_sequence,
    teacher_forcing,
)
from image2music.training.sequence_model import ConditionedGRU

__all__ = ["evaluate_melody_model", "make_melody_tensors"]


def make_melody_tensors(ex: MelodyExamples, condition: NDArray[np.float32]) -> SequenceTensors:
    """Teacher-forcing tensors of a split: every id but padding scored.

    Args:
        ex: The examples.
        condition: ``(N, C)`` their conditioning inputs.
    """
    t = ex.melody.shape[1]
    n_chord = chord_features(np.zeros(1, dtype=np.int64)).shape[1]
    chords = per_sequence(ex.n_steps, t, n_chord, lambda i, k: chord_features(ex.chords[i, :k]))
    width = position_features(1).shape[1]
    position = per_sequence(ex.n_steps, t, width, lambda _i, k: position_features(k))
    return teacher_forcing(ex.melody, ex.n_steps, ex.melody != PAD, (chords, position), condition)


def evaluate_melody_model(
    model: ConditionedGRU, data: SequenceTensors, batch_size: int = 256
) -> dict[str, float]:
    """Loss, perplexity and top-1 per step, and top-1 on note onsets."""
    return evaluate_sequences(model, data, onsets_from=FIRST_NOTE_ID, batch_size=batch_size)
