"""``image2music train emotion`` and ``image2music evaluate images``.

Both read the rated photographs (Emotion6 and OASIS) in
``<datasets>/image-emotion`` and their cached features; neither needs torch.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

__all__ = ["evaluate_images", "train_emotion"]

_DATASETS_HELP = (
    "Folder of the shared datasets (default: $IMAGE2MUSIC_DATASETS or ../shared/datasets);"
    " the rated photographs are in its image-emotion/ folder."
)
DatasetsOpt = Annotated[Path | None, typer.Option("--datasets", help=_DATASETS_HELP)]
CacheOpt = Annotated[
    Path | None,
    typer.Option(
        "--cache-dir",
        help="Folder for cached picture features (default: $IMAGE2MUSIC_CACHE_DIR/.."
        "/image-emotion or ~/.cache/image2music/image-emotion).",
    ),
]
WorkersOpt = Annotated[
    int | None, typer.Option(min=1, help="Processes extracting features (default: every core).")
]


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(1)


def _roots(datasets: Path | None, cache_dir: Path | None) -> tuple[Path, Path]:
    from image2music.data.paths import resolve_cache_dir, resolve_datasets_dir

    root = resolve_datasets_dir(datasets) / "image-emotion"
    cache = cache_dir or resolve_cache_dir().parent / "image-emotion"
    return root, cache


def _progress() -> Any:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    console = Console(stderr=True, highlight=False)
    return Progress(
        "features",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )


def _with_progress(work: Any) -> Any:
    """Run ``work(progress_callback)`` under the features progress bar."""
    progress = _progress()
    task = progress.add_task("features", total=None)
    with progress:
        return work(lambda d, t: progress.update(task, completed=d, total=t))


def _fmt(v: Any) -> str:
    return "–" if v is None else f"{v:.3f}"


def _table(metrics: dict[str, Any]) -> list[str]:
    lines = [
        "| evaluation | estimator | n | valence r | valence AUC | arousal r | category top-1 |",
        "|---|---|---|---|---|---|---|",
    ]
    names = {
        "mixed": "mixed test split",
        "emotion6_to_oasis": "train Emotion6 → test OASIS",
        "oasis_to_emotion6": "train OASIS → test Emotion6",
    }
    for key, title in names.items():
        for est in ("learned", "colour"):
            m = metrics[key]["test"][est]
            lines.append(
                f"| {title} | {est} | {m['n']} | {_fmt(m['valence_r'])} |"
                f" {_fmt(m['valence_auc'])} | {_fmt(m['arousal_r'])} |"
                f" {_fmt(m.get('category_top1'))} |"
            )
    return lines


def train_emotion(
    datasets: DatasetsOpt = None,
    cache_dir: CacheOpt = None,
    out: Annotated[Path, typer.Option(help="Folder for learned.npz and learned.json.")] = Path(
        "runs/emotion"
    ),
    seed: Annotated[int, typer.Option(min=0, help="Seed of the train/valid/test split.")] = 0,
    workers: WorkersOpt = None,
    install: Annotated[
        bool, typer.Option("--install", help="Copy the model into the package (models/emotion/).")
    ] = False,
) -> None:
    """Fit the emotion model on rated photographs (Emotion6 + OASIS) and evaluate it."""
    from image2music.cli.torchrun import leave_unless_first
    from image2music.errors import Image2MusicError
    from image2music.training.emotion_run import train_emotion as _train

    leave_unless_first("train emotion")
    root, cache = _roots(datasets, cache_dir)
    try:
        side = _with_progress(
            lambda p: _train(
                root, cache, out, seed=seed, workers=workers, install=install, progress=p
            )
        )
    except (Image2MusicError, OSError) as e:
        raise _fail(str(e)) from None
    typer.echo("\n".join(_table(side["metrics"])))
    s = side["settings"]
    typer.echo(
        f"settings: alpha valence {s['alpha_valence']:g}, arousal {s['alpha_arousal']:g},"
        f" hand gain {s['hand_gain']:g}, face gain {s['face_gain']:g}, l2 {s['l2']:g}"
    )
    typer.echo(f"wrote {out / 'learned.npz'} (version {side['version']})")
    if install:
        typer.echo("installed into the package (models/emotion/learned.npz)")


def evaluate_images(
    labels: Annotated[
        Path | None,
        typer.Argument(
            help="Optional CSV: path plus valence/arousal, category or label. Without it, the"
            " rated photographs (Emotion6, OASIS) are used: mixed test split and cross-dataset."
        ),
    ] = None,
    no_entities: Annotated[
        bool, typer.Option("--no-entities", help="Skip faces, objects and scene cues (CSV mode).")
    ] = False,
    datasets: DatasetsOpt = None,
    cache_dir: CacheOpt = None,
    seed: Annotated[int, typer.Option(min=0, help="Seed of the split (rated-set mode).")] = 0,
    workers: WorkersOpt = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """Learned model and colour baseline against people's ratings of photographs."""
    from image2music.errors import Image2MusicError

    if labels is not None:
        from image2music.evaluation.images import evaluate_images as _csv

        try:
            result = _csv(labels, detect_entities=not no_entities)
        except Image2MusicError as e:
            raise _fail(str(e)) from None
        if json_out:
            sys.stdout.write(json.dumps(result, indent=1) + "\n")
            return
        typer.echo(f"{result['rows']} rows")
        for name, res in result["estimators"].items():
            typer.echo(f"{name} ({res['estimator']}):")
            typer.echo(f"  valence r {_fmt(res['valence_r'])}  arousal r {_fmt(res['arousal_r'])}")
            for task in ("valence", "arousal", "category"):
                m = res[task]
                if m is None:
                    continue
                figs = "  ".join(
                    f"{k.replace('_', ' ')} {_fmt(m[k])}"
                    for k in ("accuracy", "balanced_accuracy", "roc_auc")
                )
                typer.echo(f"  {task:<9} n={m['n']:<5} {figs}")
        for f in result["failures"]:
            typer.echo(f"line {f['line']}: {f['path']}: {f['error']}", err=True)
        return

    from image2music.emotion.rated_features import load_rated_features
    from image2music.evaluation.rated_images import evaluate_protocol

    root, cache = _roots(datasets, cache_dir)
    try:
        data = _with_progress(
            lambda p: load_rated_features(root, cache, workers=workers, progress=p)
        )
        metrics, _ = evaluate_protocol(data, seed)
    except (Image2MusicError, OSError) as e:
        raise _fail(str(e)) from None
    if json_out:
        sys.stdout.write(json.dumps(metrics, indent=1) + "\n")
        return
    typer.echo("\n".join(_table(metrics)))
