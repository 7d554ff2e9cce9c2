"""One complete training run of the harmony network, as ``image2music train harmony`` does it.

1. Load the 4/4 phrases of the corpus's ``train``, ``valid`` and ``test``
   splits (permissive licences only, unless asked otherwise) as half-bar
   sequences (:mod:`.dataset`) and fit the label tables on ``train``
   (:mod:`.labels`).
2. Train (:mod:`.harmony_train`), keeping the best validation epoch.
3. Score ``valid`` and ``test`` (next-chord loss, perplexity, top-1), with the
   phrases' own labels and with valence and arousal withheld (set to 0).
4. Write into ``out``: ``harmony.pt`` (the checkpoint: weights, model
   config, training config, seed, corpus hash, labels, metrics, package
   version), ``harmony.onnx`` and its sidecar ``harmony.json``, and
   ``history.json`` (one row per epoch).
5. With ``install``: copy ``harmony.onnx`` + ``harmony.json`` into the package
   (``image2music/models/``), where ``compose`` finds them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from image2music.errors import DataError
from image2music.harmony.grid import CONDITION_NAMES, POSITION_FEATURES
from image2music.harmony.model_files import FORMAT
from image2music.harmony.tokens import VOCAB_VERSION
from image2music.sequences.dataset import HarmonyExamples, PhraseSource, load_examples
from image2music.sequences.labels import LabelScaler
from image2music.training.export import export_onnx, install_model, write_sidecar
from image2music.training.harmony_train import evaluate_model, make_tensors, train_model
from image2music.training.loop import EpochStats, TrainConfig
from image2music.training.sequence_model import SequenceModelConfig, save_checkpoint
from image2music.version import __version__

__all__ = ["DECODING_DEFAULTS", "RunSummary", "run_training"]

#: Decoding settings recorded in the sidecar (the defaults of
#: :class:`~image2music.harmony.network.NetworkHarmony`).
DECODING_DEFAULTS: dict[str, Any] = {
    "grid": "one chord per half bar (2 quarter-note beats); 1 or 2 chords a bar",
    "temperature": 1.0,
    "top_p": 0.95,
    "mode_bias": 1.5,
    "constraints": "opens on the tonic (I/Imaj7, i/i7); last step repeats the opening "
    "tonic; first half of the last bar from the cadence set (V, V7, Vsus4, V7sus4, IV, "
    "IVmaj7, iv, bVII; minor: V, V7, Vsus4, V7sus4, v, v7, iv, iv7, bVII; church modes add "
    "their own) or the tonic after a cadence chord",
}


@dataclass(frozen=True)
class RunSummary:
    """What a run produced.

    Attributes:
        out_dir: The output folder.
        checkpoint: ``harmony.pt``.
        onnx_path: ``harmony.onnx`` (its sidecar is ``harmony.json``).
        installed: Where the model was installed, if it was.
        sidecar: The sidecar's content.
    """

    out_dir: Path
    checkpoint: Path
    onnx_path: Path
    installed: Path | None
    sidecar: dict[str, Any]


def _model_version(content_hash: str, seed: int) -> str:
    return f"{__version__}+c{content_hash[:8]}.s{seed}"


def run_training(
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
    """Train, score, export and (optionally) install the harmony network.

    Args:
        corpus: The corpus (``load_corpus()``).
        out_dir: Folder for the checkpoint, ONNX file, sidecar and history.
        config: Training configuration.
        model_config: Architecture.
        install: Copy the ONNX file and sidecar into the package afterwards.
        install_path: Install here instead of the package (tests).
        on_batch: Progress per batch (see :func:`~.harmony_train.train_model`).
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
    splits: dict[str, HarmonyExamples] = {
        s: load_examples(corpus, s, permissive_only=config.permissive_only)
        for s in ("train", "valid", "test")
    }
    if len(splits["train"]) == 0 or len(splits["valid"]) == 0:
        raise DataError(
            f"need training and validation phrases, got {len(splits['train'])} and "
            f"{len(splits['valid'])}"
        )
    scaler = LabelScaler.fit(splits["train"])
    stage(f"training on {len(splits['train'])} phrases")
    result = train_model(
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
            cond = scaler.conditions(ex)
            metrics[name] = evaluate_model(result.model, make_tensors(ex, cond))
            cond[:, :2] = 0.0  # valence and arousal withheld
            metrics[f"{name}_emotion_withheld"] = evaluate_model(
                result.model, make_tensors(ex, cond)
            )
    content_hash = str(corpus.manifest.get("content_hash", ""))
    sidecar: dict[str, Any] = {
        "format": FORMAT,
        "version": _model_version(content_hash, config.seed),
        "package_version": __version__,
        "vocab_version": VOCAB_VERSION,
        "position_features": list(POSITION_FEATURES),
        "condition_names": list(CONDITION_NAMES),
        "model_config": model_config.to_dict(),
        "train_config": config.to_dict(),
        "seed": config.seed,
        "corpus": {
            "content_hash": content_hash,
            "permissive_only": config.permissive_only,
            "metre": "4/4",
            "sources": splits["train"].sources(),
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
    checkpoint = out_dir / "harmony.pt"
    extra = {k: v for k, v in sidecar.items() if k not in ("model_config", "train_config")}
    save_checkpoint(checkpoint, result.model, train_config=config.to_dict(), extra=extra)
    onnx_path = export_onnx(result.model, out_dir / "harmony.onnx")
    write_sidecar(onnx_path, sidecar)
    (out_dir / "history.json").write_text(
        json.dumps(sidecar["training"]["history"], indent=1) + "\n", encoding="utf-8"
    )
    installed = install_model(onnx_path, install_path) if install else None
    return RunSummary(out_dir, checkpoint, onnx_path, installed, sidecar)
