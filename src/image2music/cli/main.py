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
    **option_values: Any,
) -> None:
    """Compose music for pictures: writes NAME.mid, .wav, .json and .png per picture."""
    from rich.markup import escape

    from image2music.cli.writing import (
        compose_and_write,
        expand_pictures,
        start_command,
        summary,
    )
    from image2music.pipeline import compose as run_compose

    out, err, options, fmts = start_command(option_values, formats, quiet=quiet)

    files = expand_pictures(images)
    if not files:
        err.print("[bold red]error:[/] no pictures found in " + escape(", ".join(map(str, images))))
        raise typer.Exit(2)
    if name and len(files) > 1:
        err.print("[bold red]error:[/] --name needs a single picture")
        raise typer.Exit(2)

    failures = 0
    worst = 0
    for path in files:

        def make(progress: ProgressCallback, _say: Callable[[str], None], p: Path = path) -> Any:
            return run_compose(p, options, progress=progress)

        result, written, code = compose_and_write(
            err,
            path.name,
            make,
            outdir,
            fmts,
            stem=name,
            force=force,
        )
        if result is None:
            failures, worst = failures + 1, max(worst, code)
            continue
        summary(out, path.name, result.report, written)
    if len(files) > 1:
        out.print(f"{len(files) - failures} of {len(files)} pictures composed")
    if failures:
        raise typer.Exit(worst)


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
