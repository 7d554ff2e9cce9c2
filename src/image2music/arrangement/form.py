"""Form: how many bars, repeated sections for ``--duration``, and the held ending.

**Length.** With ``bars`` the piece has that many bars (4, 8 or 16). With a
duration in seconds, the bars that fit are ``duration / bar length - 1`` (one
bar is kept for the ending) and are rounded to a form:

* up to 6 bars: one 4-bar section; up to 12: one 8-bar section; up to 20: one
  16-bar section;
* more: the nearest multiple of 8 bars (halves round up; at least 24),
  played as 16-bar sections when it divides by 16, else as 8-bar sections.

Repeated sections loop the same progression; the melody alternates between
the first melody (A) and a second one composed over the same chords with its
own seed (B), giving A B A B... so the music returns without standing still.

**Ending.** One extra bar: the final chord is held a bar longer, and the
melody's last note moves to the nearest tonic (if it is not one) and is held
to the end. Nothing slows down (no ritardando), so the audio's length is the
score's length plus the synthesiser's release tail.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from image2music.types import Key, Melody, Note, Progression, TimedChord, TimeSignature

__all__ = ["ENDING_BARS", "Form", "add_ending", "form_for", "repeat_sections"]

#: Bars added for the held ending.
ENDING_BARS = 1


@dataclass(frozen=True)
class Form:
    """The piece's sections.

    Attributes:
        section_bars: Bars in one section (4, 8 or 16).
        sections: How many times the section is played, >= 1.
        reason: Plain words for the report.
    """

    section_bars: int
    sections: int
    reason: str

    @property
    def bars(self) -> int:
        """Bars before the ending."""
        return self.section_bars * self.sections


def form_for(
    bars: int, duration_sec: float | None, tempo_bpm: float, time_signature: TimeSignature
) -> Form:
    """Sections for a length in bars or a duration (rules in the module docstring).

    Args:
        bars: Bars asked for (used when ``duration_sec`` is ``None``).
        duration_sec: Wanted length in seconds, ending included, or ``None``.
        tempo_bpm: Tempo in quarter notes per minute.
        time_signature: The metre.
    """
    if duration_sec is None:
        return Form(bars, 1, f"{bars} bars as asked")
    bar_sec = time_signature.bar_ticks(1) * 60.0 / tempo_bpm
    body = duration_sec / bar_sec - ENDING_BARS
    if body <= 6:
        total = 4
    elif body <= 12:
        total = 8
    elif body <= 20:
        total = 16
    else:
        total = 8 * max(3, math.floor(body / 8 + 0.5))
    section = total if total <= 16 else (16 if total % 16 == 0 else 8)
    sections = total // section
    reason = (
        f"{duration_sec:g} s at {tempo_bpm:g} bpm is about {body + ENDING_BARS:.1f} bars: "
        f"{sections} x {section}-bar section{'s' if sections > 1 else ''}"
        f" + {ENDING_BARS} ending bar"
    )
    return Form(section, sections, reason)


def repeat_sections(
    progression: Progression, melodies: Sequence[Melody], sections: int
) -> tuple[Progression, Melody]:
    """Loop a progression ``sections`` times, cycling through ``melodies`` (A B A B...).

    Args:
        progression: One section's chords.
        melodies: One or more melodies over that section.
        sections: How many sections, >= 1.

    Returns:
        The long progression and melody.
    """
    span = progression.total_ticks
    chords: list[TimedChord] = []
    notes: list[Note] = []
    for i in range(sections):
        offset = i * span
        chords += [
            TimedChord(tc.chord, tc.start_ticks + offset, tc.duration_ticks)
            for tc in progression.chords
        ]
        for n in melodies[i % len(melodies)].notes:
            notes.append(Note(n.pitch, n.start_ticks + offset, n.duration_ticks, n.velocity))
    long = Progression(
        progression.key,
        tuple(chords),
        progression.bars * sections,
        progression.time_signature,
        progression.ticks_per_beat,
    )
    return long, Melody(tuple(notes), progression.ticks_per_beat)


def _nearest_tonic(pitch: int, key: Key) -> int:
    candidates = [p for p in range(pitch - 11, pitch + 12) if p % 12 == key.tonic_pc]
    return min(candidates, key=lambda p: (abs(p - pitch), -p))


def add_ending(
    progression: Progression, melody: Melody, bars: int = ENDING_BARS
) -> tuple[Progression, Melody]:
    """Hold the final chord ``bars`` bars longer and end the melody on a held tonic.

    Args:
        progression: The chords.
        melody: The melody.
        bars: Bars to add, >= 0.

    Returns:
        The lengthened progression and melody.
    """
    extra = bars * progression.bar_ticks
    last = progression.chords[-1]
    chords = (
        *progression.chords[:-1],
        TimedChord(last.chord, last.start_ticks, last.duration_ticks + extra),
    )
    longer = Progression(
        progression.key,
        chords,
        progression.bars + bars,
        progression.time_signature,
        progression.ticks_per_beat,
    )
    end = longer.total_ticks
    notes = list(melody.notes)
    key = progression.key
    if notes and notes[-1].start_ticks >= last.start_ticks:
        n = notes[-1]
        notes[-1] = Note(
            _nearest_tonic(n.pitch, key), n.start_ticks, end - n.start_ticks, n.velocity
        )
    elif notes:
        n = notes[-1]
        start = max(last.start_ticks, n.end_ticks)
        notes.append(Note(_nearest_tonic(n.pitch, key), start, end - start, n.velocity))
    return longer, Melody(tuple(notes), melody.ticks_per_beat)
