"""The architecture of each shipped sequence network, in plain numbers (no torch, no numpy).

The one source of the defaults: :mod:`image2music.training.sequence_model`
builds its configurations from these, and the ``train harmony`` / ``train
melody`` options take their defaults from them, so the command line and the
model configuration cannot drift apart.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

__all__ = ["ARCHITECTURES", "ARCHS", "TRAINING_DEFAULTS"]

#: The model cores: a recurrent one and an attention one, same inputs and outputs.
ARCHS: tuple[str, ...] = ("gru", "transformer")

#: Network kind -> embedding size, GRU state size, layers and dropout.
ARCHITECTURES: MappingProxyType[str, MappingProxyType[str, Any]] = MappingProxyType(
    {
        "harmony": MappingProxyType(
            {"embed_dim": 64, "hidden_size": 384, "num_layers": 1, "dropout": 0.4}
        ),
        "melody": MappingProxyType(
            {"embed_dim": 48, "hidden_size": 192, "num_layers": 2, "dropout": 0.2}
        ),
    }
)

#: Network kind -> the training options' defaults (the shipped models' runs).
TRAINING_DEFAULTS: MappingProxyType[str, MappingProxyType[str, Any]] = MappingProxyType(
    {
        "harmony": MappingProxyType(
            {"epochs": 30, "lr": 2e-3, "label_dropout": 0.25, "max_minutes": 25.0}
        ),
        "melody": MappingProxyType(
            {"epochs": 40, "lr": 3e-3, "label_dropout": 0.0, "max_minutes": 25.0}
        ),
    }
)
