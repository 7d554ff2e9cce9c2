"""The result of :func:`image2music.compose`: music in memory, files on request."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from image2music.arrangement.plan import MusicPlan
from image2music.errors import ConfigError
from image2music.options import ComposeOptions
from image2music.types import Emotion, ImageFeatures, Score

__all__ = ["FORMATS", "Composition"]

#: Output formats :meth:`Composition.write` knows, by file extension.
FORMATS: tuple[str, ...] = ("mid", "json")


@dataclass(frozen=True)
class Composition:
    """A composed piece and everything that led to it.

    Attributes:
        features: What was read in the picture.
        emotion: The emotion the music follows (after user overrides).
        estimated_emotion: The emotion estimated from the picture alone.
        plan: Key, tempo and metre, with reasons.
        score: The music.
        report: The JSON report as a dict (see ``docs/report.md``).
        options: The options used.
    """

    features: ImageFeatures
    emotion: Emotion
    estimated_emotion: Emotion
    plan: MusicPlan
    score: Score
    report: dict[str, Any]
    options: ComposeOptions

    @functools.cached_property
    def midi(self) -> bytes:
        """The Standard MIDI File, as bytes."""
        from image2music.rendering.midi import midi_bytes

        return midi_bytes(self.score)

    @property
    def report_json(self) -> str:
        """The report serialised as JSON text."""
        from image2music.rendering.report import report_json

        return report_json(self.report)

    def render(self, fmt: str) -> bytes:
        """The bytes of one output format (one of :data:`FORMATS`)."""
        if fmt == "mid":
            return self.midi
        if fmt == "json":
            return self.report_json.encode("utf-8")
        raise ConfigError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")

    def write(
        self,
        outdir: str | os.PathLike[str] = ".",
        formats: Iterable[str] = FORMATS,
        *,
        stem: str | None = None,
        force: bool = False,
    ) -> dict[str, Path]:
        """Write the chosen formats as ``OUTDIR/STEM.EXT``, all or none.

        Args:
            outdir: Folder for the files; created when missing.
            formats: Extensions from :data:`FORMATS` (default: all).
            stem: File name without extension (default: the picture's name).
            force: Overwrite existing files.

        Returns:
            Format -> path written.

        Raises:
            ConfigError: For an unknown format.
            OutputError: If a file exists (without ``force``) or cannot be written.
        """
        from image2music.rendering.files import write_files_atomically

        fmts = list(dict.fromkeys(formats))
        name = stem or self.score.title or "image2music"
        paths = {fmt: Path(outdir) / f"{name}.{fmt}" for fmt in fmts}
        contents = {paths[fmt]: self.render(fmt) for fmt in fmts}
        write_files_atomically(contents, force=force)
        return paths
