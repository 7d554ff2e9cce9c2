"""Form: how many bars, repeated sections for ``--duration``, and the held ending.

**Length.** With ``bars`` the piece has that many bars (4, 8 or 16) at the
planned tempo. With a duration in seconds the music ends exactly then (the
last note's end; the synthesiser's release tail comes after): among the forms
below, the one whose exact tempo is nearest the planned tempo is chosen, and
the tempo is set so that ``(bars + ENDING_BARS) x beats per bar x 60 / tempo``
equals the duration:

* one section of 4, 8 or 16 bars;
* longer: sections of 8 bars (16 when the count divides by 16), or, when no
  multiple of 8 bars fits within :data:`TEMPO_SLACK` (8 %) of the planned
  tempo, sections of 4 bars (so 12 and 20 bars are forms too).

Forms within 8 % are preferred (8-bar sections before 4-bar ones); when none
is (a very short piece at a slow tempo), the nearest one is taken and the
tempo moves further, never outside :data:`TEMPO_RANGE_BPM`, and the reason
says so.

**Sections.** Two or more sections alternate two progressions, a verse-like
A and a chorus-like B (:func:`section_layout`: A B A B ...); from five
sections on, a bridge C (a third progression, its mood shifted by
:data:`BRIDGE_SHIFT`) comes before the last chorus. Every section gets its
own melody (the B melodies are written a little livelier, see
:data:`CHORUS_LIFT`), so the harmony returns while no section repeats
another note for note; the arrangement varies them further
(:mod:`.layers`: layers entering, a louder chorus, a build).

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

__all__ = [
    "BRIDGE_SHIFT",
    "CHORUS_LIFT",
    "ENDING_BARS",
    "TEMPO_RANGE_BPM",
    "TEMPO_SLACK",
    "Form",
    "add_ending",
    "form_for",
    "join_sections",
    "section_layout",
]

#: Bars added for the held ending.
ENDING_BARS = 1
#: Arousal added for the melodies of B sections (denser, higher: the chorus lifts).
CHORUS_LIFT = 0.25
#: The bridge's mood: valence moved this far towards the other side (a bright
#: piece's bridge darkens, a dark piece's brightens), for its chords and melody.
BRIDGE_SHIFT = 0.6
#: How far the tempo may move from the planned one to make a duration exact (8 %).
TEMPO_SLACK = 0.08
#: Tempos a duration may never push the piece beyond, in bpm.
TEMPO_RANGE_BPM = (40.0, 240.0)


@dataclass(frozen=True)
class Form:
    """The piece's sections.

    Attributes:
        section_bars: Bars in one section (4, 8 or 16).
        sections: How many times the section is played, >= 1.
        reason: Plain words for the report.
        tempo_bpm: The tempo that makes the length exact (``None``: keep the
            planned one, as when bars are asked for).
    """

    section_bars: int
    sections: int
    reason: str
    tempo_bpm: float | None = None

    @property
    def bars(self) -> int:
        """Bars before the ending."""
        return self.section_bars * self.sections


def _candidates(longest_bars: int) -> list[tuple[int, int, int]]:
    """``(section bars, sections, preference)`` of every form up to ``longest_bars``."""
    out = [(4, 1, 0), (8, 1, 0), (4, 3, 1), (16, 1, 0), (4, 5, 1)]
    for total in range(24, max(24, longest_bars) + 1, 4):
        if total % 16 == 0:
            out.append((16, total // 16, 0))
        elif total % 8 == 0:
            out.append((8, total // 8, 0))
        else:
            out.append((4, total // 4, 1))  # 4-bar sections only when 8 cannot fit
    return out


def form_for(
    bars: int,
    duration_sec: float | None,
    tempo_bpm: float,
    time_signature: TimeSignature,
    *,
    tempo_fixed: bool = False,
) -> Form:
    """Sections (and the exact tempo) for a length in bars or a duration (module docstring).

    Args:
        bars: Bars asked for (used when ``duration_sec`` is ``None``).
        duration_sec: Wanted length in seconds, ending included, or ``None``.
        tempo_bpm: The planned tempo, in quarter notes per minute.
        time_signature: The metre.
        tempo_fixed: The user fixed the tempo: keep it and take the form whose
            length is nearest the duration (default ``False``).
    """
    if duration_sec is None:
        return Form(bars, 1, f"{bars} bars as asked")
    quarters = time_signature.bar_ticks(1)  # quarter notes per bar
    low, high = TEMPO_RANGE_BPM
    longest = math.ceil(duration_sec * high / (60.0 * quarters)) + 4

    def exact_tempo(body: int) -> float:
        return (body + ENDING_BARS) * quarters * 60.0 / duration_sec

    def rank(c: tuple[int, int, int]) -> tuple[bool, int, float]:
        change = abs(math.log(exact_tempo(c[0] * c[1]) / tempo_bpm))
        return (change > math.log1p(TEMPO_SLACK), c[2], change)

    if tempo_fixed:
        bar_sec = quarters * 60.0 / tempo_bpm
        section, sections, _ = min(
            _candidates(longest),
            key=lambda c: (abs((c[0] * c[1] + ENDING_BARS) * bar_sec - duration_sec), c[2]),
        )
        length = (section * sections + ENDING_BARS) * bar_sec
        return Form(
            section,
            sections,
            f"{duration_sec:g} s at the fixed {tempo_bpm:g} bpm: {sections} x {section}-bar "
            f"section{'s' if sections > 1 else ''} + {ENDING_BARS} ending bar, {length:.2f} s",
        )
    fits = [c for c in _candidates(longest) if low <= exact_tempo(c[0] * c[1]) <= high]
    section, sections, _ = min(fits or _candidates(longest), key=rank)
    body = section * sections
    tempo = min(high, max(low, exact_tempo(body)))
    shape = f"{sections} x {section}-bar section{'s' if sections > 1 else ''}"
    change = tempo / tempo_bpm - 1.0
    moved = f"tempo {tempo:.2f} bpm ({change:+.1%} from the planned {tempo_bpm:g})"
    if abs(change) > TEMPO_SLACK:
        moved += ": no form fits within 8 %"
    reason = f"{duration_sec:g} s: {shape} + {ENDING_BARS} ending bar at {moved}"
    return Form(section, sections, reason, tempo)


def section_layout(sections: int) -> str:
    """Letters of the sections: ``A`` (verse-like), ``B`` (chorus-like), ``C`` (bridge).

    One section is ``A``; up to four alternate ``A B A B``; from five on, the
    last two are a bridge and a last chorus (``A B A C B``, ``A B A B C B``, ...),
    so the piece leaves its two progressions once before it returns.
    """
    n = max(1, sections)
    if n < 5:
        return "".join("AB"[i % 2] for i in range(n))
    return "".join("AB"[i % 2] for i in range(n - 2)) + "CB"


def join_sections(sections: Sequence[tuple[Progression, Melody]]) -> tuple[Progression, Melody]:
    """Play sections one after another: their chords and melodies, end to end.

    Args:
        sections: ``(progression, melody)`` of each section, in order (same key,
            metre and resolution).

    Returns:
        The long progression and melody.
    """
    first = sections[0][0]
    chords: list[TimedChord] = []
    notes: list[Note] = []
    offset = 0
    for progression, melody in sections:
        chords += [
            TimedChord(tc.chord, tc.start_ticks + offset, tc.duration_ticks)
            for tc in progression.chords
        ]
        notes += [
            Note(n.pitch, n.start_ticks + offset, n.duration_ticks, n.velocity)
            for n in melody.notes
        ]
        offset += progression.total_ticks
    long = Progression(
        first.key,
        tuple(chords),
        sum(p.bars for p, _ in sections),
        first.time_signature,
        first.ticks_per_beat,
    )
    return long, Melody(tuple(notes), first.ticks_per_beat)


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
