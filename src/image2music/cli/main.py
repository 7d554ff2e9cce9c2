"""The ``image2music`` command: a thin adapter over :mod:`image2music.pipeline`.

Exit codes: 0 success; 1 a failure inside image2music; 2 a bad picture, a
bad option or an output place that cannot take the files (full, read-only, an
existing file without ``--force``): the code Typer uses for usage errors.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from image2music.cli.compose_options import with_compose_options
from image2music.version import __version__

if TYPE_CHECKING:
    from collections.abc import Callable

    from image2music.pipeline import ProgressCallback

__all__ = ["build_cli", "run"]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"image2music {__version__}")
        raise typer.Exit()


def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Turn a picture into an original piece of music that fits its mood."""


@with_compose_options
def compose(
    images: Annotated[
        list[Path],
        typer.Argument(help="Picture(s) or folder(s) of pictures.", show_default=False),
    ],
    outdir: Annotated[Path, typer.Option("-o", "--outdir", help="Folder for the files.")] = Path(),
    formats: Annotated[
        str,
        typer.Option(
            "--format",
            help="Comma-separated output formats: mid, wav, flac, ogg, mp3, musicxml, png, json.",
        ),
    ] = "mid,wav,json,png",
    name: Annotated[
        str | None, typer.Option(help="File name stem (single picture; default: its name).")
    ] = None,
    force: Annotated[bool, typer.Option(help="Overwrite existing files.")] = False,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="Print only errors.")] = False,
    jobs: Annotated[
        int | None,
        typer.Option(
            "-j",
            "--jobs",
            help="Cores a batch takes: pictures composed at once, one per core (default: all).",
            show_default=False,
        ),
    ] = None,
    recursive: Annotated[
        bool, typer.Option("-r", "--recursive", help="Search folders' sub-folders too.")
    ] = False,
    retry_failed: Annotated[
        bool, typer.Option(help="In a batch, compose again the pictures an earlier run failed on.")
    ] = False,
    engine: Annotated[
        str,
        typer.Option(
            help="Batch engine: local (worker processes) or ray (a Ray cluster; RAY_ADDRESS)."
        ),
    ] = "local",
    **option_values: Any,
) -> None:
    """Compose music for pictures: writes NAME.mid, .wav, .json and .png per picture.

    Several pictures or a folder make a batch: composed in parallel, with a
    manifest in the output folder so that a rerun skips what is done.
    """
    from rich.markup import escape

    from image2music.batch.tasks import plan_tasks
    from image2music.cli.batch_cmd import run_batch_command
    from image2music.cli.writing import compose_and_write, start_command, summary
    from image2music.pipeline import compose as run_compose

    out, err, options, fmts = start_command(option_values, formats, quiet=quiet)

    tasks = plan_tasks(images, recursive=recursive)
    if not tasks:
        err.print("[bold red]error:[/] no pictures found in " + escape(", ".join(map(str, images))))
        raise typer.Exit(2)
    if len(tasks) > 1 or jobs is not None or any(p.is_dir() for p in images):
        if name:
            err.print("[bold red]error:[/] --name needs a single picture")
            raise typer.Exit(2)
        code = run_batch_command(
            out, err, tasks, options, fmts, outdir,
            jobs=jobs, engine=engine, retry_failed=retry_failed, force=force, quiet=quiet,
        )  # fmt: skip
        if code:
            raise typer.Exit(code)
        return
    path = tasks[0].picture

    def make(progress: ProgressCallback, _say: Callable[[str], None]) -> Any:
        return run_compose(path, options, progress=progress)

    result, written, code = compose_and_write(
        err, path.name, make, outdir, fmts, stem=name, force=force
    )
    if result is None:
        raise typer.Exit(code)
    summary(out, path.name, result.report, written)


def build_cli() -> typer.Typer:
    """Build the ``image2music`` Typer application with all its commands."""
    from image2music.cli.data_cmd import build_data_cli
    from image2music.cli.evaluate_cmd import build_evaluate_cli
    from image2music.cli.one_line import OneLineGroup
    from image2music.cli.sequence_cmd import sequence, video
    from image2music.cli.serve_cmd import serve
    from image2music.cli.train_cmd import build_train_cli

    app = typer.Typer(
        name="image2music",
        cls=OneLineGroup,
        help="Turn a picture into an original piece of music that fits its mood.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    app.callback()(main)
    app.command("compose")(compose)
    app.command("sequence")(sequence)
    app.command("video")(video)
    app.command("serve")(serve)
    app.add_typer(build_data_cli(), name="data", help="Build and inspect the training corpus.")
    app.add_typer(build_train_cli(), name="train", help="Train the networks (needs torch).")
    app.add_typer(
        build_evaluate_cli(), name="evaluate", help="Measure the networks on the test split."
    )
    return app


def run() -> None:
    """Entry point of the ``image2music`` console script."""
    try:
        build_cli()()
    except KeyboardInterrupt:  # pragma: no cover - interactive
        sys.stderr.write("interrupted\n")
        sys.exit(130)
