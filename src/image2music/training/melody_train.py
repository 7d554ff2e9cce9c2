"""Training the melody network: teacher forcing, validation each epoch, early stopping.

The same procedure and :class:`~.harmony_train.TrainConfig` as the harmony
network (seeded torch and numpy generators, Adam with gradient clipping,
learning rate halved on a plateau, early stopping on the validation loss,
a wall-clock budget, label noise on valence and arousal). The loss is the
cross-entropy of the id of every 16th step (onset, ``HOLD`` or ``REST``);
padding is ignored.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
from numpy.typing import NDArray
from torch import Tensor, nn

from image2music.melody.grid import chord_features, position_features
from image2music.melody.tokens import BOS, FIRST_NOTE_ID, PAD
from image2music.sequences.labels import LabelScaler
from image2music.sequences.melody_dataset import MelodyExamples
from image2music.training.harmony_train import IGNORE, EpochStats, TrainConfig
from image2music.training.melody_model import MelodyGRU, MelodyModelConfig

__all__ = [
    "MelodyTensors",
    "MelodyTrainResult",
    "evaluate_melody_model",
    "make_melody_tensors",
    "train_melody_model",
]


@dataclass(frozen=True)
class MelodyTensors:
    """One split as tensors.

    Attributes:
        inputs: ``(N, T)`` ids fed at each step (``BOS`` then the previous id).
        targets: ``(N, T)`` ids to predict, :data:`~.harmony_train.IGNORE` after the end.
        chords: ``(N, T, K)`` chord inputs.
        position: ``(N, T, P)`` position inputs.
        condition: ``(N, C)`` conditioning inputs.
    """

    inputs: Tensor
    targets: Tensor
    chords: Tensor
    position: Tensor
    condition: Tensor

    def __len__(self) -> int:
        return int(self.inputs.shape[0])


def make_melody_tensors(ex: MelodyExamples, condition: NDArray[np.float32]) -> MelodyTensors:
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
    return MelodyTensors(
        inputs=torch.from_numpy(inputs),
        targets=torch.from_numpy(targets.astype(np.int64)),
        chords=torch.from_numpy(chords),
        position=torch.from_numpy(position),
        condition=torch.from_numpy(np.asarray(condition, dtype=np.float32)),
    )


@dataclass
class MelodyTrainResult:
    """What :func:`train_melody_model` returns.

    Attributes:
        model: The best model (eval mode).
        history: One :class:`~.harmony_train.EpochStats` per epoch run.
        best_epoch: Epoch whose weights were kept.
        seconds: Total training time.
        stopped: Why training ended: ``"epochs"``, ``"early_stopping"`` or ``"time"``.
    """

    model: MelodyGRU
    history: list[EpochStats] = field(default_factory=list)
    best_epoch: int = 0
    seconds: float = 0.0
    stopped: str = "epochs"


def _run(model: MelodyGRU, data: MelodyTensors, idx: Tensor, cond: Tensor | None = None) -> Tensor:
    b = len(idx)
    h = torch.zeros(model.config.num_layers, b, model.config.hidden_size)
    condition = data.condition[idx] if cond is None else cond
    logits: Tensor = model(
        data.inputs[idx], data.chords[idx], data.position[idx], condition, h, torch.ones(b)
    )[0]
    return logits


@torch.no_grad()
def evaluate_melody_model(
    model: MelodyGRU, data: MelodyTensors, batch_size: int = 256
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
        logits = _run(model, data, idx)
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
    model_config: MelodyModelConfig,
    *,
    on_batch: Callable[[int, int, int, float], None] | None = None,
    on_epoch: Callable[[EpochStats], None] | None = None,
) -> MelodyTrainResult:
    """Train a :class:`MelodyGRU` (see the module docstring).

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
    torch.manual_seed(config.seed)
    torch.set_num_threads(max(1, config.threads))
    rng = np.random.default_rng(config.seed)
    model = MelodyGRU(model_config)
    tr = make_melody_tensors(train, scaler.conditions(train.harmony))
    va = make_melody_tensors(valid, scaler.conditions(valid.harmony))
    opt = torch.optim.Adam(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=config.lr_patience)
    loss_fn = nn.CrossEntropyLoss(ignore_index=IGNORE)
    noise_gen = torch.Generator().manual_seed(config.seed + 1)
    result = MelodyTrainResult(model=model)
    best_loss, best_state, bad = math.inf, copy.deepcopy(model.state_dict()), 0
    t_start = time.perf_counter()
    n_batches = max(1, math.ceil(len(tr) / config.batch_size))
    for epoch in range(1, config.epochs + 1):
        t0 = time.perf_counter()
        model.train()
        order = torch.from_numpy(rng.permutation(len(tr)))
        running = 0.0
        for b in range(n_batches):
            idx = order[b * config.batch_size : (b + 1) * config.batch_size]
            if len(idx) == 0:
                continue
            cond = tr.condition[idx].clone()
            if config.label_noise > 0:
                noise = torch.randn(len(idx), 2, generator=noise_gen) * config.label_noise
                cond[:, :2] = (cond[:, :2] + noise).clamp(-1.0, 1.0)
            logits = _run(model, tr, idx, cond)
            loss = loss_fn(logits.reshape(-1, logits.shape[-1]), tr.targets[idx].reshape(-1))
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), config.grad_clip)
            opt.step()
            value = float(loss.detach())
            running = value if b == 0 else 0.95 * running + 0.05 * value
            if on_batch is not None:
                on_batch(epoch, b + 1, n_batches, running)
            if time.perf_counter() - t_start > 60.0 * config.max_minutes:
                break
        stats = evaluate_melody_model(model, va)
        lr = float(opt.param_groups[0]["lr"])
        sched.step(stats["loss"])
        es = EpochStats(
            epoch=epoch,
            train_loss=running,
            valid_loss=stats["loss"],
            valid_perplexity=stats["perplexity"],
            valid_top1=stats["top1"],
            lr=lr,
            seconds=time.perf_counter() - t0,
        )
        result.history.append(es)
        if on_epoch is not None:
            on_epoch(es)
        if stats["loss"] < best_loss - 1e-4:
            best_loss, bad = stats["loss"], 0
            best_state = copy.deepcopy(model.state_dict())
            result.best_epoch = epoch
        else:
            bad += 1
            if bad >= config.patience:
                result.stopped = "early_stopping"
                break
        if time.perf_counter() - t_start > 60.0 * config.max_minutes:
            result.stopped = "time"
            break
    model.load_state_dict(best_state)
    model.eval()
    result.seconds = time.perf_counter() - t_start
    return result
