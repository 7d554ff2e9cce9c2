"""Seeded humanisation: small shifts of onsets and velocities, swing, no overlaps.

* **Timing**: each onset moves by a whole number of ticks drawn uniformly from
  ``-timing_ticks..timing_ticks``; the arranger turns the style's spread in
  milliseconds (8 ms by default) into ticks at the piece's tempo. The note's
  release stays where it was, and nothing moves before tick 0.
* **Velocity**: each velocity changes by a whole number drawn uniformly from
  ``-velocity_jitter..velocity_jitter``, kept in 1..127.
* **Never on the ending**: notes from the final chord's downbeat on are left
  exactly as written.
* **Swing** (styles only): every note on an off-beat eighth starts
  ``swing_ticks`` later.
* Draws come from the explicit ``numpy.random.Generator`` handed in, one
  array per track in a fixed order, so the same seed gives the same MIDI bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from image2music.types import Note

__all__ = ["humanise", "remove_overlaps", "swing"]


def humanise(
    notes: Sequence[Note],
    rng: np.random.Generator,
    *,
    timing_ticks: int,
    velocity_jitter: int,
    freeze_from: int,
) -> list[Note]:
    """Nudge onsets and velocities (rules in the module docstring).

    Args:
        notes: The notes of one track.
        rng: Source of the draws; two arrays of ``len(notes)`` integers are drawn.
        timing_ticks: Largest onset shift in ticks, >= 0.
        velocity_jitter: Largest velocity change, >= 0.
        freeze_from: Notes starting at or after this tick are not touched.

    Returns:
        The nudged notes, in the same order.
    """
    n = len(notes)
    shifts = rng.integers(-timing_ticks, timing_ticks + 1, size=n)
    jitter = rng.integers(-velocity_jitter, velocity_jitter + 1, size=n)
    out = []
    for note, dt, dv in zip(notes, shifts.tolist(), jitter.tolist(), strict=True):
        if note.start_ticks >= freeze_from:
            out.append(note)
            continue
        start = max(0, note.start_ticks + int(dt))
        end = max(note.end_ticks, start + 1)
        velocity = max(1, min(127, note.velocity + int(dv)))
        out.append(Note(note.pitch, start, end - start, velocity))
    return out


def swing(
    notes: Iterable[Note], swing_ticks: int, *, beat_ticks: int, freeze_from: int
) -> list[Note]:
    """Delay notes on off-beat eighths by ``swing_ticks``, keeping their releases.

    Args:
        notes: The notes.
        swing_ticks: Delay in ticks (0 leaves the notes straight).
        beat_ticks: Length of a beat in ticks.
        freeze_from: Notes starting at or after this tick are not touched.
    """
    eighth = beat_ticks // 2
    out = []
    for n in notes:
        offbeat = n.start_ticks % beat_ticks == eighth
        if swing_ticks and offbeat and n.start_ticks < freeze_from:
            start = n.start_ticks + swing_ticks
            end = max(n.end_ticks, start + 1)
            out.append(Note(n.pitch, start, end - start, n.velocity))
        else:
            out.append(n)
    return out


def remove_overlaps(notes: Iterable[Note], *, monophonic: bool = False) -> list[Note]:
    """Cut each note short where the next note of the same pitch (or any, if monophonic) starts.

    Two notes of one pitch on one channel must not overlap in MIDI: the first
    note-off would silence the second note. A note that would be left with no
    length is dropped.

    Returns:
        The notes sorted by onset, then pitch.
    """
    ordered = sorted(notes, key=lambda n: (n.start_ticks, n.pitch, -n.duration_ticks))
    out: list[Note] = []
    last: dict[int, int] = {}  # pitch (or 0 when monophonic) -> index in out
    for n in ordered:
        slot = 0 if monophonic else n.pitch
        i = last.get(slot)
        if i is not None:
            prev = out[i]
            if n.start_ticks <= prev.start_ticks:
                continue  # same onset: keep the first (longest)
            if prev.end_ticks > n.start_ticks:
                out[i] = Note(
                    prev.pitch, prev.start_ticks, n.start_ticks - prev.start_ticks, prev.velocity
                )
        last[slot] = len(out)
        out.append(n)
    return out
