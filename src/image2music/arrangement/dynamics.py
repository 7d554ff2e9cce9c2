"""Dynamics: a velocity curve over phrases and the whole piece, and a soft or firm ending.

The level of the accompaniment at tick ``t`` is

``base + swell * sin(pi * p) + arc * sin(pi * t / T) - (swell + arc) / 2``

where ``p`` is the position in the current four-bar phrase (0..1) and ``T``
the onset of the final chord, so every phrase swells towards its middle and
the piece rises to its middle and relaxes towards the end. From the final
chord on, the level is ``base + ending`` instead.

* ``base = 50 + 24 * (arousal + 1) / 2 + 4 * dominance``, rounded (46..78):
  excited pictures play louder (Gabrielsson and Lindström 2010: loudness is a
  cue for arousal and power).
* ``swell = 4 + 4 * (arousal + 1) / 2`` and ``arc = 6``: livelier pieces
  breathe more.
* ``ending`` is -6 (a soft close) for negative valence or arousal, +2 (a firm
  close) otherwise.
* Each part sits at an offset from that level (:data:`PART_OFFSETS`) and adds
  the accents of its pattern; the melody keeps its generator's velocities and
  takes only the curve's shape.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from image2music.arrangement.patterns import NEUTRAL_VELOCITY
from image2music.types import Emotion, Note

__all__ = ["PART_OFFSETS", "Dynamics", "dynamics_for"]

#: Level of each part relative to the accompaniment's level.
PART_OFFSETS: Mapping[str, int] = MappingProxyType(
    {"melody": 0, "chords": 0, "bass": 6, "pad": -16, "drums": -2}
)


@dataclass(frozen=True)
class Dynamics:
    """A velocity curve over a piece.

    Attributes:
        base: Middle level of the accompaniment (MIDI velocity).
        swell: Rise of the level in the middle of each phrase.
        arc: Rise of the level in the middle of the piece.
        ending: Level change of the final chord against ``base``.
        ending_ticks: Onset of the final chord.
        phrase_ticks: Length of a phrase in ticks.
    """

    base: int
    swell: float
    arc: float
    ending: int
    ending_ticks: int
    phrase_ticks: int

    def shape(self, tick: int) -> float:
        """The curve's deviation from ``base`` at ``tick``."""
        if tick >= self.ending_ticks:
            return float(self.ending)
        p = (tick % self.phrase_ticks) / self.phrase_ticks
        whole = tick / max(1, self.ending_ticks)
        return (
            self.swell * math.sin(math.pi * p)
            + self.arc * math.sin(math.pi * whole)
            - (self.swell + self.arc) / 2
        )

    def level(self, tick: int) -> float:
        """The accompaniment's level (velocity) at ``tick``."""
        return self.base + self.shape(tick)

    def apply(self, notes: Iterable[Note], part: str) -> list[Note]:
        """Give pattern notes (velocity ``NEUTRAL_VELOCITY`` + accent) the curve's level.

        For ``part == "melody"`` the notes keep their velocity plus the shape only.
        """
        out = []
        for n in notes:
            if part == "melody":
                v = n.velocity + self.shape(n.start_ticks)
            else:
                v = self.level(n.start_ticks) + PART_OFFSETS[part] + n.velocity - NEUTRAL_VELOCITY
            out.append(Note(n.pitch, n.start_ticks, n.duration_ticks, max(1, min(127, round(v)))))
        return out

    def describe(self) -> dict[str, object]:
        """The curve's parameters for the report."""
        return {
            "base_velocity": self.base,
            "phrase_swell": round(self.swell, 2),
            "piece_arc": round(self.arc, 2),
            "ending": "soft" if self.ending < 0 else "firm",
            "part_offsets": dict(PART_OFFSETS),
        }


def dynamics_for(emotion: Emotion, *, ending_ticks: int, phrase_ticks: int) -> Dynamics:
    """The curve for an emotion (rules in the module docstring)."""
    a = (emotion.arousal + 1.0) / 2.0
    base = round(50 + 24 * a + 4 * emotion.dominance)
    ending = -6 if emotion.valence < 0 or emotion.arousal < 0 else 2
    return Dynamics(base, 4 + 4 * a, 6.0, ending, ending_ticks, phrase_ticks)
