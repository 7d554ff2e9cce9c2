"""One training loop for every sequence network (harmony, melody, any later one).

Reproducible for a seed: the seed fixes torch's generator (initial weights,
dropout) and the numpy generator that shuffles the batches, and a second torch
generator (seed + 1) draws the label noise and the label dropout; torch runs on
``threads`` CPU threads (default 2).

Teacher forcing: cross-entropy of every scored step (targets equal to
:data:`IGNORE` are not scored). Adam with gradient clipping; the learning
rate halves when the validation loss stalls; training stops after
``patience`` epochs without improvement, or after the epoch that passes the
``max_minutes`` budget (always whole epochs), keeping the best epoch's weights.
The conditioning (valence, arousal) gets Gaussian noise and, for a share
``label_dropout`` of the sequences in each batch, is withheld (set to 0).

A network supplies only its tensors (:class:`SequenceTensors`: ids, targets,
its per-step inputs in the model's order, conditioning) and its validation
figures (an ``evaluate`` function).
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import torch
from numpy.typing import NDArray
from torch import Tensor, nn

from image2music.training.sequence_model import SequenceModel, SequenceModelConfig, build_model

__all__ = [
    "IGNORE",
    "EpochStats",
    "SequenceTensors",
    "TrainConfig",
    "TrainResult",
    "evaluate_sequences",
    "forward",
    "per_sequence",
    "teacher_forcing",
    "train_sequences",
]

#: Target value that the loss ignores.
IGNORE = -100


@dataclass(frozen=True)
class TrainConfig:
    """How to train.

    Attributes:
        epochs: Most passes over the training data (default 30).
        batch_size: Sequences per step (default 64).
        lr: Adam learning rate (default 2e-3).
        weight_decay: Adam weight decay (default 1e-6).
        grad_clip: Largest gradient norm (default 1.0).
        patience: Epochs without a better validation loss before stopping (default 3).
        lr_patience: Epochs without improvement before halving the learning rate (default 1).
        label_noise: Standard deviation of Gaussian noise added to the valence
            and arousal labels while training (default 0.05), so the network
            reads them as a continuum rather than memorising phrases.
        label_dropout: Share of training sequences (redrawn every batch) whose
            valence and arousal are withheld, i.e. set to 0 (default 0.0;
            ``train harmony`` uses 0.25). The network then also learns to
            predict from the chords alone when the emotion is neutral, instead
            of relying on labels that were computed from the phrase itself.
        seed: Seed of every random choice (default 0).
        threads: CPU threads for torch (default 2).
        max_minutes: Wall-clock budget; training stops after the epoch that passes it
            (default 25).
        permissive_only: Train only on permissively licensed songs (default True:
            the shipped weights).
    """

    epochs: int = 30
    batch_size: int = 64
    lr: float = 2e-3
    weight_decay: float = 1e-6
    grad_clip: float = 1.0
    patience: int = 3
    lr_patience: int = 1
    label_noise: float = 0.05
    label_dropout: float = 0.0
    seed: int = 0
    threads: int = 2
    max_minutes: float = 25.0
    permissive_only: bool = True

    def to_dict(self) -> dict[str, Any]:
        """The fields as a JSON-ready dict."""
        return asdict(self)


@dataclass(frozen=True)
class SequenceTensors:
    """One split as tensors.

    Attributes:
        inputs: ``(N, T)`` ids fed at each step (``BOS`` then the previous id).
        targets: ``(N, T)`` ids to predict, :data:`IGNORE` where not scored.
        steps: The per-step inputs ``(N, T, k)`` in the model's order
            (``chords`` first when the network has them, then ``position``).
        condition: ``(N, C)`` conditioning inputs.
    """

    inputs: Tensor
    targets: Tensor
    steps: tuple[Tensor, ...]
    condition: Tensor

    def __len__(self) -> int:
        return int(self.inputs.shape[0])


@dataclass(frozen=True)
class EpochStats:
    """Figures of one epoch.

    Attributes:
        epoch: 1-based epoch.
        train_loss: Mean training cross-entropy (nats per chord).
        valid_loss: Validation cross-entropy (nats per chord).
        valid_perplexity: ``exp(valid_loss)``.
        valid_top1: Validation next-chord accuracy.
        lr: Learning rate used.
        seconds: Wall-clock time of the epoch.
    """

    epoch: int
    train_loss: float
    valid_loss: float
    valid_perplexity: float
    valid_top1: float
    lr: float
    seconds: float


@dataclass
class TrainResult:
    """What :func:`train_model` returns.

    Attributes:
        model: The best model (eval mode).
        history: One :class:`EpochStats` per epoch run.
        best_epoch: Epoch whose weights were kept.
        seconds: Total training time.
        stopped: Why training ended: ``"epochs"``, ``"early_stopping"`` or ``"time"``.
    """

    model: SequenceModel
    history: list[EpochStats] = field(default_factory=list)
    best_epoch: int = 0
    seconds: float = 0.0
    stopped: str = "epochs"


def forward(
    model: SequenceModel,
    data: SequenceTensors,
    idx: Tensor,
    condition: Tensor | None = None,
    *,
    call: nn.Module | None = None,
) -> Tensor:
    """Teacher-forced logits ``(B, T, vocab)`` of the sequences ``idx`` of a split.

    ``call`` runs the model instead of ``model`` itself (its
    DistributedDataParallel wrapper, which averages the gradients).
    """
    b = len(idx)
    h = torch.zeros(model.config.state_shape[0], b, model.config.state_shape[1])
    cond = data.condition[idx] if condition is None else condition
    steps = [s[idx] for s in data.steps]
    logits: Tensor = (call or model)(data.inputs[idx], *steps, cond, h, torch.ones(b))[0]
    return logits


def teacher_forcing(
    ids: NDArray[np.int64],
    n_steps: NDArray[np.int64],
    scored: NDArray[np.bool_],
    steps: tuple[NDArray[np.float32], ...],
    condition: NDArray[np.float32],
    *,
    bos: int = 1,
    pad: int = 0,
) -> SequenceTensors:
    """Teacher-forcing tensors: ``BOS`` then the previous id in, the id out.

    Args:
        ids: ``(N, T)`` the sequences' ids.
        n_steps: ``(N,)`` each sequence's true length (later steps are padding).
        scored: ``(N, T)`` which ids are targets (others are :data:`IGNORE`).
        steps: The per-step inputs ``(N, T, k)`` in the model's order.
        condition: ``(N, C)`` conditioning inputs.
        bos: The start id (default 1, ``BOS`` in both vocabularies).
        pad: The padding id (default 0, ``PAD``).
    """
    n, t = ids.shape
    inputs = np.zeros((n, t), dtype=np.int64)
    inputs[:, 0] = bos
    inputs[:, 1:] = ids[:, :-1]
    active = np.arange(t)[None, :] < n_steps[:, None]
    targets = np.where(active & scored, ids, IGNORE)
    inputs = np.where(active, inputs, pad)
    return SequenceTensors(
        inputs=torch.from_numpy(inputs),
        targets=torch.from_numpy(targets.astype(np.int64)),
        steps=tuple(torch.from_numpy(np.asarray(x, np.float32)) for x in steps),
        condition=torch.from_numpy(np.asarray(condition, dtype=np.float32)),
    )


def per_sequence(
    n_steps: NDArray[np.int64], t: int, width: int, fill: Callable[[int, int], NDArray[Any]]
) -> NDArray[np.float32]:
    """A ``(N, t, width)`` per-step input; ``fill(i, k)`` gives sequence ``i``'s ``k`` rows."""
    out = np.zeros((len(n_steps), t, width), dtype=np.float32)
    for i, k in enumerate(n_steps):
        out[i, : int(k)] = fill(i, int(k))
    return out


