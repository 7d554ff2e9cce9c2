"""``image2music train melody`` and ``image2music evaluate melody`` (import-light).

torch is imported only inside ``train melody``; ``evaluate melody`` needs
onnxruntime only. A missing corpus, model or dependency prints one line and
exits with status 1.
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer

from image2music.training.architectures import ARCHITECTURES

_MELODY = ARCHITECTURES["melody"]

__all__ = ["evaluate_melody", "train_melody"]

_CACHE_HELP = (
    "Corpus cache folder (default: $IMAGE2MUSIC_CACHE_DIR or ~/.cache/image2music/corpus)."
)


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(1)


def train_melody(
    epochs: Annotated[int, typer.Option(min=1, help="Most passes over the training data.")] = 40,
    seed: Annotated[int, typer.Option(min=0, help="Seed of weights, dropout and shuffling.")] = 0,
    out: Annotated[
        Path, typer.Option(help="Folder for melody.pt, melody.onnx, melody.json, history.json.")
    ] = Path("runs/melody"),
    cache_dir: Annotated[Path | None, typer.Option("--cache-dir", help=_CACHE_HELP)] = None,
    label_dropout: Annotated[
        float,
        typer.Option(
            min=0.0,
            max=1.0,
            help="Share of sequences trained with valence and arousal withheld (the shipped"
            " melody model used 0).",
        ),
    ] = 0.0,
    max_minutes: Annotated[
        float, typer.Option(min=0.1, help="Stop training after this many minutes.")
    ] = 25.0,
    batch_size: Annotated[int, typer.Option(min=1, help="Sequences per step.")] = 64,
    lr: Annotated[float, typer.Option(min=0.0, help="Adam learning rate.")] = 3e-3,
    patience: Annotated[
        int, typer.Option(min=1, help="Epochs without validation gain before stopping.")
    ] = 3,
    hidden_size: Annotated[int, typer.Option(min=8, help="GRU state size per layer.")] = _MELODY[
        "hidden_size"
    ],
    layers: Annotated[int, typer.Option(min=1, max=4, help="Stacked GRU layers.")] = _MELODY[
        "num_layers"
    ],
    embed_dim: Annotated[int, typer.Option(min=4, help="Melody-id embedding size.")] = _MELODY[
        "embed_dim"
    ],
    dropout: Annotated[float, typer.Option(min=0.0, max=0.9, help="Dropout.")] = _MELODY["dropout"],
    threads: Annotated[int, typer.Option(min=1, help="CPU threads for torch.")] = 2,
    all_licences: Annotated[
        bool,
        typer.Option(
            "--all-licences",
            help="Also train on non-permissive datasets (such weights must not be shipped).",
        ),
    ] = False,
    install: Annotated[
        bool,
        typer.Option(
            "--install",
            help="Copy melody.onnx + melody.json into the package (image2music/models/).",
        ),
    ] = False,
) -> None:
    """Train the chord- and emotion-conditioned melody GRU and export it to ONNX."""
    import importlib.util

    from image2music.errors import Image2MusicError

    if importlib.util.find_spec("torch") is None:  # torch itself loads in image2music.training
        raise _fail("training needs torch: install it with  pip install 'image2music[train]'")
    from image2music.data import load_corpus
    from image2music.training.loop import EpochStats, TrainConfig
    from image2music.training.melody_run import run_melody_training
    from image2music.training.sequence_model import MELODY_NETWORK

    if install and all_licences:
        raise _fail("--install ships the weights: not with --all-licences")
    try:
        corpus = load_corpus(cache_dir)
    except Image2MusicError as e:
        raise _fail(str(e)) from None
    config = TrainConfig(
        epochs=epochs,
        batch_size=batch_size,
        lr=lr,
        patience=patience,
        seed=seed,
        threads=threads,
        label_dropout=label_dropout,
        max_minutes=max_minutes,
        permissive_only=not all_licences,
    )
    model_config = replace(
        MELODY_NETWORK,
        embed_dim=embed_dim,
        hidden_size=hidden_size,
        num_layers=layers,
        dropout=dropout,
    )

    def on_epoch(s: EpochStats) -> None:
        typer.echo(
            f"epoch {s.epoch:>2}  train {s.train_loss:.3f}  valid {s.valid_loss:.3f}"
            f"  ppl {s.valid_perplexity:.2f}  top-1 {100 * s.valid_top1:.1f}%"
            f"  lr {s.lr:.1e}  {s.seconds:.0f} s"
        )

    try:
        summary = run_melody_training(
            corpus,
            out,
            config,
            model_config,
            install=install,
            on_epoch=on_epoch,
            on_stage=lambda text: typer.echo(f"{text}…"),
        )
    except (Image2MusicError, OSError) as e:
        raise _fail(" ".join(str(e).split())) from None
    side = summary.sidecar
    tr = side["training"]
    typer.echo(
        f"best epoch {tr['best_epoch']} of {tr['epochs_run']} ({tr['stopped']}), "
        f"{tr['seconds'] / 60:.1f} min"
    )
    for split, m in side["metrics"].items():
        typer.echo(
            f"{split}: perplexity {m['perplexity']:.2f}, top-1 {100 * m['top1']:.1f}%, "
            f"onset top-1 {100 * m['top1_onsets']:.1f}% ({int(m['count'])} steps)"
        )
    size_mb = summary.onnx_path.stat().st_size / 1e6
    typer.echo(f"wrote {summary.checkpoint}, {summary.onnx_path} ({size_mb:.2f} MB)")
    if summary.installed is not None:
        typer.echo(f"installed {summary.installed} (version {side['version']})")


def _fmt(x: float) -> str:
    return "-" if not math.isfinite(x) else f"{x:.3g}"


def _print_melody_tables(report: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    from image2music.evaluation.melody_metrics import FEATURES

    console = Console(highlight=False)
    d = report["data"]
    t = Table(
        title=f"Melodies over {d['windows']} held-out {d['bars']}-bar phrases ({d['split']} split):"
        " mean ± sd, and overlapping area (OA) with the real distribution"
    )
    t.add_column("feature")
    for col in ("real", "network", "baseline", "OA network", "OA baseline"):
        t.add_column(col, justify="right")
    feats = report["features"]
    oa = report["overlapping_area"]
    for f in FEATURES:
        cells = [f"{_fmt(feats[k][f]['mean'])} ± {_fmt(feats[k][f]['std'])}" for k in feats]
        t.add_row(f.replace("_", " "), *cells, _fmt(oa["network"][f]), _fmt(oa["baseline"][f]))
    t.add_row("mean OA", "", "", "", _fmt(oa["network"]["mean"]), _fmt(oa["baseline"]["mean"]))
    console.print(t)
    h = Table(title="Interval histogram (share of intervals, semitones; last bin 12+)")
    h.add_column("source")
    for i in range(len(feats["real"]["interval_histogram"])):
        h.add_column(str(i) if i < 12 else "12+", justify="right")
    for k in feats:
        h.add_row(k, *(f"{100 * v:.0f}" for v in feats[k]["interval_histogram"]))
    console.print(h)
    ms = report["ms_per_melody"]
    console.print(
        f"model {report['model']['version']}; ms per 8-bar melody: network "
        f"{ms['network']:.1f}, baseline {ms['baseline']:.1f}"
    )


def evaluate_melody(
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    model: Annotated[
        Path | None, typer.Option(help="The .onnx model (default: the shipped one).")
    ] = None,
    cache_dir: Annotated[Path | None, typer.Option("--cache-dir", help=_CACHE_HELP)] = None,
    windows: Annotated[int, typer.Option(min=1, help="Most 8-bar test phrases to use.")] = 300,
    seed: Annotated[int, typer.Option(min=0, help="Seed of the generators.")] = 0,
) -> None:
    """Compare network and baseline melodies with the real ones over held-out chords."""
    from image2music.data import load_corpus
    from image2music.errors import Image2MusicError
    from image2music.evaluation.melody_eval import MelodyEvalConfig
    from image2music.evaluation.melody_eval import evaluate_melody as run

    try:
        corpus = load_corpus(cache_dir)
        report = run(corpus, model, MelodyEvalConfig(windows=windows, seed=seed))
    except Image2MusicError as e:
        raise _fail(str(e)) from None
    if json_out:
        sys.stdout.write(json.dumps(report, indent=1) + "\n")
        return
    _print_melody_tables(report)
