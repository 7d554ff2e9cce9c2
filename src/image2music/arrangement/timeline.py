"""Bars and tempos of the sections of a sequence, so that each lasts its seconds exactly.

Each section ``i`` is given ``D_i`` seconds (its picture's share, or its
scene's length in a video; the last section's share includes the held
ending bar). Its bars are chosen among 1 to 16, 20, 24, ... (whole 4-bar
phrases preferred, then even counts; see :func:`bar_choices`) so that the exact tempo is nearest the
section's planned tempo, within :data:`~.form.TEMPO_SLACK` (8 %) where one
fits (where none does, the nearest tempo wins).

**Tempo joins.** When the tempo changes between two sections, the last bar
of the earlier section (of at least :data:`JOIN_MIN_BARS` bars) is played at
the geometric mean of the two tempos, so the tempo moves in two steps. The
lengths stay exact: tempos are solved from the last section backwards, the
earlier section's tempo being the root of
``(bars - 1) x beat_sec(t) + bar at sqrt(t x t_next) = D``.

With the tempo fixed by the user, each section takes the bar count nearest
its seconds at that tempo (the lengths are then approximate).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from image2music.arrangement.form import ENDING_BARS, TEMPO_RANGE_BPM, TEMPO_SLACK

__all__ = ["JOIN_MIN_BARS", "JOIN_MIN_CHANGE", "SectionTime", "bar_choices", "plan_timeline"]

#: Tempo ratio (log) below which the join bar keeps the section's tempo (2 %).
JOIN_MIN_CHANGE = 0.02
#: Shortest section whose last bar moves towards the next tempo (shorter ones
#: would have to rush or drag the rest too much to keep their length).
JOIN_MIN_BARS = 4


@dataclass(frozen=True)
class SectionTime:
    """When and how fast one section plays.

    Attributes:
        bars: Bars of the section (the ending bar not included).
        tempo_bpm: Its tempo.
        join_tempo_bpm: Tempo of its last bar, towards the next section's
            (``None``: the last bar keeps ``tempo_bpm``).
        ending_bars: Held bars after it (the last section only).
    """

    bars: int
    tempo_bpm: float
    join_tempo_bpm: float | None = None
    ending_bars: int = 0

    def seconds(self, beats_per_bar: int) -> float:
        """Length of the section, in seconds."""
        bar = beats_per_bar * 60.0
        body = self.bars + self.ending_bars
        if self.join_tempo_bpm is None:
            return body * bar / self.tempo_bpm
        return (body - 1) * bar / self.tempo_bpm + bar / self.join_tempo_bpm


def bar_choices(longest_bars: int) -> list[tuple[int, int]]:
    """``(bars, preference)`` of every section length up to ``longest_bars``.

    Whole 4-bar phrases (4, 8, 12, ...) come first (preference 0), then the
    even counts up to 16 (2, 6, 10, 14; preference 1), then the odd ones
    (1, 3, ..., 15; preference 2), so short sections can keep their tempo.
    """
    out = [(b, 0 if b % 4 == 0 else 1 if b % 2 == 0 else 2) for b in range(1, 17)]
    return out + [(b, 0) for b in range(20, max(20, longest_bars) + 1, 4)]


def _bars_for(seconds: float, tempo_bpm: float, beats_per_bar: int, ending: int) -> int:
    """Bars whose exact tempo is nearest ``tempo_bpm`` (module docstring)."""
    low, high = TEMPO_RANGE_BPM
    longest = math.ceil(seconds * high / (60.0 * beats_per_bar)) + 4

    def exact(bars: int) -> float:
        return (bars + ending) * beats_per_bar * 60.0 / seconds

    def rank(choice: tuple[int, int]) -> tuple[bool, bool, int, float]:
        tempo = exact(choice[0])
        change = abs(math.log(tempo / tempo_bpm))
        outside = change > math.log1p(TEMPO_SLACK)  # then only the nearest tempo counts
        return (not low <= tempo <= high, outside, 0 if outside else choice[1], change)

    return min(bar_choices(longest), key=rank)[0]


def _solve_tempo(seconds: float, bars: int, next_bpm: float, beats_per_bar: int) -> float:
    """Tempo ``t``: ``bars - 1`` bars at ``t`` and one at ``sqrt(t * next)`` last ``seconds``."""
    bar = beats_per_bar * 60.0
    # x = 1 / sqrt(t): (bars - 1) * bar * x^2 + bar / sqrt(next) * x - seconds = 0
    a, b, c = (bars - 1) * bar, bar / math.sqrt(next_bpm), -seconds
    x = (-b + math.sqrt(b * b - 4 * a * c)) / (2 * a)
    return 1.0 / (x * x)


def plan_timeline(
    seconds: Sequence[float] | None,
    planned_bpm: Sequence[float],
    beats_per_bar: int,
    *,
    bars: int = 8,
    tempo_fixed: bool = False,
) -> tuple[SectionTime, ...]:
    """Bars and tempos of every section (module docstring).

    Args:
        seconds: Length of each section in seconds, the last one's ending
            included; ``None`` gives every section ``bars`` bars at its planned
            tempo.
        planned_bpm: Each section's planned tempo, in bpm.
        beats_per_bar: Quarter notes per bar.
        bars: Bars per section when ``seconds`` is ``None`` (default 8).
        tempo_fixed: Keep the planned tempos (the user's); lengths become approximate.

    Returns:
        One :class:`SectionTime` per section.
    """
    n = len(planned_bpm)
    low, high = TEMPO_RANGE_BPM
    ending = [ENDING_BARS if i == n - 1 else 0 for i in range(n)]
    if seconds is None:
        counts = [bars] * n
        tempos = list(planned_bpm)
    elif tempo_fixed:
        bar_sec = [beats_per_bar * 60.0 / t for t in planned_bpm]
        counts = [
            min(bar_choices(math.ceil(s / b) + 4), key=lambda c: (abs((c[0] + e) * b - s), c[1]))[0]
            for s, b, e in zip(seconds, bar_sec, ending, strict=True)
        ]
        tempos = list(planned_bpm)
    else:
        counts = [
            _bars_for(s, t, beats_per_bar, e)
            for s, t, e in zip(seconds, planned_bpm, ending, strict=True)
        ]
        tempos = [0.0] * n
    out: list[SectionTime] = [SectionTime(0, 1.0)] * n
    for i in reversed(range(n)):
        tempo = tempos[i]
        after = out[i + 1].tempo_bpm if i + 1 < n else None
        if seconds is not None and not tempo_fixed:
            tempo = (counts[i] + ending[i]) * beats_per_bar * 60.0 / seconds[i]
        joins = (
            after is not None
            and counts[i] >= JOIN_MIN_BARS
            and abs(math.log(tempo / after)) > JOIN_MIN_CHANGE
        )
        if joins and seconds is not None and not tempo_fixed:
            assert after is not None
            tempo = _solve_tempo(seconds[i], counts[i], after, beats_per_bar)
        tempo = min(high, max(low, tempo))
        join = math.sqrt(tempo * after) if joins and after is not None else None
        out[i] = SectionTime(counts[i], tempo, join, ending[i])
    return tuple(out)
