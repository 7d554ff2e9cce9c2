"""The ``sequence`` and ``video`` commands: one piece for many pictures, or for a clip."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from image2music.cli.compose_options import with_compose_options

__all__ = ["sequence", "video"]

_FORMATS_HELP = "Comma-separated output formats: mid, wav, flac, ogg, mp3, musicxml, png, json."


@with_compose_options
def sequence(
    images: Annotated[
        list[Path],
        typer.Argument(
            help="Two or more pictures, in order (a folder gives its pictures sorted by name).",
            show_default=False,
        ),
    ],
    outdir: Annotated[Path, typer.Option("-o", "--outdir", help="Folder for the files.")] = Path(),
    formats: Annotated[str, typer.Option("--format", help=_FORMATS_HELP)] = "mid,wav,json,png",
    seconds_each: Annotated[
        float | None,
        typer.Option("--seconds-each", help="Seconds per picture (instead of --duration)."),
    ] = None,
    name: Annotated[
        str | None, typer.Option(help="File name stem (default: FIRST-sequence).")
    ] = None,
    force: Annotated[bool, typer.Option(help="Overwrite existing files.")] = False,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="Print only errors.")] = False,
    **option_values: Any,
) -> None:
    """Compose one piece for a sequence of pictures: a section per picture, joined by transitions.

    --duration is the whole piece's length, shared equally; --seconds-each gives
    each picture its seconds; without either every section has --bars bars.
    """
    from image2music.cli.writing import (
        compose_and_write,
        expand_pictures,
        start_command,
        summary,
    )
    from image2music.sequence import compose_sequence

    out, err, options, fmts = start_command(option_values, formats, quiet=quiet)
    files = expand_pictures(images)
    label = f"{len(files)} pictures"
    result, written, code = compose_and_write(
        err,
        label,
        lambda progress, _say: compose_sequence(
            files, options, seconds_each=seconds_each, progress=progress
        ),
        outdir,
        fmts,
        stem=name,
        force=force,
    )
    if result is None:
        raise typer.Exit(code)
    summary(out, label, result.report, written)


@with_compose_options
def video(
    clip: Annotated[
        Path,
        typer.Argument(
            help="The clip: MP4, MOV, WebM, MKV, AVI or animated GIF, at most 10 minutes.",
            show_default=False,
        ),
    ],
    outdir: Annotated[Path, typer.Option("-o", "--outdir", help="Folder for the files.")] = Path(),
    formats: Annotated[str, typer.Option("--format", help=_FORMATS_HELP)] = "mid,wav,json,png",
    mux: Annotated[
        bool,
        typer.Option(
            "--mux", help="Also write NAME.mp4: the clip's pictures (copied) with the music (AAC)."
        ),
    ] = False,
    name: Annotated[str | None, typer.Option(help="File name stem (default: the clip's).")] = None,
    force: Annotated[bool, typer.Option(help="Overwrite existing files.")] = False,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="Print only errors.")] = False,
    **option_values: Any,
) -> None:
    """Compose a soundtrack for a video clip: as long as the clip, changing at its scene cuts."""
    from image2music.cli.writing import compose_and_write, start_command, summary
    from image2music.video import compose_video

    out, err, options, fmts = start_command(
        option_values, formats, quiet=quiet, extra=("mp4",) if mux else ()
    )

    def make(progress: Any, say: Any) -> Any:
        def decoded(done: float, total: float) -> None:
            say(f"reading the clip {done:.0f} of {total:.0f} s ({done / total:.0%})")

        return compose_video(clip, options, progress=progress, decode_progress=decoded)

    result, written, code = compose_and_write(
        err, clip.name, make, outdir, fmts, stem=name, force=force
    )
    if result is None:
        raise typer.Exit(code)
    summary(out, clip.name, result.report, written)
