"""Training the melody network: its tensors and figures, over the one training loop.

The loop, its seeding, optimiser, stopping rules (whole epochs, also for the
time budget) and label noise/dropout are :mod:`image2music.training.loop`'s.
The melody network adds its tensors (the previous 16th-note id in, the step's
id out, padding not scored; chord and position inputs per step) and its
validation figures (top-1 on every step and on note onsets).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch
from numpy.typing import NDArray

from image2music.melody.grid import chord_features, position_features
from image2music.melody.tokens import BOS, FIRST_NOTE_ID, PAD
from image2music.sequences.labels import LabelScaler
from image2music.sequences.melody_dataset import MelodyExamples
from image2music.training.loop import (
    IGNORE,
    EpochStats,
    SequenceTensors,
    TrainConfig,
    TrainResult,
    forward,
    train_sequences,
)
from image2music.training.sequence_model import ConditionedGRU, SequenceModelConfig

__all__ = [
    "evaluate_melody_model",
    "make_melody_tensors",
    "train_melody_model",
]


def make_melody_tensors(ex: MelodyExamples, condition: NDArray[np.float32]) -> SequenceTensors:
    """Teacher-forcing tensors of a split.

    Args:
        ex: The examples.
        condition: ``(N, C)`` their conditioning inputs.

    Returns:
        The tensors.
    """
    n, t = ex.melody.shape
    inputs = np.zeros((n, t), dtype=np.int64)
    inputs[:, 0] = BOS
    inputs[:, 1:] = ex.melody[:, :-1]
    steps = np.arange(t)[None, :] < ex.n_steps[:, None]
    targets = np.where(steps & (ex.melody != PAD), ex.melody, IGNORE)
    inputs = np.where(steps, inputs, PAD)
    position = np.zeros((n, t, position_features(1).shape[1]), dtype=np.float32)
    chords = np.zeros((n, t, chord_features(np.zeros(1, dtype=np.int64)).shape[1]), np.float32)
    for i, k in enumerate(ex.n_steps):
        position[i, : int(k)] = position_features(int(k))
        chords[i, : int(k)] = chord_features(ex.chords[i, : int(k)])
    return SequenceTensors(
        inputs=torch.from_numpy(inputs),
        targets=torch.from_numpy(targets.astype(np.int64)),
        steps=(torch.from_numpy(chords), torch.from_numpy(position)),
        condition=torch.from_numpy(np.asarray(condition, dtype=np.float32)),
    )


@torch.no_grad()
def evaluate_melody_model(
    model: ConditionedGRU, data: SequenceTensors, batch_size: int = 256
) -> dict[str, float]:
    """Cross-entropy, perplexity and top-1 accuracy per step, and top-1 on note onsets.

    Args:
        model: The model (put in eval mode here).
        data: The split.
        batch_size: Sequences per forward pass.

    Returns:
        ``{"loss", "perplexity", "top1", "top1_onsets", "count"}``.
    """
    model.eval()
    total, correct, count, on_correct, on_count = 0.0, 0, 0, 0, 0
    for lo in range(0, len(data), batch_size):
        idx = torch.arange(lo, min(lo + batch_size, len(data)))
        logits = forward(model, data, idx)
        tgt = data.targets[idx]
        mask = tgt != IGNORE
        logp = torch.log_softmax(logits[mask], dim=-1)
        t = tgt[mask]
        total += float(-logp.gather(1, t[:, None]).sum())
        hit = logp.argmax(-1) == t
        correct += int(hit.sum())
        count += int(mask.sum())
        onset = t >= FIRST_NOTE_ID
        on_correct += int(hit[onset].sum())
        on_count += int(onset.sum())
    loss = total / max(count, 1)
    return {
        "loss": loss,
        "perplexity": math.exp(loss),
        "top1": correct / max(count, 1),
        "top1_onsets": on_correct / max(on_count, 1),
        "count": float(count),
    }


def train_melody_model(
    train: MelodyExamples,
    valid: MelodyExamples,
    scaler: LabelScaler,
    config: TrainConfig,
    model_config: SequenceModelConfig,
    *,
    on_batch: Callable[[int, int, int, float], None] | None = None,
    on_epoch: Callable[[EpochStats], None] | None = None,
) -> TrainResult:
    """Train the melody network with :func:`~image2music.training.loop.train_sequences`.

    Args:
        train: Training examples.
        valid: Validation examples (early stopping).
        scaler: Label tables fitted on ``train``'s harmony.
        config: Training configuration.
        model_config: Architecture.
        on_batch: Called as ``(epoch, batches done, batches, running loss)``.
        on_epoch: Called with each epoch's figures.

    Returns:
        The best model and the history.
    """
    tr = make_melody_tensors(train, scaler.conditions(train.harmony))
    va = make_melody_tensors(valid, scaler.conditions(valid.harmony))
    return train_sequences(
        model_config, tr, va, config, evaluate_melody_model, on_batch=on_batch, on_epoch=on_epoch
    )
