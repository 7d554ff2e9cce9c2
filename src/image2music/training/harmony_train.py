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

import math
from collections.abc import Callable

import numpy as np
import torch
from numpy.typing import NDArray

from image2music.harmony.grid import position_features
from image2music.harmony.tokens import BOS, FIRST_CHORD_ID
from image2music.sequences.dataset import HarmonyExamples
from image2music.sequences.labels import LabelScaler
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

__all__ = ["evaluate_model", "make_tensors", "train_model"]


def make_tensors(ex: HarmonyExamples, condition: NDArray[np.float32]) -> SequenceTensors:
    """Teacher-forcing tensors of a split.

    Args:
        ex: The examples.
        condition: ``(N, C)`` their conditioning inputs.

    Returns:
        The tensors.
    """
    n, t = ex.tokens.shape
    inputs = np.zeros((n, t), dtype=np.int64)
    inputs[:, 0] = BOS
    inputs[:, 1:] = ex.tokens[:, :-1]
    steps = np.arange(t)[None, :] < ex.n_steps[:, None]
    targets = np.where(steps & (ex.tokens >= FIRST_CHORD_ID), ex.tokens, IGNORE)
    inputs = np.where(steps, inputs, 0)
    position = np.zeros((n, t, position_features(1).shape[1]), dtype=np.float32)
    for i, k in enumerate(ex.n_steps):
        position[i, : int(k)] = position_features(int(k))
    return SequenceTensors(
        inputs=torch.from_numpy(inputs),
        targets=torch.from_numpy(targets.astype(np.int64)),
        steps=(torch.from_numpy(position),),
        condition=torch.from_numpy(np.asarray(condition, dtype=np.float32)),
    )


@torch.no_grad()
def evaluate_model(
    model: ConditionedGRU, data: SequenceTensors, batch_size: int = 512
) -> dict[str, float]:
    """Cross-entropy, perplexity and top-1 accuracy on scored targets.

    Probabilities are renormalised over real chords (as in the evaluation).

    Args:
        model: The model (put in eval mode here).
        data: The split.
        batch_size: Sequences per forward pass.

    Returns:
        ``{"loss", "perplexity", "top1", "count"}``.
    """
    model.eval()
    total, correct, count = 0.0, 0, 0
    for lo in range(0, len(data), batch_size):
        idx = torch.arange(lo, min(lo + batch_size, len(data)))
        logits = forward(model, data, idx)[..., FIRST_CHORD_ID:]
        tgt = data.targets[idx]
        mask = tgt != IGNORE
        logp = torch.log_softmax(logits[mask], dim=-1)
        t = tgt[mask] - FIRST_CHORD_ID
        total += float(-logp.gather(1, t[:, None]).sum())
        correct += int((logp.argmax(-1) == t).sum())
        count += int(mask.sum())
    loss = total / max(count, 1)
    return {
        "loss": loss,
        "perplexity": math.exp(loss),
        "top1": correct / max(count, 1),
        "count": float(count),
    }


def train_model(
    train: HarmonyExamples,
    valid: HarmonyExamples,
    scaler: LabelScaler,
    config: TrainConfig,
    model_config: SequenceModelConfig,
    *,
    on_batch: Callable[[int, int, int, float], None] | None = None,
    on_epoch: Callable[[EpochStats], None] | None = None,
) -> TrainResult:
    """Train the harmony network with :func:`~image2music.training.loop.train_sequences`.

    Args:
        train: Training examples.
        valid: Validation examples (early stopping).
        scaler: Label tables fitted on ``train``.
        config: Training configuration.
        model_config: Architecture.
        on_batch: Called as ``(epoch, batches done, batches, running loss)``.
        on_epoch: Called with each epoch's figures.

    Returns:
        The best model and the history.
    """
    tr = make_tensors(train, scaler.conditions(train))
    va = make_tensors(valid, scaler.conditions(valid))
    return train_sequences(
        model_config, tr, va, config, evaluate_model, on_batch=on_batch, on_epoch=on_epoch
    )
