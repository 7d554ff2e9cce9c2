"""Chord voicing: MIDI pitches for the upper voices and the bass of a chord.

:func:`voice_chord` picks ``n_voices`` distinct MIDI pitches of the chord's tones
within a range. With no previous chord it returns a close position (span of an
octave at most, when the voices allow), doubling the root before the fifth before
anything else, nearest the middle of the range. With a previous voicing it
minimises the total movement of the voices (common tones stay put) plus a
doubling penalty and a penalty for spreading wider than an octave. With fewer
voices than chord tones the fifth is dropped first, then the root (the third and
seventh define the chord). The slash bass is the job of :func:`bass_pitch`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import combinations

from image2music.errors import TheoryError
from image2music.theory._spelling import check_midi
from image2music.theory.chords import chord_symbol
from image2music.types import CHORD_QUALITIES, Chord

__all__ = ["bass_pitch", "voice_chord", "voice_progression"]

#: Which chord intervals to keep first when voices are fewer than chord tones.
_KEEP_ORDER = {3: 0, 4: 0, 2: 0, 5: 0, 10: 1, 11: 1, 9: 1, 6: 1, 8: 1, 0: 2, 7: 3}
#: Penalty per extra copy of a chord interval: the root doubles best, then the fifth.
_DOUBLING = {0: 0.0, 7: 1.0}
_MAX_VOICES = 8


def _tones(chord: Chord, n_voices: int) -> set[int]:
    """Pitch classes to voice: all chord tones, or the most important ``n_voices``."""
    intervals = sorted(CHORD_QUALITIES[chord.quality], key=lambda i: (_KEEP_ORDER[i], i))
    return {(chord.root_pc + i) % 12 for i in intervals[:n_voices]}


def _doubling_cost(pitches: Sequence[int], root: int) -> float:
    counts: dict[int, int] = {}
    for p in pitches:
        counts[p % 12] = counts.get(p % 12, 0) + 1
    return sum((n - 1) * _DOUBLING.get((pc - root) % 12, 2.0) for pc, n in counts.items())


def _movement(pitches: Sequence[int], previous: Sequence[int]) -> float:
    old = sorted(previous)
    if len(old) == len(pitches):
        return float(sum(abs(a - b) for a, b in zip(pitches, old, strict=True)))
    there = sum(min(abs(p - q) for q in old) for p in pitches)
    back = sum(min(abs(p - q) for p in pitches) for q in old)
    return (there + back) / 2


def _candidates(tones: set[int], low: int, high: int, n_voices: int) -> Iterator[tuple[int, ...]]:
    """Every set of ``n_voices`` pitches of ``tones`` that sounds each of them."""
    pitches = [p for p in range(low, high + 1) if p % 12 in tones]
    max_span = 12 * max(2, -(-n_voices // len(tones)))
    for start, first in enumerate(pitches):
        window = [p for p in pitches[start + 1 :] if p - first <= max_span]
        for rest in combinations(window, n_voices - 1):
            voicing = (first, *rest)
            if tones <= {p % 12 for p in voicing}:
                yield voicing


def _check_range(low: int, high: int) -> None:
    check_midi(low, "low")
    check_midi(high, "high")
    if low > high:
        raise TheoryError(f"low ({low}) must not be above high ({high})")


def voice_chord(
    chord: Chord,
    *,
    low: int = 48,
    high: int = 72,
    previous: Sequence[int] | None = None,
    n_voices: int = 4,
) -> tuple[int, ...]:
    """MIDI pitches for the upper voices of ``chord``, ascending.

    Args:
        chord: The chord (its slash bass is ignored; see :func:`bass_pitch`).
        low: Lowest allowed MIDI pitch, 0..127; default 48 (C3).
        high: Highest allowed MIDI pitch, 0..127; default 72 (C5).
        previous: MIDI pitches of the previous chord's voicing to lead smoothly
            from, or ``None`` (default) for a close-position voicing.
        n_voices: Number of distinct pitches, 1..8; default 4.

    Returns:
        ``n_voices`` distinct MIDI pitches in ``low``..``high``, ascending;
        fewer for a chord of fewer tones than voices when the range cannot
        hold that many distinct pitches of it (a power chord in a narrow range).

    Raises:
        TheoryError: If an argument is out of range or the range cannot hold the voicing.
    """
    _check_range(low, high)
    if isinstance(n_voices, bool) or not isinstance(n_voices, int):
        raise TheoryError(f"n_voices must be an integer 1..{_MAX_VOICES}, got {n_voices!r}")
    if not 1 <= n_voices <= _MAX_VOICES:
        raise TheoryError(f"n_voices must be an integer 1..{_MAX_VOICES}, got {n_voices!r}")
    old = None if previous is None else [check_midi(p, "previous pitch") for p in previous]
    tones = _tones(chord, n_voices)
    centre = (low + high) / 2
    best: tuple[tuple[float, float, float, tuple[int, ...]], tuple[int, ...]] | None = None
    for voicing in _candidates(tones, low, high, n_voices):
        span = voicing[-1] - voicing[0]
        doubling = _doubling_cost(voicing, chord.root_pc)
        distance = abs(sum(voicing) / n_voices - centre)
        if old:
            rank = (_movement(voicing, old) + doubling + 0.5 * max(0, span - 12), 0.0, distance)
        else:
            rank = (float(max(0, span - 12)), doubling, distance)
        if best is None or (*rank, voicing) < best[0]:
            best = ((*rank, voicing), voicing)
    if best is None:
        if n_voices > len(tones) and n_voices > 1:
            # A chord of few tones (a power chord) may not fill a narrow range
            # with distinct pitches: voice it with one voice fewer.
            return voice_chord(chord, low=low, high=high, previous=previous, n_voices=n_voices - 1)
        raise TheoryError(
            f"cannot voice {n_voices} notes of {chord_symbol(chord)} in MIDI {low}..{high}"
        )
    return best[1]


def voice_progression(
    chords: Sequence[Chord], *, low: int = 48, high: int = 72, n_voices: int = 4
) -> tuple[tuple[int, ...], ...]:
    """Voice each chord in turn, leading smoothly from the previous voicing.

    The first chord gets a close-position voicing; arguments as for :func:`voice_chord`.
    """
    voicings: list[tuple[int, ...]] = []
    for chord in chords:
        previous = voicings[-1] if voicings else None
        voicings.append(
            voice_chord(chord, low=low, high=high, previous=previous, n_voices=n_voices)
        )
    return tuple(voicings)


def bass_pitch(chord: Chord, low: int = 36, high: int = 52, previous: int | None = None) -> int:
    """MIDI pitch of the chord's bass: the slash bass if any, else the root.

    Args:
        chord: The chord.
        low: Lowest allowed MIDI pitch, 0..127; default 36 (C2).
        high: Highest allowed MIDI pitch, 0..127; default 52 (E3).
        previous: Previous bass pitch; when given the nearest candidate wins (the
            lower on a tie), otherwise the lowest (default ``None``).

    Raises:
        TheoryError: If an argument is out of range or no such pitch lies in the range.
    """
    _check_range(low, high)
    pc = chord.root_pc if chord.bass_pc is None else chord.bass_pc
    candidates = [p for p in range(low, high + 1) if p % 12 == pc]
    if not candidates:
        raise TheoryError(f"no pitch of pitch class {pc} in MIDI {low}..{high}")
    if previous is None:
        return candidates[0]
    check_midi(previous, "previous")
    return min(candidates, key=lambda p: (abs(p - previous), p))
