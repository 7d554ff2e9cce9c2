"""Splitting a song into phrases.

Rule: when the dataset marks sections (McGill Billboard, JazzStandards), a
phrase starts at every section start; sections longer than
:data:`MAX_PHRASE_BARS` bars are cut into windows of that length. Otherwise
the song is cut into consecutive windows of :data:`MAX_PHRASE_BARS` bars
from bar 0 (the last window may be shorter). Phrases are whole bars.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["MAX_PHRASE_BARS", "PhraseSpan", "split_phrases"]

#: Longest phrase, in bars.
MAX_PHRASE_BARS = 8


@dataclass(frozen=True)
class PhraseSpan:
    """A phrase: bars ``[start_bar, end_bar)`` and its section label ("" if none)."""

    start_bar: int
    end_bar: int
    label: str


def split_phrases(
    bar_starts: Sequence[float],
    sections: Sequence[tuple[float, str]],
    max_bars: int = MAX_PHRASE_BARS,
) -> list[PhraseSpan]:
    """Phrase spans of a song.

    Args:
        bar_starts: Onset of every bar in beats, ascending.
        sections: ``(onset_beats, label)`` section starts (may be empty).
        max_bars: Longest phrase in bars.

    Returns:
        Consecutive spans covering all bars.
    """
    n = len(bar_starts)
    if n == 0:
        return []
    starts: dict[int, str] = {0: ""}
    for onset, label in sections:
        i = bisect.bisect_right(bar_starts, onset + 1e-6) - 1
        # Snap to the nearer bar line.
        if i + 1 < n and bar_starts[i + 1] - onset < onset - bar_starts[max(i, 0)]:
            i += 1
        starts[max(i, 0)] = label
    bounds = sorted(starts)
    spans: list[PhraseSpan] = []
    for k, b0 in enumerate(bounds):
        b1 = bounds[k + 1] if k + 1 < len(bounds) else n
        for s in range(b0, b1, max_bars):
            spans.append(PhraseSpan(s, min(s + max_bars, b1), starts[b0]))
    return spans
