"""One run driver for every sequence network: load, train, score, export, install.

A run, for a network described by a :class:`NetworkRun`:

1. Load the 4/4 phrases of the corpus's ``train``, ``valid`` and ``test``
   splits (permissive licences only, unless asked otherwise) as the network's
   examples (:mod:`image2music.sequences`) and fit the label tables on the
   training phrases' harmony (:mod:`image2music.sequences.labels`).
2. Train with the one loop (:mod:`image2music.training.loop`).
3. Score ``valid`` and ``test`` with the network's own figures (and, where the
   network asks, with valence and arousal withheld).
4. Write into ``out``: ``<kind>.pt`` (the checkpoint: weights, model config,
   training config, seed, corpus hash, labels, metrics, package version),
   ``<kind>.onnx`` and its sidecar ``<kind>.json``, and ``history.json``.
5. With ``install``: copy ``<kind>.onnx`` + ``<kind>.json`` into the package
   (``image2music/models/``), where ``compose`` finds them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from numpy.typing import NDArray

from image2music.errors import DataError
from image2music.sequences.dataset import HarmonyExamples, PhraseSource
from image2music.sequences.labels import LabelScaler
from image2music.training.distributed import current_world, finish
from image2music.training.export import export_onnx, install_model, write_sidecar
from image2music.training.loop import (
    EpochStats,
    SequenceTensors,
    TrainConfig,
    TrainResult,
    train_sequences,
)
from image2music.training.sequence_model import (
    SequenceModel,
    SequenceModelConfig,
    save_checkpoint,
)
from image2music.version import __version__
from image2music.vocab import VOCAB_VERSION

__all__ = ["NetworkRun", "RunSummary", "run_network"]


@dataclass(frozen=True)
class NetworkRun:
    """What a run needs to know about one network.

    Attributes:
        kind: ``"harmony"`` or ``"melody"`` (file names, messages).
        format: The sidecar's format tag.
        load: ``load(corpus, split, permissive_only)`` -> the split's examples.
        harmony: The chord part of a split's examples (labels, sources).
        tensors: ``tensors(examples, condition)`` -> :class:`SequenceTensors`.
        evaluate: The network's figures of a model on a split.
        inputs: Sidecar fields describing the inputs (feature names).
        decoding: Decoding settings recorded in the sidecar.
        default_install: Where ``install`` copies the model by default.
        score_withheld: Also score with valence and arousal withheld.
    """

    kind: str
    format: str
    load: Callable[[PhraseSource, str, bool], Any]
    harmony: Callable[[Any], HarmonyExamples]
    tensors: Callable[[Any, NDArray[Any]], SequenceTensors]
    evaluate: Callable[[SequenceModel, SequenceTensors], dict[str, float]]
    inputs: dict[str, Any]
    decoding: dict[str, Any]
    default_install: Callable[[], Path]
    score_withheld: bool = False


@dataclass(frozen=True)
class RunSummary:
    """What a run produced.

    Attributes:
        out_dir: The output folder.
        checkpoint: ``<kind>.pt``.
        onnx_path: ``<kind>.onnx`` (its sidecar is ``<kind>.json``).
        installed: Where the model was installed, if it was.
        sidecar: The sidecar's content.
    """

    out_dir: Path
    checkpoint: Path
    onnx_path: Path
    installed: Path | None
    sidecar: dict[str, Any]


def _score(
    net: NetworkRun, result: TrainResult, splits: dict[str, Any], scaler: LabelScaler
) -> dict[str, Any]:
    metrics: dict[str, Any] = {}
    for name in ("valid", "test"):
        ex = splits[name]
        if not len(ex):
            continue
        cond = scaler.conditions(net.harmony(ex))
        metrics[name] = net.evaluate(result.model, net.tensors(ex, cond))
        if net.score_withheld:
            cond[:, :2] = 0.0  # valence and arousal withheld
            withheld = net.evaluate(result.model, net.tensors(ex, cond))
            metrics[f"{name}_emotion_withheld"] = withheld
    return metrics


def run_network(
    net: NetworkRun,
    corpus: PhraseSource,
    out_dir: Path,
    config: TrainConfig,
    model_config: SequenceModelConfig,
    *,
    install: bool = False,
    install_path: Path | None = None,
    on_batch: Callable[[int, int, int, float], None] | None = None,
    on_epoch: Callable[[EpochStats], None] | None = None,
    on_stage: Callable[[str], None] | None = None,
) -> RunSummary:
    """Train, score, export and (optionally) install one network.

    Args:
        net: The network.
        corpus: The corpus (``load_corpus()``).
        out_dir: Folder for the checkpoint, ONNX file, sidecar and history.
        config: Training configuration.
        model_config: Architecture.
        install: Copy the ONNX file and sidecar into the package afterwards.
        install_path: Install here instead of the package (tests).
        on_batch: Progress per batch.
        on_epoch: Figures per epoch.
        on_stage: Called with a short description before each stage.

    Returns:
        The run's summary.

    Raises:
        DataError: If the corpus has no usable training or validation phrases.
    """

    def stage(text: str) -> None:
        if on_stage is not None:
            on_stage(text)

    world = current_world()  # one process, or one of torchrun's (training/distributed.py)
    stage("loading phrases")
    splits = {s: net.load(corpus, s, config.permissive_only) for s in ("train", "valid", "test")}
    if len(splits["train"]) == 0 or len(splits["valid"]) == 0:
        raise DataError(
            f"need {net.kind} training and validation phrases, got {len(splits['train'])}"
            f" and {len(splits['valid'])}"
        )
    scaler = LabelScaler.fit(net.harmony(splits["train"]))
    stage(f"training on {len(splits['train'])} phrases")
    train, valid = splits["train"], splits["valid"]
    result = train_sequences(
        model_config,
        net.tensors(train, scaler.conditions(net.harmony(train))),
        net.tensors(valid, scaler.conditions(net.harmony(valid))),
        config,
        net.evaluate,
        on_batch=on_batch,
        on_epoch=on_epoch,
    )
    stage("scoring")
    metrics = _score(net, result, splits, scaler)
    content_hash = str(corpus.manifest.get("content_hash", ""))
    sidecar: dict[str, Any] = {
        "format": net.format,
        "version": f"{__version__}+c{content_hash[:8]}.s{config.seed}",
        "package_version": __version__,
        "vocab_version": VOCAB_VERSION,
        **net.inputs,
        "model_config": model_config.to_dict(),
        "train_config": config.to_dict(),
        "seed": config.seed,
        "corpus": {
            "content_hash": content_hash,
            "permissive_only": config.permissive_only,
            "metre": "4/4",
            "sources": net.harmony(splits["train"]).sources(),
            "phrases": {s: len(ex) for s, ex in splits.items()},
            "steps": {s: int(ex.n_steps.sum()) for s, ex in splits.items()},
        },
        "labels": scaler.to_dict(),
        "decoding": net.decoding,
        "metrics": metrics,
        "training": {
            "processes": world.size,
            "epochs_run": len(result.history),
            "best_epoch": result.best_epoch,
            "stopped": result.stopped,
            "seconds": round(result.seconds, 1),
            "history": [asdict(h) for h in result.history],
        },
    }
    checkpoint = out_dir / f"{net.kind}.pt"
    onnx_path = out_dir / f"{net.kind}.onnx"
    if not world.is_main:  # process 0 writes the files; the others wait for it
        finish(world)
        return RunSummary(out_dir, checkpoint, onnx_path, None, sidecar)
    stage("writing files")
    out_dir.mkdir(parents=True, exist_ok=True)
    extra = {k: v for k, v in sidecar.items() if k not in ("model_config", "train_config")}
    save_checkpoint(checkpoint, result.model, train_config=config.to_dict(), extra=extra)
    onnx_path = export_onnx(result.model, out_dir / f"{net.kind}.onnx")
    write_sidecar(onnx_path, sidecar)
    (out_dir / "history.json").write_text(
        json.dumps(sidecar["training"]["history"], indent=1) + "\n", encoding="utf-8"
    )
    installed = None
    if install:
        installed = install_model(onnx_path, install_path or net.default_install())
    finish(world)
    return RunSummary(out_dir, checkpoint, onnx_path, installed, sidecar)
