"""The corpus's chord record and the folding of note sets onto the 17 qualities.

:class:`ParsedChord` is what every dataset reader produces: a root, a quality of
:data:`image2music.types.CHORD_QUALITIES`, a bass, and how the label was mapped:

* **exact**: the label's notes are exactly the quality's (``C:maj7``, ``Dm7``, ``V7``);
* **simplified**: the chord was folded (``C9`` -> ``7``, ``Cmaj9`` -> ``maj7``,
  ``Cm11`` -> ``min7``, ``Cadd9`` -> ``maj``, ``C69`` -> ``6``, ``C7b9`` ->
  ``7``, ``C7b5`` -> ``7``, ``C(omit5)`` -> ``maj``, power chord with b7 ->
  ``7``);
* **dropped**: the label cannot be read at all (unknown syntax, ``X``, ``*``);
  the reason is kept and counted.

"No chord" (``N``, ``N.C.``) is neither: it is its own token.

Lead-sheet symbols and sounding pitch-class sets are read by the theory core
(:func:`image2music.theory.parse_chord_symbol_ex`,
:func:`image2music.theory.chord_quality_from_pcs`; see :func:`ParsedChord.from_chord`
and :func:`recognise_pitch_classes`). Labels that *list* their notes (Harte
degree lists, MusicXML ``<kind>`` + ``<degree>``, RomanText ``[add]``/``[no]``
changes) are reduced to a root, a set of *core* intervals above it (up to the
seventh), a flag for *extensions* (9ths, 11ths, 13ths and their alterations)
and an optional bass, and :func:`classify_intervals` folds that set. It keeps
every listed note (``C:maj6(7)`` is ``maj7``, ``C:11`` keeps its third and is
``7``), where the symbol grammar of the theory core reads added notes as
droppable extensions.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum

from image2music.theory import chord_quality_from_pcs
from image2music.types import CHORD_QUALITIES, Chord

__all__ = [
    "QUALITY_FAMILIES",
    "ChordStatus",
    "ParsedChord",
    "classify_intervals",
    "make_chord",
    "quality_family",
    "recognise_pitch_classes",
]


class ChordStatus(IntEnum):
    """How a dataset's chord label was mapped onto the vocabulary."""

    EXACT = 0
    SIMPLIFIED = 1
    NONE = 2
    DROPPED = 3


@dataclass(frozen=True)
class ParsedChord:
    """One chord label read from a dataset, in absolute pitch classes.

    Attributes:
        status: Exact, simplified, no-chord or dropped.
        root_pc: Root pitch class 0..11 (-1 for no-chord and dropped).
        quality: Key of ``CHORD_QUALITIES`` ("" for no-chord and dropped).
        bass_pc: Bass pitch class when it is not the root, else -1.
        reason: Why the chord was dropped ("" otherwise).
        raw: The label as written in the dataset.
    """

    status: ChordStatus
    root_pc: int = -1
    quality: str = ""
    bass_pc: int = -1
    reason: str = ""
    raw: str = ""

    @classmethod
    def none(cls, raw: str = "N") -> ParsedChord:
        """A no-chord label."""
        return cls(ChordStatus.NONE, raw=raw)

    @classmethod
    def dropped(cls, raw: str, reason: str) -> ParsedChord:
        """A label that cannot be mapped, with the reason."""
        return cls(ChordStatus.DROPPED, reason=reason, raw=raw)

    @classmethod
    def from_chord(cls, chord: Chord, simplified: bool, raw: str) -> ParsedChord:
        """A mapped chord from a :class:`~image2music.types.Chord` of the theory core.

        Args:
            chord: The vocabulary chord.
            simplified: Whether the label's notes differ from the chord's.
            raw: The label as written.
        """
        status = ChordStatus.SIMPLIFIED if simplified else ChordStatus.EXACT
        bass = -1 if chord.bass_pc is None else chord.bass_pc
        return cls(status, chord.root_pc, chord.quality, bass, "", raw)

    @property
    def is_chord(self) -> bool:
        """Whether this is a mapped chord (exact or simplified)."""
        return self.status in (ChordStatus.EXACT, ChordStatus.SIMPLIFIED)


#: Quality families used by the conditioning features (a partition of the 17).
QUALITY_FAMILIES: dict[str, tuple[str, ...]] = {
    "major": ("maj", "6", "maj7"),
    "minor": ("min", "min6", "min7", "minmaj7"),
    "dominant": ("7",),
    "diminished": ("dim", "dim7", "hdim7"),
    "sus": ("sus2", "sus4", "7sus4", "5"),
    "aug": ("aug", "aug7"),
}
_FAMILY_OF = {q: fam for fam, qs in QUALITY_FAMILIES.items() for q in qs}

