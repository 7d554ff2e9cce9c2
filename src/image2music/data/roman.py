"""Roman-numeral chords (RomanText, When in Rome) to absolute chords.

Supported: accidentals before the numeral (``bII``, ``#iv``), case for
major/minor, ``o`` (diminished), ``ø`` or ``/o`` (half-diminished), ``+``
(augmented), ``M``/``maj`` (major seventh), ``d`` (minor seventh: ``IVd7`` is
F7 in C), figures (``6``, ``64``, ``7``, ``65``,
``43``, ``42``, ``2``, ``9``, ``54``, with or without slashes), bracketed
changes (``[add9]``, ``[no3]``, ``[addb6]``, ``[#5]``), tonicisation
(``V7/V``, ``viio7/V/V``, ``V/N``), ``N`` (Neapolitan), ``Cad64`` (tonic 6/4),
and augmented sixths ``It``/``Fr``/``Ger`` (folded to ``7``).

The theory core (:func:`image2music.theory.parse_roman`) places the numerals:
the root of a numeral in a key, the key a secondary numeral tonicises, and the
special chords (augmented sixths on the lowered sixth degree, ``Cad64``, the
Neapolitan as ``bII``). What stays here is RomanText's own notation and the
corpus's bookkeeping:

* Cautionary accidentals. In minor keys a lower-case ``vi``/``vii`` sits on the
  raised degree and an upper-case ``VI``/``VII`` on the natural one, as in the
  theory core; RomanText (music21's ``romanText``, ``Minor67Default.CAUTIONARY``)
  also reads one sharp on a lower-case numeral (``#viio``) or one flat on an
  upper-case one (``bVII``) as a reminder, so it is removed before the numeral
  is placed. Music21's ``-`` flats are read as ``b``.
* Chord tones are built here as a set of intervals, because bracketed changes
  edit that set before it is folded (:func:`~image2music.data.chords.make_chord`)
  and the fold records whether the chord was simplified: a plain seventh is the
  diatonic seventh above the root in the (tonicised) key (natural minor scale in
  minor keys) on the triad the case gives, unless the quality says otherwise
  (``o7`` diminished, ``ø7`` half-diminished, ``M7`` major, ``d7`` minor seventh);
  ``9``/``11``/``13`` and unusual figures (``73``, ``b9``) are folded away.
* Figures give the inversion; the bass is the corresponding chord tone after
  the bracketed changes. A bare ``N`` is in root position; ``It`` and ``Fr``
  (not exactly a dominant seventh) and anything with bracketed changes count
  as simplified.
"""

from __future__ import annotations

import functools
import re

from image2music.data.chords import ParsedChord, make_chord
from image2music.theory import degree_pc
from image2music.theory import parse_roman as theory_parse_roman
from image2music.types import Key

__all__ = ["parse_roman"]

_NUMERALS = ("I", "II", "III", "IV", "V", "VI", "VII")
_TOKEN = re.compile(
    r"^(?P<acc>[#b\-]*)(?P<num>VII|VI|IV|V|III|II|I|vii|vi|iv|v|iii|ii|i)"
    r"(?P<qual>o|ø|/o|\+|M|maj|d)?(?P<fig>[0-9/#b\-]*?)(?P<brackets>(?:\[[^\]]*\])*)$"
)
_AUG_SIXTH = re.compile(r"^(It|Fr|Ger)[0-9/]*((?:\[[^\]]*\])*)$")
_BRACKET = re.compile(r"\[([^\]]*)\]")
_FIG_INVERSION = {
    "": (0, False),
    "5": (0, False),
    "53": (0, False),
    "6": (1, False),
    "63": (1, False),
    "64": (2, False),
    "7": (0, True),
    "75": (0, True),
    "753": (0, True),
    "65": (1, True),
    "653": (1, True),
    "43": (2, True),
    "643": (2, True),
    "42": (3, True),
    "642": (3, True),
    "2": (3, True),
    "9": (0, True),
    "11": (0, True),
    "13": (0, True),
    "54": (0, False),
}


def _split(text: str) -> tuple[str, list[str]]:
    """The chord token and its tonicisations (``"V6/5/V"`` -> ``("V6/5", ["V"])``)."""
    tokens: list[str] = []
    for p in text.split("/"):
        # "/o" (half-diminished) and figure slashes ("6/4") belong to the token.
        if tokens and (p.startswith("o") or p[:1].isdigit() or p == ""):
            tokens[-1] += "/" + p
        else:
            tokens.append(p)
    return tokens[0], tokens[1:]


def _root(acc: str, numeral: str, key: Key) -> int:
    """Root of ``acc`` + ``numeral`` in ``key``, RomanText's cautionary accidentals removed."""
    if not key.is_major and numeral.upper() in ("VI", "VII"):
        acc = acc.replace("#", "", 1) if numeral.islower() else re.sub("[b-]", "", acc, count=1)
    return theory_parse_roman(acc.replace("-", "b") + numeral, key).root_pc


def _key_of(text: str, key: Key) -> Key | None:
    """The tonicised key named by a secondary numeral such as ``V``, ``iv`` or ``N``."""
    if text == "N":
        return Key(theory_parse_roman("bII", key).root_pc, "major")
    m = _TOKEN.match(text)
    if m is None:
        return None
    num = m.group("num")
    return Key(_root(m.group("acc"), num, key), "minor" if num.islower() else "major")


