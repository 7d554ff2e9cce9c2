"""The result of :func:`image2music.compose`: music in memory, files on request."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from image2music.arrangement.plan import MusicPlan
from image2music.errors import ConfigError
from image2music.options import ComposeOptions
from image2music.types import Emotion, ImageFeatures, Score

if TYPE_CHECKING:
    from image2music.rendering.audio import Audio
    from image2music.rendering.synth import SynthChoice

__all__ = ["AUDIO_FORMATS", "DEFAULT_FORMATS", "FORMATS", "VIDEO_FORMATS", "Composition"]

#: Output formats :meth:`Composition.write` knows, by file extension.
FORMATS: tuple[str, ...] = ("mid", "wav", "flac", "ogg", "mp3", "musicxml", "png", "json")
#: Formats written when none are named.
DEFAULT_FORMATS: tuple[str, ...] = ("mid", "wav", "json", "png")
#: Formats rendered from the (cached) audio.
AUDIO_FORMATS: tuple[str, ...] = ("wav", "flac", "ogg", "mp3")
#: Formats of a soundtrack composed for a video: the clip with the music (needs ``video``).
VIDEO_FORMATS: tuple[str, ...] = ("mp4",)


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
        synth: The synthesiser for audio (``None``: resolve ``options.synth`` when needed).
        video: The clip the music was composed for (a path or its bytes), for
            the ``mp4`` format; ``None`` for pictures.
    """

    features: ImageFeatures
    emotion: Emotion
    estimated_emotion: Emotion
    plan: MusicPlan
    score: Score
    report: dict[str, Any]
    options: ComposeOptions
    synth: SynthChoice | None = None
    video: str | os.PathLike[str] | bytes | None = None

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

    @functools.cached_property
    def audio(self) -> Audio:
        """The mastered audio, rendered once (see :mod:`image2music.rendering.audio`)."""
        from image2music.rendering.audio import render_audio
        from image2music.rendering.synth import choose_synth

        synth = self.synth or choose_synth(self.options.synth, self.options.soundfont)
        return render_audio(self.score, self.midi, synth)

    def to_pretty_midi(self) -> Any:
        """The music as a ``pretty_midi.PrettyMIDI`` object (a core dependency).

        Raises:
            OutputError: If pretty_midi cannot read the MIDI bytes.
        """
        import io

        import pretty_midi

        from image2music.errors import OutputError

        try:
            return pretty_midi.PrettyMIDI(io.BytesIO(self.midi))
        except Exception as e:  # pretty_midi raises several exception types
            raise OutputError(f"pretty_midi cannot read the MIDI: {e}") from e

    def to_music21(self) -> Any:
        """The music as a ``music21.stream.Score`` (needs the ``musicxml`` extra).

        Raises:
            MissingDependencyError: If music21 is not installed.
            OutputError: If music21 cannot read the MIDI bytes.
        """
        from image2music.errors import MissingDependencyError, OutputError

        try:
            from music21 import converter
        except ImportError as e:
            raise MissingDependencyError("music21", "musicxml", "to_music21()") from e
        try:
            return converter.parseData(self.midi, format="midi")
        except Exception as e:  # music21 raises several exception types
            raise OutputError(f"music21 cannot read the MIDI: {e}") from e

    def render(self, fmt: str) -> bytes:
        """The bytes of one output format (one of :data:`FORMATS`; ``mp4`` with a ``video``).

        Raises:
            ConfigError: For an unknown format.
            MissingDependencyError: For ``musicxml`` without music21.
            OutputError: If rendering fails.
        """
        if fmt == "mid":
            return self.midi
        if fmt == "json":
            return self.report_json.encode("utf-8")
        if fmt in AUDIO_FORMATS:
            from image2music.rendering.encode import encode_audio

            return encode_audio(self.audio.samples, self.audio.sample_rate, fmt)
        if fmt == "musicxml":
            from image2music.rendering.musicxml import musicxml_bytes

            return musicxml_bytes(self.score)
        if fmt == "png":
            from image2music.rendering.pianoroll import pianoroll_png

            return pianoroll_png(self.score, self.features.palette)
        if fmt == "mp4" and self.video is not None:
            from image2music.rendering.mux import mux_video

            return mux_video(
                self.video, self.audio.samples, self.audio.sample_rate, self.score.duration_sec
            )
        if fmt == "mp4":
            raise ConfigError(
                "mp4 needs a video: compose with compose_video() or 'image2music video'"
            )
        raise ConfigError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")

    def _load_samples_meanwhile(self) -> None:
        """Decode the samples the piece plays in a background thread (FluidSynth only).

        Not on one core (:mod:`image2music.cores`): the render decodes them then.
        """
        import threading

        from image2music.cores import on_one_core
        from image2music.rendering.synth import choose_synth, preload_soundfont

        if on_one_core():
            return
        synth = self.synth or choose_synth(self.options.synth, self.options.soundfont)
        if synth.name == "fluidsynth":
            threading.Thread(target=preload_soundfont, args=(synth, self.midi), daemon=True).start()

    def write(
        self,
        outdir: str | os.PathLike[str] = ".",
        formats: Iterable[str] = DEFAULT_FORMATS,
        *,
        stem: str | None = None,
        force: bool = False,
    ) -> dict[str, Path]:
        """Write the chosen formats as ``OUTDIR/STEM.EXT``, all or none.

        Args:
            outdir: Folder for the files; created when missing.
            formats: Extensions from :data:`FORMATS` (default: :data:`DEFAULT_FORMATS`,
                i.e. mid, wav, json and png).
            stem: File name without extension (default: the picture's name).
            force: Overwrite existing files.

        Returns:
            Format -> path written.

        Raises:
            ConfigError: For an unknown format.
            OutputError: If a file exists (without ``force``) or cannot be written.
        """
        from image2music.rendering.files import check_targets, write_files_atomically

        fmts = list(dict.fromkeys(formats))
        known = FORMATS + (VIDEO_FORMATS if self.video is not None else ())
        for fmt in fmts:
            if fmt not in known:
                raise ConfigError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
        name = stem or self.score.title or "image2music"
        if stem is not None and (
            not stem.strip() or stem in (".", "..") or any(c in stem for c in "/\\\0")
        ):
            raise ConfigError(f"name must be a file name without folders, got {stem!r}")
        paths = {fmt: Path(outdir) / f"{name}.{fmt}" for fmt in fmts}
        check_targets(paths.values(), force=force)
        sounding = [f for f in fmts if f in AUDIO_FORMATS + VIDEO_FORMATS]
        if sounding and "audio" not in self.__dict__:  # not rendered yet
            self._load_samples_meanwhile()
        ordered = [f for f in fmts if f not in sounding] + sounding  # audio last
        contents = {paths[fmt]: self.render(fmt) for fmt in ordered}
        write_files_atomically(contents, force=force)
        return paths
