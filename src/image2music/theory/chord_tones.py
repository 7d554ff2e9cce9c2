"""Chord tones: pitch classes, spelled names, transposition and chord recognition.

Works on :class:`~image2music.types.Chord` values of the vocabulary
:data:`~image2music.types.CHORD_QUALITIES`; see :mod:`.chords` for symbols.
"""

from __future__ import annotations

from collections.abc import Iterable

from image2music.errors import TheoryError
from image2music.theory._spelling import LETTER_PCS, signed, spell, spelling_name
from image2music.types import CHORD_QUALITIES, Chord, Key

__all__ = [
    "QUALITY_PREFERENCE",
    "chord_quality_from_pcs",
    "chord_tone_names",
    "chord_tones",
    "is_chord_tone",
    "transpose_chord",
]

#: Order in which :func:`chord_quality_from_pcs` prefers qualities that fit equally well.
QUALITY_PREFERENCE = (
    "maj",
    "min",
    "7",
    "maj7",
    "min7",
    "dim",
    "dim7",
    "hdim7",
    "aug",
    "sus4",
    "sus2",
    "7sus4",
    "6",
    "min6",
    "minmaj7",
    "aug7",
    "5",
)

# Letters spanned by each interval above the root (a 6th spans 5, a diminished 7th 6).
_LETTER_STEPS = {0: 0, 2: 1, 3: 2, 4: 2, 5: 3, 6: 4, 7: 4, 8: 4, 9: 5, 10: 6, 11: 6}


def chord_tones(chord: Chord) -> tuple[int, ...]:
    """Pitch classes of a chord, root first; a slash bass outside the chord comes last.

    Examples: ``Chord(7, "7")`` -> ``(7, 11, 2, 5)``; C/Bb -> ``(0, 4, 7, 10)``.
    """
    tones = chord.pitch_classes
    if chord.bass_pc is not None and chord.bass_pc not in tones:
        tones = (*tones, chord.bass_pc)
    return tones


def is_chord_tone(pc: int, chord: Chord) -> bool:
    """Whether a pitch class (or MIDI pitch, taken modulo 12) sounds in ``chord``."""
    return pc % 12 in chord_tones(chord)


def transpose_chord(chord: Chord, semitones: int) -> Chord:
    """The chord moved by ``semitones`` (any integer), bass included."""
    bass = None if chord.bass_pc is None else (chord.bass_pc + semitones) % 12
    return Chord((chord.root_pc + semitones) % 12, chord.quality, bass)


def chord_tone_names(chord: Chord, key: Key | None = None) -> tuple[str, ...]:
    """Spelled names of the chord tones, root first, e.g. D7 -> ``("D", "F#", "A", "C")``.

    The root is spelled as by :func:`~.pitch.pc_to_name` (by ``key`` when given);
    the other tones by interval above it, so Ebdim7 is ``("Eb", "Gb", "Bbb", "Dbb")``.
    A slash bass outside the chord comes last, spelled like a root.
    """
    root_letter, _ = spell(chord.root_pc, key=key)
    names = []
    for interval in CHORD_QUALITIES[chord.quality]:
        steps = 6 if chord.quality == "dim7" and interval == 9 else _LETTER_STEPS[interval]
        letter = (root_letter + steps) % 7
        pc = (chord.root_pc + interval) % 12
        names.append(spelling_name((letter, signed(pc - LETTER_PCS[letter]))))
    if chord.bass_pc is not None and chord.bass_pc not in chord.pitch_classes:
        names.append(spelling_name(spell(chord.bass_pc, key=key)))
    return tuple(names)


def _cost(sounding: set[int], template: set[int], fifth: int | None) -> float:
    missing = template - sounding
    extra = sounding - template
    return len(extra) + sum(0.5 if pc == fifth else 1.5 for pc in missing)


def chord_quality_from_pcs(pcs: Iterable[int], bass: int | None = None) -> Chord | None:
    """Recognise a vocabulary chord in a set of pitch classes.

    Every root among the sounding pitch classes and every quality is scored:
    each extra pitch class costs 1, a missing fifth 0.5 and any other missing tone
    1.5; the lowest cost wins, ties going to the chord rooted on ``bass``, then to
    the earlier quality in :data:`QUALITY_PREFERENCE`, then to the lower root. So
    {C, E, G, Bb, D} is C7 (the 9th is extra) and {A, C, E, G} is Am7, or C6 when
    the bass is C.

    Args:
        pcs: Sounding pitch classes (MIDI pitches are taken modulo 12); duplicates
            are ignored.
        bass: Lowest sounding pitch class, or ``None`` if unknown (default). It
            counts as sounding and becomes the chord's slash bass when it is not
            the root.

    Returns:
        The best chord, or ``None`` for fewer than two pitch classes or when no
        chord costs 1 or less.

    Raises:
        TheoryError: If a value is not an integer.
    """
    sounding = set()
    for pc in pcs:
        if isinstance(pc, bool) or not isinstance(pc, int):
            raise TheoryError(f"pitch classes must be integers, got {pc!r}")
        sounding.add(pc % 12)
    if bass is not None:
        bass %= 12
        sounding.add(bass)
    if len(sounding) < 2:
        return None
    best: tuple[tuple[float, int, int, int], Chord] | None = None
    for root in sorted(sounding):
        for rank, quality in enumerate(QUALITY_PREFERENCE):
            intervals = CHORD_QUALITIES[quality]
            template = {(root + i) % 12 for i in intervals}
            fifth = (root + 7) % 12 if 7 in intervals else None
            cost = _cost(sounding, template, fifth)
            key = (cost, 0 if root == bass else 1, rank, root)
            if best is None or key < best[0]:
                best = (key, Chord(root, quality, bass))
    assert best is not None
    return best[1] if best[0][0] <= 1.0 else None