@torch.no_grad()
def evaluate_sequences(
    model: SequenceModel,
    data: SequenceTensors,
    *,
    first_id: int = 0,
    onsets_from: int | None = None,
    batch_size: int = 256,
) -> dict[str, float]:
    """Cross-entropy, perplexity and top-1 accuracy on the scored targets.

    Args:
        model: The model (put in eval mode here).
        data: The split.
        first_id: Renormalise the probabilities over ids from this one on
            (the harmony network: real chords only); default 0, every id.
        onsets_from: Also report ``top1_onsets``, the top-1 accuracy on
            targets from this id on (the melody network: note onsets).
        batch_size: Sequences per forward pass.

    Returns:
        ``{"loss", "perplexity", "top1", "count"}`` (+ ``"top1_onsets"``).
    """
    model.eval()
    total, correct, count, on_correct, on_count = 0.0, 0, 0, 0, 0
    for lo in range(0, len(data), batch_size):
        idx = torch.arange(lo, min(lo + batch_size, len(data)))
        logits = forward(model, data, idx)[..., first_id:]
        tgt = data.targets[idx]
        mask = tgt != IGNORE
        logp = torch.log_softmax(logits[mask], dim=-1)
        target = tgt[mask] - first_id
        total += float(-logp.gather(1, target[:, None]).sum())
        hit = logp.argmax(-1) == target
        correct += int(hit.sum())
        count += int(mask.sum())
        if onsets_from is not None:
            onset = target + first_id >= onsets_from
            on_correct += int(hit[onset].sum())
            on_count += int(onset.sum())
    loss = total / max(count, 1)
    out = {
        "loss": loss,
        "perplexity": math.exp(loss),
        "top1": correct / max(count, 1),
        "count": float(count),
    }
    if onsets_from is not None:
        out["top1_onsets"] = on_correct / max(on_count, 1)
    return out


