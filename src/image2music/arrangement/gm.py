"""General MIDI level 1: program names, a few friendly aliases and playable ranges.

Programs are numbered 0..127 as in the MIDI program-change message (Acoustic
Grand Piano is 0; printed GM charts often count from 1). Percussion is not a
program: it is channel 10 (index 9), see :mod:`image2music.arrangement.drums`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from types import MappingProxyType

from image2music.errors import ConfigError

__all__ = [
    "GM_ALIASES",
    "GM_NAMES",
    "PERCUSSION_CHANNEL",
    "SUSTAINED_PROGRAMS",
    "gm_name",
    "is_sustained",
    "parse_program",
    "program_range",
]

#: MIDI channel index of General MIDI percussion (channel 10 counted from 1).
PERCUSSION_CHANNEL = 9

_NAMES = (
    "Acoustic Grand Piano", "Bright Acoustic Piano", "Electric Grand Piano", "Honky-tonk Piano",
    "Electric Piano 1", "Electric Piano 2", "Harpsichord", "Clavinet",
    "Celesta", "Glockenspiel", "Music Box", "Vibraphone",
    "Marimba", "Xylophone", "Tubular Bells", "Dulcimer",
    "Drawbar Organ", "Percussive Organ", "Rock Organ", "Church Organ",
    "Reed Organ", "Accordion", "Harmonica", "Tango Accordion",
    "Acoustic Guitar (nylon)", "Acoustic Guitar (steel)", "Electric Guitar (jazz)",
    "Electric Guitar (clean)", "Electric Guitar (muted)", "Overdriven Guitar",
    "Distortion Guitar", "Guitar Harmonics",
    "Acoustic Bass", "Electric Bass (finger)", "Electric Bass (pick)", "Fretless Bass",
    "Slap Bass 1", "Slap Bass 2", "Synth Bass 1", "Synth Bass 2",
    "Violin", "Viola", "Cello", "Contrabass",
    "Tremolo Strings", "Pizzicato Strings", "Orchestral Harp", "Timpani",
    "String Ensemble 1", "String Ensemble 2", "Synth Strings 1", "Synth Strings 2",
    "Choir Aahs", "Voice Oohs", "Synth Voice", "Orchestra Hit",
    "Trumpet", "Trombone", "Tuba", "Muted Trumpet",
    "French Horn", "Brass Section", "Synth Brass 1", "Synth Brass 2",
    "Soprano Sax", "Alto Sax", "Tenor Sax", "Baritone Sax",
    "Oboe", "English Horn", "Bassoon", "Clarinet",
    "Piccolo", "Flute", "Recorder", "Pan Flute",
    "Blown Bottle", "Shakuhachi", "Whistle", "Ocarina",
    "Lead 1 (square)", "Lead 2 (sawtooth)", "Lead 3 (calliope)", "Lead 4 (chiff)",
    "Lead 5 (charang)", "Lead 6 (voice)", "Lead 7 (fifths)", "Lead 8 (bass + lead)",
    "Pad 1 (new age)", "Pad 2 (warm)", "Pad 3 (polysynth)", "Pad 4 (choir)",
    "Pad 5 (bowed)", "Pad 6 (metallic)", "Pad 7 (halo)", "Pad 8 (sweep)",
    "FX 1 (rain)", "FX 2 (soundtrack)", "FX 3 (crystal)", "FX 4 (atmosphere)",
    "FX 5 (brightness)", "FX 6 (goblins)", "FX 7 (echoes)", "FX 8 (sci-fi)",
    "Sitar", "Banjo", "Shamisen", "Koto",
    "Kalimba", "Bagpipe", "Fiddle", "Shanai",
    "Tinkle Bell", "Agogo", "Steel Drums", "Woodblock",
    "Taiko Drum", "Melodic Tom", "Synth Drum", "Reverse Cymbal",
    "Guitar Fret Noise", "Breath Noise", "Seashore", "Bird Tweet",
    "Telephone Ring", "Helicopter", "Applause", "Gunshot",
)  # fmt: skip

#: Name of every General MIDI program, by program number 0..127.
GM_NAMES: Mapping[int, str] = MappingProxyType(dict(enumerate(_NAMES)))

#: Short names accepted by ``--instruments`` besides the full GM names.
GM_ALIASES: Mapping[str, int] = MappingProxyType(
    {
        "piano": 0,
        "grandpiano": 0,
        "brightpiano": 1,
        "epiano": 4,
        "electricpiano": 4,
        "rhodes": 4,
        "harpsichord": 6,
        "bells": 14,
        "glock": 9,
        "vibes": 11,
        "organ": 16,
        "guitar": 24,
        "nylonguitar": 24,
        "acousticguitar": 25,
        "steelguitar": 25,
        "jazzguitar": 26,
        "electricguitar": 27,
        "bass": 33,
        "electricbass": 33,
        "upright": 32,
        "uprightbass": 32,
        "doublebass": 43,
        "synthbass": 38,
        "strings": 48,
        "pizzicato": 45,
        "harp": 46,
        "choir": 52,
        "voice": 53,
        "horn": 60,
        "brass": 61,
        "sax": 65,
        "saxophone": 65,
        "pad": 89,
        "warmpad": 89,
        "newagepad": 88,
        "halopad": 94,
        "synth": 81,
        "lead": 81,
        "synthlead": 81,
    }
)

#: Comfortable sounding range (lowest, highest MIDI pitch) of melody instruments;
#: programs not listed use :data:`_DEFAULT_RANGE`.
_RANGES: Mapping[int, tuple[int, int]] = MappingProxyType(
    {
        **dict.fromkeys(range(0, 8), (36, 96)),  # pianos, harpsichord, clavinet
        8: (60, 96),  # celesta
        9: (72, 100),  # glockenspiel
        10: (60, 96),  # music box
        11: (53, 89),  # vibraphone
        12: (45, 96),  # marimba
        13: (65, 100),  # xylophone
        14: (60, 77),  # tubular bells
        **dict.fromkeys(range(24, 32), (40, 84)),  # guitars
        **dict.fromkeys(range(32, 40), (28, 60)),  # basses
        40: (55, 93),  # violin
        41: (48, 81),  # viola
        42: (36, 76),  # cello
        43: (28, 60),  # contrabass
        46: (36, 96),  # harp
        47: (40, 57),  # timpani
        56: (55, 82),  # trumpet
        57: (40, 72),  # trombone
        58: (28, 58),  # tuba
        60: (41, 77),  # French horn
        64: (56, 88),  # soprano sax
        65: (49, 81),  # alto sax
        66: (44, 76),  # tenor sax
        67: (36, 69),  # baritone sax
        68: (58, 89),  # oboe
        69: (52, 81),  # English horn
        70: (34, 72),  # bassoon
        71: (50, 89),  # clarinet
        72: (74, 103),  # piccolo
        73: (60, 96),  # flute
        74: (60, 93),  # recorder
        75: (60, 93),  # pan flute
        78: (72, 100),  # whistle
        79: (60, 91),  # ocarina
        110: (55, 93),  # fiddle
    }
)
_DEFAULT_RANGE = (48, 96)

#: Programs whose notes sustain rather than decay: organs, accordions, bowed
#: strings and ensembles, voices, brass, reeds, pipes, synth leads and pads.
SUSTAINED_PROGRAMS: frozenset[int] = frozenset(
    [*range(16, 24), *range(40, 45), *range(48, 55), *range(56, 96)]
)


def _normalise(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


_BY_NAME: dict[str, int] = {_normalise(n): p for p, n in GM_NAMES.items()}


def gm_name(program: int) -> str:
    """The General MIDI name of a program number 0..127, e.g. ``42`` -> ``"Cello"``."""
    return GM_NAMES[program]


def is_sustained(program: int) -> bool:
    """Whether a program sustains its notes (see :data:`SUSTAINED_PROGRAMS`)."""
    return program in SUSTAINED_PROGRAMS


def program_range(program: int) -> tuple[int, int]:
    """Comfortable sounding range ``(low, high)`` in MIDI pitches of a melody instrument."""
    return _RANGES.get(program, _DEFAULT_RANGE)


def parse_program(text: str) -> int:
    """A General MIDI program from a name, an alias or a number.

    Names are matched ignoring case, spaces and punctuation
    (``"electric bass (finger)"``, ``"ElectricBassFinger"``); numbers are
    0..127 as in the MIDI message.

    Args:
        text: What the user wrote.

    Returns:
        The program number, 0..127.

    Raises:
        ConfigError: If the text names no program; the message suggests close names.
    """
    raw = text.strip()
    if re.fullmatch(r"\d+", raw):
        number = int(raw)
        if not 0 <= number <= 127:
            raise ConfigError(f"General MIDI program must be 0..127, got {number}")
        return number
    key = _normalise(raw)
    if key in _BY_NAME:
        return _BY_NAME[key]
    if key in GM_ALIASES:
        return GM_ALIASES[key]
    display = {**{a: a for a in GM_ALIASES}, **{k: GM_NAMES[p] for k, p in _BY_NAME.items()}}
    close = difflib.get_close_matches(key, list(display), n=3, cutoff=0.6)
    hint = f" (did you mean {', '.join(repr(display[c]) for c in close)}?)" if close else ""
    raise ConfigError(
        f"unknown instrument {text!r}{hint}; use a General MIDI name, a number 0..127 "
        f"or one of {', '.join(sorted(GM_ALIASES))}"
    )
