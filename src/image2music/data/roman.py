"""Roman-numeral chords (RomanText, When in Rome) to absolute chords.

Supported: accidentals before the numeral (``bII``, ``#iv``), case for
major/minor, ``o`` (diminished), ``ø`` or ``/o`` (half-diminished), ``+``
(augmented), ``M``/``maj`` (major seventh), figures (``6``, ``64``, ``7``,
``65``, ``43``, ``42``, ``2``, ``9``, ``54``, with or without slashes),
bracketed changes (``[add9]``, ``[no3]``, ``[addb6]``, ``[#5]``),
tonicisation (``V7/V``, ``viio7/V/V``), ``N`` (Neapolitan), ``Cad64``
(tonic 6/4), and augmented sixths ``It``/``Fr``/``Ger`` (rooted on the
lowered sixth degree, folded to ``7``).

Conventions (those of music21, which When in Rome follows):

* In minor keys the sixth and seventh degrees follow the "cautionary" rule:
  a lower-case numeral (``vi``, ``viio``) takes the raised degree, an
  upper-case one (``VI``, ``VII``) the natural degree; one sharp on a
  lower-case numeral (``#viio``) or one flat on an upper-case one
  (``bVII``) is redundant and ignored.
* A seventh is the diatonic seventh above the root in the (tonicised) key
  (natural minor scale in minor keys), unless the quality says otherwise
  (``o7`` diminished, ``ø7`` half-diminished, ``M7`` major).
* Figures give the inversion; the bass is the corresponding chord tone.
"""

from __future__ import annotations

import functools
import re
from dataclasses import replace

from image2music.data.chords import ChordStatus, ParsedChord, make_chord
from image2music.types import Key

__all__ = ["parse_roman"]

_MAJOR_SCALE = (0, 2, 4, 5, 7, 9, 11)
_MINOR_SCALE = (0, 2, 3, 5, 7, 8, 10)
_NUMERALS = {"I": 0, "II": 1, "III": 2, "IV": 3, "V": 4, "VI": 5, "VII": 6}
_TOKEN = re.compile(
    r"^(?P<acc>[#b\-]*)(?P<num>VII|VI|IV|V|III|II|I|vii|vi|iv|v|iii|ii|i)"
    r"(?P<qual>o|ø|/o|\+|M|maj|d)?(?P<fig>[0-9/#b\-]*?)(?P<brackets>(?:\[[^\]]*\])*)$"
)
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


def _scale(key: Key) -> tuple[int, ...]:
    return _MINOR_SCALE if not key.is_major else _MAJOR_SCALE


def _degree_pc(key: Key, degree: int, acc: str, lower: bool) -> int:
    """Pitch class of a scale degree (0-based) with accidentals, in ``key``."""
    sharps, flats = acc.count("#"), acc.count("b") + acc.count("-")
    base = key.tonic_pc + _scale(key)[degree]
    if not key.is_major and degree in (5, 6):
        if lower:
            base += 1  # raised sixth/seventh for lower-case numerals
            sharps = max(sharps - 1, 0)  # "#vii" = "vii"
        else:
            flats = max(flats - 1, 0)  # "bVII" = "VII"
    return (base + sharps - flats) % 12


def _key_of(text: str, key: Key) -> Key | None:
    """The tonicised key named by a secondary numeral such as ``V`` or ``iv``."""
    m = _TOKEN.match(text)
    if m is None:
        return None
    num = m.group("num")
    degree = _NUMERALS[num.upper()]
    lower = num.islower()
    return Key(_degree_pc(key, degree, m.group("acc"), lower), "minor" if lower else "major")


def _aug_sixth(kind: str, key: Key, raw: str) -> ParsedChord:
    root = (key.tonic_pc + 8) % 12  # lowered sixth degree
    core = {"It": {0, 4, 10}, "Fr": {0, 4, 6, 10}, "Ger": {0, 4, 7, 10}}[kind]
    return make_chord(root, core, kind != "Ger", None, raw)


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
    parts = text.split("/")
    # Re-join "/o" (half-diminished) and figure slashes ("6/4"); split off tonicisations.
    tokens: list[str] = []
    for p in parts:
        if tokens and (p.startswith("o") or p[:1].isdigit() or p == ""):
            tokens[-1] += "/" + p
        else:
            tokens.append(p)
    head, secondaries = tokens[0], tokens[1:]
    local = key
    for sec in reversed(secondaries):
        nk = Key((local.tonic_pc + 1) % 12, "major") if sec == "N" else _key_of(sec, local)
        if nk is None:
            return ParsedChord.dropped(raw, "unreadable tonicisation")
        local = nk
    m_aug = re.match(r"^(It|Fr|Ger)[0-9/]*((?:\[[^\]]*\])*)$", head)
    if m_aug:
        chord = _aug_sixth(m_aug.group(1), local, raw)
        if m_aug.group(2) and chord.status == ChordStatus.EXACT:
            chord = replace(chord, status=ChordStatus.SIMPLIFIED)
        return chord
    if head.startswith("Cad64"):
        tonic = local.tonic_pc
        third = 4 if local.is_major else 3
        return make_chord(tonic, {0, third, 7}, False, tonic + 7, raw)
    if head.startswith("N"):
        fig = head[1:]
        inv, _ = _FIG_INVERSION.get(fig.replace("/", ""), (0, False))
        root = (local.tonic_pc + 1) % 12
        bass = root + (4, 7)[inv - 1] if inv in (1, 2) else None
        return make_chord(root, {0, 4, 7}, False, bass, raw)
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
    degree = _NUMERALS[num.upper()]
    lower = num.islower()
    root = _degree_pc(local, degree, m.group("acc"), lower)
    if qual == "o":
        core = {0, 3, 6}
    elif qual in ("ø", "/o"):
        core = {0, 3, 6}
        seventh = True
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
        elif qual in ("ø", "/o"):
            core.add(10)
        elif qual in ("M", "maj"):
            core.add(11)
        elif qual == "d":
            core.add(10)
        else:
            scale = _scale(local)
            sev = (local.tonic_pc + scale[(degree + 6) % 7]) % 12
            interval = (sev - root) % 12
            core.add(interval if interval in (9, 10, 11) else 10)
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
    interval_pc = (key.tonic_pc + _scale(key)[(degree + n - 1) % 7]) % 12
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
