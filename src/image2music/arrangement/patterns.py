"""Accompaniment patterns: how the chord instrument plays each voiced chord.

Arousal picks the pattern unless a style fixes it:

==============  ==========  ============================================================
arousal         pattern     what it plays (4/4, per bar)
==============  ==========  ============================================================
below -0.35     pad         the whole voicing, held, struck again on every downbeat
-0.35 .. 0.1    broken      one chord tone per beat, in the order low, third-up, second, top
0.1 .. 0.5      arpeggio    eighth notes rising and falling through the voicing
0.5 and above   comping     the whole voicing in short stabs on 1, the "and" of 2, 3 and 4
==============  ==========  ============================================================

In the ``auto`` style a sustaining chord instrument (strings, pads, organ...,
see :func:`~.gm.is_sustained`) plays ``arpeggio`` instead of ``comping``: bowed
stabs sound wrong. Patterns are laid on a bar-relative grid and clipped to each chord; a chord
that starts between grid points gets an onset of its own. Notes come out at
velocity :data:`NEUTRAL_VELOCITY` plus an accent; :mod:`.dynamics` turns that
into the phrase's level. Voicings come from
:func:`~image2music.theory.voice_progression`, which keeps common tones and
moves the other voices by the smallest steps (smooth voice leading).
"""

from __future__ import annotations

from collections.abc import Sequence

from image2music.errors import CompositionError
from image2music.types import Note, TimedChord

__all__ = ["NEUTRAL_VELOCITY", "PATTERNS", "pattern_for", "play_pattern"]

#: Accompaniment pattern names.
PATTERNS: tuple[str, ...] = ("pad", "broken", "arpeggio", "comping")

#: Velocity that :mod:`.dynamics` reads as "the phrase's level, no accent".
NEUTRAL_VELOCITY = 64

#: Arousal thresholds of the patterns after ``pad``.
_THRESHOLDS = ((-0.35, "broken"), (0.1, "arpeggio"), (0.5, "comping"))

#: Comping stabs: (onset, length) in eighth notes from the downbeat, and accent.
_COMPING = ((0, 2, 6), (3, 1, 2), (4, 2, 3), (6, 1, 0))
#: Order in which ``broken`` plays the voices (index 0 is the lowest).
_BROKEN_ORDER = (0, 2, 1, 3)


def pattern_for(arousal: float) -> tuple[str, str]:
    """``(pattern, reason)`` for an arousal in [-1, 1] (table in the module docstring)."""
    name = "pad"
    for threshold, pattern in _THRESHOLDS:
        if arousal >= threshold:
            name = pattern
    return name, f"arousal {arousal:+.2f}"


def _events(pattern: str, bar_ticks: int, beat_ticks: int) -> list[tuple[int, int, int]]:
    """``(offset, length, accent)`` of one bar of a pattern, in ticks from the downbeat."""
    eighth = beat_ticks // 2
    if pattern == "pad":
        return [(0, bar_ticks, 0)]
    if pattern == "broken":
        return [(t, beat_ticks, 4 if t == 0 else 0) for t in range(0, bar_ticks, beat_ticks)]
    if pattern == "arpeggio":
        return [(t, eighth, 3 if t == 0 else 0) for t in range(0, bar_ticks, eighth)]
    if pattern == "comping":
        bars_eighths = bar_ticks // eighth
        out = []
        for start in range(0, bars_eighths, 8):
            for onset, length, accent in _COMPING:
                if start + onset < bars_eighths:
                    out.append(((start + onset) * eighth, length * eighth, accent))
        return out
    raise CompositionError(f"unknown pattern {pattern!r}")


def _voice_order(pattern: str, n: int) -> list[int]:
    if pattern == "broken":
        order = [i for i in _BROKEN_ORDER if i < n]
        return order + [i for i in range(n) if i not in order]
    if pattern == "arpeggio":
        up = list(range(n))
        return up + up[-2:0:-1] if n > 2 else up
    return list(range(n))


def play_pattern(
    chords: Sequence[TimedChord],
    voicings: Sequence[Sequence[int]],
    pattern: str,
    *,
    bar_ticks: int,
    beat_ticks: int,
) -> list[Note]:
    """Play each chord's voicing in a pattern.

    Args:
        chords: The chords, in order.
        voicings: MIDI pitches for each chord, ascending (one per chord).
        pattern: One of :data:`PATTERNS`.
        bar_ticks: Length of a bar in ticks.
        beat_ticks: Length of a beat in ticks.

    Returns:
        The notes, sorted by onset then pitch, at velocity
        :data:`NEUTRAL_VELOCITY` plus accents.

    Raises:
        CompositionError: For an unknown pattern.
    """
    bar = _events(pattern, bar_ticks, beat_ticks)
    out: list[Note] = []
    for tc, voicing in zip(chords, voicings, strict=True):
        onsets: list[tuple[int, int, int]] = []
        first_bar = tc.start_ticks - tc.start_ticks % bar_ticks
        for bar_start in range(first_bar, tc.end_ticks, bar_ticks):
            for offset, length, accent in bar:
                t = bar_start + offset
                if tc.start_ticks <= t < tc.end_ticks:
                    onsets.append((t, min(t + length, tc.end_ticks), accent))
        if not onsets or onsets[0][0] != tc.start_ticks:
            nxt = onsets[0][0] if onsets else tc.end_ticks
            length = bar[0][1] if pattern in ("broken", "arpeggio") else nxt - tc.start_ticks
            onsets.insert(0, (tc.start_ticks, min(tc.start_ticks + length, nxt), 2))
        order = _voice_order(pattern, len(voicing))
        for k, (start, end, accent) in enumerate(onsets):
            velocity = NEUTRAL_VELOCITY + accent
            if pattern in ("broken", "arpeggio"):
                pitches: Sequence[int] = [voicing[order[k % len(order)]]]
            else:
                pitches = voicing
            for p in pitches:
                out.append(Note(p, start, end - start, velocity))
    out.sort(key=lambda n: (n.start_ticks, n.pitch))
    return out
