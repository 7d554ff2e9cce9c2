"""Audio: synthesise the MIDI, fit it to the score's length plus a release tail, master it.

1. The score's MIDI file is played by the chosen synthesiser
   (:mod:`.synth`) at 44.1 kHz, stereo.
2. The result is cut or padded with silence to exactly the score's length
   plus :data:`TAIL_SEC` (1.5 s) so that the last notes can ring out.
3. :func:`~.loudness.master` normalises it to -16 LUFS with peaks at most
   -1 dBFS and fades out the last :data:`FADE_SEC` (2.5 s: the last second of
   the held final chord and the tail).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from image2music.rendering.synth import SAMPLE_RATE, SynthChoice

if TYPE_CHECKING:
    import numpy as np

    from image2music.types import Score

__all__ = ["FADE_SEC", "TAIL_SEC", "Audio", "render_audio"]

#: Seconds of release tail kept after the score's last beat.
TAIL_SEC = 1.5
#: Length of the final fade-out, in seconds (it ends with the tail).
FADE_SEC = 2.5


@dataclass(frozen=True)
class Audio:
    """Rendered, mastered audio.

    Attributes:
        samples: Float32 samples, shape ``(frames, 2)``, full scale 1.0.
        sample_rate: In Hz.
        synth: The synthesiser and soundfont that played it.
        loudness_in_lufs: Loudness before normalisation, in LUFS.
        gain_db: Normalisation gain, in dB.
        peak_dbfs: Sample peak after mastering, in dBFS.
    """

    samples: np.ndarray
    sample_rate: int
    synth: SynthChoice
    loudness_in_lufs: float
    gain_db: float
    peak_dbfs: float

    @property
    def duration_sec(self) -> float:
        """Length in seconds."""
        return float(self.samples.shape[0]) / self.sample_rate


def render_audio(score: Score, midi: bytes, synth: SynthChoice) -> Audio:
    """Render a score's MIDI to mastered audio (steps in the module docstring).

    Args:
        score: The score (gives the length).
        midi: Its Standard MIDI File.
        synth: Synthesiser and soundfont.

    Returns:
        The audio: ``score.duration_sec + TAIL_SEC`` seconds at 44.1 kHz.

    Raises:
        OutputError: If synthesis fails.
    """
    import numpy as np

    from image2music.rendering.loudness import master
    from image2music.rendering.synth import synthesise

    frames = round((score.duration_sec + TAIL_SEC) * SAMPLE_RATE)
    raw = synthesise(midi, synth, room=score.room, frames=frames)
    if raw.shape[0] >= frames:
        fitted = raw[:frames]  # a view: no copy of a long piece
    else:
        fitted = np.zeros((frames, 2), dtype=np.float32)
        fitted[: raw.shape[0]] = raw
    del raw
    done = master(fitted, SAMPLE_RATE, fade_sec=FADE_SEC, in_place=True)  # the raw is ours
    return Audio(
        done.samples, SAMPLE_RATE, synth, done.loudness_in_lufs, done.gain_db, done.peak_dbfs
    )