def _conditions(cond: Tensor, config: TrainConfig, gen: torch.Generator) -> Tensor:
    """Label noise and label dropout on a batch's valence and arousal."""
    cond = cond.clone()
    if config.label_noise > 0:
        noise = torch.randn(len(cond), 2, generator=gen) * config.label_noise
        cond[:, :2] = (cond[:, :2] + noise).clamp(-1.0, 1.0)
    if config.label_dropout > 0:
        drop = torch.rand(len(cond), generator=gen) < config.label_dropout
        cond[drop, :2] = 0.0
    return cond


def train_sequences(
    model_config: SequenceModelConfig,
    tr: SequenceTensors,
    va: SequenceTensors,
    config: TrainConfig,
    evaluate: Callable[[SequenceModel, SequenceTensors], dict[str, float]],
    *,
    on_batch: Callable[[int, int, int, float], None] | None = None,
    on_epoch: Callable[[EpochStats], None] | None = None,
) -> TrainResult:
    """Train a sequence network of ``model_config.arch`` (see the module docstring).

    Args:
        model_config: Architecture.
        tr: Training tensors.
        va: Validation tensors (early stopping).
        config: Training configuration.
        evaluate: The network's validation figures: ``{"loss", "perplexity",
            "top1", ...}`` of a model on a split.
        on_batch: Called as ``(epoch, batches done, batches, running loss)``.
        on_epoch: Called with each epoch's figures.

    Returns:
        The best model and the history.
    """
    from image2music.training.distributed import agree, current_world

    world = current_world()  # torchrun: several processes train together (distributed.py)
    torch.manual_seed(config.seed)
    torch.set_num_threads(max(1, config.threads))
    rng = np.random.default_rng(config.seed)  # the same shuffle in every process
    model = build_model(model_config)
    call: nn.Module | None = None
    if world.size > 1:
        call = nn.parallel.DistributedDataParallel(model)  # starts from process 0's weights
    opt = torch.optim.Adam(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=config.lr_patience)
    loss_fn = nn.CrossEntropyLoss(ignore_index=IGNORE)
    noise_gen = torch.Generator().manual_seed(config.seed + 1 + world.rank)
    result = TrainResult(model=model)
    best_loss, best_state, bad = math.inf, copy.deepcopy(model.state_dict()), 0
    t_start = time.perf_counter()
    # Each process takes every world.size-th phrase of the shuffle, in batches of its
    # share of batch_size, all with as many batches (the gradients are averaged).
    share = len(tr) // world.size
    batch = max(1, math.ceil(config.batch_size / world.size))
    n_batches = max(1, math.ceil(share / batch))
    for epoch in range(1, config.epochs + 1):
        t0 = time.perf_counter()
        model.train()
        order = torch.from_numpy(rng.permutation(len(tr)))[world.rank :: world.size][:share]
        running = 0.0
        for b in range(n_batches):
            idx = order[b * batch : (b + 1) * batch]
            if len(idx) == 0:
                continue
            cond = _conditions(tr.condition[idx], config, noise_gen)
            logits = forward(model, tr, idx, cond, call=call)
            loss = loss_fn(logits.reshape(-1, logits.shape[-1]), tr.targets[idx].reshape(-1))
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), config.grad_clip)
            opt.step()
            value = float(loss.detach())
            running = value if b == 0 else 0.95 * running + 0.05 * value
            if on_batch is not None:
                on_batch(epoch, b + 1, n_batches, running)
        stats = evaluate(model, va)
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
        if agree(time.perf_counter() - t_start > 60.0 * config.max_minutes, world):
            result.stopped = "time"
            break
    model.load_state_dict(best_state)
    model.eval()
    result.seconds = time.perf_counter() - t_start
    return result
