"""Pitch-name parsing shared by the dataset readers.

Dataset-specific spellings are accepted: ``#``/``b`` accidentals (``"F#"``,
``"Bb"``, ``"Cbb"``), MusicXML ``step`` + ``alter`` pairs and RomanText keys
that write flats as ``-`` (``"B-"``).
"""

from __future__ import annotations

import re

__all__ = ["STEP_PCS", "parse_pitch_class", "step_alter_pc"]

#: Pitch class of each natural note letter.
STEP_PCS: dict[str, int] = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}

_NAME = re.compile(r"^([A-Ga-g])([#b\-]*)$")


def parse_pitch_class(text: str) -> int | None:
    """Pitch class of a note name such as ``"C"``, ``"f#"``, ``"Bb"`` or ``"E-"``.

    Args:
        text: A letter A..G (either case) followed by any number of ``#``,
            ``b`` or ``-`` (flat) signs.

    Returns:
        The pitch class 0..11, or ``None`` when ``text`` is not a note name.
    """
    m = _NAME.match(text.strip())
    if m is None:
        return None
    pc = STEP_PCS[m.group(1).upper()]
    for ch in m.group(2):
        pc += 1 if ch == "#" else -1
    return pc % 12


def step_alter_pc(step: str, alter: float) -> int | None:
    """Pitch class of a MusicXML ``step`` with a chromatic ``alter`` in semitones.

    Args:
        step: Note letter ``"A"``..``"G"``.
        alter: Semitones up (negative: down); fractional alters are rounded.

    Returns:
        The pitch class 0..11, or ``None`` for an unknown step.
    """
    base = STEP_PCS.get(step.strip().upper())
    if base is None:
        return None
    return (base + round(alter)) % 12
