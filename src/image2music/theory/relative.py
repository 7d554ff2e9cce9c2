"""Key-relative chord tokens: the form the data corpus and the networks use.

A chord in a key becomes ``(root_interval, quality, bass_interval)``: the root in
semitones above the tonic (0..11), the quality (a key of
:data:`~image2music.types.CHORD_QUALITIES`) and the slash bass in semitones above
the chord's *root* (``None`` for root position), so an inversion has the same
token in every key and on every root (C/E in C major: ``(0, "maj", 4)``).
"""

from __future__ import annotations

from image2music.errors import TheoryError
from image2music.theory.scales import degree_and_alteration_of
from image2music.types import CHORD_QUALITIES, Chord, Key

__all__ = ["degree_of", "from_relative", "relative_root", "to_relative"]


def relative_root(chord: Chord, key: Key) -> int:
    """Semitones from the key's tonic up to the chord's root, 0..11."""
    return (chord.root_pc - key.tonic_pc) % 12


def degree_of(chord: Chord, key: Key) -> tuple[int, int]:
    """Scale degree (1..7) and alteration (-1, 0, +1) of the chord's root in ``key``.

    Relative to the key's own scale (natural minor for minor keys): Bb in C major
    is ``(7, -1)``; E in A minor ``(5, 0)``; G# in A minor ``(7, 1)``.
    """
    return degree_and_alteration_of(chord.root_pc, key)


def to_relative(chord: Chord, key: Key) -> tuple[int, str, int | None]:
    """Token of ``chord`` in ``key``: (root above tonic, quality, bass above root or None).

    Example: G7/B in C major -> ``(7, "7", 4)``; :func:`from_relative` inverts it.
    """
    bass = None if chord.bass_pc is None else (chord.bass_pc - chord.root_pc) % 12
    return relative_root(chord, key), chord.quality, bass


def _interval(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 11:
        raise TheoryError(f"{what} must be an integer 0..11 semitones, got {value!r}")
    return value


def from_relative(interval: int, quality: str, key: Key, bass_interval: int | None = None) -> Chord:
    """Chord from a key-relative token (see :func:`to_relative`).

    Args:
        interval: Root in semitones above the tonic, 0..11.
        quality: A key of :data:`~image2music.types.CHORD_QUALITIES`.
        key: The key.
        bass_interval: Slash bass in semitones above the chord root, 0..11;
            ``None`` (default) or 0 for root position.

    Raises:
        TheoryError: If a value is out of range or ``quality`` is unknown.
    """
    root = (key.tonic_pc + _interval(interval, "root interval")) % 12
    if quality not in CHORD_QUALITIES:
        raise TheoryError(
            f"unknown chord quality {quality!r}: expected one of {tuple(CHORD_QUALITIES)}"
        )
    bass = (
        None if bass_interval is None else (root + _interval(bass_interval, "bass interval")) % 12
    )
    return Chord(root, quality, bass)
