"""``image2music data``: build and inspect the training corpus.

Heavy modules (numpy, the readers) are imported inside the commands, so
importing this module costs nothing. Errors that concern the user (a
missing dataset, an unreadable archive, no corpus yet) print one line and
exit with status 1.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

__all__ = ["build_data_cli"]

_DatasetsOpt = Annotated[
    Path | None,
    typer.Option(
        "--datasets",
        help="Folder with the datasets (default: $IMAGE2MUSIC_DATASETS or ../shared/datasets).",
    ),
]
_CacheOpt = Annotated[
    Path | None,
    typer.Option(
        "--cache-dir",
        help="Corpus cache folder (default: $IMAGE2MUSIC_CACHE_DIR or "
        "~/.cache/image2music/corpus).",
    ),
]


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(1)


def _pct(x: float, digits: int = 1) -> str:
    return f"{100 * x:.{digits}f}%"


def _reasons(reasons: dict[str, int], limit: int = 3) -> str:
    items = sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))
    text = "; ".join(f"{r}: {n}" for r, n in items[:limit])
    return text + (f"; +{len(items) - limit} more" if len(items) > limit else "")


def _stats_table(manifest: dict[str, Any]) -> Any:
    from rich.table import Table

    from image2music.data.stats import dataset_rows

    table = Table(title="Corpus statistics")
    for col in (
        "dataset",
        "songs",
        "kept",
        "phrases",
        "chords",
        "exact",
        "simplified",
        "dropped",
        "N",
        "melody notes",
        "items dropped",
    ):
        table.add_column(col, justify="left" if col == "dataset" else "right")
    for r in dataset_rows(manifest):
        est = r["estimated_chords"]
        table.add_row(
            r["dataset"],
            f"{r['songs']}/{r['items']}",
            _pct(r["songs_share"]),
            str(r["phrases"]),
            str(r["chords"]) + (" (est.)" if est else ""),
            "-" if est else _pct(r["exact"]),
            "-" if est else _pct(r["simplified"]),
            "-" if est else _pct(r["dropped"], 2),
            str(r["no_chord"]),
            str(r["melody_notes"]),
            str(r["skipped"]),
            style="bold" if r["dataset"] == "TOTAL" else None,
        )
    return table


def _reason_lines(manifest: dict[str, Any]) -> list[str]:
    from image2music.data.stats import dataset_rows

    lines = []
    for r in dataset_rows(manifest):
        if r["dataset"] == "TOTAL":
            continue
        if r["skip_reasons"]:
            lines.append(f"{r['dataset']}: items dropped: {_reasons(r['skip_reasons'])}")
        if r["chord_drop_reasons"]:
            lines.append(f"{r['dataset']}: chords dropped: {_reasons(r['chord_drop_reasons'])}")
    return lines


def _read_manifest(cache_dir: Path | None) -> dict[str, Any]:
    from image2music.data.build import corpus_dir
    from image2music.data.paths import resolve_cache_dir
    from image2music.errors import DataError

    folder = corpus_dir(resolve_cache_dir(cache_dir))
    path = folder / "manifest.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise DataError(f"no corpus in {folder}: run 'image2music data build' first") from e
    except (OSError, ValueError) as e:
        raise DataError(f"unreadable manifest {path}: {e}") from e
    if not isinstance(data, dict):
        raise DataError(f"unreadable manifest {path}")
    return data


def build(
    datasets: _DatasetsOpt = None,
    cache_dir: _CacheOpt = None,
    only: Annotated[
        str | None,
        typer.Option("--only", help="Build only these datasets: NAME[,NAME...]."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Rebuild even when cached.")] = False,
    workers: Annotated[
        int, typer.Option("--workers", min=1, max=16, help="Datasets read in parallel.")
    ] = 2,
) -> None:
    """Read the datasets and write the normalised corpus (cached, incremental)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

    from image2music.data.build import build_corpus
    from image2music.data.paths import resolve_cache_dir, resolve_datasets_dir
    from image2music.data.stats import target_checks
    from image2music.errors import Image2MusicError

    console = Console(stderr=False)
    ds_dir = resolve_datasets_dir(datasets)
    cache = resolve_cache_dir(cache_dir)
    names = [n.strip() for n in only.split(",") if n.strip()] if only else None
    progress = Progress(
        TextColumn("{task.description:<22}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[phase]}"),
        console=console,
        transient=False,
        disable=not console.is_terminal,
    )
    tasks: dict[str, TaskID] = {}

    def on_progress(name: str, phase: str, done: int, total: int) -> None:
        if name not in tasks:
            tasks[name] = progress.add_task(name, total=max(total, 1), phase=phase)
        progress.update(tasks[name], completed=done, total=max(total, 1), phase=phase)

    try:
        with progress:
            result = build_corpus(
                ds_dir, cache, only=names, force=force, workers=workers, callback=on_progress
            )
    except Image2MusicError as e:
        raise _fail(str(e)) from None
    manifest = result.manifest
    console.print(_stats_table(manifest))
    for line in _reason_lines(manifest):
        console.print(f"  {line}", highlight=False)
    built = ", ".join(result.built) or "none"
    cached = ", ".join(result.cached) or "none"
    console.print(f"built: {built}; cached: {cached}; corpus rewritten: {result.combined}")
    counts = manifest["counts"]
    console.print(
        f"{counts['songs']} songs ({counts['permissive_songs']} permissive), "
        f"{counts['phrases']} phrases, splits {manifest['splits']}, "
        f"{manifest['duplicates']['cross_dataset_groups']} cross-dataset title groups"
    )
    for chk in target_checks(manifest):
        mark = "ok  " if chk["ok"] else "FAIL"
        value, threshold = _pct(chk["value"], 2), _pct(chk["threshold"])
        console.print(f"  {mark} {chk['name']}: {value} (>= {threshold})", highlight=False)
    console.print(
        f"corpus: {result.corpus_dir} ({result.seconds:.1f} s; skipped items: parts/<dataset>.log)"
    )


def stats(
    json_out: Annotated[
        bool, typer.Option("--json", help="Print JSON instead of a table.")
    ] = False,
    cache_dir: _CacheOpt = None,
) -> None:
    """Print per-dataset statistics of the built corpus."""
    from rich.console import Console

    from image2music.data.stats import dataset_rows, target_checks
    from image2music.errors import Image2MusicError

    try:
        manifest = _read_manifest(cache_dir)
    except Image2MusicError as e:
        raise _fail(str(e)) from None
    if json_out:
        payload = {
            "datasets": dataset_rows(manifest),
            "targets": target_checks(manifest),
            "counts": manifest["counts"],
            "splits": manifest["splits"],
            "duplicates": manifest["duplicates"],
            "content_hash": manifest["content_hash"],
            "vocab_version": manifest["vocab_version"],
        }
        sys.stdout.write(json.dumps(payload, indent=1, ensure_ascii=False) + "\n")
        return
    console = Console()
    console.print(_stats_table(manifest))
    for line in _reason_lines(manifest):
        console.print(f"  {line}", highlight=False)
    console.print(f"content hash {manifest['content_hash'][:16]}, built {manifest['built_at']}")


def build_data_cli() -> typer.Typer:
    """Build the ``image2music data`` command group."""
    app = typer.Typer(
        help="Build and inspect the chord-and-melody training corpus from the shared datasets.",
        no_args_is_help=True,
        add_completion=False,
    )
    app.command("build")(build)
    app.command("stats")(stats)
    return app
