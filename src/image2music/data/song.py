"""The common per-song representation every dataset reader produces.

Readers convert their format into :class:`SongRecord` in *absolute* terms
(chord roots as pitch classes, keys as :class:`~image2music.types.Key`,
time in quarter-note beats from the start of bar 0). The normaliser
(:mod:`image2music.data.normalise`) then makes chords key-relative,
quantises the melody and computes phrases and features.

Time conventions: ``onset``/``duration`` values are in beats (quarter notes,
floats); bar 0 starts at beat 0. A pickup (anacrusis) is padded at the front
to a full bar, so bars are whole and the first notes sit late in bar 0.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import TypeVar

from image2music.data.chords import ParsedChord
from image2music.types import Key

__all__ = [
    "ChordEvent",
    "DatasetReport",
    "NoteEvent",
    "SongRecord",
    "SongSkip",
    "add_change",
    "bar_starts_for",
    "bars_from_metres",
]

_log = logging.getLogger("image2music.data")

T = TypeVar("T")


class SongSkip(Exception):  # noqa: N818 - a control-flow signal, not an error
    """Raised by a reader for one malformed or unusable item; carries the reason."""


@dataclass(frozen=True)
class ChordEvent:
    """A chord label placed in time.

    Attributes:
        onset: Start, in beats from the start of bar 0.
        duration: Length in beats, > 0.
        chord: The parsed label (absolute pitch classes).
    """

    onset: float
    duration: float
    chord: ParsedChord


@dataclass(frozen=True)
class NoteEvent:
    """A melody note (before quantisation).

    Attributes:
        onset: Start, in beats from the start of bar 0.
        duration: Length in beats, > 0.
        pitch: MIDI note number.
    """

    onset: float
    duration: float
    pitch: int


@dataclass
class SongRecord:
    """One song as read from a dataset, before normalisation.

    Attributes:
        dataset: Dataset name (e.g. ``"pop909"``).
        local_id: Stable id within the dataset (e.g. ``"001"`` or a path).
        title: Title as written ("" when unknown).
        artist: Artist or composer ("" when unknown).
        time_signature: ``(numerator, denominator)`` of the first bar.
        bar_starts: Onset of every bar in beats, ascending, the first 0.0.
        end: End of the song in beats (end of the last bar).
        keys: ``(onset, key)`` segments, ascending, the first at 0.0; chords
            and notes are made relative to the key in force at their onset.
        chords: Chord events, ascending by onset.
        notes: Melody notes, ascending by onset (empty for chord-only sets).
        sections: ``(onset, label)`` section starts where the dataset has them.
        tempo_bpm: Tempo in quarter notes per minute, NaN when unknown.
        emotion_q: Russell quadrant 1..4 from a human label, 0 when none.
        official_split: ``"train"``/``"valid"``/``"test"`` when the dataset
            prescribes one, else "".
        chord_source: ``"annotated"`` or ``"estimated"`` (chords inferred
            from notes; excluded from the mapping statistics).
        key_source: ``"annotated"`` or ``"estimated"``.
    """

    dataset: str
    local_id: str
    title: str
    artist: str
    time_signature: tuple[int, int]
    bar_starts: list[float]
    end: float
    keys: list[tuple[float, Key]]
    chords: list[ChordEvent] = field(default_factory=list)
    notes: list[NoteEvent] = field(default_factory=list)
    sections: list[tuple[float, str]] = field(default_factory=list)
    tempo_bpm: float = math.nan
    emotion_q: int = 0
    official_split: str = ""
    chord_source: str = "annotated"
    key_source: str = "annotated"

    @property
    def song_id(self) -> str:
        """Stable corpus-wide id: ``"<dataset>/<local_id>"``."""
        return f"{self.dataset}/{self.local_id}"


@dataclass
class DatasetReport:
    """What happened while reading one dataset.

    Attributes:
        dataset: Dataset name.
        items_total: Items (songs, files, tunes) found.
        items_read: Items turned into a song.
        skipped: Reason -> number of items skipped for it.
        examples: Up to 20 ``"item: reason"`` strings per reason, for the log.
        notes: Free-form counters (e.g. melody notes moved by octaves).
    """

    dataset: str
    items_total: int = 0
    items_read: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)
    notes: Counter[str] = field(default_factory=Counter)

    def skip(self, item: str, reason: str, detail: str = "") -> None:
        """Record (and log) one skipped item.

        Args:
            item: The item's name (file or song id).
            reason: Short category, counted (e.g. ``"no chord annotations"``).
            detail: Specifics for the log and the examples.
        """
        self.skipped[reason] += 1
        ex = self.examples.setdefault(reason, [])
        text = f"{item}: {detail}" if detail else item
        if len(ex) < 20:
            ex.append(text[:300])
        _log.warning(
            "%s: skipped %s: %s%s", self.dataset, item, reason, f" ({detail})" * bool(detail)
        )

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return {
            "dataset": self.dataset,
            "items_total": self.items_total,
            "items_read": self.items_read,
            "skipped": dict(sorted(self.skipped.items())),
            "examples": {k: v for k, v in sorted(self.examples.items())},
            "notes": dict(sorted(self.notes.items())),
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> DatasetReport:
        """Inverse of :meth:`to_json`."""
        rep = cls(str(data["dataset"]))
        rep.items_total = int(str(data["items_total"]))
        rep.items_read = int(str(data["items_read"]))
        skipped = data.get("skipped", {})
        examples = data.get("examples", {})
        notes = data.get("notes", {})
        assert isinstance(skipped, dict) and isinstance(examples, dict)
        assert isinstance(notes, dict)
        rep.skipped = Counter({str(k): int(v) for k, v in skipped.items()})
        rep.examples = {str(k): [str(x) for x in v] for k, v in examples.items()}
        rep.notes = Counter({str(k): int(v) for k, v in notes.items()})
        return rep


def add_change(changes: list[tuple[float, T]], onset: float, value: T) -> None:
    """Append ``(onset, value)`` to ascending changes (keys, tonics), in place.

    A change at the onset of the last one replaces it; a change to the value
    already in force is left out.
    """
    if changes and abs(changes[-1][0] - onset) < 1e-9:
        changes[-1] = (onset, value)
    elif not changes or changes[-1][1] != value:
        changes.append((onset, value))


def bar_starts_for(n_bars: int, bar_beats: float) -> list[float]:
    """Onsets of ``n_bars`` bars of equal length.

    Args:
        n_bars: Number of bars, >= 0.
        bar_beats: Length of one bar in beats.

    Returns:
        ``[0, bar_beats, 2 * bar_beats, ...]``.
    """
    return [i * bar_beats for i in range(n_bars)]


def bars_from_metres(metres: list[tuple[float, int, int]], end: float) -> list[float]:
    """Bar onsets from metre changes, up to ``end``.

    A metre change takes effect at the first bar line at or after its onset.

    Args:
        metres: ``(onset_beats, numerator, denominator)``, ascending; the
            first one applies from beat 0 (4/4 when empty).
        end: End of the music in beats.

    Returns:
        Bar onsets in beats covering ``[0, end)`` (at least one bar).
    """
    ms = metres or [(0.0, 4, 4)]
    bars: list[float] = []
    pos = 0.0
    i = 0
    while True:
        while i + 1 < len(ms) and ms[i + 1][0] <= pos + 1e-6:
            i += 1
        bars.append(pos)
        pos += 4.0 * ms[i][1] / ms[i][2]
        if pos >= end - 1e-6:
            return bars
