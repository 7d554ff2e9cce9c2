"""Rule-based chord progressions: the yardstick the harmony network must beat.

The generator draws a four-chord loop from a weighted set of common pop
progressions, written as scale degrees and realised as the key's diatonic
triads, so that the same loop serves any mode:

* major-third modes: I-V-vi-IV, I-vi-IV-V, I-IV-vi-V, I-iii-IV-V, I-IV-I-V;
* minor-third modes: i-VI-III-VII (the relative of vi-IV-I-V), i-iv-VII-III,
  i-VI-iv-V, i-VII-VI-V (the Andalusian cadence), i-iv-i-V.

Each loop has a home in valence-arousal space; its weight is
``exp(-d^2 / 0.5)`` of the distance from the emotion to that home, and one
loop is drawn with the seeded generator. The loop fills one chord per bar;
the last bar resolves: when the loop's last chord is a cadence chord (V, IV or
bVII) it takes the first half of the bar and the tonic the second (V-I,
IV-I, bVII-I); otherwise the dominant replaces it. In minor the cadential
dominant is major (the raised leading tone of harmonic minor). Calm, pleasant
moods colour tonic and subdominant with major sevenths, tense ones turn the
cadential dominant into a dominant seventh.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from image2music.harmony.base import BAR_COUNTS
from image2music.types import (
    COMMON_TIME,
    MODES,
    Chord,
    Emotion,
    Key,
    Progression,
    TimedChord,
    TimeSignature,
)

__all__ = ["LOOPS", "BaselineHarmony", "Loop", "diatonic_chord"]


@dataclass(frozen=True)
class Loop:
    """A four-chord loop as scale degrees, with its home in valence-arousal space."""

    name: str
    degrees: tuple[int, int, int, int]
    home: tuple[float, float]
    minor: bool


#: The weighted set of loops.
LOOPS: tuple[Loop, ...] = (
    Loop("I-V-vi-IV", (1, 5, 6, 4), (0.7, 0.6), minor=False),
    Loop("I-vi-IV-V", (1, 6, 4, 5), (0.6, 0.1), minor=False),
    Loop("I-IV-vi-V", (1, 4, 6, 5), (0.5, 0.4), minor=False),
    Loop("I-iii-IV-V", (1, 3, 4, 5), (0.4, -0.3), minor=False),
    Loop("I-IV-I-V", (1, 4, 1, 5), (0.6, -0.6), minor=False),
    Loop("i-VI-III-VII", (1, 6, 3, 7), (-0.3, 0.2), minor=True),
    Loop("i-iv-VII-III", (1, 4, 7, 3), (-0.4, -0.3), minor=True),
    Loop("i-VI-iv-V", (1, 6, 4, 5), (-0.7, -0.5), minor=True),
    Loop("i-VII-VI-V", (1, 7, 6, 5), (-0.6, 0.7), minor=True),
    Loop("i-iv-i-V", (1, 4, 1, 5), (-0.6, -0.7), minor=True),
)

_TRIADS = {
    (4, 7): "maj",
    (3, 7): "min",
    (3, 6): "dim",
    (4, 8): "aug",
}


def diatonic_chord(key: Key, degree: int) -> Chord:
    """The triad built on a scale degree (1..7) from the key's own scale."""
    steps = MODES[key.mode]
    i = degree - 1
    root = steps[i]
    third = (steps[(i + 2) % 7] - root) % 12
    fifth = (steps[(i + 4) % 7] - root) % 12
    quality = _TRIADS.get((third, fifth), "maj")
    return Chord((key.tonic_pc + root) % 12, quality)


def _is_cadential(key: Key, chord: Chord) -> bool:
    rel = (chord.root_pc - key.tonic_pc) % 12
    return rel in (5, 7, 10)


class BaselineHarmony:
    """Weighted choice of a common four-chord loop, closed by a cadence."""

    name = "baseline-harmony"
    version = "1.0"

    def generate(
        self,
        emotion: Emotion,
        key: Key,
        bars: int,
        rng: np.random.Generator,
        time_signature: TimeSignature = COMMON_TIME,
    ) -> Progression:
        """Generate a progression.

        Args:
            emotion: Steers the choice of loop and chord colours.
            key: Key and mode of the progression.
            bars: Length in bars: 4, 8 or 16.
            rng: Seeded random generator.
            time_signature: Metre; bars are filled whole.

        Returns:
            A progression that opens on the tonic and closes with a cadence to it.
        """
        from image2music.errors import ConfigError

        if bars not in BAR_COUNTS:
            raise ConfigError(f"bars must be one of {BAR_COUNTS}, got {bars}")
        loop = self.choose_loop(emotion, key, rng)
        chords = [diatonic_chord(key, d) for d in loop.degrees]
        calm_bright = emotion.valence > 0.3 and emotion.arousal < -0.2
        if calm_bright and key.is_major:
            chords = [_with_quality(c, "maj7") if c.quality == "maj" else c for c in chords]
            chords[0] = Chord(key.tonic_pc, "maj7")

        bar_ticks = time_signature.bar_ticks()
        half = bar_ticks // 2
        tonic = diatonic_chord(key, 1)
        timed: list[TimedChord] = []
        for b in range(bars - 1):
            timed.append(TimedChord(chords[b % 4], b * bar_ticks, bar_ticks))
        last_start = (bars - 1) * bar_ticks
        penultimate = chords[(bars - 1) % 4]
        if not _is_cadential(key, penultimate):
            penultimate = self._dominant(key)
        if (penultimate.root_pc - key.tonic_pc) % 12 == 7:
            penultimate = self._dominant(key)
            if emotion.arousal > 0.0:
                penultimate = _with_quality(penultimate, "7")
        timed.append(TimedChord(penultimate, last_start, half))
        timed.append(TimedChord(tonic, last_start + half, bar_ticks - half))
        return Progression(key, tuple(timed), bars, time_signature)

    @staticmethod
    def _dominant(key: Key) -> Chord:
        """Major triad on the fifth degree (raised leading tone in minor modes)."""
        return Chord((key.tonic_pc + 7) % 12, "maj")

    @staticmethod
    def loop_weights(emotion: Emotion, key: Key) -> list[tuple[Loop, float]]:
        """Each loop suited to the key's mode with its weight for this emotion."""
        minor = not key.is_major
        out = []
        for loop in LOOPS:
            if loop.minor != minor:
                continue
            d2 = (emotion.valence - loop.home[0]) ** 2 + (emotion.arousal - loop.home[1]) ** 2
            out.append((loop, math.exp(-d2 / 0.5)))
        return out

    def choose_loop(self, emotion: Emotion, key: Key, rng: np.random.Generator) -> Loop:
        """Draw one loop with probability proportional to its weight."""
        weighted = self.loop_weights(emotion, key)
        w = np.array([x for _, x in weighted], dtype=np.float64)
        idx = int(rng.choice(len(weighted), p=w / w.sum()))
        return weighted[idx][0]


def _with_quality(chord: Chord, quality: str) -> Chord:
    return Chord(chord.root_pc, quality, chord.bass_pc)
