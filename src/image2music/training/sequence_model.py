"""One model core for both sequence networks: an emotion-conditioned GRU.

At step ``t`` the input is the concatenation of

* the embedding of the previous id (``BOS`` at ``t = 0``),
* the network's chord inputs, when it has them (the melody network: the
  current and next chord, :data:`image2music.melody.grid.CHORD_FEATURES`),
* the position inputs (place in bar and phrase),
* the conditioning inputs (valence, arousal, minor);

a stacked GRU reads it, and a linear layer over ``[GRU output, chord inputs,
conditioning]`` gives the logits of the id at step ``t``. The conditioning also
sets the initial state: ``h0 = tanh(W c + b)``, one slice per layer. So the
emotion enters three ways: initial state, every step's input, and the output.

The two shipped networks are two configurations of this one class
(:data:`HARMONY_NETWORK`, :data:`MELODY_NETWORK`); a later network (bass,
drums) is another configuration plus its own tokens and musical constraints.
A checkpoint (:func:`save_checkpoint`) stores the configuration next to the
weights, so :func:`load_checkpoint` rebuilds the model by itself.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import torch
from torch import Tensor, nn

from image2music.errors import ModelError
from image2music.harmony import grid as harmony_grid
from image2music.harmony.tokens import VOCAB_SIZE as CHORD_VOCAB
from image2music.melody import grid as melody_grid
from image2music.melody.tokens import VOCAB_SIZE as MELODY_VOCAB
from image2music.training.architectures import ARCHITECTURES, ARCHS

__all__ = [
    "ARCHS",
    "HARMONY_NETWORK",
    "MELODY_NETWORK",
    "ConditionedGRU",
    "ConditionedTransformer",
    "SequenceModel",
    "SequenceModelConfig",
    "build_model",
    "checkpoint_format",
    "load_checkpoint",
    "save_checkpoint",
]


def checkpoint_format(kind: str) -> str:
    """Format tag of a torch checkpoint of one network kind."""
    return f"image2music-{kind}-checkpoint/1"


@dataclass(frozen=True)
class SequenceModelConfig:
    """Architecture of :class:`ConditionedGRU`.

    Attributes:
        kind: The network: ``"harmony"`` or ``"melody"`` (names files and formats).
        vocab_size: Ids of the network's vocabulary.
        n_chord: Chord inputs per step (0: none, as in the harmony network).
        n_position: Position inputs per step.
        n_condition: Conditioning inputs.
        embed_dim: Size of the id embedding.
        hidden_size: GRU state size per layer.
        num_layers: Stacked GRU layers.
        dropout: Dropout on the embedding, between layers and before the
            output (training only).
        arch: ``"gru"`` (:class:`ConditionedGRU`) or ``"transformer"``
            (:class:`ConditionedTransformer`: ``hidden_size`` is its model
            width, ``num_layers`` its blocks).
        heads: Attention heads of the transformer.
        window: Steps the transformer remembers when it is run one step at a
            time (its state holds their inputs); at least the longest sequence.
    """

    kind: str
    vocab_size: int
    n_chord: int
    n_position: int
    n_condition: int
    embed_dim: int
    hidden_size: int
    num_layers: int
    dropout: float
    arch: str = "gru"
    heads: int = 4
    window: int = 64

    def __post_init__(self) -> None:
        if self.arch not in ARCHS:
            raise ModelError(f"arch must be one of {', '.join(ARCHS)}, got {self.arch!r}")
        if self.arch == "transformer" and self.hidden_size % self.heads:
            raise ModelError(
                f"hidden_size {self.hidden_size} must be a multiple of heads {self.heads}"
            )

    @property
    def state_shape(self) -> tuple[int, int]:
        """``(layers, size)`` of the step state ``h_in`` per sequence.

        The GRU's hidden state; for the transformer the inputs of the last
        ``window`` steps, each with a flag saying it is filled.
        """
        if self.arch == "transformer":
            return 1, self.window * (self.hidden_size + 1)
        return self.num_layers, self.hidden_size

    def to_dict(self) -> dict[str, Any]:
        """The fields as a JSON-ready dict (``model_args``), plus the state's shape.

        ``state_layers`` and ``state_size`` tell a reader of the sidecar how to
        shape ``h_in`` without knowing the architecture.
        """
        layers, size = self.state_shape
        return {**asdict(self), "state_layers": layers, "state_size": size}

    @classmethod
    def from_dict(cls, d: dict[str, Any], kind: str) -> SequenceModelConfig:
        """Inverse of :meth:`to_dict`; fields a checkpoint predates come from ``kind``'s default.

        Raises:
            ModelError: For unknown keys or another kind.
        """
        names = {f.name for f in fields(cls)}
        d = {k: v for k, v in d.items() if k not in ("state_layers", "state_size")}
        unknown = set(d) - names
        if unknown:
            raise ModelError(f"unknown model config keys {sorted(unknown)}")
        base = NETWORKS.get(kind)
        if base is None or d.get("kind", kind) != kind:
            raise ModelError(f"not a {kind} model config: {d.get('kind')!r}")
        return cls(**{**asdict(base), "n_chord": 0 if kind == "harmony" else base.n_chord, **d})


#: The harmony network: one chord per half bar, no chord inputs.
HARMONY_NETWORK = SequenceModelConfig(
    kind="harmony",
    vocab_size=CHORD_VOCAB,
    n_chord=0,
    n_position=len(harmony_grid.POSITION_FEATURES),
    n_condition=len(harmony_grid.CONDITION_NAMES),
    **ARCHITECTURES["harmony"],
)

#: The melody network: one id per 16th note, reading the chords.
MELODY_NETWORK = SequenceModelConfig(
    kind="melody",
    vocab_size=MELODY_VOCAB,
    n_chord=len(melody_grid.CHORD_FEATURES),
    n_position=len(melody_grid.POSITION_FEATURES),
    n_condition=len(melody_grid.CONDITION_NAMES),
    **ARCHITECTURES["melody"],
)

#: Every network, by kind.
NETWORKS: dict[str, SequenceModelConfig] = {"harmony": HARMONY_NETWORK, "melody": MELODY_NETWORK}


class ConditionedGRU(nn.Module):
    """The emotion-conditioned GRU (see the module docstring)."""

    def __init__(self, config: SequenceModelConfig) -> None:
        super().__init__()
        self.config = config
        c = config
        self.embed = nn.Embedding(c.vocab_size, c.embed_dim)
        self.init_state = nn.Linear(c.n_condition, c.num_layers * c.hidden_size)
        self.gru = nn.GRU(
            c.embed_dim + c.n_chord + c.n_position + c.n_condition,
            c.hidden_size,
            num_layers=c.num_layers,
            batch_first=True,
            dropout=c.dropout if c.num_layers > 1 else 0.0,
        )
        self.drop = nn.Dropout(c.dropout)
        self.head = nn.Linear(c.hidden_size + c.n_chord + c.n_condition, c.vocab_size)

    @property
    def input_names(self) -> tuple[str, ...]:
        """Names of :meth:`forward`'s inputs, in order (the ONNX graph's)."""
        chords = ("chords",) if self.config.n_chord else ()
        return ("tokens", *chords, "position", "condition", "h_in", "start")

    def initial_state(self, condition: Tensor) -> Tensor:
        """``(layers, B, hidden)`` initial state from ``(B, C)`` conditioning inputs."""
        c = self.config
        h = torch.tanh(self.init_state(condition))
        return h.view(-1, c.num_layers, c.hidden_size).transpose(0, 1).contiguous()

    def forward(self, tokens: Tensor, *inputs: Tensor) -> tuple[Tensor, Tensor]:
        """Logits of the id at every step.

        Args:
            tokens: ``(B, T)`` int64 ids fed at each step.
            *inputs: ``chords`` ``(B, T, K)`` when the network has chord inputs,
                then ``position`` ``(B, T, P)``, ``condition`` ``(B, C)``,
                ``h_in`` ``(layers, B, hidden)`` and ``start`` ``(B,)`` (1.0 to
                start from :meth:`initial_state` instead of ``h_in``).

        Returns:
            ``(logits (B, T, vocab), h_out (layers, B, hidden))``.
        """
        chords = inputs[:-4] if self.config.n_chord else ()
        position, condition, h_in, start = inputs[-4:]
        steps = tokens.shape[1]
        cond_steps = condition.unsqueeze(1).expand(-1, steps, -1)
        x = torch.cat([self.drop(self.embed(tokens)), *chords, position, cond_steps], dim=-1)
        gate = start.view(1, -1, 1)
        h0 = gate * self.initial_state(condition) + (1.0 - gate) * h_in
        y, h_out = self.gru(x, h0)
        logits = self.head(torch.cat([self.drop(y), *chords, cond_steps], dim=-1))
        return logits, h_out


class _Block(nn.Module):
    """Pre-norm causal self-attention and feed-forward (plain ops, so it exports to ONNX)."""

    def __init__(self, width: int, heads: int, dropout: float) -> None:
        super().__init__()
        self.heads = heads
        self.norm1 = nn.LayerNorm(width)
        self.qkv = nn.Linear(width, 3 * width)
        self.out = nn.Linear(width, width)
        self.norm2 = nn.LayerNorm(width)
        self.ff = nn.Sequential(nn.Linear(width, 4 * width), nn.GELU(), nn.Linear(4 * width, width))
        self.drop = nn.Dropout(dropout)

    def forward(self, x: Tensor, allowed: Tensor) -> Tensor:
        """``x`` ``(B, L, W)``; ``allowed`` ``(B, 1, L, L)`` bool: query row may see key column."""
        b, length, width = x.shape
        h = self.heads
        q, k, v = self.qkv(self.norm1(x)).split(width, dim=-1)
        q, k, v = (z.reshape(b, length, h, width // h).transpose(1, 2) for z in (q, k, v))
        scores = q @ k.transpose(-1, -2) / math.sqrt(width // h)
        scores = scores.masked_fill(~allowed, -1e9)
        att = self.drop(torch.softmax(scores, dim=-1)) @ v
        x = x + self.drop(self.out(att.transpose(1, 2).reshape(b, length, width)))
        out: Tensor = x + self.drop(self.ff(self.norm2(x)))
        return out


class ConditionedTransformer(nn.Module):
    """A small causal transformer with the same inputs, outputs and conditioning as the GRU.

    Each step's input (previous id's embedding, chord and position inputs,
    conditioning) is projected to the model width; a learned vector made from
    the conditioning stands before the first step (the transformer's "initial
    state"). Causal self-attention blocks read the sequence; the head sees
    ``[block output, chord inputs, conditioning]``, as the GRU's does. The
    position inputs (place in the bar and phrase, progress) give the order.

    Run one step at a time, the state ``h_in`` holds the projected inputs of
    the last ``window`` steps with a filled-flag each; ``start`` empties it.
    Run over a whole sequence at once (training, scoring), the state is empty
    and every step is computed together, with the same result.
    """

    def __init__(self, config: SequenceModelConfig) -> None:
        super().__init__()
        self.config = config
        c = config
        width = c.hidden_size
        self.embed = nn.Embedding(c.vocab_size, c.embed_dim)
        self.project = nn.Linear(c.embed_dim + c.n_chord + c.n_position + c.n_condition, width)
        self.start_vector = nn.Linear(c.n_condition, width)
        self.blocks = nn.ModuleList(_Block(width, c.heads, c.dropout) for _ in range(c.num_layers))
        self.norm = nn.LayerNorm(width)
        self.drop = nn.Dropout(c.dropout)
        self.head = nn.Linear(width + c.n_chord + c.n_condition, c.vocab_size)

    @property
    def input_names(self) -> tuple[str, ...]:
        """Names of :meth:`forward`'s inputs, in order (the ONNX graph's)."""
        chords = ("chords",) if self.config.n_chord else ()
        return ("tokens", *chords, "position", "condition", "h_in", "start")

    def forward(self, tokens: Tensor, *inputs: Tensor) -> tuple[Tensor, Tensor]:
        """Logits of the id at every new step, and the new state (see the class docstring).

        Args:
            tokens: ``(B, T)`` int64 ids fed at each step.
            *inputs: As :meth:`ConditionedGRU.forward`; ``h_in`` is
                ``(1, B, window * (hidden_size + 1))``.

        Returns:
            ``(logits (B, T, vocab), h_out)``, ``h_out`` shaped as ``h_in``.
        """
        c = self.config
        chords = inputs[:-4] if c.n_chord else ()
        position, condition, h_in, start = inputs[-4:]
        b, steps = tokens.shape[0], tokens.shape[1]
        width = c.hidden_size
        cond_steps = condition.unsqueeze(1).expand(-1, steps, -1)
        x = torch.cat([self.drop(self.embed(tokens)), *chords, position, cond_steps], dim=-1)
        new = torch.cat([self.project(x), torch.ones(b, steps, 1)], dim=-1)
        keep = (1.0 - start).view(b, 1, 1)
        memory = h_in.reshape(b, c.window, width + 1) * keep
        if not torch.onnx.is_in_onnx_export() and bool((start > 0.5).all()):
            memory = memory[:, :0]  # all empty (training, scoring): skip it, same result
        first = torch.cat([self.start_vector(condition), torch.ones(b, 1)], dim=-1).unsqueeze(1)
        # The start vector sits before the memory; it is the "state" of an empty memory.
        seq = torch.cat([first, memory, new], dim=1)  # (B, 1 + window + T, width + 1)
        filled = seq[..., width] > 0.5
        length = seq.shape[1]
        index = torch.arange(length)
        causal = index.view(1, -1) <= index.view(-1, 1)  # (L, L): key j <= query i
        itself = index.view(1, -1) == index.view(-1, 1)  # a row always sees itself: no empty row
        allowed = causal.unsqueeze(0) & (filled.unsqueeze(1) | itself.unsqueeze(0))
        h = seq[..., :width]
        for block in self.blocks:
            h = block(h, allowed.unsqueeze(1))
        y = self.norm(h[:, -steps:])
        logits = self.head(torch.cat([self.drop(y), *chords, cond_steps], dim=-1))
        kept = torch.cat([torch.zeros(b, c.window, width + 1), seq[:, 1:]], dim=1)
        h_out = kept[:, -c.window :].reshape(1, b, c.window * (width + 1))
        return logits, h_out


#: Either core; both take and give the same tensors.
SequenceModel = ConditionedGRU | ConditionedTransformer


def build_model(config: SequenceModelConfig) -> SequenceModel:
    """The model of a configuration: its ``arch`` picks the core."""
    if config.arch == "transformer":
        return ConditionedTransformer(config)
    return ConditionedGRU(config)


def save_checkpoint(
    path: Path,
    model: SequenceModel,
    *,
    train_config: dict[str, Any],
    extra: dict[str, Any],
) -> None:
    """Write a checkpoint that rebuilds its model from its own stored config.

    Args:
        path: The ``.pt`` file (its folder is created).
        model: The model.
        train_config: The training configuration, JSON-ready.
        extra: Anything else to keep (corpus hash, metrics, version, labels ...);
            its keys never replace the four above.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(
        {
            **extra,
            "format": checkpoint_format(model.config.kind),
            "model_args": model.config.to_dict(),
            "train_config": train_config,
            "state_dict": model.state_dict(),
        },
        path,
    )


def load_checkpoint(path: Path, kind: str) -> tuple[SequenceModel, dict[str, Any]]:
    """Rebuild a model from a checkpoint written by :func:`save_checkpoint`.

    Args:
        path: The ``.pt`` file.
        kind: The network it must hold: ``"harmony"`` or ``"melody"``.

    Returns:
        ``(model in eval mode, the whole checkpoint dict)``.

    Raises:
        ModelError: If the file is not a checkpoint of that kind.
    """
    ckpt: dict[str, Any] = torch.load(path, map_location="cpu", weights_only=False)
    if ckpt.get("format") != checkpoint_format(kind):
        raise ModelError(f"{path} is not a {kind} checkpoint ({ckpt.get('format')!r})")
    model = build_model(SequenceModelConfig.from_dict(ckpt["model_args"], kind))
    model.load_state_dict(ckpt["state_dict"])
    model.eval()
    return model, ckpt
