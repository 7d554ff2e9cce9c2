"""Letter-name spelling shared by pitch, key and chord names (private).

A *spelling* is a ``(letter, alteration)`` pair: ``letter`` indexes ``"CDEFGAB"``
(0..6) and ``alteration`` counts semitones (+1 sharp, -1 flat, +-2 double).
Keys are spelled with the fewest accidentals in their signature; notes in a key
are spelled with the letter of their scale degree (diatonic notes) or of the
degree in :data:`CHROMATIC_DEGREE` (chromatic notes: b2, b3, #4, b6, b7 and the
raised 3, 6, 7 of minor keys), falling back to the plain name when that would
need a double accidental (D, not Ebb, in Db major).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from image2music.errors import TheoryError
from image2music.types import MODES, Key

__all__ = [
    "CHROMATIC_DEGREE",
    "LETTERS",
    "LETTER_PCS",
    "MODE_STEP",
    "Spelling",
    "check_midi",
    "check_pc",
    "degree_and_alteration",
    "key_fifths",
    "signed",
    "spell",
    "spell_default",
    "spell_in_key",
    "spelling_name",
    "tonic_spelling",
]

Spelling = tuple[int, int]

#: Natural note letters, index = letter number.
LETTERS = "CDEFGAB"
#: Pitch class of each natural letter.
LETTER_PCS = (0, 2, 4, 5, 7, 9, 11)
#: Position of each natural letter on the line of fifths (C = 0, G = 1, F = -1).
_LETTER_FIFTHS = (0, 2, 4, -1, 1, 3, 5)

#: Semitones from the tonic of the parent major scale to the tonic of each mode.
MODE_STEP: Mapping[str, int] = MappingProxyType(
    {
        "major": 0,
        "dorian": 2,
        "phrygian": 4,
        "lydian": 5,
        "mixolydian": 7,
        "minor": 9,
        "locrian": 11,
    }
)

#: Zero-based scale degree naming a chromatic interval above the tonic
#: (index = semitones): 1 -> b2, 3 -> b3 / #3 ... , 6 -> #4, 8 -> b6, 10 -> b7.
CHROMATIC_DEGREE = (0, 1, 1, 2, 2, 3, 3, 4, 5, 5, 6, 6)

#: Spelling without a key: C C# D Eb E F F# G Ab A Bb B.
_DEFAULT_SPELLING: tuple[Spelling, ...] = (
    (0, 0),
    (0, 1),
    (1, 0),
    (2, -1),
    (2, 0),
    (3, 0),
    (3, 1),
    (4, 0),
    (5, -1),
    (5, 0),
    (6, -1),
    (6, 0),
)


def signed(semitones: int) -> int:
    """Fold an interval into -6..5 semitones."""
    return (semitones + 6) % 12 - 6


def check_pc(value: object, what: str = "pitch class") -> int:
    """Return ``value`` if it is an int pitch class 0..11, else raise TheoryError."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 11:
        raise TheoryError(f"{what} must be an integer 0..11, got {value!r}")
    return value


def check_midi(value: object, what: str = "MIDI pitch") -> int:
    """Return ``value`` if it is an int MIDI note number 0..127, else raise TheoryError."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 127:
        raise TheoryError(f"{what} must be an integer 0..127, got {value!r}")
    return value


def spelling_name(spelling: Spelling) -> str:
    """Text of a spelling, e.g. ``(6, -1)`` -> ``"Bb"``, ``(3, 2)`` -> ``"F##"``."""
    letter, alteration = spelling
    return LETTERS[letter] + ("#" * alteration if alteration > 0 else "b" * -alteration)


def tonic_spelling(tonic_pc: int, mode: str) -> Spelling:
    """Spelling of a key's tonic with the fewest accidentals in the signature.

    Ties (six sharps or six flats) go to the flat side: Gb major, Eb minor.
    """
    best: tuple[tuple[int, int], Spelling] | None = None
    for letter, natural in enumerate(LETTER_PCS):
        alteration = signed(tonic_pc - natural)
        if abs(alteration) > 1:
            continue
        fifths = _major_fifths((letter, alteration)) + _mode_offset(mode)
        rank = (abs(fifths), fifths)
        if best is None or rank < best[0]:
            best = (rank, (letter, alteration))
    assert best is not None
    return best[1]


def _major_fifths(spelling: Spelling) -> int:
    return _LETTER_FIFTHS[spelling[0]] + 7 * spelling[1]


def _mode_offset(mode: str) -> int:
    # Fifths from a mode's key signature to that of the major key on the same tonic.
    return {0: 0, 2: -2, 4: -4, 5: 1, 7: -1, 9: -3, 11: -5}[MODE_STEP[mode]]


def key_fifths(key: Key) -> int:
    """Key signature of ``key``: number of sharps (> 0) or flats (< 0)."""
    return _major_fifths(tonic_spelling(key.tonic_pc, key.mode)) + _mode_offset(key.mode)


def degree_and_alteration(interval: int, steps: tuple[int, ...]) -> tuple[int, int]:
    """Zero-based degree and alteration (-1, 0, +1) naming ``interval`` in a scale.

    Args:
        interval: Semitones above the tonic, 0..11.
        steps: The scale's seven steps in semitones above the tonic.

    Returns:
        ``(degree, alteration)``: the degree whose step holds ``interval``, or for a
        chromatic interval the degree from :data:`CHROMATIC_DEGREE` and how far
        ``interval`` lies from it.
    """
    if interval in steps:
        return steps.index(interval), 0
    degree = CHROMATIC_DEGREE[interval]
    return degree, signed(interval - steps[degree])


def spell_default(pc: int) -> Spelling:
    """Spelling without a key: C C# D Eb E F F# G Ab A Bb B."""
    return _DEFAULT_SPELLING[pc % 12]


def spell_in_key(pc: int, key: Key) -> Spelling:
    """Spell a pitch class by its scale degree in ``key`` (see module docstring)."""
    tonic_letter, _ = tonic_spelling(key.tonic_pc, key.mode)
    degree, _ = degree_and_alteration((pc - key.tonic_pc) % 12, MODES[key.mode])
    letter = (tonic_letter + degree) % 7
    alteration = signed(pc - LETTER_PCS[letter])
    if abs(alteration) <= 1:
        return letter, alteration
    return spell_default(pc)  # instead of a double accidental (always on a natural note)


def spell(pc: int, prefer_flats: bool | None = None, key: Key | None = None) -> Spelling:
    """Spell a pitch class by the rules of :func:`image2music.theory.pitch.pc_to_name`."""
    if prefer_flats is not None:
        spelling = spell_default(pc)
        if spelling[1] == 0:
            return spelling
        step = -1 if prefer_flats else 1
        return LETTER_PCS.index((pc - step) % 12), step
    if key is not None:
        return spell_in_key(pc, key)
    return spell_default(pc)
