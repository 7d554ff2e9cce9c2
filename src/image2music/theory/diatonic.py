"""Diatonic chords of a key: the triads and seventh chords built on its scale degrees."""

from __future__ import annotations

from image2music.errors import TheoryError
from image2music.types import MODES, Chord, Key

__all__ = ["diatonic_chord", "diatonic_chords", "is_diatonic", "stacked_quality"]

_TRIADS: dict[tuple[int, ...], str] = {(4, 7): "maj", (3, 7): "min", (3, 6): "dim", (4, 8): "aug"}
_SEVENTHS: dict[tuple[int, ...], str] = {
    (4, 7, 10): "7",
    (4, 7, 11): "maj7",
    (3, 7, 10): "min7",
    (3, 7, 11): "minmaj7",
    (3, 6, 10): "hdim7",
    (3, 6, 9): "dim7",
    (4, 8, 10): "aug7",
}


def stacked_quality(intervals: tuple[int, ...]) -> str | None:
    """Quality of a stack of thirds given as semitones above the root, or ``None``.

    Examples: ``(4, 7)`` -> ``"maj"``, ``(3, 6, 10)`` -> ``"hdim7"``, ``(4, 8, 11)`` -> None.
    """
    return _TRIADS.get(intervals) if len(intervals) == 2 else _SEVENTHS.get(intervals)


def _steps(key: Key, leading_tone: bool) -> tuple[int, ...]:
    steps = MODES[key.mode]
    if leading_tone and key.mode == "minor":
        return (*steps[:6], 11)
    return steps


def diatonic_chord(
    key: Key, degree: int, *, seventh: bool = False, leading_tone: bool = False
) -> Chord:
    """The chord stacked in thirds on a scale degree of ``key``.

    Args:
        key: The key.
        degree: Scale degree, 1..7.
        seventh: Whether to add the seventh (default: triad).
        leading_tone: For minor keys, build V and vii on the raised leading tone
            (V, V7, vii°, vii°7, as in common-practice minor); default ``False``
            uses the natural minor throughout. Other modes ignore it.

    Returns:
        The chord in root position.

    Raises:
        TheoryError: If ``degree`` is not an integer 1..7.
    """
    if isinstance(degree, bool) or not isinstance(degree, int) or not 1 <= degree <= 7:
        raise TheoryError(f"scale degree must be an integer 1..7, got {degree!r}")
    index = degree - 1
    raise_seventh = leading_tone and degree in (5, 7)
    steps = _steps(key, raise_seventh)
    root = steps[index]
    tones = [(steps[(index + k) % 7] - root) % 12 for k in ((2, 4, 6) if seventh else (2, 4))]
    quality = stacked_quality(tuple(tones))
    if quality is None:  # pragma: no cover - every mode's stacks are in the vocabulary
        raise TheoryError(f"degree {degree} of {key} has no vocabulary chord")
    return Chord((key.tonic_pc + root) % 12, quality)


def diatonic_chords(
    key: Key, *, sevenths: bool = False, leading_tone: bool = False
) -> tuple[Chord, ...]:
    """The seven diatonic chords of ``key``, degree 1 first (see :func:`diatonic_chord`).

    C major: C Dm Em F G Am Bdim; A minor: Am Bdim C Dm Em F G, or with
    ``leading_tone=True`` Am Bdim C Dm E F G#dim.
    """
    return tuple(
        diatonic_chord(key, d, seventh=sevenths, leading_tone=leading_tone) for d in range(1, 8)
    )


def is_diatonic(chord: Chord, key: Key) -> bool:
    """Whether every tone of ``chord`` (slash bass included) is in the key's scale."""
    pcs = set(key.scale_pcs)
    bass = () if chord.bass_pc is None else (chord.bass_pc,)
    return all(pc in pcs for pc in (*chord.pitch_classes, *bass))
