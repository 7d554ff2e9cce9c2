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
from image2music.training.architectures import ARCHITECTURES

__all__ = [
    "HARMONY_NETWORK",
    "MELODY_NETWORK",
    "ConditionedGRU",
    "SequenceModelConfig",
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

    def to_dict(self) -> dict[str, Any]:
        """The fields as a JSON-ready dict (``model_args``)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any], kind: str) -> SequenceModelConfig:
        """Inverse of :meth:`to_dict`; fields a checkpoint predates come from ``kind``'s default.

        Raises:
            ModelError: For unknown keys or another kind.
        """
        names = {f.name for f in fields(cls)}
        unknown = set(d) - names
        if unknown:
            raise ModelError(f"unknown model config keys {sorted(unknown)}")
        base = NETWORKS.get(kind)
        if base is None or d.get("kind", kind) != kind:
            raise ModelError(f"not a {kind} model config: {d.get('kind')!r}")
        return cls(**{**base.to_dict(), "n_chord": 0 if kind == "harmony" else base.n_chord, **d})


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


def save_checkpoint(
    path: Path,
    model: ConditionedGRU,
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


def load_checkpoint(path: Path, kind: str) -> tuple[ConditionedGRU, dict[str, Any]]:
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
    model = ConditionedGRU(SequenceModelConfig.from_dict(ckpt["model_args"], kind))
    model.load_state_dict(ckpt["state_dict"])
    model.eval()
    return model, ckpt
