"""Compose, write and summarise with one-line errors, for ``compose``, ``sequence``, ``video``.

Exit codes: 2 for a bad picture or clip, a bad option, or an output place
that cannot take the files; 1 for any other failure inside image2music.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from image2music.batch.tasks import IMAGE_SUFFIXES

if TYPE_CHECKING:
    from rich.console import Console

    from image2music.composition import Composition
    from image2music.options import ComposeOptions
    from image2music.pipeline import ProgressCallback

__all__ = [
    "IMAGE_SUFFIXES",
    "compose_and_write",
    "expand_pictures",
    "parse_formats",
    "start_command",
    "summary",
]

_AUDIO_SUFFIXES = frozenset({".wav", ".flac", ".ogg", ".mp3"})


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
    if any(f in _SOUNDING for f in fmts):
        _preload_soundfont(options.synth, options.soundfont)
    return out, err, options, fmts


#: Formats that need the synthesiser.
_SOUNDING = frozenset({"wav", "flac", "ogg", "mp3", "mp4"})


def _preload_soundfont(synth: str, soundfont: str | None) -> None:
    """Load the soundfont in a background thread while the picture is analysed.

    FluidSynth releases the interpreter lock while it loads (and decodes an
    SF3's samples), so this runs on a second core; a bad choice is left for
    the compose to report.
    """
    import threading

    from image2music.errors import Image2MusicError
    from image2music.rendering.synth import choose_synth, preload_soundfont

    try:
        choice = choose_synth(synth, soundfont)
    except Image2MusicError:
        return
    threading.Thread(target=preload_soundfont, args=(choice,), daemon=True).start()


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


def expand_pictures(images: list[Path]) -> list[Path]:
    """Files as given; folders expanded to the pictures inside them, sorted."""
    out: list[Path] = []
    for p in images:
        if p.is_dir():
            out.extend(
                sorted(
                    f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in IMAGE_SUFFIXES
                )
            )
        else:
            out.append(p)
    return out


def summary(out: Console, label: str, report: dict[str, Any], written: list[Path]) -> None:
    """Print what was composed and the files written."""
    emotion = report["emotion"]
    symbols = " ".join(str(c["symbol"]) for c in report["chords"])
    out.print(f"[bold]{label}[/]: {report['image']['description']}")
    out.print(
        f"  mood   valence {emotion['valence']:+.2f}  arousal {emotion['arousal']:+.2f}"
        f"  ({emotion['top_category']})"
    )
    ending = report.get("arrangement", {}).get("ending", {}).get("extra_bars", 0)
    out.print(
        f"  music  {report['key']}, {report['tempo_bpm']:g} bpm, {report['time_signature']},"
        f" {report['bars']} bars{' + ending' if ending else ''}, {report['duration_sec']:.1f} s"
    )
    sections = report.get("sections", [])
    if sections:
        out.print(f"  {len(sections)} sections")
        for sec in sections:
            into = f", in by {sec['transition']['name']}" if sec["transition"] else ""
            out.print(
                f"    {sec['start_sec']:6.2f}–{sec['end_sec']:6.2f} s  {sec['source']}: "
                f"{sec['key']}, {sec['tempo_bpm']:.0f} bpm{into}"
            )
    else:
        out.print(f"  chords {symbols}")
    arrangement = report.get("arrangement")
    if arrangement:
        parts = ", ".join(f"{p} {i['name']}" for p, i in arrangement["instruments"].items())
        drums = arrangement["drums"]
        beat = f"{drums['kit']} drums" if drums["on"] else "no drums"
        out.print(
            f"  sound  {parts}; {arrangement['accompaniment']['pattern']}, {beat}"
            f" ({arrangement['style']} style)"
        )
        if "synth" in arrangement and any(p.suffix in _AUDIO_SUFFIXES for p in written):
            out.print(f"  audio  {arrangement['synth']['name']} ({arrangement['synth']['reason']})")
    out.print("  wrote")
    for p in written:
        out.print(f"    {p}")
