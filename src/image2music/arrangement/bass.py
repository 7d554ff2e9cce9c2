"""The bass line: chord roots in a rhythm that follows the pattern, with passing tones.

* **Pitch**: the chord's bass note (its slash bass, else its root) nearest the
  previous bass note within the register's range; ``fifth`` slots play the
  chord's fifth nearest the root instead (the root again for slash chords and
  chords without a perfect, diminished or augmented fifth).
* **Rhythm** per bar, by accompaniment pattern: ``pad`` one held note;
  ``broken`` and ``arpeggio`` root and fifth in half notes; ``comping`` root on
  1, root on the "and" of 2, fifth on 3, root on 4.
* **Passing tones**: when the bass moves to a different note at the next chord
  and the current chord lasts at least two beats, its last beat becomes a
  passing tone strictly between the two bass notes: the scale tone next to the
  target (an approach by step), else a chromatic tone between them; a move of a
  semitone or less gets none.
* **Ending**: the last chord's bass is held to the end.
"""

from __future__ import annotations

from collections.abc import Sequence

from image2music.arrangement.patterns import NEUTRAL_VELOCITY
from image2music.types import CHORD_QUALITIES, Chord, Key, Note, TimedChord

__all__ = ["bass_line", "bass_pitches", "passing_tone"]

#: Bass rhythm per pattern: (onset, length) in eighth notes from the downbeat,
#: the chord degree to play and an accent.
_RHYTHMS: dict[str, tuple[tuple[int, int, str, int], ...]] = {
    "pad": ((0, 8, "root", 2),),
    "broken": ((0, 4, "root", 4), (4, 4, "fifth", 0)),
    "arpeggio": ((0, 4, "root", 4), (4, 4, "fifth", 0)),
    "comping": ((0, 3, "root", 5), (3, 1, "root", 0), (4, 2, "fifth", 2), (6, 2, "root", 0)),
}


def bass_pitches(chords: Sequence[Chord], low: int, high: int) -> list[int]:
    """The bass note of each chord, each nearest the previous one, in ``low..high``."""
    from image2music.theory import bass_pitch

    out: list[int] = []
    for chord in chords:
        out.append(bass_pitch(chord, low, high, previous=out[-1] if out else None))
    return out


def _fifth(chord: Chord, root_pitch: int, low: int, high: int) -> int:
    fifths = [i for i in CHORD_QUALITIES[chord.quality] if i in (6, 7, 8)]
    if chord.bass_pc is not None or not fifths:
        return root_pitch
    pc = (chord.root_pc + fifths[0]) % 12
    candidates = [p for p in range(low, high + 1) if p % 12 == pc]
    if not candidates:
        return root_pitch
    return min(candidates, key=lambda p: (abs(p - root_pitch), p))


def passing_tone(current: int, target: int, key: Key) -> int | None:
    """A pitch strictly between two bass notes, approaching ``target`` by step.

    Args:
        current: The bass note being left (MIDI).
        target: The next chord's bass note (MIDI).
        key: Its scale supplies the preferred tones.

    Returns:
        The scale tone between them nearest ``target``, else the chromatic
        tone between them nearest ``target``, else ``None`` (a semitone or less apart).
    """
    lo, hi = sorted((current, target))
    between = list(range(lo + 1, hi))
    if not between:
        return None
    scale = set(key.scale_pcs)
    diatonic = [p for p in between if p % 12 in scale]
    pool = diatonic or between
    return min(pool, key=lambda p: (abs(p - target), p))


def bass_line(
    chords: Sequence[TimedChord],
    key: Key,
    pattern: str,
    *,
    low: int,
    high: int,
    bar_ticks: int,
    beat_ticks: int,
    hold_last: bool = True,
) -> list[Note]:
    """Write the bass line (rules in the module docstring).

    Args:
        chords: The chords, in order and contiguous.
        key: The key (for passing tones).
        pattern: Accompaniment pattern (picks the rhythm).
        low: Lowest bass pitch (MIDI).
        high: Highest bass pitch (MIDI).
        bar_ticks: Length of a bar in ticks.
        beat_ticks: Length of a beat in ticks.
        hold_last: Hold the last chord's bass to its end (the ending).

    Returns:
        Monophonic notes at velocity :data:`~.patterns.NEUTRAL_VELOCITY` plus accents.
    """
    eighth = beat_ticks // 2
    rhythm = _RHYTHMS.get(pattern, _RHYTHMS["pad"])
    pitches = bass_pitches([tc.chord for tc in chords], low, high)
    out: list[Note] = []
    for i, (tc, root) in enumerate(zip(chords, pitches, strict=True)):
        last = i == len(chords) - 1
        slots: list[tuple[int, int, int, int]] = []  # start, end, pitch, accent
        if last and hold_last:
            slots.append((tc.start_ticks, tc.end_ticks, root, 4))
        else:
            first_bar = tc.start_ticks - tc.start_ticks % bar_ticks
            for bar_start in range(first_bar, tc.end_ticks, bar_ticks):
                for onset, length, degree, accent in rhythm:
                    t = bar_start + onset * eighth
                    if tc.start_ticks <= t < tc.end_ticks:
                        pitch = root if degree == "root" else _fifth(tc.chord, root, low, high)
                        slots.append((t, min(t + length * eighth, tc.end_ticks), pitch, accent))
            if not slots or slots[0][0] != tc.start_ticks:
                end = slots[0][0] if slots else tc.end_ticks
                slots.insert(0, (tc.start_ticks, end, root, 3))
        if not last and tc.duration_ticks >= 2 * beat_ticks:
            tone = passing_tone(root, pitches[i + 1], key)
            if tone is not None:
                cut = tc.end_ticks - beat_ticks
                slots = [(s, min(e, cut), p, a) for s, e, p, a in slots if s < cut]
                slots.append((cut, tc.end_ticks, tone, 0))
        for start, end, pitch, accent in slots:
            out.append(Note(pitch, start, end - start, NEUTRAL_VELOCITY + accent))
    return out
