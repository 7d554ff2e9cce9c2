"""General MIDI instruments from the mood, the picture's palette and the style.

The mood is the emotion's Russell quadrant; the palette's temperature is the
picture's ``warmth``: warm above +0.15, cool below -0.15, neutral between (and
for grey pictures, saturation below 0.12). Warm palettes lean towards strings
and pads, cool ones towards electric piano and bells; sad moods towards piano
and cello. Each cell is melody / chords / bass / pad layer, as GM program numbers
(names in :mod:`.gm` and ``docs/arrangement.md``):

========  ===================  =====================  ====================
mood      warm                 neutral                cool
========  ===================  =====================  ====================
Q1 happy  73 / 48 / 33 / 49    73 / 0 / 33 / 49       11 / 4 / 33 / 88
Q2 tense  40 / 44 / 42 / 49    40 / 48 / 42 / 49      40 / 5 / 38 / 95
Q3 sad    42 / 89 / 43 / 49    0 / 48 / 42 / 49       0 / 4 / 42 / 94
Q4 calm   71 / 89 / 32 / 49    71 / 24 / 32 / 49      8 / 4 / 32 / 88
========  ===================  =====================  ====================

0 Acoustic Grand Piano, 4/5 Electric Piano 1/2, 8 Celesta, 11 Vibraphone,
24 Acoustic Guitar (nylon), 32 Acoustic Bass, 33 Electric Bass (finger),
38 Synth Bass 1, 40 Violin, 42 Cello, 43 Contrabass, 44 Tremolo Strings,
48/49 String Ensemble 1/2, 71 Clarinet, 73 Flute, 88 Pad 1 (new age),
89 Pad 2 (warm), 94 Pad 7 (halo), 95 Pad 8 (sweep).

A style (:mod:`.styles`) replaces some cells; ``--instruments`` replaces any
part last, e.g. ``melody=flute,chords=strings,bass=cello`` (GM names, aliases
such as ``piano`` or ``epiano``, or program numbers 0..127; see :mod:`.gm`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from image2music.arrangement.gm import GM_NAMES, gm_name, parse_program
from image2music.arrangement.styles import Style
from image2music.errors import ConfigError
from image2music.types import Emotion, ImageFeatures

__all__ = [
    "GM_NAMES",
    "MOOD_NAMES",
    "PARTS",
    "InstrumentChoice",
    "choose_instruments",
    "palette_temperature",
    "parse_instruments",
]

#: Parts whose instrument can be chosen, in track order.
PARTS: tuple[str, ...] = ("melody", "chords", "bass", "pad")

#: Plain name of each Russell quadrant's mood.
MOOD_NAMES: Mapping[int, str] = {1: "happy", 2: "tense", 3: "sad", 4: "calm"}

#: Warmth beyond which a palette counts as warm (or, negated, cool).
WARM_THRESHOLD = 0.15
#: Mean saturation below which a picture counts as grey (neutral temperature).
GREY_SATURATION = 0.12

_TABLE: dict[tuple[int, str], tuple[int, int, int, int]] = {
    (1, "warm"): (73, 48, 33, 49),
    (1, "neutral"): (73, 0, 33, 49),
    (1, "cool"): (11, 4, 33, 88),
    (2, "warm"): (40, 44, 42, 49),
    (2, "neutral"): (40, 48, 42, 49),
    (2, "cool"): (40, 5, 38, 95),
    (3, "warm"): (42, 89, 43, 49),
    (3, "neutral"): (0, 48, 42, 49),
    (3, "cool"): (0, 4, 42, 94),
    (4, "warm"): (71, 89, 32, 49),
    (4, "neutral"): (71, 24, 32, 49),
    (4, "cool"): (8, 4, 32, 88),
}


@dataclass(frozen=True)
class InstrumentChoice:
    """The instrument of one part and why.

    Attributes:
        part: One of :data:`PARTS`.
        program: General MIDI program, 0..127.
        reason: Plain words, e.g. ``"sad mood, cool palette"``.
    """

    part: str
    program: int
    reason: str

    @property
    def name(self) -> str:
        """The General MIDI name of the program."""
        return gm_name(self.program)


def palette_temperature(features: ImageFeatures | None) -> tuple[str, str]:
    """``("warm" | "neutral" | "cool", description)`` of a picture's palette."""
    if features is None:
        return "neutral", "no picture"
    if features.saturation < GREY_SATURATION:
        return "neutral", f"grey picture (saturation {features.saturation:.2f})"
    w = features.warmth
    if w > WARM_THRESHOLD:
        return "warm", f"warm palette (warmth {w:+.2f})"
    if w < -WARM_THRESHOLD:
        return "cool", f"cool palette (warmth {w:+.2f})"
    return "neutral", f"neutral palette (warmth {w:+.2f})"


def parse_instruments(spec: str | None) -> dict[str, int]:
    """Read ``--instruments``: ``part=instrument`` pairs separated by commas.

    Args:
        spec: E.g. ``"melody=flute,chords=strings,bass=42"``; ``None`` or ``""``
            for none.

    Returns:
        Part -> General MIDI program.

    Raises:
        ConfigError: For a malformed pair, an unknown or repeated part, or an
            unknown instrument.
    """
    out: dict[str, int] = {}
    if not spec or not spec.strip():
        return out
    for item in spec.split(","):
        if not item.strip():
            continue
        part, sep, value = item.partition("=")
        part = part.strip().lower()
        if not sep or not value.strip():
            raise ConfigError(
                f"instruments: expected part=instrument, got {item.strip()!r} "
                "(e.g. melody=flute,chords=strings,bass=cello)"
            )
        if part not in PARTS:
            raise ConfigError(f"instruments: unknown part {part!r}; parts are {', '.join(PARTS)}")
        if part in out:
            raise ConfigError(f"instruments: part {part!r} given twice")
        out[part] = parse_program(value)
    return out


def choose_instruments(
    emotion: Emotion,
    features: ImageFeatures | None,
    style: Style,
    overrides: Mapping[str, int] | None = None,
) -> dict[str, InstrumentChoice]:
    """Pick a General MIDI program for every part.

    Args:
        emotion: Gives the mood (Russell quadrant).
        features: Gives the palette temperature; ``None`` counts as neutral.
        style: Its fixed instruments replace the mood table's.
        overrides: Part -> program from the user; they win over everything.

    Returns:
        Part -> choice, for every part of :data:`PARTS`.
    """
    temperature, palette_words = palette_temperature(features)
    mood = MOOD_NAMES[emotion.quadrant]
    programs = _TABLE[(emotion.quadrant, temperature)]
    table_reason = (
        f"{mood} mood (valence {emotion.valence:+.2f}, arousal {emotion.arousal:+.2f}), "
        f"{palette_words}"
    )
    user = dict(overrides or {})
    out: dict[str, InstrumentChoice] = {}
    for part, program in zip(PARTS, programs, strict=True):
        if part in user:
            out[part] = InstrumentChoice(part, user[part], "chosen with --instruments")
        elif part in style.instruments:
            out[part] = InstrumentChoice(part, style.instruments[part], f"{style.name} style")
        else:
            out[part] = InstrumentChoice(part, program, table_reason)
    return out
