"""Parser for lead-sheet chord symbols (JazzStandards / iReal charts, MusicXML text).

Accepted: a root (``C``, ``F#``, ``Bb``), a quality suffix, any number of
alterations and an optional ``/bass`` note, e.g. ``Dm6``, ``Em7b5``,
``A7b9``, ``Cmaj7#11``, ``Bbm/maj7``, ``G7sus``, ``C69``, ``F/A``,
``Eb07`` (diminished seventh; iReal writes ``o`` as ``0``), ``Dh7``
(half-diminished), ``C^7`` (major seventh), ``C-7`` (minor seventh).
Text in parentheses is an alternative chord and is ignored. ``N.C.``/``NC``
is no chord. Anything else is dropped with a reason.
"""

from __future__ import annotations

import functools
import re

from image2music.data.chords import ParsedChord, make_chord
from image2music.data.pitch import parse_pitch_class

__all__ = ["parse_symbol"]

_MAJ = (0, 4, 7)
_MIN = (0, 3, 7)

# (suffix, core intervals, extended); matched longest first.
_BASES: tuple[tuple[str, tuple[int, ...], bool], ...] = (
    ("m/maj7", (0, 3, 7, 11), False),
    ("mmaj7", (0, 3, 7, 11), False),
    ("mMaj7", (0, 3, 7, 11), False),
    ("minmaj7", (0, 3, 7, 11), False),
    ("m^7", (0, 3, 7, 11), False),
    ("-^7", (0, 3, 7, 11), False),
    ("mM7", (0, 3, 7, 11), False),
    ("m7b5", (0, 3, 6, 10), False),
    ("m7(b5)", (0, 3, 6, 10), False),
    ("-7b5", (0, 3, 6, 10), False),
    ("mi7b5", (0, 3, 6, 10), False),
    ("h7", (0, 3, 6, 10), False),
    ("h", (0, 3, 6, 10), False),
    ("ø7", (0, 3, 6, 10), False),
    ("ø", (0, 3, 6, 10), False),
    ("maj13", (0, 4, 7, 11), True),
    ("maj9", (0, 4, 7, 11), True),
    ("maj7", (0, 4, 7, 11), False),
    ("Maj13", (0, 4, 7, 11), True),
    ("Maj9", (0, 4, 7, 11), True),
    ("Maj7", (0, 4, 7, 11), False),
    ("ma9", (0, 4, 7, 11), True),
    ("ma7", (0, 4, 7, 11), False),
    ("M9", (0, 4, 7, 11), True),
    ("M7", (0, 4, 7, 11), False),
    ("^13", (0, 4, 7, 11), True),
    ("^9", (0, 4, 7, 11), True),
    ("^7", (0, 4, 7, 11), False),
    ("^", (0, 4, 7, 11), False),
    ("maj", _MAJ, False),
    ("min13", (0, 3, 7, 10), True),
    ("min11", (0, 3, 7, 10), True),
    ("min9", (0, 3, 7, 10), True),
    ("min7", (0, 3, 7, 10), False),
    ("min6", (0, 3, 7, 9), False),
    ("min", _MIN, False),
    ("mi13", (0, 3, 7, 10), True),
    ("mi11", (0, 3, 7, 10), True),
    ("mi9", (0, 3, 7, 10), True),
    ("mi7", (0, 3, 7, 10), False),
    ("mi6", (0, 3, 7, 9), False),
    ("mi", _MIN, False),
    ("m13", (0, 3, 7, 10), True),
    ("m11", (0, 3, 7, 10), True),
    ("m9", (0, 3, 7, 10), True),
    ("m7", (0, 3, 7, 10), False),
    ("m69", (0, 3, 7, 9), True),
    ("m6", (0, 3, 7, 9), False),
    ("madd9", _MIN, True),
    ("m", _MIN, False),
    ("-13", (0, 3, 7, 10), True),
    ("-11", (0, 3, 7, 10), True),
    ("-9", (0, 3, 7, 10), True),
    ("-7", (0, 3, 7, 10), False),
    ("-69", (0, 3, 7, 9), True),
    ("-6", (0, 3, 7, 9), False),
    ("-", _MIN, False),
    ("dim7", (0, 3, 6, 9), False),
    ("dim", (0, 3, 6), False),
    ("o7", (0, 3, 6, 9), False),
    ("07", (0, 3, 6, 9), False),
    ("°7", (0, 3, 6, 9), False),
    ("o", (0, 3, 6), False),
    ("0", (0, 3, 6), False),
    ("°", (0, 3, 6), False),
    ("aug7", (0, 4, 8, 10), False),
    ("+7", (0, 4, 8, 10), False),
    ("aug", (0, 4, 8), False),
    ("+", (0, 4, 8), False),
    ("6/9", (0, 4, 7, 9), True),
    ("69", (0, 4, 7, 9), True),
    ("6", (0, 4, 7, 9), False),
    ("13", (0, 4, 7, 10), True),
    ("11", (0, 4, 7, 10), True),
    ("9", (0, 4, 7, 10), True),
    ("7", (0, 4, 7, 10), False),
    ("alt", (0, 4, 7, 10), True),
    ("sus2", (0, 2, 7), False),
    ("sus4", (0, 5, 7), False),
    ("sus", (0, 5, 7), False),
    ("add9", _MAJ, True),
    ("add2", _MAJ, True),
    ("2", _MAJ, True),
    ("5", (0, 7), False),
    ("", _MAJ, False),
)
_BASES_SORTED = tuple(sorted(_BASES, key=lambda b: -len(b[0])))

