"""Grammar of chord-symbol qualities (private to :mod:`.chords`).

:func:`read_quality` reads the part of a symbol after the root and before any
slash bass, works out which intervals it asks for (:class:`_Spec`) and maps them
onto the vocabulary; the folding rules are listed in :mod:`.chords`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from image2music.errors import TheoryError
from image2music.types import CHORD_QUALITIES

__all__ = ["DEGREE_SEMITONES", "read_quality"]

#: Semitones above the root of each chord degree (major-scale based, as in Harte).
DEGREE_SEMITONES = {1: 0, 2: 2, 3: 4, 4: 5, 5: 7, 6: 9, 7: 11, 9: 2, 10: 4, 11: 5, 12: 7, 13: 9}
_EXTENSIONS = {9: {2}, 11: {2, 5}, 13: {2, 9}}


@dataclass
class _Spec:
    """Intervals a symbol asks for, in semitones above the root (None: absent)."""

    third: int | None = 4
    fifth: int | None = 7
    seventh: int | None = None
    sixth: bool = False
    extensions: set[int] = field(default_factory=set)


class _Scanner:
    """Reads a quality string left to right."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def rest(self) -> str:
        return self.text[self.pos :]

    def take(self, *options: str, fold: bool = False, before: str | None = None) -> str | None:
        """Consume the first option found at the cursor (optionally case-folded).

        ``before`` restricts the match to options followed by one of its characters
        or by the end of the text ('$' in ``before``).
        """
        rest = self.rest()
        for option in options:
            head = rest[: len(option)]
            if (head.lower() == option.lower()) if fold else (head == option):
                after = rest[len(option) : len(option) + 1]
                if before is not None and not (after in before if after else "$" in before):
                    continue
                self.pos += len(option)
                return option
        return None

    def number(self) -> int | None:
        match = re.match(r"69|13|11|9|7|6|5|4|2", self.rest())
        if match is None:
            return None
        self.pos += len(match.group())
        return int(match.group())


_DIGITS = "0123456789"


def _marker(scan: _Scanner) -> str:
    """Quality word at the start of the suffix, as one of a few canonical markers."""
    if scan.take("hdim", "ø", fold=True):
        return "hdim"
    word = scan.take("major", "maj", "minor", "min", fold=True)
    if word is not None:
        return "maj" if word.startswith("maj") else "min"
    if scan.take("mi", fold=True, before=_DIGITS + "$"):
        return "min"
    if scan.take("ma", fold=True, before=_DIGITS) or scan.take("M"):
        return "maj"
    if scan.take("m") or scan.take("-", before="ΔMm$" + _DIGITS.replace("5", "")):
        return "min"
    if scan.take("dim", fold=True) or scan.take("°") or scan.take("o", before=_DIGITS + "$"):
        return "dim"
    if scan.take("aug", fold=True) or scan.take("+", before="ΔMm$" + _DIGITS.replace("5", "")):
        return "aug"
    if scan.take("dom", fold=True):
        return "dom"
    if scan.take("Δ"):
        return "delta"
    return ""


def _apply_number(spec: _Spec, number: int, marker: str) -> bool:
    """Apply the number after the marker; return whether it implies a seventh."""
    if number == 5:
        if marker:
            raise TheoryError("'5' after a quality")
        spec.third = None
    elif number in (2, 4):
        if marker:
            raise TheoryError(f"'{number}' after a quality")
        spec.third = 2 if number == 2 else 5
    elif number in (6, 69):
        spec.sixth = True
        if number == 69:
            spec.extensions.add(2)
    else:
        spec.extensions |= _EXTENSIONS.get(number, set())
        return True
    return False


