"""``image2music train harmony`` and ``train melody``: one command, built per network.

Both networks train through the same run driver, so they share one command:
:func:`train_command` builds it for a network kind, with the options' defaults
taken from :data:`~image2music.training.architectures.ARCHITECTURES` and
:data:`~image2music.training.architectures.TRAINING_DEFAULTS` (the shipped
models' settings). torch is imported only when the command runs, so
``image2music --help`` stays fast and works without it; a missing corpus or
dependency prints one line and exits with status 1.
"""

from __future__ import annotations

import inspect
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from image2music.training.architectures import ARCHITECTURES, ARCHS, TRAINING_DEFAULTS

__all__ = ["NETWORK_KINDS", "train_command"]

#: The trainable sequence networks.
NETWORK_KINDS: tuple[str, ...] = ("harmony", "melody")

_CACHE_HELP = (
    "Corpus cache folder (default: $IMAGE2MUSIC_CACHE_DIR or ~/.cache/image2music/corpus)."
)


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(1)


def _parameters(kind: str) -> list[inspect.Parameter]:
    arch, train = ARCHITECTURES[kind], TRAINING_DEFAULTS[kind]
    files = f"{kind}.pt, {kind}.onnx, {kind}.json, history.json"
    table: list[tuple[str, Any, Any]] = [
        ("epochs", int, (train["epochs"], typer.Option(min=1, help="Most passes over the data."))),
        ("seed", int, (0, typer.Option(min=0, help="Seed of weights, dropout and shuffling."))),
        ("out", Path, (Path(f"runs/{kind}"), typer.Option(help=f"Folder for {files}."))),
        ("cache_dir", Path | None, (None, typer.Option("--cache-dir", help=_CACHE_HELP))),
        ("max_minutes", float, (train["max_minutes"], typer.Option(
            min=0.1, help="Stop after the epoch that passes this many minutes."))),
        ("batch_size", int, (64, typer.Option(min=1, help="Sequences per step."))),
        ("lr", float, (train["lr"], typer.Option(min=0.0, help="Adam learning rate."))),
        ("patience", int, (3, typer.Option(
            min=1, help="Epochs without validation gain before stopping."))),
        ("arch", Literal[ARCHS], (arch.get("arch", "gru"), typer.Option(
            help="Model core: a GRU or a small transformer."))),
        ("hidden_size", int, (arch["hidden_size"], typer.Option(
            min=8, help="GRU state size per layer, or the transformer's width."))),
        ("layers", int, (arch["num_layers"], typer.Option(
            min=1, max=8, help="Stacked GRU layers, or transformer blocks."))),
        ("heads", int, (arch.get("heads", 4), typer.Option(
            min=1, help="Attention heads (transformer)."))),
        ("window", int, (arch.get("window", 64), typer.Option(
            min=2, help="Steps the transformer remembers when sampling (>= the longest piece)."))),
        ("embed_dim", int, (arch["embed_dim"], typer.Option(min=4, help="Id embedding size."))),
        ("dropout", float, (arch["dropout"], typer.Option(min=0.0, max=0.9, help="Dropout."))),
        ("threads", int, (2, typer.Option(min=1, help="CPU threads for torch."))),
        ("label_dropout", float, (train["label_dropout"], typer.Option(
            min=0.0, max=1.0,
            help="Share of sequences trained with valence and arousal withheld."))),
        ("all_licences", bool, (False, typer.Option(
            "--all-licences",
            help="Also train on non-permissive datasets (such weights must not be shipped)."))),
        ("install", bool, (False, typer.Option(
            "--install", help=f"Copy {kind}.onnx + {kind}.json into the package."))),
        ("install_as", str, (kind, typer.Option(
            help=f"Name of the installed files: {kind} (the default model) or {kind}-NAME "
            f"(another selectable model, e.g. {kind}-gru)."))),
    ]  # fmt: skip
    return [
        inspect.Parameter(
            name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=Annotated[kind_, opt]
        )
        for name, kind_, (default, opt) in table
    ]


def _run(kind: str, values: dict[str, Any]) -> None:
    import importlib.util
    from dataclasses import replace

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from image2music.errors import Image2MusicError

    if importlib.util.find_spec("torch") is None:  # torch itself loads in image2music.training
        raise _fail("training needs torch: install it with  pip install 'image2music[train]'")
    from image2music.data import load_corpus
    from image2music.onnx_models import MODELS_DIR
    from image2music.training.loop import EpochStats, TrainConfig
    from image2music.training.networks import RUNS
    from image2music.training.run import run_network
    from image2music.training.sequence_model import NETWORKS

    v = values
    if v["install"] and v["all_licences"]:
        raise _fail("--install ships the weights: not with --all-licences")
    name = v["install_as"]
    if not re.fullmatch(rf"{kind}(-[a-z0-9]+)?", name):
        raise _fail(f"--install-as must be {kind} or {kind}-NAME (lower-case letters, digits)")
    # Under torchrun only process 0 prints (and writes: training/distributed.py).
    console = Console(highlight=False, quiet=os.environ.get("RANK", "0") != "0")
    try:
        corpus = load_corpus(v["cache_dir"])
    except Image2MusicError as e:
        raise _fail(str(e)) from None
    config = TrainConfig(
        epochs=v["epochs"],
        batch_size=v["batch_size"],
        lr=v["lr"],
        patience=v["patience"],
        seed=v["seed"],
        threads=v["threads"],
        label_dropout=v["label_dropout"],
        max_minutes=v["max_minutes"],
        permissive_only=not v["all_licences"],
    )
    try:
        model_config = replace(
            NETWORKS[kind],
            arch=v["arch"],
            heads=v["heads"],
            window=v["window"],
            embed_dim=v["embed_dim"],
            hidden_size=v["hidden_size"],
            num_layers=v["layers"],
            dropout=v["dropout"],
        )
    except Image2MusicError as e:
        raise _fail(str(e)) from None
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

    net = RUNS[kind]
    try:
        with progress:
            summary = run_network(
                net,
                corpus,
                v["out"],
                config,
                model_config,
                install=v["install"],
                install_path=None if name == kind else MODELS_DIR / f"{name}.onnx",
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
        onsets = f", onset top-1 {100 * m['top1_onsets']:.1f}%" if "top1_onsets" in m else ""
        console.print(
            f"{split}: perplexity {m['perplexity']:.2f}, top-1 {100 * m['top1']:.1f}%{onsets}"
            f" ({int(m['count'])} steps)"
        )
    size_mb = summary.onnx_path.stat().st_size / 1e6
    console.print(f"wrote {summary.checkpoint}, {summary.onnx_path} ({size_mb:.2f} MB)")
    if summary.installed is not None:
        console.print(f"installed {summary.installed} (version {side['version']})")


def train_command(kind: str) -> Callable[..., None]:
    """The ``train <kind>`` command: its options come from the network's defaults."""
    from image2music.errors import ConfigError

    if kind not in NETWORK_KINDS:
        raise ConfigError(f"unknown network {kind!r}: choose from {', '.join(NETWORK_KINDS)}")

    def command(**values: Any) -> None:
        _run(kind, values)

    what = {
        "harmony": "emotion-conditioned chord network (transformer or GRU)",
        "melody": "chord- and emotion-conditioned melody GRU",
    }
    command.__doc__ = f"Train the {what[kind]} on the corpus and export it to ONNX."
    command.__name__ = f"train_{kind}"
    command.__signature__ = inspect.Signature(_parameters(kind))  # type: ignore[attr-defined]
    return command
