"""Finding, checking and loading the harmony network's ONNX file (torch-free).

A model is two files side by side: ``<name>.onnx`` (the graph and weights)
and ``<name>.json`` (the sidecar: model and training configuration, corpus
hash, vocabulary version, conditioning definitions, metrics). The shipped
model is ``image2music/models/harmony.onnx``.

onnxruntime is imported only when a session is created, and a session is
created once per process and path (:func:`onnx_session` is cached).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from image2music.errors import MissingDependencyError, ModelError
from image2music.harmony.grid import CONDITION_NAMES, POSITION_FEATURES
from image2music.harmony.tokens import VOCAB_SIZE, VOCAB_VERSION

__all__ = [
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


def default_model_path() -> Path:
    """Path of the shipped harmony model, ``image2music/models/harmony.onnx``."""
    return Path(__file__).resolve().parent.parent / "models" / "harmony.onnx"


@dataclass(frozen=True)
class HarmonyModelInfo:
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


def load_model_info(path: Path | str | None = None) -> HarmonyModelInfo:
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
            f"harmony model missing: need {onnx_path.name} and {side.name} in {onnx_path.parent}"
            " (train one with 'image2music train harmony --install')"
        )
    try:
        data = json.loads(side.read_text(encoding="utf-8"))
        model = data["model_config"]
        checks = {
            "format": (data["format"], FORMAT),
            "vocab_version": (data["vocab_version"], VOCAB_VERSION),
            "vocab_size": (model["vocab_size"], VOCAB_SIZE),
            "position_features": (tuple(data["position_features"]), POSITION_FEATURES),
            "condition_names": (tuple(data["condition_names"]), CONDITION_NAMES),
        }
        info = HarmonyModelInfo(
            onnx_path=onnx_path,
            version=str(data["version"]),
            num_layers=int(model["num_layers"]),
            hidden_size=int(model["hidden_size"]),
            sidecar=data,
        )
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ModelError(f"unreadable harmony model sidecar {side}: {e}") from e
    for name, (got, want) in checks.items():
        if got != want:
            raise ModelError(
                f"harmony model {side.name}: {name} is {got!r}, this code needs {want!r}"
            )
    return info


@functools.lru_cache(maxsize=8)
def onnx_session(
    path: str, inputs: tuple[str, ...] = ONNX_INPUTS, what: str = "harmony model"
) -> Any:
    """An onnxruntime inference session for ``path``, created once per process.

    Args:
        path: The ``.onnx`` file, as a resolved string (the cache key).
        inputs: The input names the graph must have, in order (default: the
            harmony network's; the melody network passes its own).
        what: What the file is, for error messages.

    Returns:
        An ``onnxruntime.InferenceSession`` on the CPU, single-threaded
        (one step of a small GRU is faster without thread hand-offs).

    Raises:
        MissingDependencyError: If onnxruntime is not installed.
        ModelError: If the file is not a loadable model.
    """
    try:
        import onnxruntime as ort
    except ImportError as e:  # pragma: no cover - core dependency
        raise MissingDependencyError("onnxruntime", "core", f"the {what}") from e
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    opts.log_severity_level = 3
    try:
        session = ort.InferenceSession(path, sess_options=opts, providers=["CPUExecutionProvider"])
    except Exception as e:  # onnxruntime raises its own exception types
        raise ModelError(f"cannot load {what} {path}: {e}") from e
    names = tuple(i.name for i in session.get_inputs())
    if names != inputs:
        raise ModelError(f"{what} {path} has inputs {names}, expected {inputs}")
    return session
