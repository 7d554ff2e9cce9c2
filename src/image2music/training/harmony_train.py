"""Training the harmony network: its tensors and figures, over the one training loop.

The loop, its seeding, optimiser, stopping rules and label noise/dropout are
:mod:`image2music.training.loop`'s. The harmony network adds what is its own:
the tensors of its examples (the previous half-bar chord in, the next chord
out; targets that are ``N``, ``UNK`` or padding are not scored; the
position inputs per step) and its validation figures (probabilities
renormalised over real chords). The default data are the permissively
licensed 4/4 phrases (POP909, Billboard, OpenEWLD) of the corpus's ``train``
split, validated on ``valid``; see :mod:`image2music.sequences`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from image2music.harmony.grid import position_features
from image2music.harmony.tokens import FIRST_CHORD_ID
from image2music.sequences.dataset import HarmonyExamples
from image2music.training.loop import (
    SequenceTensors,
    evaluate_sequences,
    per_sequence,
    teacher_forcing,
)
from image2music.training.sequence_model import ConditionedGRU

__all__ = ["evaluate_model", "make_tensors"]


def make_tensors(ex: HarmonyExamples, condition: NDArray[np.float32]) -> SequenceTensors:
    """Teacher-forcing tensors of a split: chords scored, ``N``/``UNK``/padding not.

    Args:
        ex: The examples.
        condition: ``(N, C)`` their conditioning inputs.
    """
    t = ex.tokens.shape[1]
    width = position_features(1).shape[1]
    position = per_sequence(ex.n_steps, t, width, lambda _i, k: position_features(k))
    return teacher_forcing(
        ex.tokens, ex.n_steps, ex.tokens >= FIRST_CHORD_ID, (position,), condition
    )


def evaluate_model(
    model: ConditionedGRU, data: SequenceTensors, batch_size: int = 512
) -> dict[str, float]:
    """Loss, perplexity and top-1, renormalised over real chords (as in the evaluation)."""
    return evaluate_sequences(model, data, first_id=FIRST_CHORD_ID, batch_size=batch_size)
