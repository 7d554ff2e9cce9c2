"""General MIDI instruments chosen from the emotion's quadrant.

A first, documented mapping (issue 6 refines it with the palette):

=========  ==========================  ===================  ===================
quadrant   mood                        melody               chords / bass
=========  ==========================  ===================  ===================
Q1 +V +A   happy, excited              Flute (73)           Piano (0) / Finger bass (33)
Q2 -V +A   tense, angry, afraid        Violin (40)          Strings (48) / Cello (42)
Q3 -V -A   sad, gloomy                 Piano (0)            Strings (48) / Cello (42)
Q4 +V -A   calm, content               Clarinet (71)        E. piano (4) / Acoustic bass (32)
=========  ==========================  ===================  ===================
"""

from __future__ import annotations

from dataclasses import dataclass

from image2music.types import Emotion

__all__ = ["GM_NAMES", "Instrumentation", "instruments_for"]

#: Names of the General MIDI programs this module uses.
GM_NAMES: dict[int, str] = {
    0: "Acoustic Grand Piano",
    4: "Electric Piano 1",
    32: "Acoustic Bass",
    33: "Electric Bass (finger)",
    40: "Violin",
    42: "Cello",
    48: "String Ensemble 1",
    71: "Clarinet",
    73: "Flute",
}


@dataclass(frozen=True)
class Instrumentation:
    """General MIDI programs of the three parts."""

    melody: int
    chords: int
    bass: int


_BY_QUADRANT = {
    1: Instrumentation(73, 0, 33),
    2: Instrumentation(40, 48, 42),
    3: Instrumentation(0, 48, 42),
    4: Instrumentation(71, 4, 32),
}


def instruments_for(emotion: Emotion) -> Instrumentation:
    """The instrumentation for the emotion's Russell quadrant."""
    return _BY_QUADRANT[emotion.quadrant]
