"""One complete training run of the melody network, as ``image2music train melody`` does it.

1. Load the 4/4 phrases with a melody of the corpus's ``train``, ``valid``
   and ``test`` splits (permissive licences only, unless asked otherwise:
   POP909 and OpenEWLD) on the 16th grid (:mod:`.melody_dataset`) and fit the
   harmony network's label tables on ``train`` (:mod:`.labels`).
2. Train (:mod:`.melody_train`), keeping the best validation epoch.
3. Score ``valid`` and ``test`` (per-step loss, perplexity, top-1).
4. Write into ``out``: ``melody.pt`` (checkpoint: weights, model config,
   training config, seed, corpus hash, labels, metrics, package version),
   ``melody.onnx`` and its sidecar ``melody.json``, and ``history.json``.
5. With ``install``: copy ``melody.onnx`` + ``melody.json`` into the package.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from image2music.errors import DataError
from image2music.melody.grid import CHORD_FEATURES, CONDITION_NAMES, POSITION_FEATURES
from image2music.melody.model_files import FORMAT, default_model_path
from image2music.melody.tokens import VOCAB_VERSION
from image2music.sequences.dataset import PhraseSource
from image2music.sequences.labels import LabelScaler
from image2music.sequences.melody_dataset import MelodyExamples, load_melody_examples
from image2music.training.export import export_onnx, install_model, write_sidecar
from image2music.training.loop import EpochStats, TrainConfig
from image2music.training.melody_train import (
    evaluate_melody_model,
    make_melody_tensors,
    train_melody_model,
)
from image2music.training.sequence_model import SequenceModelConfig, save_checkpoint
from image2music.version import __version__

__all__ = ["DECODING_DEFAULTS", "MelodyRunSummary", "run_melody_training"]

#: Decoding settings recorded in the sidecar (the defaults of
#: :class:`~image2music.melody.network.NetworkMelody`).
DECODING_DEFAULTS: dict[str, Any] = {
    "grid": "one id per 16th note: note onset (key-relative pitch), HOLD or REST",
    "temperature": 0.9,
    "top_p": 0.92,
    "constraints": "see image2music.melody.constraints: chord tones on beats 1 and 3 (upper "
    "tones favoured), step bias, range window from arousal, stable tones at phrase ends, "
    "tonic held at the end, density and contour biases, bars 5-7 echo bars 1-3",
}


@dataclass(frozen=True)
class MelodyRunSummary:
    """What a run produced.

    Attributes:
        out_dir: The output folder.
        checkpoint: ``melody.pt``.
        onnx_path: ``melody.onnx`` (its sidecar is ``melody.json``).
        installed: Where the model was installed, if it was.
        sidecar: The sidecar's content.
    """

    out_dir: Path
    checkpoint: Path
    onnx_path: Path
    installed: Path | None
    sidecar: dict[str, Any]


def run_melody_training(
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
) -> MelodyRunSummary:
    """Train, score, export and (optionally) install the melody network.

    Args:
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

    stage("loading phrases")
    splits: dict[str, MelodyExamples] = {
        s: load_melody_examples(corpus, s, permissive_only=config.permissive_only)
        for s in ("train", "valid", "test")
    }
    if len(splits["train"]) == 0 or len(splits["valid"]) == 0:
        raise DataError(
            f"need training and validation phrases with a melody, got {len(splits['train'])} "
            f"and {len(splits['valid'])}"
        )
    scaler = LabelScaler.fit(splits["train"].harmony)
    stage(f"training on {len(splits['train'])} phrases")
    result = train_melody_model(
        splits["train"],
        splits["valid"],
        scaler,
        config,
        model_config,
        on_batch=on_batch,
        on_epoch=on_epoch,
    )
    stage("scoring")
    metrics: dict[str, Any] = {}
    for name in ("valid", "test"):
        ex = splits[name]
        if len(ex):
            tensors = make_melody_tensors(ex, scaler.conditions(ex.harmony))
            metrics[name] = evaluate_melody_model(result.model, tensors)
    content_hash = str(corpus.manifest.get("content_hash", ""))
    sidecar: dict[str, Any] = {
        "format": FORMAT,
        "version": f"{__version__}+c{content_hash[:8]}.s{config.seed}",
        "package_version": __version__,
        "vocab_version": VOCAB_VERSION,
        "chord_features": list(CHORD_FEATURES),
        "position_features": list(POSITION_FEATURES),
        "condition_names": list(CONDITION_NAMES),
        "model_config": model_config.to_dict(),
        "train_config": config.to_dict(),
        "seed": config.seed,
        "corpus": {
            "content_hash": content_hash,
            "permissive_only": config.permissive_only,
            "metre": "4/4",
            "sources": splits["train"].harmony.sources(),
            "phrases": {s: len(ex) for s, ex in splits.items()},
            "steps": {s: int(ex.n_steps.sum()) for s, ex in splits.items()},
        },
        "labels": scaler.to_dict(),
        "decoding": DECODING_DEFAULTS,
        "metrics": metrics,
        "training": {
            "epochs_run": len(result.history),
            "best_epoch": result.best_epoch,
            "stopped": result.stopped,
            "seconds": round(result.seconds, 1),
            "history": [asdict(h) for h in result.history],
        },
    }
    stage("writing files")
    out_dir.mkdir(parents=True, exist_ok=True)
    checkpoint = out_dir / "melody.pt"
    extra = {
        k: v for k, v in sidecar.items() if k not in ("format", "model_config", "train_config")
    }
    save_checkpoint(checkpoint, result.model, train_config=config.to_dict(), extra=extra)
    onnx_path = export_onnx(result.model, out_dir / "melody.onnx")
    write_sidecar(onnx_path, sidecar)
    (out_dir / "history.json").write_text(
        json.dumps(sidecar["training"]["history"], indent=1) + "\n", encoding="utf-8"
    )
    installed = install_model(onnx_path, install_path or default_model_path()) if install else None
    return MelodyRunSummary(out_dir, checkpoint, onnx_path, installed, sidecar)
