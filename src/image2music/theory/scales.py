"""Scales of keys: pitch classes, MIDI pitches, scale degrees and diatonic steps.

Functions taking a ``pitch`` accept a pitch class (0..11) or a MIDI note number
(0..127); only ``pitch % 12`` matters for them. Degrees are 1 (tonic) .. 7 and
are relative to the key's own scale (natural minor for minor keys), so the
raised leading tone of A minor (G#) is degree ``"#7"`` and Eb in C major ``"b3"``.
"""

from __future__ import annotations

import re

from image2music.errors import TheoryError
from image2music.theory._spelling import check_midi, degree_and_alteration
from image2music.types import MODES, Key

__all__ = [
    "degree_and_alteration_of",
    "degree_pc",
    "diatonic_step",
    "is_in_scale",
    "nearest_in_scale",
    "scale_degree",
    "scale_pcs",
    "scale_pitches",
]

_DEGREE_RE = re.compile(r"([#b♯♭]*)([1-7])")


def scale_pcs(key: Key) -> tuple[int, ...]:
    """Pitch classes of the key's scale, tonic first (C major: 0, 2, 4, 5, 7, 9, 11)."""
    return key.scale_pcs


def scale_pitches(key: Key, low: int = 48, high: int = 72) -> tuple[int, ...]:
    """MIDI pitches of the key's scale from ``low`` to ``high``, both included, ascending.

    Args:
        key: The key.
        low: Lowest MIDI pitch, 0..127; default 48 (C3).
        high: Highest MIDI pitch, 0..127; default 72 (C5).

    Raises:
        TheoryError: If a bound is not a MIDI pitch.
    """
    check_midi(low, "low")
    check_midi(high, "high")
    pcs = set(key.scale_pcs)
    return tuple(p for p in range(low, high + 1) if p % 12 in pcs)


def _pc(pitch: int) -> int:
    return check_midi(pitch, "pitch") % 12


def is_in_scale(pitch: int, key: Key) -> bool:
    """Whether a pitch class or MIDI pitch belongs to the key's scale."""
    return _pc(pitch) in key.scale_pcs


def degree_and_alteration_of(pitch: int, key: Key) -> tuple[int, int]:
    """Scale degree (1..7) and alteration (-1, 0, +1) of a pitch in ``key``.

    Diatonic pitches have alteration 0; chromatic ones are named b2, b3, #4, b6,
    b7 in major (and #3, #6, #7 in minor), relative to the key's own scale.
    Examples: Eb in C major -> ``(3, -1)``, G# in A minor -> ``(7, 1)``.
    """
    degree, alteration = degree_and_alteration((_pc(pitch) - key.tonic_pc) % 12, MODES[key.mode])
    return degree + 1, alteration


def scale_degree(pitch: int, key: Key) -> str:
    """Scale degree as text: ``"1"`` .. ``"7"``, or altered, e.g. ``"b3"``, ``"#4"``."""
    degree, alteration = degree_and_alteration_of(pitch, key)
    return ("#" if alteration > 0 else "b" * -alteration) + str(degree)


def degree_pc(degree: int | str, key: Key) -> int:
    """Pitch class of a scale degree: ``1`` .. ``7`` or text such as ``"b3"``, ``"#4"``.

    Raises:
        TheoryError: If ``degree`` is not a degree 1..7 with optional accidentals.
    """
    text = str(degree) if isinstance(degree, int) and not isinstance(degree, bool) else degree
    match = _DEGREE_RE.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise TheoryError(f"not a scale degree: {degree!r}; expected 1..7, e.g. 5, 'b3', '#4'")
    accidentals, number = match.groups()
    alteration = sum(1 if a in "#♯" else -1 for a in accidentals)
    return (key.tonic_pc + MODES[key.mode][int(number) - 1] + alteration) % 12


def diatonic_step(pitch: int, steps: int, key: Key) -> int:
    """Move a MIDI pitch by ``steps`` scale steps within ``key``.

    Args:
        pitch: MIDI pitch, 0..127.
        steps: Scale steps, positive up, negative down. From a pitch outside the
            scale, one step up is the next scale pitch above and one step down the
            next below; 0 returns ``pitch`` unchanged.
        key: The key.

    Returns:
        The MIDI pitch reached.

    Raises:
        TheoryError: If ``pitch`` or the result lies outside 0..127.
    """
    check_midi(pitch, "pitch")
    pcs = set(key.scale_pcs)
    current, direction = pitch, (1 if steps > 0 else -1)
    for _ in range(abs(steps)):
        current += direction
        while current % 12 not in pcs:
            current += direction
    if not 0 <= current <= 127:
        raise TheoryError(f"{steps} scale steps from MIDI {pitch} leave 0..127 (reach {current})")
    return current


def nearest_in_scale(pitch: int, key: Key) -> int:
    """The scale pitch nearest to a MIDI pitch, the lower one on a tie; itself if in the scale.

    Raises:
        TheoryError: If ``pitch`` is not a MIDI pitch or nothing in 0..127 qualifies.
    """
    check_midi(pitch, "pitch")
    pcs = set(key.scale_pcs)
    for distance in range(12):
        for candidate in (pitch - distance, pitch + distance):
            if 0 <= candidate <= 127 and candidate % 12 in pcs:
                return candidate
    raise TheoryError(f"no pitch of {key} near MIDI {pitch}")  # pragma: no cover
