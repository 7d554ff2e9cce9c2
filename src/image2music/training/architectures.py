"""The architecture of each shipped sequence network, in plain numbers (no torch, no numpy).

The one source of the defaults: :mod:`image2music.training.sequence_model`
builds its configurations from these, and the ``train harmony`` / ``train
melody`` options take their defaults from them, so the command line and the
model configuration cannot drift apart.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

__all__ = ["ARCHITECTURES", "ARCHS", "HARMONY_GRU", "TRAINING_DEFAULTS"]

#: The harmony GRU shipped as ``harmony-gru.onnx`` (``--harmony network-gru``):
#: ``train harmony --arch gru --hidden-size 384 --layers 1 --dropout 0.4
#: --install --install-as harmony-gru``.
HARMONY_GRU: MappingProxyType[str, Any] = MappingProxyType(
    {"arch": "gru", "embed_dim": 64, "hidden_size": 384, "num_layers": 1, "dropout": 0.4}
)

#: The model cores: a recurrent one and an attention one, same inputs and outputs.
ARCHS: tuple[str, ...] = ("gru", "transformer")

#: Network kind -> core (``arch``), embedding size, state size or model width,
#: layers and dropout. The harmony default is the small transformer (it predicts
#: the next chord a little better than the GRU of the same size, see the model
#: card); :data:`HARMONY_GRU` is the GRU shipped beside it.
ARCHITECTURES: MappingProxyType[str, MappingProxyType[str, Any]] = MappingProxyType(
    {
        "harmony": MappingProxyType(
            {
                "arch": "transformer",
                "embed_dim": 64,
                "hidden_size": 128,
                "num_layers": 3,
                "heads": 4,
                "window": 32,
                "dropout": 0.2,
            }
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
