"""Articulation from valence: detached and light when happy, joined up when sad.

Articulation is one of the cues listeners use for valence beside the mode
(Gabrielsson and Lindström 2010: staccato reads as happier, legato as sadder
or tenderer). It is applied to the melody and the chords, never to the
ending:

* valence above 0: every note keeps ``gate = 1 - 0.3 * valence`` of its length
  (at least a 16th note), so at valence +0.8 notes sound for about three
  quarters of their written length;
* valence below -0.3: melody notes are joined to the next note when the gap
  is at most an 8th note (legato); chords are left as written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from image2music.types import Emotion, Note

__all__ = ["Articulation", "articulation_for"]

#: Valence below which the melody is played legato.
LEGATO_BELOW = -0.3


@dataclass(frozen=True)
class Articulation:
    """How notes are cut or joined.

    Attributes:
        gate: Share of each note's written length that sounds (0.7..1).
        legato: Whether melody notes are joined to the next one.
        reason: Plain words for the report.
    """

    gate: float
    legato: bool
    reason: str

    def to_report(self) -> dict[str, object]:
        """The ``arrangement.articulation`` object of the report."""
        return {"gate": round(self.gate, 3), "legato": self.legato, "reason": self.reason}

    def apply(
        self, notes: Sequence[Note], *, melody: bool, freeze_from: int, min_ticks: int
    ) -> list[Note]:
        """The notes articulated; notes from ``freeze_from`` on stay as written.

        Args:
            notes: One part's notes, sorted by start.
            melody: Whether the part is the melody (only it is joined legato).
            freeze_from: Tick of the ending's downbeat.
            min_ticks: Shortest length a cut note keeps (a 16th note).
        """
        out = list(notes)
        if self.gate < 1.0:
            out = [
                n
                if n.start_ticks >= freeze_from
                else replace(n, duration_ticks=max(min_ticks, round(n.duration_ticks * self.gate)))
                for n in out
            ]
        if self.legato and melody:
            for i in range(len(out) - 1):
                a, b = out[i], out[i + 1]
                gap = b.start_ticks - a.end_ticks
                if a.start_ticks < freeze_from and 0 < gap <= 2 * min_ticks:
                    out[i] = replace(a, duration_ticks=b.start_ticks - a.start_ticks)
        return out


def articulation_for(emotion: Emotion) -> Articulation:
    """The articulation of an emotion (rules in the module docstring)."""
    v = emotion.valence
    if v > 0:
        gate = 1.0 - 0.3 * v
        return Articulation(gate, False, f"detached ({gate:.0%} of each note): valence {v:+.2f}")
    if v < LEGATO_BELOW:
        return Articulation(1.0, True, f"legato melody: valence {v:+.2f}")
    return Articulation(1.0, False, f"as written: valence {v:+.2f}")