_ALTERATIONS = re.compile(
    r"^(?:sus4|sus2|sus|add9|add11|add13|alt|aug|b5|#5|\+5|-5|b9|#9|\+9|-9|b13|#11|\+11|b6|"
    r"13|11|9|maj7|omit3|omit5|no3|no5)"
)
_ROOT = re.compile(r"^([A-G][b#]?)")
_PARENS = re.compile(r"\([^)]*\)")
_NO_CHORD = frozenset({"N.C.", "NC", "N.C", "n", "N", "NoChord"})


def _apply(core: set[int], alteration: str) -> bool:
    """Apply one alteration in place; returns whether it is an extension."""
    if alteration in ("sus", "sus4"):
        core.difference_update({3, 4})
        core.add(5)
    elif alteration == "sus2":
        core.difference_update({3, 4})
        core.add(2)
    elif alteration in ("b5", "-5"):
        core.discard(7)
        core.add(6)
    elif alteration in ("#5", "+5", "aug"):
        core.discard(7)
        core.add(8)
    elif alteration == "b6":
        core.add(8)
    elif alteration == "maj7":
        core.discard(10)
        core.add(11)
    elif alteration in ("omit3", "no3"):
        core.difference_update({3, 4})
    elif alteration in ("omit5", "no5"):
        core.difference_update({6, 7, 8})
    else:
        return True
    return False


@functools.lru_cache(maxsize=4096)
def parse_symbol(symbol: str) -> ParsedChord:
    """Parse one lead-sheet chord symbol.

    Args:
        symbol: E.g. ``"Em7b5"``, ``"Bb7#9"``, ``"F/A"``, ``"C7(Gm7)"``, ``"N.C."``.

    Returns:
        The chord in absolute pitch classes; no-chord for ``N.C.``; dropped
        (with the reason) when the symbol cannot be read.
    """
    raw = symbol.strip()
    text = _PARENS.sub("", raw).replace(" ", "")
    if text in _NO_CHORD:
        return ParsedChord.none(raw)
    m = _ROOT.match(text)
    if m is None:
        return ParsedChord.dropped(raw, "chord symbol without a root")
    root = parse_pitch_class(m.group(1))
    assert root is not None
    rest = text[m.end() :]
    bass: int | None = None
    slash = rest.rfind("/")
    if slash >= 0:
        bass = parse_pitch_class(rest[slash + 1 :])
        if bass is not None:
            rest = rest[:slash]
        elif not rest.endswith(("/9", "/maj7")):
            return ParsedChord.dropped(raw, f"unreadable bass {rest[slash + 1 :]!r}")
    for suffix, intervals, ext in _BASES_SORTED:
        if rest.startswith(suffix):
            core = set(intervals)
            extended = ext
            rest = rest[len(suffix) :]
            break
    else:  # pragma: no cover - "" always matches
        return ParsedChord.dropped(raw, "unknown chord quality")
    while rest:
        am = _ALTERATIONS.match(rest)
        if am is None:
            return ParsedChord.dropped(raw, f"unknown chord suffix {rest!r}")
        extended |= _apply(core, am.group(0))
        rest = rest[am.end() :]
    return make_chord(root, core, extended, bass, raw)
