"""Parser for Harte-syntax chord labels (McGill Billboard, POP909).

Syntax (Harte et al., ISMIR 2005, with the Billboard additions)::

    root ':' shorthand? ('(' degree (',' degree)* ')')? ('/' bass-degree)?

``root`` is a note name (``C``, ``F#``, ``Bb``); ``shorthand`` one of
:data:`SHORTHANDS`; a degree is ``[b#]*`` + 1..13, prefixed with ``*`` to
omit it; the bass is a degree above the root (``C:maj/3`` is C/E,
``C:min/b3`` is Cm/Eb). A bare root means a major triad. ``N`` is no chord;
``X`` (unknown) and anything unreadable is dropped with a reason.
Degrees 9, 11 and 13 are extensions: they make the mapping "simplified".

The label's degrees are folded by :func:`image2music.data.chords.classify_intervals`,
not by :func:`image2music.theory.parse_chord_symbol_ex`: a Harte degree list is a
set of notes (``C:sus4(b7)`` is C7sus4, ``C:maj6(7)`` has both sixth and seventh,
``C:11`` keeps its third, ``C:1`` is the root alone, ``/9`` is a bass degree),
while the theory grammar reads lead-sheet symbols, whose added notes fold away.
Only the root note name is read by the theory core (:func:`~image2music.theory.name_to_pc`).
"""

from __future__ import annotations

import functools
import re

from image2music.data.chords import ParsedChord, make_chord
from image2music.errors import TheoryError
from image2music.theory import name_to_pc

__all__ = ["SHORTHANDS", "degree_semitones", "parse_harte"]

#: Harte shorthands (and the Billboard extras) as degree lists.
SHORTHANDS: dict[str, tuple[str, ...]] = {
    "maj": ("1", "3", "5"),
    "min": ("1", "b3", "5"),
    "dim": ("1", "b3", "b5"),
    "aug": ("1", "3", "#5"),
    "maj7": ("1", "3", "5", "7"),
    "min7": ("1", "b3", "5", "b7"),
    "7": ("1", "3", "5", "b7"),
    "dim7": ("1", "b3", "b5", "bb7"),
    "hdim7": ("1", "b3", "b5", "b7"),
    "minmaj7": ("1", "b3", "5", "7"),
    "maj6": ("1", "3", "5", "6"),
    "min6": ("1", "b3", "5", "6"),
    "9": ("1", "3", "5", "b7", "9"),
    "maj9": ("1", "3", "5", "7", "9"),
    "min9": ("1", "b3", "5", "b7", "9"),
    "11": ("1", "3", "5", "b7", "9", "11"),
    "maj11": ("1", "3", "5", "7", "9", "11"),
    "min11": ("1", "b3", "5", "b7", "9", "11"),
    "13": ("1", "3", "5", "b7", "9", "11", "13"),
    "maj13": ("1", "3", "5", "7", "9", "11", "13"),
    "min13": ("1", "b3", "5", "b7", "9", "11", "13"),
    "sus2": ("1", "2", "5"),
    "sus4": ("1", "4", "5"),
    "5": ("1", "5"),
    "1": ("1",),
}

_DEGREE_SEMITONES = {1: 0, 2: 2, 3: 4, 4: 5, 5: 7, 6: 9, 7: 11, 9: 14, 11: 17, 13: 21}
_DEGREE = re.compile(r"^([b#]*)(\d+)$")
_LABEL = re.compile(r"^([A-G][b#]*)(?::([^(/]*))?(?:\(([^)]*)\))?(?:/(.+))?$")


def degree_semitones(degree: str) -> int | None:
    """Semitones above the root of a Harte degree such as ``"b3"`` or ``"#11"``.

    Args:
        degree: Accidentals (``b``/``#``, any number) then 1..13.

    Returns:
        Semitones (9ths and above stay above 12), or ``None`` if unreadable.
    """
    m = _DEGREE.match(degree.strip())
    if m is None:
        return None
    base = _DEGREE_SEMITONES.get(int(m.group(2)))
    if base is None:
        return None
    return base + m.group(1).count("#") - m.group(1).count("b")


@functools.lru_cache(maxsize=4096)
def parse_harte(label: str) -> ParsedChord:
    """Parse one Harte chord label.

    Args:
        label: E.g. ``"A:min7"``, ``"C:maj/3"``, ``"G:sus4(b7,9)"``, ``"N"``.

    Returns:
        The chord in absolute pitch classes; no-chord for ``N``; dropped with a
        reason for ``X`` and unreadable labels.
    """
    text = label.strip()
    if text in ("N", "&pause"):
        return ParsedChord.none(text)
    if text == "X":
        return ParsedChord.dropped(text, "unknown chord (X)")
    m = _LABEL.match(text)
    if m is None:
        return ParsedChord.dropped(text, "unreadable Harte label")
    try:
        root = name_to_pc(m.group(1))
    except TheoryError:
        return ParsedChord.dropped(text, "unreadable root")
    shorthand = m.group(2)
    degrees: list[str]
    if not shorthand:
        # "C" is a major triad; "C:(1,3,5)" lists its degrees explicitly.
        degrees = ["1"] if m.group(3) is not None else list(SHORTHANDS["maj"])
    elif shorthand in SHORTHANDS:
        degrees = list(SHORTHANDS[shorthand])
    else:
        return ParsedChord.dropped(text, f"unknown Harte shorthand {shorthand!r}")
    semis: set[int] = set()
    for d in degrees:
        s = degree_semitones(d)
        if s is not None:
            semis.add(s)
    if m.group(3) is not None:
        for item in m.group(3).split(","):
            item = item.strip()
            if not item:
                continue
            omit = item.startswith("*")
            s = degree_semitones(item.lstrip("*"))
            if s is None:
                return ParsedChord.dropped(text, f"unreadable degree {item!r}")
            if omit:
                semis.discard(s)
            else:
                semis.add(s)
    extended = any(s >= 12 for s in semis)
    core = {s for s in semis if s < 12}
    bass: int | None = None
    if m.group(4) is not None:
        b = degree_semitones(m.group(4))
        if b is None:
            return ParsedChord.dropped(text, f"unreadable bass degree {m.group(4)!r}")
        bass = root + b
    return make_chord(root, core, extended, bass, text)