_TEMPLATES = {name: frozenset(iv) for name, iv in CHORD_QUALITIES.items()}


def quality_family(quality: str) -> str:
    """Family (key of :data:`QUALITY_FAMILIES`) of a quality."""
    return _FAMILY_OF[quality]


def _fold(core: frozenset[int]) -> str:
    has_maj3, has_min3 = 4 in core, 3 in core
    third = 4 if has_maj3 else (3 if has_min3 else None)
    b7, maj7, bb7, sixth = 10 in core, 11 in core, 9 in core, 9 in core
    if third == 4:
        if 8 in core and 7 not in core:
            return "aug7" if b7 else "aug"
        if b7:
            return "7"
        if maj7:
            return "maj7"
        if sixth:
            return "6"
        return "maj"
    if third == 3:
        if 6 in core and 7 not in core:
            if b7:
                return "hdim7"
            if bb7:
                return "dim7"
            return "dim"
        if b7:
            return "min7"
        if maj7:
            return "minmaj7"
        if sixth:
            return "min6"
        return "min"
    # No third.
    if 5 in core:
        return "7sus4" if b7 else "sus4"
    if 2 in core:
        return "sus2"
    if b7:
        return "7"
    if 6 in core and 7 not in core:
        return "dim"
    if 8 in core and 7 not in core:
        return "aug"
    return "5"


def classify_intervals(core: Iterable[int], extended: bool = False) -> tuple[str, bool]:
    """Fold a set of intervals above the root onto a vocabulary quality.

    Args:
        core: Semitones above the root (taken modulo 12) of the chord tones up
            to the seventh, the root (0) included or not.
        extended: Whether the label also had 9ths, 11ths, 13ths or
            alterations of them (makes the result "simplified").

    Returns:
        ``(quality, exact)``: ``exact`` is true when ``core`` (with the root)
        equals the quality's intervals and nothing was folded.
    """
    pcs = frozenset(i % 12 for i in core) | {0}
    quality = _fold(pcs)
    return quality, (not extended) and pcs == _TEMPLATES[quality]


def make_chord(
    root_pc: int, core: Iterable[int], extended: bool, bass_pc: int | None, raw: str
) -> ParsedChord:
    """Build a mapped :class:`ParsedChord` from a root and its intervals.

    Args:
        root_pc: Root pitch class (any integer; taken modulo 12).
        core: Intervals above the root up to the seventh, in semitones.
        extended: Whether extensions were folded away.
        bass_pc: Bass pitch class, or ``None`` for root position.
        raw: The label as written.

    Returns:
        An exact or simplified chord.
    """
    quality, exact = classify_intervals(core, extended)
    root = root_pc % 12
    bass = -1 if bass_pc is None or bass_pc % 12 == root else bass_pc % 12
    status = ChordStatus.EXACT if exact else ChordStatus.SIMPLIFIED
    return ParsedChord(status, root, quality, bass, "", raw)


@functools.lru_cache(maxsize=4096)
def _recognise(pcset: frozenset[int], bass_pc: int | None) -> Chord | None:
    return chord_quality_from_pcs(pcset, bass_pc)


def recognise_pitch_classes(pcs: Iterable[int], bass_pc: int | None, raw: str) -> ParsedChord:
    """Name a chord from the pitch classes that sound (e.g. a MIDI chord track).

    The chord is :func:`image2music.theory.chord_quality_from_pcs` (every root
    and quality scored by missing and extra notes, ties to the bass as root);
    it is exact when the sounding pitch classes are exactly its tones.

    Args:
        pcs: Sounding pitch classes (MIDI pitches are taken modulo 12).
        bass_pc: Pitch class of the lowest note, or ``None``.
        raw: A description for reports.

    Returns:
        The recognised chord; dropped when no pitch sounds or no vocabulary
        chord fits.
    """
    pcset = frozenset(p % 12 for p in pcs)
    if not pcset:
        return ParsedChord.dropped(raw, "empty chord")
    chord = _recognise(pcset, bass_pc)
    if chord is None:
        return ParsedChord.dropped(raw, "unrecognised chord")
    return ParsedChord.from_chord(chord, pcset != set(chord.pitch_classes), raw)
