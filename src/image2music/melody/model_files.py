"""Finding, checking and loading the melody network's ONNX file (torch-free).

As for the harmony network (:mod:`image2music.harmony.model_files`, whose
cached :func:`~image2music.harmony.model_files.onnx_session` this module
uses), a model is ``<name>.onnx`` plus its sidecar ``<name>.json``; the
shipped model is ``image2music/models/melody.onnx``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from image2music.errors import ModelError
from image2music.harmony.model_files import onnx_session
from image2music.melody.grid import CHORD_FEATURES, CONDITION_NAMES, POSITION_FEATURES
from image2music.melody.tokens import VOCAB_SIZE, VOCAB_VERSION

__all__ = [
    "FORMAT",
    "ONNX_INPUTS",
    "ONNX_OUTPUTS",
    "MelodyModelInfo",
    "default_model_path",
    "load_model_info",
    "melody_session",
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


def default_model_path() -> Path:
    """Path of the shipped melody model, ``image2music/models/melody.onnx``."""
    return Path(__file__).resolve().parent.parent / "models" / "melody.onnx"


@dataclass(frozen=True)
class MelodyModelInfo:
    """What the sidecar says about a model, checked against this code.

    Attributes:
        onnx_path: The ``.onnx`` file.
        version: Model version (``<package version>+<corpus hash prefix>``).
        num_layers: Recurrent layers (first dimension of the state).
        hidden_size: State size per layer.
        sidecar: The whole sidecar.
    """

    onnx_path: Path
    version: str
    num_layers: int
    hidden_size: int
    sidecar: dict[str, Any]


def load_model_info(path: Path | str | None = None) -> MelodyModelInfo:
    """Read and check the sidecar of the model at ``path`` (default: the shipped one).

    Args:
        path: The ``.onnx`` file; its sidecar is the ``.json`` beside it.

    Returns:
        The model's description.

    Raises:
        ModelError: If a file is missing, unreadable or made for other inputs.
    """
    onnx_path = Path(path) if path is not None else default_model_path()
    side = onnx_path.with_suffix(".json")
    if not onnx_path.is_file() or not side.is_file():
        raise ModelError(
            f"melody model missing: need {onnx_path.name} and {side.name} in {onnx_path.parent}"
            " (train one with 'image2music train melody --install')"
        )
    try:
        data = json.loads(side.read_text(encoding="utf-8"))
        model = data["model_config"]
        checks = {
            "format": (data["format"], FORMAT),
            "vocab_version": (data["vocab_version"], VOCAB_VERSION),
            "vocab_size": (model["vocab_size"], VOCAB_SIZE),
            "chord_features": (tuple(data["chord_features"]), CHORD_FEATURES),
            "position_features": (tuple(data["position_features"]), POSITION_FEATURES),
            "condition_names": (tuple(data["condition_names"]), CONDITION_NAMES),
        }
        info = MelodyModelInfo(
            onnx_path=onnx_path,
            version=str(data["version"]),
            num_layers=int(model["num_layers"]),
            hidden_size=int(model["hidden_size"]),
            sidecar=data,
        )
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ModelError(f"unreadable melody model sidecar {side}: {e}") from e
    for name, (got, want) in checks.items():
        if got != want:
            raise ModelError(
                f"melody model {side.name}: {name} is {got!r}, this code needs {want!r}"
            )
    return info


def melody_session(info: MelodyModelInfo) -> Any:
    """The process-wide onnxruntime session of a melody model (created on first use)."""
    return onnx_session(str(info.onnx_path), ONNX_INPUTS, "melody model")