def _modifiers(scan: _Scanner, spec: _Spec) -> tuple[bool, bool]:
    """Read sus/add/alterations/omissions; return (major seventh asked, alt asked)."""
    major_seventh = alt = False
    while scan.rest():
        if (sus := scan.take("sus4", "sus2", "sus", fold=True)) is not None:
            spec.third = 2 if sus == "sus2" else 5
        elif scan.take("add", fold=True):
            spec.extensions.add(_degree(scan, "add"))
        elif (omit := scan.take("no3", "no5", "omit3", "omit5", fold=True)) is not None:
            if omit.endswith("3"):
                spec.third = None
            else:
                spec.fifth = None
        elif scan.take("*"):
            omitted = _degree(scan, "omission")
            if omitted in (3, 4):
                spec.third = None
            elif omitted == 7:
                spec.fifth = None
        elif scan.take("alt", fold=True):
            alt = True
        elif scan.take("maj", fold=True) or scan.take("M") or scan.take("Δ"):
            major_seventh = True
            if (number := scan.number()) is not None:
                spec.extensions |= _EXTENSIONS.get(number, set())
        elif scan.rest()[0] in "#b+-":
            sign = 1 if scan.rest()[0] in "#+" else -1
            scan.pos += 1
            semitones = _degree(scan, "alteration") + sign
            if semitones in (6, 8) and (sign < 0) == (semitones == 6):
                spec.fifth = semitones
            else:
                spec.extensions.add(semitones % 12)
        elif scan.rest()[0].isdigit():
            spec.extensions.add(_degree(scan, "extension"))
        else:
            raise TheoryError(f"unexpected {scan.rest()!r}")
    return major_seventh, alt


def _degree(scan: _Scanner, what: str) -> int:
    match = re.match(r"1[0-3]|[1-9]", scan.rest())
    if match is None:
        raise TheoryError(f"{what} needs a degree number at {scan.rest()!r}")
    scan.pos += len(match.group())
    return DEGREE_SEMITONES[int(match.group())]


def _spec(head: str, tail: str) -> _Spec:
    """Intervals of a quality: ``head`` before any parenthesis, ``tail`` inside them."""
    scan = _Scanner(head)
    marker = _marker(scan)
    spec = _Spec()
    if marker in ("min", "dim", "hdim"):
        spec.third = 3
    if marker in ("dim", "hdim"):
        spec.fifth = 6
    if marker == "aug":
        spec.fifth = 8
    second_major = marker in ("min", "aug") and bool(
        scan.take("maj", fold=True) or scan.take("M") or scan.take("Δ")
    )
    number = scan.number()
    seventh = number is not None and _apply_number(spec, number, marker)
    major_seventh, alt = _modifiers(scan, spec)
    tail_major_seventh, tail_alt = _modifiers(_Scanner(tail), spec)
    major_seventh, alt = major_seventh or tail_major_seventh, alt or tail_alt
    if number == 11 and marker in ("", "dom") and spec.third == 4:
        spec.third = 5  # the 11th replaces the third of a dominant 11th chord
    implied = marker in ("hdim", "dom") or alt or (marker == "delta" and number is None)
    if seventh or implied or second_major or major_seventh:
        if second_major or major_seventh or marker == "delta" or (marker == "maj" and seventh):
            spec.seventh = 11
        else:
            spec.seventh = 9 if marker == "dim" else 10
    if alt:
        spec.extensions |= {1, 3, 6, 8}
    return spec


def _quality(spec: _Spec) -> str:
    third, fifth, seventh = spec.third, spec.fifth, spec.seventh
    if third is None:
        return "5" if seventh is None else "maj7" if seventh == 11 else "7"
    if third in (2, 5):
        return "7sus4" if seventh == 10 else "sus4" if third == 5 else "sus2"
    if third == 4:
        if fifth == 8:
            return "aug7" if seventh == 10 else "aug"
        if seventh is not None:
            return "maj7" if seventh == 11 else "7"
        return "6" if spec.sixth else "maj"
    if fifth == 6:
        if seventh == 10:
            return "hdim7"
        return "dim7" if seventh == 9 or spec.sixth else "dim"
    if seventh is not None:
        return "minmaj7" if seventh == 11 else "min7"
    return "min6" if spec.sixth else "min"


def _notated(spec: _Spec) -> set[int]:
    tones = {0, spec.third, spec.fifth, spec.seventh, 9 if spec.sixth else None}
    return {t % 12 for t in tones if t is not None} | spec.extensions


def read_quality(head: str, tail: str) -> tuple[str, bool]:
    """Vocabulary quality of a symbol suffix and whether it had to be simplified.

    Args:
        head: The suffix before any parenthesis, e.g. ``"m7"`` of ``"Cm7(b5)"``.
        tail: What the parentheses hold, e.g. ``"b5"``; ``""`` if none.

    Returns:
        ``(quality, simplified)``.

    Raises:
        TheoryError: If the suffix cannot be read; the message says where.
    """
    spec = _spec(head, tail)
    quality = _quality(spec)
    return quality, _notated(spec) != set(CHORD_QUALITIES[quality])