def _special(head: str, key: Key, raw: str) -> ParsedChord | None:
    """Augmented sixths, ``Cad64`` and the Neapolitan; ``None`` for other numerals."""
    if (m := _AUG_SIXTH.match(head)) is not None:
        simplified = m.group(1) != "Ger" or bool(m.group(2))
        return ParsedChord.from_chord(theory_parse_roman(m.group(1), key), simplified, raw)
    if head.startswith("Cad64"):
        return ParsedChord.from_chord(theory_parse_roman("Cad64", key), False, raw)
    if head.startswith("N"):
        inversion, _ = _FIG_INVERSION.get(head[1:].replace("/", ""), (0, False))
        figure = {1: "6", 2: "64"}.get(inversion, "")
        return ParsedChord.from_chord(theory_parse_roman("bII" + figure, key), False, raw)
    return None


def _tones(
    qual: str, lower: bool, fig: str, seventh: bool, root: int, degree: int, key: Key
) -> set[int]:
    """Intervals above the root of a numeral's triad and seventh."""
    if qual in ("o", "ø", "/o"):
        core = {0, 3, 6}
    elif qual == "+":
        core = {0, 4, 8}
    else:
        core = {0, 3, 7} if lower else {0, 4, 7}
    if fig == "54":
        core.difference_update({3, 4})
        core.add(5)
    if seventh:
        if qual == "o":
            core.add(9)
        elif qual in ("ø", "/o", "d"):
            core.add(10)
        elif qual in ("M", "maj"):
            core.add(11)
        else:
            interval = (degree_pc((degree + 6) % 7 + 1, key) - root) % 12
            core.add(interval if interval in (9, 10, 11) else 10)
    return core


@functools.lru_cache(maxsize=8192)
def parse_roman(text: str, key: Key) -> ParsedChord:
    """Parse a Roman numeral in a key.

    Args:
        text: E.g. ``"V7"``, ``"ii/o6/5"``, ``"viio7/V"``, ``"bII6"``,
            ``"Ger65"``, ``"V[no3][add4]"``, ``"Cad64"``.
        key: The key in force.

    Returns:
        The chord in absolute pitch classes, or dropped with a reason.
    """
    raw = text
    head, secondaries = _split(text)
    local = key
    for sec in reversed(secondaries):
        tonicised = _key_of(sec, local)
        if tonicised is None:
            return ParsedChord.dropped(raw, "unreadable tonicisation")
        local = tonicised
    special = _special(head, local, raw)
    if special is not None:
        return special
    m = _TOKEN.match(head)
    if m is None:
        return ParsedChord.dropped(raw, "unreadable Roman numeral")
    num, qual = m.group("num"), m.group("qual") or ""
    fig = m.group("fig").replace("/", "")
    if fig in _FIG_INVERSION:
        inversion, seventh = _FIG_INVERSION[fig]
        extended = fig in ("9", "11", "13")
    else:
        # Unusual figures ("73", "b9", "754"): root position, folded.
        inversion, seventh, extended = 0, "7" in fig or "9" in fig, True
    degree = _NUMERALS.index(num.upper())
    root = _root(m.group("acc"), num, local)
    seventh |= qual in ("ø", "/o")
    core = _tones(qual, num.islower(), fig, seventh, root, degree, local)
    for item in _BRACKET.findall(m.group("brackets")):
        ok, ext = _apply_bracket(core, item.strip(), local, degree, root)
        if not ok:
            return ParsedChord.dropped(raw, f"unknown chord change [{item}]")
        extended |= ext
    bass = None
    if inversion:
        # Chord tones in stacked-thirds order: root, third, fifth, seventh.
        ordered = [0]
        for candidates in ((4, 3, 5, 2), (7, 6, 8), (10, 11, 9)):
            ordered += [t for t in candidates if t in core][:1]
        if inversion < len(ordered):
            bass = root + ordered[inversion]
    return make_chord(root, core, extended, bass, raw)


def _apply_bracket(
    core: set[int], item: str, key: Key, degree: int, root: int
) -> tuple[bool, bool]:
    """Apply ``add``/``no``/alteration text; returns (understood, extension)."""
    ops = list(re.finditer(r"(add|no)?([#b\-]*)(\d+)", item))
    if not ops or "".join(o.group(0) for o in ops) != item:
        return False, False
    understood, extension = True, False
    for o in ops:
        ok, ext = _apply_one(core, o, key, degree, root)
        understood &= ok
        extension |= ext
    return understood, extension


def _apply_one(
    core: set[int], m: re.Match[str], key: Key, degree: int, root: int
) -> tuple[bool, bool]:
    op, acc, n = m.group(1) or "alter", m.group(2), int(m.group(3))
    if n >= 8:
        return True, op != "no"
    if n == 1:
        if op == "no":
            return True, True  # a root-less voicing: keep the root for naming
        return True, False
    interval_pc = degree_pc((degree + n - 1) % 7 + 1, key)
    interval = (interval_pc - root + acc.count("#") - acc.count("b") - acc.count("-")) % 12
    family = {2: (1, 2, 3), 3: (3, 4), 4: (5, 6), 5: (6, 7, 8), 6: (8, 9), 7: (9, 10, 11)}[n]
    if op == "no":
        core.difference_update(family)
    elif op == "add":
        core.add(interval)
    else:  # alteration such as "#5" or "b3"
        core.difference_update(family)
        core.add(interval)
    return True, False
