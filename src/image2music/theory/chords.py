"""Chord symbols: parse lead-sheet / Harte symbols and print canonical ones.

Parsing reads the root, the quality and an optional slash bass, works out which
intervals the symbol asks for and maps them onto the vocabulary
:data:`~image2music.types.CHORD_QUALITIES`:

* 9ths, 11ths, 13ths, added notes and altered extensions (b9, #9, #11, b13, alt)
  are dropped: C9, C13, C7b9, C7#9, C7alt -> 7; Cmaj9 -> maj7; Cm9, Cm11 -> min7;
  Cadd9 -> maj; C69 -> 6; Cm69 -> min6; CmMaj9 -> minmaj7.
* A dominant 11th (C11, C9sus4) becomes 7sus4, since its 11th replaces the third.
* Notes the vocabulary lacks are folded onto the nearest quality: C7b5 -> 7,
  C(b5) -> maj, Cmaj7#5 -> aug, C7sus2 -> 7sus4, Cmaj7sus4 -> sus4.
* Omitted notes (no3, no5) keep the quality they leave, C(no3) being C5.

:class:`ParsedChord` records with ``simplified=True`` every symbol whose notes differ
from the vocabulary chord it was mapped to. ``N.C.``, ``NC`` and ``N`` mean no chord.
The bass may be a note (``C/E``) or a Harte degree above the root (``C:maj/3``).

Printing uses one canonical suffix per quality (:data:`QUALITY_SUFFIXES`): C, Cm,
Cdim, Caug, Csus2, Csus4, C5, C6, Cm6, C7, Cmaj7, Cm7, CmMaj7, Cm7b5, Cdim7,
Caug7, C7sus4, with roots spelled by key (see :func:`~.pitch.pc_to_name`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from image2music.errors import TheoryError
from image2music.theory._chord_grammar import DEGREE_SEMITONES, read_quality
from image2music.theory._spelling import spell, spelling_name
from image2music.theory.chord_tones import chord_tone_names
from image2music.theory.pitch import name_to_pc
from image2music.types import Chord, Key

__all__ = [
    "QUALITY_SUFFIXES",
    "ParsedChord",
    "chord_symbol",
    "parse_chord",
    "parse_chord_symbol",
    "parse_chord_symbol_ex",
]

#: Canonical symbol suffix of each quality.
QUALITY_SUFFIXES: Mapping[str, str] = MappingProxyType(
    {
        "maj": "",
        "min": "m",
        "dim": "dim",
        "aug": "aug",
        "sus2": "sus2",
        "sus4": "sus4",
        "5": "5",
        "6": "6",
        "min6": "m6",
        "7": "7",
        "maj7": "maj7",
        "min7": "m7",
        "minmaj7": "mMaj7",
        "hdim7": "m7b5",
        "dim7": "dim7",
        "aug7": "aug7",
        "7sus4": "7sus4",
    }
)

_NO_CHORD = frozenset({"NC", "N"})
_ROOT_RE = re.compile(r"([A-G][#b♯♭]*):?")
_HARTE_DEGREE_RE = re.compile(r"([#b]*)(1[0-3]|[1-9])")
_REPLACEMENTS = (
    ("6/9", "69"),
    ("♭", "b"),
    ("♯", "#"),
    ("º", "°"),
    ("Ø", "ø"),
    ("∆", "Δ"),
    ("△", "Δ"),
    ("^", "Δ"),
)


@dataclass(frozen=True)
class ParsedChord:
    """Outcome of parsing a chord symbol.

    Attributes:
        chord: The vocabulary chord, or ``None`` for no chord (``N.C.``).
        simplified: Whether the symbol's notes differ from ``chord``'s (extensions
            or alterations dropped, notes folded); ``False`` for an exact mapping.
        original: The text that was parsed.
    """

    chord: Chord | None
    simplified: bool
    original: str


def _normalise(text: str) -> str:
    for old, new in _REPLACEMENTS:
        text = text.replace(old, new)
    return re.sub(r"[\s,]", "", text)


def _split_parentheses(text: str) -> tuple[str, str]:
    head, _, tail = text.partition("(")
    if ")" in head or (tail and not tail.endswith(")")):
        raise TheoryError("unbalanced parentheses")
    return head, tail.replace("(", "").replace(")", "")


def _bass(text: str, root_pc: int) -> int:
    degree = _HARTE_DEGREE_RE.fullmatch(text)
    if degree is not None:
        alteration = degree.group(1).count("#") - degree.group(1).count("b")
        return (root_pc + DEGREE_SEMITONES[int(degree.group(2))] + alteration) % 12
    try:
        return name_to_pc(text)
    except TheoryError:
        raise TheoryError(f"bad bass {text!r}") from None


def parse_chord_symbol_ex(text: str) -> ParsedChord:
    """Parse a chord symbol and report whether it had to be simplified.

    Args:
        text: E.g. ``"F#m7b5"``, ``"Bbmaj7/D"``, ``"C9"``, ``"C:min7"``, ``"N.C."``.

    Returns:
        The chord (``None`` for no chord), whether it was simplified, and ``text``.

    Raises:
        TheoryError: If ``text`` is not a chord symbol; the message names it.
    """
    if not isinstance(text, str):
        raise TheoryError(f"cannot parse chord symbol {text!r}: not a string")
    stripped = text.strip()
    if stripped.upper().replace(".", "").replace(" ", "") in _NO_CHORD:
        return ParsedChord(None, False, text)
    root_match = _ROOT_RE.match(stripped)
    try:
        if root_match is None:
            raise TheoryError("expected a root A-G")
        root_pc = name_to_pc(root_match.group(1))
        rest = _normalise(stripped[root_match.end() :])
        bass_pc = None
        if "/" in rest:
            rest, bass_text = rest.rsplit("/", 1)
            bass_pc = _bass(bass_text, root_pc)
        quality, simplified = read_quality(*_split_parentheses(rest))
    except (ValueError, TheoryError) as e:
        raise TheoryError(f"cannot parse chord symbol {text!r}: {e}") from None
    return ParsedChord(Chord(root_pc, quality, bass_pc), simplified, text)


def parse_chord_symbol(text: str) -> Chord | None:
    """Parse a chord symbol into a vocabulary chord, ``None`` for ``N.C.`` / ``NC``.

    See the module docstring for the accepted symbols and the folding rules;
    :func:`parse_chord_symbol_ex` also tells whether the symbol was simplified.

    Raises:
        TheoryError: If ``text`` is not a chord symbol; the message names it.
    """
    return parse_chord_symbol_ex(text).chord


def parse_chord(text: str) -> Chord:
    """Like :func:`parse_chord_symbol`, but ``N.C.`` is an error too.

    Raises:
        TheoryError: If ``text`` is not a chord symbol or means no chord.
    """
    chord = parse_chord_symbol(text)
    if chord is None:
        raise TheoryError(f"chord symbol {text!r} means no chord")
    return chord


def chord_symbol(chord: Chord, key: Key | None = None) -> str:
    """Canonical symbol of a chord, e.g. ``"F#m7b5"``, ``"Bbmaj7"``, ``"C/E"``.

    Args:
        chord: The chord.
        key: Key that decides the root's spelling (Bb, not A#, in F major);
            ``None`` (default) spells C C# D Eb E F F# G Ab A Bb B.

    Returns:
        Root, suffix from :data:`QUALITY_SUFFIXES` and ``/bass`` for a slash chord;
        a bass that is a chord tone is spelled as one (D7/F#, Ab/C).
        :func:`parse_chord_symbol` reads it back to ``chord``.
    """
    symbol = spelling_name(spell(chord.root_pc, key=key)) + QUALITY_SUFFIXES[chord.quality]
    if chord.bass_pc is None:
        return symbol
    bass = spelling_name(spell(chord.bass_pc, key=key))
    if chord.bass_pc in chord.pitch_classes:
        tone = chord_tone_names(chord, key)[chord.pitch_classes.index(chord.bass_pc)]
        bass = tone if len(tone) <= 2 else bass
    return f"{symbol}/{bass}"
