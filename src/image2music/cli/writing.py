"""Compose and write with one-line errors: shared by ``compose``, ``sequence`` and ``video``.

Exit codes: 2 for a bad picture or clip, a bad option, or an output place
that cannot take the files; 1 for any other failure inside image2music.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from image2music.composition import Composition
    from image2music.options import ComposeOptions
    from image2music.pipeline import ProgressCallback

__all__ = ["compose_and_write", "parse_formats", "start_command"]


def start_command(
    option_values: dict[str, Any], formats: str, *, quiet: bool, extra: tuple[str, ...] = ()
) -> tuple[Console, Console, ComposeOptions, list[str]]:
    """The consoles, options and formats of a composing command; a bad one exits 2.

    Args:
        option_values: The compose options as the CLI named them.
        formats: The ``--format`` list.
        quiet: Print only errors.
        extra: Formats added by the command (e.g. ``("mp4",)`` for ``--mux``).

    Returns:
        The output console, the error console, the options and the formats.

    Raises:
        typer.Exit: With code 2 after printing a one-line error.
    """
    import typer
    from rich.console import Console
    from rich.markup import escape

    from image2music.errors import Image2MusicError
    from image2music.options import options_from

    out = Console(quiet=quiet, highlight=False, soft_wrap=True)
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    try:
        options = options_from(option_values, adapter="cli")
        fmts = parse_formats(formats) + list(extra)
    except Image2MusicError as e:
        err.print(f"[bold red]error:[/] {escape(str(e))}")
        raise typer.Exit(2) from None
    return out, err, options, fmts


def parse_formats(formats: str, extra: tuple[str, ...] = ()) -> list[str]:
    """The ``--format`` list, checked against the known formats (and ``extra``).

    Raises:
        ConfigError: For an unknown or empty list.
    """
    from image2music.composition import FORMATS
    from image2music.errors import ConfigError

    fmts = [f.strip().lower().lstrip(".") for f in formats.split(",") if f.strip()]
    known = FORMATS + extra
    bad = [f for f in fmts if f not in known]
    if bad or not fmts:
        raise ConfigError(f"unknown format {bad or formats!r}; choose from {', '.join(known)}")
    return fmts


def compose_and_write(
    err: Console,
    label: str,
    make: Callable[[ProgressCallback, Callable[[str], None]], Composition],
    outdir: Path,
    fmts: list[str],
    *,
    stem: str | None,
    force: bool,
) -> tuple[Composition | None, list[Path], int]:
    """Run ``make`` under a status line, write the files, and turn errors into one line.

    Args:
        err: The error console (the status line is drawn there).
        label: Names the work in the status line and in errors (a file name).
        make: Composes; called with a stage callback and a free-text status callback.
        outdir: Folder for the files.
        fmts: Formats to write.
        stem: File name stem (``None``: the composition's title).
        force: Overwrite existing files.

    Returns:
        The composition (``None`` on failure), the files written, and the exit
        code of the failure (0 when it worked).
    """
    from rich.markup import escape

    from image2music.errors import (
        ConfigError,
        ExistingFileError,
        Image2MusicError,
        ImageError,
        WriteError,
    )

    try:
        with err.status(f"composing {label}…", spinner="dots") as status:

            def progress(stage: str, index: int, total: int) -> None:
                status.update(f"{label}: {stage} ({index + 1}/{total})")

            def say(text: str) -> None:
                status.update(f"{label}: {text}")

            result = make(progress, say)
            status.update(f"{label}: writing {', '.join(fmts)}")
            written = result.write(outdir, fmts, stem=stem, force=force)
    except ExistingFileError as e:
        err.print(f"[bold red]error:[/] {escape(str(e.path))} exists; use --force to overwrite it")
        return None, [], 2
    except (ImageError, ConfigError, WriteError) as e:
        err.print(f"[bold red]error:[/] {escape(str(e))}")
        return None, [], 2
    except Image2MusicError as e:
        err.print(f"[bold red]error:[/] {escape(label)}: {escape(str(e))}")
        return None, [], 1
    return result, list(written.values()), 0
