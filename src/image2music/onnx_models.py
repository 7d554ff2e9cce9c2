"""Shipped ONNX networks: sidecar checks and cached inference sessions (torch-free).

A model is two files side by side: ``<name>.onnx`` (the graph and weights)
and ``<name>.json`` (the sidecar: model and training configuration, corpus
hash, vocabulary version, conditioning definitions, metrics). The harmony and
melody networks (:mod:`image2music.harmony.model_files`,
:mod:`image2music.melody.model_files`) each state what their sidecar must
contain and read it with :func:`read_model_info`.

onnxruntime is imported only when a session is created, and a session is
created once per process and path (:func:`onnx_session` is cached).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from image2music.errors import MissingDependencyError, ModelError

__all__ = [
    "MODELS_DIR",
    "ModelInfo",
    "NetworkFiles",
    "StepNetwork",
    "onnx_session",
    "read_model_info",
]

#: Folder of the shipped models inside the package.
MODELS_DIR = Path(__file__).resolve().parent / "models"


@dataclass(frozen=True)
class ModelInfo:
    """What a sidecar says about a model, checked against this code.

    Attributes:
        onnx_path: The ``.onnx`` file.
        version: Model version (``<package version>+<corpus hash prefix>``).
        num_layers: First dimension of the step state ``h_in`` (the GRU's
            layers; 1 for the transformer).
        hidden_size: Last dimension of the step state (the GRU's state size;
            the transformer's remembered inputs).
        sidecar: The whole sidecar.
    """

    onnx_path: Path
    version: str
    num_layers: int
    hidden_size: int
    sidecar: dict[str, Any]


def read_model_info(onnx_path: Path, kind: str, expected: Mapping[str, Any]) -> ModelInfo:
    """Read the sidecar beside ``onnx_path`` and check it against this code.

    Args:
        onnx_path: The ``.onnx`` file; its sidecar is the ``.json`` beside it.
        kind: ``"harmony"`` or ``"melody"``, for messages and the train hint.
        expected: Sidecar field -> value this code needs. A field is looked up
            in the sidecar's top level, else in its ``model_config``; lists
            compare as tuples.

    Returns:
        The model's description.

    Raises:
        ModelError: If a file is missing, unreadable or made for other inputs.
    """
    side = onnx_path.with_suffix(".json")
    if not onnx_path.is_file() or not side.is_file():
        raise ModelError(
            f"{kind} model missing: need {onnx_path.name} and {side.name} in {onnx_path.parent}"
            f" (train one with 'image2music train {kind} --install')"
        )
    try:
        data = json.loads(side.read_text(encoding="utf-8"))
        model = data["model_config"]
        got = {name: data[name] if name in data else model[name] for name in expected}
        info = ModelInfo(
            onnx_path=onnx_path,
            version=str(data["version"]),
            num_layers=int(model.get("state_layers", model["num_layers"])),
            hidden_size=int(model.get("state_size", model["hidden_size"])),
            sidecar=data,
        )
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ModelError(f"unreadable {kind} model sidecar {side}: {e}") from e
    for name, want in expected.items():
        value = tuple(got[name]) if isinstance(got[name], list) else got[name]
        if value != want:
            raise ModelError(
                f"{kind} model {side.name}: {name} is {value!r}, this code needs {want!r}"
            )
    return info


@dataclass(frozen=True)
class NetworkFiles:
    """Where a sequence network's files are and what its sidecar must say.

    Attributes:
        kind: ``"harmony"`` or ``"melody"`` (file stem, messages, train hint).
        inputs: The ONNX graph's input names, in order.
        expected: Sidecar field -> value this code needs (see :func:`read_model_info`).
    """

    kind: str
    inputs: tuple[str, ...]
    expected: Mapping[str, Any]

    def default_path(self) -> Path:
        """The shipped model, ``image2music/models/<kind>.onnx``."""
        return MODELS_DIR / f"{self.kind}.onnx"

    def load(self, path: Path | str | None = None) -> ModelInfo:
        """Read and check the sidecar of the model at ``path`` (default: the shipped one).

        Raises:
            ModelError: If a file is missing, unreadable or made for other inputs.
        """
        onnx_path = Path(path) if path is not None else self.default_path()
        return read_model_info(onnx_path, self.kind, self.expected)

    def cached(self, path: Path | str | None = None) -> ModelInfo:
        """:meth:`load`, once per process and resolved path (the shipped model: ``None``)."""
        key = (self.kind, None if path is None else str(Path(path).resolve()))
        if key not in _INFO_CACHE:
            _INFO_CACHE[key] = self.load(key[1])
        return _INFO_CACHE[key]

    def session(self, info: ModelInfo) -> Any:
        """The process-wide onnxruntime session of a model (created on first use)."""
        return onnx_session(str(info.onnx_path), self.inputs, f"{self.kind} model")


#: Model descriptions already read, by (kind, resolved path).
_INFO_CACHE: dict[tuple[str, str | None], ModelInfo] = {}


@functools.lru_cache(maxsize=8)
def onnx_session(path: str, inputs: tuple[str, ...], what: str) -> Any:
    """An onnxruntime inference session for ``path``, created once per process.

    Args:
        path: The ``.onnx`` file, as a resolved string (the cache key).
        inputs: The input names the graph must have, in order.
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


class StepNetwork:
    """A conditioned sequence network run one step at a time with onnxruntime.

    Both shipped networks (harmony and melody) are this graph: inputs
    ``tokens`` (B, T) int64, then per-step feature inputs (B, T, k) float32
    (``position`` for both, ``chords`` before it for the melody), then
    ``condition`` (B, C), ``h_in`` (layers, B, hidden) and ``start`` (B,)
    (1.0: take the initial state from the condition); outputs ``logits``
    (B, T, vocabulary) and ``h_out``. Only the names of the per-step inputs
    differ, so the network-specific code says which arrays feed them.

    Args:
        info: The model (its sidecar was checked by the caller).
        inputs: The graph's input names, in order.
        what: What the network is, for error messages.
    """

    def __init__(self, info: ModelInfo, inputs: tuple[str, ...], what: str) -> None:
        import numpy as np

        self._np = np
        self._session = onnx_session(str(info.onnx_path), inputs, what)
        self._step_inputs = tuple(n for n in inputs if n not in _FIXED_INPUTS)
        self._h = np.zeros((info.num_layers, 1, info.hidden_size), dtype=np.float32)
        self._steps: dict[str, Any] = {}
        self._condition = np.zeros((1, 3), dtype=np.float32)
        self._info = info

    def begin(self, steps: Mapping[str, Any], condition: Any) -> None:
        """Start a sequence: per-step features ``(T, k)`` by input name, and the condition."""
        np = self._np
        self._steps = {name: np.asarray(steps[name], np.float32) for name in self._step_inputs}
        self._condition = np.asarray(condition, dtype=np.float32).reshape(1, -1)
        self._h = np.zeros_like(self._h)

    def next_logits(self, prev_token: int, t: int) -> Any:
        """Logits for step ``t`` after ``prev_token``; advances the state."""
        np = self._np
        feed = {
            "tokens": np.array([[prev_token]], dtype=np.int64),
            **{name: arr[None, t : t + 1] for name, arr in self._steps.items()},
            "condition": self._condition,
            "h_in": self._h,
            "start": np.array([1.0 if t == 0 else 0.0], dtype=np.float32),
        }
        logits, self._h = self._session.run(None, feed)
        return np.asarray(logits[0, 0], dtype=np.float32)

    def score(self, tokens: Any, steps: Mapping[str, Any], condition: Any) -> Any:
        """Teacher-forced logits ``(B, T, vocabulary)`` of a batch in one call.

        Args:
            tokens: ``(B, T)`` ids fed at each step.
            steps: Per-step features ``(B, T, k)`` by input name.
            condition: ``(B, C)`` conditioning inputs.
        """
        np = self._np
        b = int(tokens.shape[0])
        feed = {
            "tokens": np.asarray(tokens, np.int64),
            **{name: np.asarray(steps[name], np.float32) for name in self._step_inputs},
            "condition": np.asarray(condition, np.float32),
            "h_in": np.zeros((self._info.num_layers, b, self._info.hidden_size), np.float32),
            "start": np.ones(b, dtype=np.float32),
        }
        logits, _h = self._session.run(None, feed)
        return np.asarray(logits, dtype=np.float32)


_FIXED_INPUTS = frozenset({"tokens", "condition", "h_in", "start"})
