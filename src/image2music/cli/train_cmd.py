"""``image2music train``: train the networks (needs the ``train`` extra: torch, onnx).

torch is imported only inside the commands, so ``image2music --help`` stays fast
and works without it. A missing corpus or dependency prints one line and exits
with status 1.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from image2music.training.architectures import ARCHITECTURES

_HARMONY = ARCHITECTURES["harmony"]

__all__ = ["build_train_cli"]


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(1)


def harmony(
    epochs: Annotated[int, typer.Option(min=1, help="Most passes over the training data.")] = 30,
    seed: Annotated[int, typer.Option(min=0, help="Seed of weights, dropout and shuffling.")] = 0,
    out: Annotated[
        Path, typer.Option(help="Folder for harmony.pt, harmony.onnx, harmony.json, history.json.")
    ] = Path("runs/harmony"),
    cache_dir: Annotated[
        Path | None,
        typer.Option(
            "--cache-dir",
            help="Corpus cache folder (default: $IMAGE2MUSIC_CACHE_DIR or "
            "~/.cache/image2music/corpus).",
        ),
    ] = None,
    max_minutes: Annotated[
        float, typer.Option(min=0.1, help="Stop after the epoch that passes this many minutes.")
    ] = 25.0,
    batch_size: Annotated[int, typer.Option(min=1, help="Sequences per step.")] = 64,
    lr: Annotated[float, typer.Option(min=0.0, help="Adam learning rate.")] = 2e-3,
    patience: Annotated[
        int, typer.Option(min=1, help="Epochs without validation gain before stopping.")
    ] = 3,
    hidden_size: Annotated[int, typer.Option(min=8, help="GRU state size per layer.")] = _HARMONY[
        "hidden_size"
    ],
    layers: Annotated[int, typer.Option(min=1, max=4, help="Stacked GRU layers.")] = _HARMONY[
        "num_layers"
    ],
    embed_dim: Annotated[int, typer.Option(min=4, help="Chord embedding size.")] = _HARMONY[
        "embed_dim"
    ],
    dropout: Annotated[float, typer.Option(min=0.0, max=0.9, help="Dropout.")] = _HARMONY[
        "dropout"
    ],
    threads: Annotated[int, typer.Option(min=1, help="CPU threads for torch.")] = 2,
    label_dropout: Annotated[
        float,
        typer.Option(
            min=0.0, max=1.0, help="Share of sequences trained with valence and arousal withheld."
        ),
    ] = 0.25,
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
            help="Copy harmony.onnx + harmony.json into the package (image2music/models/).",
        ),
    ] = False,
) -> None:
    """Train the emotion-conditioned chord GRU on the corpus and export it to ONNX."""
    import importlib.util

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from image2music.errors import Image2MusicError

    if importlib.util.find_spec("torch") is None:  # torch itself loads in image2music.training
        raise _fail("training needs torch: install it with  pip install 'image2music[train]'")
    from image2music.data import load_corpus
    from image2music.training.harmony_run import run_training
    from image2music.training.loop import EpochStats, TrainConfig
    from image2music.training.sequence_model import HARMONY_NETWORK

    if install and all_licences:
        raise _fail("--install ships the weights: not with --all-licences")
    console = Console(highlight=False)
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
        HARMONY_NETWORK,
        embed_dim=embed_dim,
        hidden_size=hidden_size,
        num_layers=layers,
        dropout=dropout,
    )
    progress = Progress(
        TextColumn("epoch {task.fields[epoch]:>2}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("loss {task.fields[loss]:.3f}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )
    task = progress.add_task("train", total=1, epoch=0, loss=0.0)

    def on_batch(epoch: int, done: int, total: int, loss: float) -> None:
        progress.update(task, completed=done, total=total, epoch=epoch, loss=loss)

    def on_epoch(s: EpochStats) -> None:
        progress.console.print(
            f"epoch {s.epoch:>2}  train {s.train_loss:.3f}  valid {s.valid_loss:.3f}"
            f"  ppl {s.valid_perplexity:.2f}  top-1 {100 * s.valid_top1:.1f}%"
            f"  lr {s.lr:.1e}  {s.seconds:.0f} s"
        )

    try:
        with progress:
            summary = run_training(
                corpus,
                out,
                config,
                model_config,
                install=install,
                on_batch=on_batch,
                on_epoch=on_epoch,
                on_stage=lambda text: progress.console.print(f"[dim]{text}…[/]"),
            )
    except (Image2MusicError, OSError) as e:
        raise _fail(" ".join(str(e).split())) from None
    side = summary.sidecar
    tr = side["training"]
    console.print(
        f"best epoch {tr['best_epoch']} of {tr['epochs_run']} ({tr['stopped']}), "
        f"{tr['seconds'] / 60:.1f} min"
    )
    for split, m in side["metrics"].items():
        console.print(
            f"{split}: perplexity {m['perplexity']:.2f}, top-1 {100 * m['top1']:.1f}%"
            f" ({int(m['count'])} chords)"
        )
    size_mb = summary.onnx_path.stat().st_size / 1e6
    console.print(f"wrote {summary.checkpoint}, {summary.onnx_path} ({size_mb:.2f} MB)")
    if summary.installed is not None:
        console.print(f"installed {summary.installed} (version {side['version']})")


def build_train_cli() -> typer.Typer:
    """Build the ``image2music train`` command group."""
    app = typer.Typer(
        help="Train the networks on the corpus (needs: pip install 'image2music[train]').",
        no_args_is_help=True,
        add_completion=False,
    )
    app.command("harmony")(harmony)
    from image2music.cli.melody_cmd import train_melody

    app.command("melody")(train_melody)
    from image2music.cli.evaluation_cmds import train_judge

    app.command("judge")(train_judge)
    from image2music.cli.emotion_cmds import train_emotion

    app.command("emotion")(train_emotion)
    return app
