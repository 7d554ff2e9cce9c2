"""``image2music evaluate``: measure the networks on the held-out test split.

Runs with onnxruntime only (no torch). A missing corpus or model prints one
line and exits with status 1.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any

import typer

from image2music.cli.reporting import report_or_fail

__all__ = ["build_evaluate_cli"]


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(1)


def _pct(x: float) -> str:
    return "-" if math.isnan(x) else f"{100 * x:.1f}%"


def _print_tables(report: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    t = Table(title=f"Next-chord prediction, test split ({report['data']['grid']})")
    for col in ("model", "top-1", "top-5", "perplexity", "top-1 changes", "ppl changes"):
        t.add_column(col, justify="left" if col == "model" else "right")
    for name, m in report["next_chord"].items():
        t.add_row(
            name,
            _pct(m["top1"]),
            _pct(m["top5"]),
            f"{m['perplexity']:.2f}",
            _pct(m["top1_changes"]),
            f"{m['perplexity_changes']:.2f}",
        )
    console.print(t)
    first = next(iter(report["next_chord"].values()))
    console.print(
        f"{int(first['count'])} chords scored, {int(first['count_changes'])} of them changes; "
        f"n-gram order {report['ngram_order']}, baseline add-k {report['baseline_k']}"
    )
    gen = report["generated"]
    if gen:
        g = Table(title="Generated 8-bar progressions vs the real test phrases")
        g.add_column("statistic")
        for name in gen:
            g.add_column(name, justify="right")
        for stat in next(iter(gen.values())):
            g.add_row(stat.replace("_", " "), *(f"{gen[name][stat]:.3g}" for name in gen))
        console.print(g)
    r = Table(title="Response to the emotion (C major; 'minor': A minor; 8 bars)")
    r.add_column("generator @ emotion")
    for c in ("major share", "changes per bar", "tension share", "brightness"):
        r.add_column(c, justify="right")
    for name, m in report["response"].items():
        r.add_row(
            name,
            _pct(m["major_share"]),
            f"{m['changes_per_bar']:.2f}",
            _pct(m["tension_share"]),
            f"{m['brightness']:+.2f}",
        )
    console.print(r)


def harmony(
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    model: Annotated[
        Path | None, typer.Option(help="The .onnx model (default: the shipped one).")
    ] = None,
    cache_dir: Annotated[
        Path | None,
        typer.Option(
            "--cache-dir",
            help="Corpus cache folder (default: $IMAGE2MUSIC_CACHE_DIR or "
            "~/.cache/image2music/corpus).",
        ),
    ] = None,
    samples: Annotated[
        int, typer.Option(min=1, help="Progressions generated per model for the statistics.")
    ] = 300,
    response_samples: Annotated[
        int, typer.Option(min=1, help="Progressions per emotion point of the response figures.")
    ] = 100,
    seed: Annotated[int, typer.Option(min=0, help="Seed of the sampling.")] = 0,
) -> None:
    """Score the harmony network beside an n-gram model and the baseline on the test split."""
    from rich.console import Console

    from image2music.data import load_corpus
    from image2music.evaluation.harmony_eval import EvalConfig, evaluate_harmony

    err = Console(stderr=True, highlight=False)

    def run() -> dict[str, Any]:
        corpus = load_corpus(cache_dir)
        with err.status("evaluating…") as status:
            return evaluate_harmony(
                corpus,
                model,
                EvalConfig(generated=samples, response_samples=response_samples, seed=seed),
                on_stage=lambda text: status.update(f"{text}…"),
            )

    report_or_fail(run, json_out, _print_tables)


def build_evaluate_cli() -> typer.Typer:
    """Build the ``image2music evaluate`` command group."""
    app = typer.Typer(
        help="Measure the networks on the held-out test split.",
        no_args_is_help=True,
        add_completion=False,
    )
    app.command("harmony")(harmony)
    from image2music.cli.melody_cmd import evaluate_melody

    app.command("melody")(evaluate_melody)
    from image2music.cli import evaluation_cmds as ev

    app.command("judge")(ev.evaluate_judge)
    app.command("controllability")(ev.evaluate_controllability)
    from image2music.cli.emotion_cmds import evaluate_images

    app.command("images")(evaluate_images)
    app.command("all")(ev.evaluate_all)
    return app
