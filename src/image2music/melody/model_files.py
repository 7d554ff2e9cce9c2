"""Finding, checking and loading the melody network's ONNX file (torch-free).

As for the harmony network, a model is ``<name>.onnx`` plus its sidecar
``<name>.json``; both networks read their sidecars and create their cached
sessions through :mod:`image2music.onnx_models`. The shipped model is
``image2music/models/melody.onnx``.
"""

from __future__ import annotations

from image2music.melody.grid import CHORD_FEATURES, CONDITION_NAMES, POSITION_FEATURES
from image2music.melody.tokens import VOCAB_SIZE, VOCAB_VERSION
from image2music.onnx_models import ModelInfo, NetworkFiles

__all__ = [
    "FILES",
    "FORMAT",
    "ONNX_INPUTS",
    "ONNX_OUTPUTS",
    "MelodyModelInfo",
    "default_model_path",
    "load_model_info",
]

#: Format tag written to (and required in) every sidecar.
FORMAT = "image2music-melody-gru/1"
#: Input names of the ONNX graph, in order: ``tokens`` (B, T) int64, ``chords``
#: (B, T, K) float32, ``position`` (B, T, P) float32, ``condition`` (B, C)
#: float32, ``h_in`` (layers, B, hidden) float32, ``start`` (B,) float32
#: (1.0: take the initial state from the condition and ignore ``h_in``).
ONNX_INPUTS: tuple[str, ...] = ("tokens", "chords", "position", "condition", "h_in", "start")
#: Output names: ``logits`` (B, T, vocabulary), ``h_out`` (layers, B, hidden).
ONNX_OUTPUTS: tuple[str, ...] = ("logits", "h_out")


#: The melody network's model description (the shared :class:`ModelInfo`).
MelodyModelInfo = ModelInfo

#: The melody network's files and the sidecar fields this code needs.
FILES = NetworkFiles(
    "melody",
    ONNX_INPUTS,
    {
        "format": FORMAT,
        "vocab_version": VOCAB_VERSION,
        "vocab_size": VOCAB_SIZE,
        "chord_features": CHORD_FEATURES,
        "position_features": POSITION_FEATURES,
        "condition_names": CONDITION_NAMES,
    },
)


#: ``default_model_path()``: the shipped model, ``image2music/models/melody.onnx``;
#: ``load_model_info(path=None)``: its checked sidecar (``ModelError`` if unusable).
default_model_path, load_model_info = FILES.default_path, FILES.load
