"""``image2music evaluate melody`` (import-light: onnxruntime only, no torch).

``train melody`` is built with ``train harmony`` by
:mod:`image2music.cli.train_network`. A missing corpus, model or dependency prints one line and
exits with status 1.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any

import typer

from image2music.cli.reporting import report_or_fail
from image2music.training.architectures import ARCHITECTURES

_MELODY = ARCHITECTURES["melody"]

__all__ = ["evaluate_melody"]

_CACHE_HELP = (
    "Corpus cache folder (default: $IMAGE2MUSIC_CACHE_DIR or ~/.cache/image2music/corpus)."
)


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(1)


def _fmt(x: float) -> str:
    return "-" if not math.isfinite(x) else f"{x:.3g}"


def _print_melody_tables(report: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    from image2music.evaluation.melody_metrics import FEATURES, RHYTHM_FEATURES

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
    for f in FEATURES + RHYTHM_FEATURES:
        cells = [f"{_fmt(feats[k][f]['mean'])} ± {_fmt(feats[k][f]['std'])}" for k in feats]
        areas = [_fmt(oa[k].get(f, math.nan)) for k in ("network", "baseline")]
        t.add_row(f.replace("_", " "), *cells, *areas)
    means = (("mean OA (first 8)", "mean"), ("mean OA (with rhythm)", "mean_with_rhythm"))
    for label, key in means:
        t.add_row(label, "", "", "", _fmt(oa["network"][key]), _fmt(oa["baseline"][key]))
    console.print(t)
    h = Table(title="Interval histogram (share of intervals, semitones; last bin 12+)")
    h.add_column("source")
    for i in range(len(feats["real"]["interval_histogram"])):
        h.add_column(str(i) if i < 12 else "12+", justify="right")
    for k in feats:
        h.add_row(k, *(f"{100 * v:.0f}" for v in feats[k]["interval_histogram"]))
    console.print(h)
    grid = report.get("emotion_grid")
    if grid:
        g = Table(
            title=f"Network melodies over a 5 x 5 emotion grid ({grid['phrases_per_emotion']} "
            "phrases per emotion): means, and by arousal"
        )
        g.add_column("")
        for col in ("chord-tone ratio", "range", "syncopation", "stutter", "note density"):
            g.add_column(col, justify="right")
        m = grid["mean"]
        keys = ("chord_tone_ratio", "pitch_range", "syncopation", "stutter", "note_density")
        g.add_row("all emotions", *(_fmt(m[k]) for k in keys))
        for a, row in grid["by_arousal"].items():
            g.add_row(f"arousal {a}", "", _fmt(row["pitch_range"]), "", _fmt(row["stutter"]),
                      _fmt(row["note_density"]))  # fmt: skip
        console.print(g)
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
    split: Annotated[
        str, typer.Option(help="Corpus split: test (to report) or valid (to tune on).")
    ] = "test",
) -> None:
    """Compare network and baseline melodies with the real ones over held-out chords."""
    from image2music.data import load_corpus
    from image2music.evaluation.melody_eval import MelodyEvalConfig
    from image2music.evaluation.melody_eval import evaluate_melody as run

    report_or_fail(
        lambda: run(load_corpus(cache_dir), model, MelodyEvalConfig(windows, seed, split)),
        json_out,
        _print_melody_tables,
    )
