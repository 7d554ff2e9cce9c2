"""``image2music evaluate judge|controllability|images|all`` and ``image2music train judge``.

Import-light: the evaluation modules are imported inside the commands. A
missing dataset or bad file prints one line and exits with status 1.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

__all__ = [
    "evaluate_all",
    "evaluate_controllability",
    "evaluate_judge",
    "train_judge",
]

_DATASETS_HELP = "Folder with the datasets (default: $IMAGE2MUSIC_DATASETS or ../shared/datasets)."
_JUDGE_HELP = (
    "The judge file (default: $IMAGE2MUSIC_CACHE_DIR/judge/judge.npz or "
    "~/.cache/image2music/judge/judge.npz)."
)

DatasetsOpt = Annotated[Path | None, typer.Option("--datasets", help=_DATASETS_HELP)]
JudgeOpt = Annotated[Path | None, typer.Option("--judge", help=_JUDGE_HELP)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(1)


def _note(text: str) -> None:
    typer.echo(f"note: {text}", err=True)


def _emit(data: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(data, indent=1, default=str) + "\n")


def _default_pictures() -> Path | None:
    for base in (Path.cwd(), Path(__file__).resolve().parents[3]):
        folder = base / "tests" / "vision" / "data"
        if folder.is_dir():
            return folder
    return None


def train_judge(
    datasets: DatasetsOpt = None,
    out: Annotated[Path | None, typer.Option("--out", help=_JUDGE_HELP)] = None,
) -> None:
    """Train the music emotion judge on EMOPIA (official splits) into the user cache."""
    from image2music.cli.torchrun import leave_unless_first
    from image2music.errors import Image2MusicError
    from image2music.evaluation.judge.train import default_judge_path, emopia_dir
    from image2music.evaluation.judge.train import train_judge as _train

    leave_unless_first("train judge")
    path = out or default_judge_path()
    try:
        judge, figures = _train(emopia_dir(datasets), on_stage=lambda t: typer.echo(f"{t}…"))
        judge.save(path)
    except Image2MusicError as e:
        raise _fail(str(e)) from None
    for split, f in figures.items():
        typer.echo(
            f"{split:<5} {f['clips']:>4} clips  4Q {f['4q']:.3f}  valence {f['valence']:.3f}"
            f"  arousal {f['arousal']:.3f}"
        )
    typer.echo(f"wrote {path} (version {judge.version}); EMOPIA licence: not for redistribution")


def evaluate_judge(
    datasets: DatasetsOpt = None, judge: JudgeOpt = None, json_out: JsonOpt = False
) -> None:
    """The emotion judge's accuracy on EMOPIA (4Q, valence, arousal), beside the paper's."""
    from image2music.errors import Image2MusicError
    from image2music.evaluation.judge.train import PAPER_FIGURES, load_or_train_judge
    from image2music.evaluation.report_markdown import judge_markdown

    try:
        j = load_or_train_judge(judge, datasets, note=_note)
    except Image2MusicError as e:
        raise _fail(str(e)) from None
    data = {
        "version": j.version,
        "figures": j.meta.get("figures", {}),
        "paper_figures": PAPER_FIGURES,
        "trained_at": j.meta.get("trained_at"),
    }
    if json_out:
        _emit(data)
        return
    typer.echo("\n".join(judge_markdown(data)))


def evaluate_controllability(
    seeds: Annotated[int, typer.Option(min=1, help="Pieces per grid cell.")] = 10,
    bars: Annotated[int, typer.Option(help="Bars per piece: 4, 8 or 16.")] = 8,
    pictures: Annotated[
        Path | None,
        typer.Option(help="Folder of real pictures (default: tests/vision/data when present)."),
    ] = None,
    no_pictures: Annotated[bool, typer.Option("--no-pictures", help="Grid only.")] = False,
    blind: Annotated[
        bool,
        typer.Option(help="Also read every piece with a judge blind to mode and tempo."),
    ] = True,
    datasets: DatasetsOpt = None,
    judge: JudgeOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Compose over a valence x arousal grid and real pictures; the judge rates the music."""
    from image2music.errors import Image2MusicError
    from image2music.evaluation.controllability import (
        ControllabilityConfig,
    )
    from image2music.evaluation.controllability import (
        evaluate_controllability as _evaluate,
    )
    from image2music.evaluation.judge.judge import MODE_AND_TEMPO
    from image2music.evaluation.judge.train import load_or_train_judge
    from image2music.evaluation.report_markdown import controllability_markdown

    if bars not in (4, 8, 16):
        raise _fail(f"bars must be 4, 8 or 16, got {bars}")
    folder = None if no_pictures else pictures or _default_pictures()
    try:
        j = load_or_train_judge(judge, datasets, note=_note)
        blind_path = None if judge is None else judge.with_name(f"{judge.stem}-blind.npz")
        deaf = (
            load_or_train_judge(blind_path, datasets, note=_note, blind=MODE_AND_TEMPO)
            if blind
            else None
        )
        result = _evaluate(
            j, ControllabilityConfig(seeds=seeds, bars=bars, pictures=folder), blind_judge=deaf
        )
    except Image2MusicError as e:
        raise _fail(str(e)) from None
    if json_out:
        _emit(result)
        return
    typer.echo("\n".join(controllability_markdown(result)))


def evaluate_all(
    out: Annotated[
        Path, typer.Option("--out", help="Folder for report.md and report.json.")
    ] = Path("evaluation-report"),
    quick: Annotated[
        bool, typer.Option("--quick", help="Small grid; skip harmony, melody and benchmarks.")
    ] = False,
    no_bench: Annotated[bool, typer.Option("--no-bench", help="Skip the benchmarks.")] = False,
    seeds: Annotated[int, typer.Option(min=1, help="Pieces per controllability cell.")] = 10,
    datasets: DatasetsOpt = None,
    judge: JudgeOpt = None,
) -> None:
    """Write one Markdown and one JSON report: judge, controllability, harmony, melody, speed."""
    from image2music.errors import Image2MusicError
    from image2music.evaluation.report_all import ReportConfig, build_report, write_report

    cfg = ReportConfig(
        quick=quick,
        bench=not no_bench,
        datasets=datasets,
        judge_path=judge,
        pictures=_default_pictures(),
        seeds=seeds,
    )
    try:
        report = build_report(cfg, on_stage=lambda t: typer.echo(f"{t}…", err=True))
        md, js = write_report(report, out)
    except (Image2MusicError, OSError) as e:
        raise _fail(str(e)) from None
    typer.echo(f"wrote {md} and {js}")
