"""Pitch classes, note names, MIDI note numbers and intervals.

Pitch classes are integers 0 (C) .. 11 (B). MIDI note 60 is middle C, written
``"C4"`` (scientific pitch notation, octave changes between B and C, so
``"B#3"`` is 60 and ``"Cb4"`` is 59). Note names are a letter A-G (either case)
followed by accidentals: ``#``/``♯`` sharp, ``b``/``♭`` flat, ``##``/``x``/``𝄪``
double sharp, ``bb``/``𝄫`` double flat, ``♮`` natural.

Spelling rules of :func:`pc_to_name`, in order:

* ``prefer_flats=True`` / ``False``: plain flat / sharp names (Db, Eb, ... / C#, D#, ...).
* ``key`` given: the letter of the note's scale degree in the key, so F major has
  Bb, F# major (written Gb major, see :mod:`.keys`) has Cb, A minor has G# for its
  raised seventh; chromatic notes take the degree b2, b3, #4, b6, b7 (and #3, #6,
  #7 in minor), never a double accidental.
* neither: C C# D Eb E F F# G Ab A Bb B.
"""

from __future__ import annotations

import re

from image2music.errors import TheoryError
from image2music.theory._spelling import (
    LETTER_PCS,
    LETTERS,
    check_midi,
    check_pc,
    spell,
    spelling_name,
)
from image2music.types import Key

__all__ = [
    "INTERVAL_NAMES",
    "interval_class",
    "interval_name",
    "interval_up",
    "midi_to_name",
    "name_to_midi",
    "name_to_pc",
    "pc_to_name",
    "signed_interval",
    "transpose_pc",
]

#: Short names of the simple intervals, index = semitones (0..12).
INTERVAL_NAMES = ("P1", "m2", "M2", "m3", "M3", "P4", "TT", "P5", "m6", "M6", "m7", "M7", "P8")

_ACCIDENTAL_VALUES = {"#": 1, "♯": 1, "x": 2, "𝄪": 2, "b": -1, "♭": -1, "𝄫": -2, "♮": 0}
_NOTE_RE = re.compile(r"([A-Ga-g])([#♯x𝄪b♭𝄫♮]*)(-?\d+)?")
_NAME_HINT = "expected a letter A-G with optional accidentals (#, b, ♯, ♭, x), e.g. 'C#' or 'Bb'"


def _parse_note(text: str, *, with_octave: bool) -> tuple[int, int, int | None]:
    """Split a note name into (natural pc, alteration, octave or None)."""
    match = _NOTE_RE.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None or (match.group(3) is not None) != with_octave:
        what = "note name with octave (e.g. 'C4', 'F#3')" if with_octave else "note name"
        raise TheoryError(f"not a {what}: {text!r}; {_NAME_HINT}")
    letter, accidentals, octave = match.groups()
    values = [_ACCIDENTAL_VALUES[a] for a in accidentals]
    if (any(v > 0 for v in values) and any(v < 0 for v in values)) or abs(sum(values)) > 2:
        raise TheoryError(f"not a note name: {text!r}; mixed or more than double accidentals")
    natural = LETTER_PCS[LETTERS.index(letter.upper())]
    return natural, sum(values), None if octave is None else int(octave)


def name_to_pc(name: str) -> int:
    """Pitch class of a note name without octave.

    Args:
        name: E.g. ``"C#"``, ``"Db"``, ``"B#"`` (0), ``"Cb"`` (11), ``"F##"``, ``"B♭"``.

    Returns:
        The pitch class, 0..11.

    Raises:
        TheoryError: If ``name`` is not a note name.
    """
    natural, alteration, _ = _parse_note(name, with_octave=False)
    return (natural + alteration) % 12


def pc_to_name(pc: int, prefer_flats: bool | None = None, key: Key | None = None) -> str:
    """Name of a pitch class (see the module docstring for the spelling rules).

    Args:
        pc: Pitch class, 0..11.
        prefer_flats: ``True`` for flat names, ``False`` for sharp names, ``None``
            (default) to spell by ``key``.
        key: Key whose scale decides the spelling; ``None`` (default) for
            C C# D Eb E F F# G Ab A Bb B.

    Returns:
        E.g. ``"Bb"``; in a key it may be ``"E#"``, ``"B#"``, ``"Cb"`` or ``"Fb"``.

    Raises:
        TheoryError: If ``pc`` is not an integer 0..11.
    """
    return spelling_name(spell(check_pc(pc), prefer_flats, key))


def midi_to_name(midi: int, prefer_flats: bool | None = None, key: Key | None = None) -> str:
    """Name with octave of a MIDI note number, e.g. 60 -> ``"C4"``, 70 -> ``"Bb4"``.

    Args:
        midi: MIDI note number, 0..127.
        prefer_flats: As for :func:`pc_to_name`.
        key: As for :func:`pc_to_name`.

    Returns:
        Note name and octave; the octave belongs to the letter, so a B# that sounds
        as MIDI 60 is ``"B#3"``.

    Raises:
        TheoryError: If ``midi`` is not an integer 0..127.
    """
    check_midi(midi)
    spelling = spell(midi % 12, prefer_flats, key)
    octave = (midi - spelling[1]) // 12 - 1
    return f"{spelling_name(spelling)}{octave}"


def name_to_midi(name: str) -> int:
    """MIDI note number of a name with octave, e.g. ``"A4"`` -> 69, ``"C-1"`` -> 0.

    Raises:
        TheoryError: If ``name`` is not a note name with octave or lies outside 0..127.
    """
    natural, alteration, octave = _parse_note(name, with_octave=True)
    assert octave is not None
    midi = (octave + 1) * 12 + natural + alteration
    if not 0 <= midi <= 127:
        raise TheoryError(f"note {name!r} is MIDI {midi}, outside 0..127")
    return midi


def transpose_pc(pc: int, semitones: int) -> int:
    """Pitch class ``semitones`` above ``pc`` (negative: below), 0..11."""
    return (check_pc(pc) + semitones) % 12


def interval_up(from_pc: int, to_pc: int) -> int:
    """Semitones from ``from_pc`` up to the next ``to_pc``, 0..11."""
    return (check_pc(to_pc) - check_pc(from_pc)) % 12


def interval_class(a: int, b: int) -> int:
    """Smallest distance in semitones between two pitch classes, 0..6."""
    up = interval_up(a, b)
    return min(up, 12 - up)


def signed_interval(from_pc: int, to_pc: int) -> int:
    """Shortest motion in semitones from ``from_pc`` to ``to_pc``, -5..6 (tritone up)."""
    up = interval_up(from_pc, to_pc)
    return up - 12 if up > 6 else up


def interval_name(semitones: int) -> str:
    """Short name of a simple interval: 0 -> ``"P1"``, 3 -> ``"m3"``, 6 -> ``"TT"``, 12 -> ``"P8"``.

    Raises:
        TheoryError: If ``semitones`` is not an integer 0..12.
    """
    if isinstance(semitones, bool) or not isinstance(semitones, int) or not 0 <= semitones <= 12:
        raise TheoryError(f"interval must be an integer 0..12 semitones, got {semitones!r}")
    return INTERVAL_NAMES[semitones]
