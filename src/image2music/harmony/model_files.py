"""Finding, checking and loading the harmony network's ONNX file (torch-free).

A model is two files side by side: ``<name>.onnx`` (the graph and weights)
and ``<name>.json`` (the sidecar: model and training configuration, corpus
hash, vocabulary version, conditioning definitions, metrics). The shipped
model is ``image2music/models/harmony.onnx``.

Reading the sidecar and creating the (cached, once per process) onnxruntime
session are shared with the melody network in :mod:`image2music.onnx_models`.
"""

from __future__ import annotations

from typing import Any

from image2music.harmony.grid import CONDITION_NAMES, POSITION_FEATURES
from image2music.harmony.tokens import VOCAB_SIZE, VOCAB_VERSION
from image2music.onnx_models import ModelInfo, NetworkFiles
from image2music.onnx_models import onnx_session as _shared_session

__all__ = [
    "FILES",
    "FORMAT",
    "ONNX_INPUTS",
    "ONNX_OUTPUTS",
    "HarmonyModelInfo",
    "default_model_path",
    "load_model_info",
    "onnx_session",
]

#: Format tag written to (and required in) every sidecar.
FORMAT = "image2music-harmony-gru/1"
#: Input names of the ONNX graph, in order: ``tokens`` (B, T) int64,
#: ``position`` (B, T, P) float32, ``condition`` (B, C) float32, ``h_in``
#: (layers, B, hidden) float32, ``start`` (B,) float32 (1.0: take the
#: initial state from the condition and ignore ``h_in``).
ONNX_INPUTS: tuple[str, ...] = ("tokens", "position", "condition", "h_in", "start")
#: Output names: ``logits`` (B, T, vocabulary), ``h_out`` (layers, B, hidden).
ONNX_OUTPUTS: tuple[str, ...] = ("logits", "h_out")


#: The harmony network's model description (the shared :class:`ModelInfo`).
HarmonyModelInfo = ModelInfo

#: The harmony network's files and the sidecar fields this code needs.
FILES = NetworkFiles(
    "harmony",
    ONNX_INPUTS,
    {
        "format": FORMAT,
        "vocab_version": VOCAB_VERSION,
        "vocab_size": VOCAB_SIZE,
        "position_features": POSITION_FEATURES,
        "condition_names": CONDITION_NAMES,
    },
)


#: ``default_model_path()``: the shipped model, ``image2music/models/harmony.onnx``;
#: ``load_model_info(path=None)``: its checked sidecar (``ModelError`` if unusable).
default_model_path, load_model_info = FILES.default_path, FILES.load


def onnx_session(
    path: str, inputs: tuple[str, ...] = ONNX_INPUTS, what: str = "harmony model"
) -> Any:
    """The process-wide onnxruntime session of the ONNX file at ``path``.

    See :func:`image2music.onnx_models.onnx_session`; the defaults are the
    harmony network's input names.
    """
    return _shared_session(path, inputs, what)
