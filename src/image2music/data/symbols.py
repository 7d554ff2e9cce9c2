"""Lead-sheet chord symbols of the JazzStandards / iReal charts.

The symbols are read by :func:`image2music.theory.parse_chord_symbol_ex` (root,
quality, alterations, extensions folded, ``/bass``, ``N.C.``). Before that, the
iReal spellings the theory grammar does not know are rewritten:

* text in parentheses is an alternative chord and is ignored (``C7(Gm7)`` is C7);
* ``0`` right after the root is iReal's ``o`` (``Eb07`` is Ebdim7, ``C0`` Cdim);
* ``m/maj7`` is a minor-major seventh (``Bbm/maj7`` is BbmMaj7, the slash is not
  a bass);
* ``maug`` is a minor triad with a raised fifth (``m#5``, folded to ``min``).

Unreadable symbols are dropped with a reason.
"""

from __future__ import annotations

import functools
import re

from image2music.data.chords import ParsedChord
from image2music.errors import TheoryError
from image2music.theory import parse_chord_symbol_ex

__all__ = ["parse_symbol"]

_PARENS = re.compile(r"\([^)]*\)")
_ZERO_DIM = re.compile(r"^([A-G][b#]?)0")
_IREAL = (("m/maj7", "mMaj7"), ("maug", "m#5"))
_NO_CHORD = frozenset({"NoChord"})


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
    text = _ZERO_DIM.sub(r"\1o", _PARENS.sub("", raw).replace(" ", ""))
    if text in _NO_CHORD:
        return ParsedChord.none(raw)
    if not text.startswith(tuple("ABCDEFGN")):
        return ParsedChord.dropped(raw, "chord symbol without a root")
    for ireal, standard in _IREAL:
        text = text.replace(ireal, standard)
    try:
        parsed = parse_chord_symbol_ex(text)
    except TheoryError:
        return ParsedChord.dropped(raw, "unreadable chord symbol")
    if parsed.chord is None:
        return ParsedChord.none(raw)
    return ParsedChord.from_chord(parsed.chord, parsed.simplified, raw)
