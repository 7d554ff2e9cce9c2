"""Exporting the networks (harmony, melody) to ONNX, writing their sidecars, installing them.

The ONNX graph has the inputs of :attr:`ConditionedGRU.input_names` (the
transformer's are the same) and the
outputs ``logits`` and ``h_out``, with dynamic batch and time axes, so one
file serves step-by-step sampling (``T = 1``, carrying ``h_out`` into
``h_in``) and whole-sequence scoring.
It is written with torch's TorchScript-based exporter (opset 17), which
needs the ``onnx`` package (extra ``train``).
"""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path
from typing import Any

import torch

from image2music.training.sequence_model import SequenceModel

__all__ = ["OPSET", "export_graph", "export_onnx", "install_model", "write_sidecar"]

#: ONNX opset of the exported graph.
OPSET = 17


def export_onnx(model: SequenceModel, path: Path) -> Path:
    """Export a sequence network (put in eval mode) to ``path`` and check it with ``onnx``.

    The graph's inputs are :attr:`ConditionedGRU.input_names` (``chords`` only
    for a network with chord inputs); outputs ``logits`` and ``h_out``.

    Args:
        model: The trained network.
        path: Target ``.onnx`` file (its folder is created).

    Returns:
        ``path``.
    """
    model.eval()
    c = model.config
    b, t = 2, 3
    chords = (torch.zeros(b, t, c.n_chord),) if c.n_chord else ()
    example = (
        torch.full((b, t), 5, dtype=torch.long),
        *chords,
        torch.zeros(b, t, c.n_position),
        torch.zeros(b, c.n_condition),
        torch.zeros(c.state_shape[0], b, c.state_shape[1]),
        torch.ones(b),
    )
    return export_graph(model, path, example, model.input_names, ("logits", "h_out"))


def export_graph(
    model: torch.nn.Module,
    path: Path,
    example: tuple[torch.Tensor, ...],
    input_names: tuple[str, ...],
    output_names: tuple[str, ...],
) -> Path:
    """Export a step network of the project's recurrent shape to ONNX and check it.

    Every input and output has a dynamic batch axis (axis 0, or axis 1 for the
    states ``h_in``/``h_out``) and the sequence inputs (rank >= 2 besides the
    states) and ``logits`` a dynamic time axis (axis 1).

    Args:
        model: The network (put in eval mode).
        path: Target ``.onnx`` file (its folder is created).
        example: Example inputs, in ``input_names`` order.
        input_names: Graph input names.
        output_names: Graph output names.

    Returns:
        ``path``.
    """
    model.eval()
    dynamic_axes: dict[str, dict[int, str]] = {}
    for name, x in zip(input_names, example, strict=True):
        if name == "h_in":
            dynamic_axes[name] = {1: "batch"}
        elif x.dim() >= 2 and name != "condition":
            dynamic_axes[name] = {0: "batch", 1: "time"}
        else:
            dynamic_axes[name] = {0: "batch"}
    for name in output_names:
        dynamic_axes[name] = {1: "batch"} if name == "h_out" else {0: "batch", 1: "time"}
    path.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model,
            example,
            str(path),
            input_names=list(input_names),
            output_names=list(output_names),
            dynamic_axes=dynamic_axes,
            opset_version=OPSET,
            dynamo=False,
        )
    import onnx

    onnx.checker.check_model(onnx.load(str(path)))
    return path


def write_sidecar(onnx_path: Path, sidecar: dict[str, Any]) -> Path:
    """Write the JSON sidecar next to ``onnx_path`` (same stem, ``.json``)."""
    side = onnx_path.with_suffix(".json")
    side.write_text(json.dumps(sidecar, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    return side


def install_model(onnx_path: Path, dest: Path) -> Path:
    """Copy a model and its sidecar to ``dest`` (e.g. the package's shipped model).

    Args:
        onnx_path: The trained ``.onnx`` file.
        dest: Target ``.onnx`` path.

    Returns:
        The installed ``.onnx`` path.
    """
    target = dest
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(onnx_path, target)
    shutil.copyfile(onnx_path.with_suffix(".json"), target.with_suffix(".json"))
    return target
