"""The harmony network in PyTorch: an emotion-conditioned GRU over half-bar chord ids.

At step ``t`` the input is the concatenation of

* the embedding of the previous chord id (``BOS`` at ``t = 0``),
* the position inputs (:data:`image2music.harmony.grid.POSITION_FEATURES`),
* the conditioning inputs (valence, arousal, minor;
  :data:`~image2music.harmony.grid.CONDITION_NAMES`);

a stacked GRU reads it, and a linear layer over ``[GRU output, conditioning]``
gives the logits of the chord at step ``t``. The conditioning also sets the
initial state: ``h0 = tanh(W c + b)``, one slice per layer. So the emotion
enters three ways: initial state, every step's input, and the output layer.

:class:`HarmonyModelConfig` holds the architecture; a checkpoint
(:func:`save_checkpoint`) stores it next to the weights, so
:func:`load_checkpoint` rebuilds the model by itself.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import torch
from torch import Tensor, nn

from image2music.errors import ModelError
from image2music.harmony.grid import CONDITION_NAMES, POSITION_FEATURES
from image2music.harmony.tokens import VOCAB_SIZE

__all__ = [
    "CHECKPOINT_FORMAT",
    "ChordGRU",
    "HarmonyModelConfig",
    "load_checkpoint",
    "save_checkpoint",
]

#: Format tag of a torch checkpoint.
CHECKPOINT_FORMAT = "image2music-harmony-checkpoint/1"


@dataclass(frozen=True)
class HarmonyModelConfig:
    """Architecture of :class:`ChordGRU`.

    Attributes:
        vocab_size: Chord ids (209 in vocabulary version 1).
        n_position: Position inputs per step.
        n_condition: Conditioning inputs.
        embed_dim: Size of the chord embedding (default 64).
        hidden_size: GRU state size per layer (default 384).
        num_layers: Stacked GRU layers (default 1).
        dropout: Dropout on the embedding, between layers and before the output
            (default 0.4; training only).
    """

    vocab_size: int = VOCAB_SIZE
    n_position: int = len(POSITION_FEATURES)
    n_condition: int = len(CONDITION_NAMES)
    embed_dim: int = 64
    hidden_size: int = 384
    num_layers: int = 1
    dropout: float = 0.4

    def to_dict(self) -> dict[str, Any]:
        """The fields as a JSON-ready dict (``model_args``)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> HarmonyModelConfig:
        """Inverse of :meth:`to_dict`; unknown keys are an error."""
        names = {f.name for f in fields(cls)}
        unknown = set(d) - names
        if unknown:
            raise ModelError(f"unknown model config keys {sorted(unknown)}")
        return cls(**d)


class ChordGRU(nn.Module):
    """The emotion-conditioned chord GRU (see the module docstring)."""

    def __init__(self, config: HarmonyModelConfig) -> None:
        super().__init__()
        self.config = config
        c = config
        self.embed = nn.Embedding(c.vocab_size, c.embed_dim)
        self.init_state = nn.Linear(c.n_condition, c.num_layers * c.hidden_size)
        self.gru = nn.GRU(
            c.embed_dim + c.n_position + c.n_condition,
            c.hidden_size,
            num_layers=c.num_layers,
            batch_first=True,
            dropout=c.dropout if c.num_layers > 1 else 0.0,
        )
        self.drop = nn.Dropout(c.dropout)
        self.head = nn.Linear(c.hidden_size + c.n_condition, c.vocab_size)

    def initial_state(self, condition: Tensor) -> Tensor:
        """``(layers, B, hidden)`` initial state from ``(B, C)`` conditioning inputs."""
        c = self.config
        h = torch.tanh(self.init_state(condition))
        return h.view(-1, c.num_layers, c.hidden_size).transpose(0, 1).contiguous()

    def forward(
        self, tokens: Tensor, position: Tensor, condition: Tensor, h_in: Tensor, start: Tensor
    ) -> tuple[Tensor, Tensor]:
        """Logits of the next chord at every step.

        Args:
            tokens: ``(B, T)`` int64 ids fed at each step.
            position: ``(B, T, P)`` position inputs.
            condition: ``(B, C)`` conditioning inputs.
            h_in: ``(layers, B, hidden)`` state carried from earlier steps.
            start: ``(B,)`` 1.0 to start from :meth:`initial_state` instead of ``h_in``.

        Returns:
            ``(logits (B, T, vocab), h_out (layers, B, hidden))``.
        """
        steps = tokens.shape[1]
        cond_steps = condition.unsqueeze(1).expand(-1, steps, -1)
        x = torch.cat([self.drop(self.embed(tokens)), position, cond_steps], dim=-1)
        gate = start.view(1, -1, 1)
        h0 = gate * self.initial_state(condition) + (1.0 - gate) * h_in
        y, h_out = self.gru(x, h0)
        logits = self.head(torch.cat([self.drop(y), cond_steps], dim=-1))
        return logits, h_out


def save_checkpoint(
    path: Path,
    model: ChordGRU,
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
            "format": CHECKPOINT_FORMAT,
            "model_args": model.config.to_dict(),
            "train_config": train_config,
            "state_dict": model.state_dict(),
        },
        path,
    )


def load_checkpoint(path: Path) -> tuple[ChordGRU, dict[str, Any]]:
    """Rebuild a model from a checkpoint written by :func:`save_checkpoint`.

    Args:
        path: The ``.pt`` file.

    Returns:
        ``(model in eval mode, the whole checkpoint dict)``.

    Raises:
        ModelError: If the file is not a harmony checkpoint.
    """
    ckpt: dict[str, Any] = torch.load(path, map_location="cpu", weights_only=False)
    if ckpt.get("format") != CHECKPOINT_FORMAT:
        raise ModelError(f"{path} is not a harmony checkpoint ({ckpt.get('format')!r})")
    model = ChordGRU(HarmonyModelConfig.from_dict(ckpt["model_args"]))
    model.load_state_dict(ckpt["state_dict"])
    model.eval()
    return model, ckpt
