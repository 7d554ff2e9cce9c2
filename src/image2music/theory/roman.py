"""Roman numerals: print a chord relative to a key and parse numerals back.

Conventions (shared by :func:`roman_numeral` and :func:`parse_roman`):

* Case gives the third: upper case major (or none: sus, power chords), lower
  case minor. ``°``/``o`` diminished, ``ø``/``%``/``/o`` half-diminished, ``+``
  augmented, ``maj``/``M`` a major seventh.
* Degrees are counted in the key's scale; ``b``/``#`` (or music21's ``-``) alter
  them. In minor keys the sixth and seventh degrees follow music21's default
  (``Minor67Default.QUALITY``): upper-case numerals sit on the natural degrees
  (``VI`` = F, ``VII`` = G in A minor), lower-case ones on the raised degrees
  (``vi`` = F#m, ``vii°`` = G#dim); ``V`` is major because it is upper case.
  ``bvii`` is therefore Gm in A minor and ``#VII`` G# major.
* Sevenths: ``7`` on an upper-case numeral is a dominant seventh (``I7`` = C7,
  ``IV7`` = F7 in C), on a lower-case one a minor seventh; a major seventh must
  be written ``maj7``/``M7``. (RomanText/music21 instead add the *diatonic*
  seventh, so that ``IV7`` is Fmaj7 in C: pass ``diatonic_sevenths=True``. As in
  music21, a minor triad then still takes a minor seventh (``i7`` in C major is
  Cm7); stacks outside the vocabulary fold: an augmented triad with a major
  seventh to ``aug``, a minor triad with a diminished seventh (``vii7`` in minor)
  to ``min6``, which has the same notes.) ``9``, ``11`` and ``13`` are read as ``7``.
* Inversions use figured bass: triads ``6`` (third in the bass) and ``64``
  (fifth); seventh chords ``65``, ``43``, ``42`` (or ``2``). Other slash chords
  (a bass outside the chord, inverted sus/6/power chords) append the bass as a
  key scale degree: ``I/b7`` is C/Bb in C major.
* Other qualities: ``Isus4``, ``Isus2``, ``I7sus4``, ``I5`` (power chord),
  ``Iadd6`` (C6), ``iadd6`` (Cm6).
* Secondary chords ``X/Y`` are read in the key of ``Y`` (major if ``Y`` is upper
  case, minor otherwise): ``V7/ii`` is A7 in C major; chains like ``V/V/V`` work.
* Special chords, folded onto the vocabulary: ``It6``, ``Ger65``, ``Fr43`` (and
  ``It``, ``Ger``, ``Fr``) become a dominant seventh on the lowered sixth degree
  in root position (Ab7 in C: Ger65 is exactly that, It6 lacks its fifth, Fr43
  has D instead of Eb); ``N6``/``N`` is the Neapolitan bII in first inversion,
  ``N64`` in second; ``Cad64`` is the tonic triad with its fifth in the bass
  (I64 / i64), as in music21.
"""

from __future__ import annotations

import re

from image2music.errors import TheoryError
from image2music.theory._spelling import degree_and_alteration
from image2music.theory.diatonic import is_diatonic, stacked_quality
from image2music.theory.scales import degree_pc, scale_degree
from image2music.types import CHORD_QUALITIES, MODES, Chord, Key

__all__ = ["parse_roman", "roman_numeral"]

_NUMERALS = ("I", "II", "III", "IV", "V", "VI", "VII")
_LOWER = frozenset({"min", "dim", "min7", "minmaj7", "hdim7", "dim7", "min6"})
_TRIAD_MARKS = {"maj": "", "min": "", "dim": "°", "aug": "+"}
_SEVENTH_MARKS = {
    "7": "",
    "min7": "",
    "maj7": "maj",
    "minmaj7": "maj",
    "hdim7": "ø",
    "dim7": "°",
    "aug7": "+",
}
_OTHER_SUFFIXES = {
    "sus2": "sus2",
    "sus4": "sus4",
    "7sus4": "7sus4",
    "5": "5",
    "6": "add6",
    "min6": "add6",
}
_TRIAD_FIGURES = ("", "6", "64")
_SEVENTH_FIGURES = ("7", "65", "43", "42")

_NUMERAL_RE = r"(?P<acc>[b#]*)(?P<num>VII|VI|IV|V|III|II|I|vii|vi|iv|v|iii|ii|i)"
_CHORD_RE = re.compile(
    _NUMERAL_RE + r"(?P<qual>°|o|ø|\+|[Mm]aj|M|)"
    r"(?P<fig>7|65|64|63|6|53|5|43|42|2|9|11|13|)(?P<tail>sus4|sus2|sus|add6|)"
)
_TARGET_RE = re.compile(_NUMERAL_RE)
_SPECIAL_RE = re.compile(r"(?P<name>It|Ger|Fr|N|Cad)(?P<fig>\+?6|65|64|43|)")
_BASS_RE = re.compile(r"[b#]*[1-7]")
_FIGURE_INVERSION = {"": 0, "53": 0, "6": 1, "63": 1, "64": 2}
_SEVENTH_INVERSION = {"7": 0, "9": 0, "11": 0, "13": 0, "65": 1, "43": 2, "42": 3, "2": 3}
_DIATONIC_SEVENTH = {
    ("maj", 10): "7",
    ("maj", 11): "maj7",
    ("maj", 9): "6",
    ("min", 10): "min7",
    ("min", 11): "min7",  # as music21: 'i7' in C major is Cm7, not CmMaj7
    ("min", 9): "min6",
    ("aug", 10): "aug7",
    ("aug", 11): "aug",  # no augmented-major seventh in the vocabulary: keep the triad
}
_EXPLICIT_SEVENTH = {"maj": "7", "min": "min7", "aug": "aug7"}


def _reference(key: Key, upper: bool) -> tuple[int, ...]:
    """Scale steps numerals count from: in minor, lower case takes raised 6 and 7."""
    steps = MODES[key.mode]
    if key.mode == "minor" and not upper:
        return (*steps[:5], 9, 11)
    return steps


# --------------------------------------------------------------------------- printing


def _suffix(chord: Chord, key: Key) -> str:
    quality = chord.quality
    inversion = 0
    if chord.bass_pc is not None:
        tones = chord.pitch_classes
        inversion = tones.index(chord.bass_pc) if chord.bass_pc in tones else -1
    if quality in _TRIAD_MARKS and inversion >= 0:
        return _TRIAD_MARKS[quality] + _TRIAD_FIGURES[inversion]
    if quality in _SEVENTH_MARKS and inversion >= 0:
        return _SEVENTH_MARKS[quality] + _SEVENTH_FIGURES[inversion]
    if quality in _TRIAD_MARKS:
        suffix = _TRIAD_MARKS[quality]
    elif quality in _SEVENTH_MARKS:
        suffix = _SEVENTH_MARKS[quality] + "7"
    else:
        suffix = _OTHER_SUFFIXES[quality]
    if chord.bass_pc is None:
        return suffix
    return f"{suffix}/{scale_degree(chord.bass_pc, key)}"


def _plain_numeral(chord: Chord, key: Key) -> str:
    upper = chord.quality not in _LOWER
    relative = (chord.root_pc - key.tonic_pc) % 12
    degree, alteration = degree_and_alteration(relative, _reference(key, upper))
    numeral = _NUMERALS[degree] if upper else _NUMERALS[degree].lower()
    prefix = "#" * alteration if alteration > 0 else "b" * -alteration
    return prefix + numeral + _suffix(chord, key)


def _secondary_numeral(chord: Chord, key: Key) -> str | None:
    """``V.../X`` or ``vii.../X`` for a chromatic dominant or leading-tone chord."""
    if is_diatonic(chord, key):
        return None
    if chord.quality in ("maj", "7"):
        target = (chord.root_pc + 5) % 12
    elif chord.quality in ("dim", "dim7", "hdim7"):
        target = (chord.root_pc + 1) % 12
    else:
        return None
    steps = MODES[key.mode]
    relative = (target - key.tonic_pc) % 12
    if relative == 0 or relative not in steps:
        return None
    degree = steps.index(relative)
    third, fifth = ((steps[(degree + k) % 7] - relative) % 12 for k in (2, 4))
    if key.mode == "minor" and degree == 4:
        third = 4  # the dominant of a minor key is major
    if fifth != 7:
        return None
    major = third == 4
    inner = _plain_numeral(chord, Key(target, "major" if major else "minor"))
    if "/" in inner or not inner.startswith(("V", "vii")):
        return None
    return f"{inner}/{_NUMERALS[degree] if major else _NUMERALS[degree].lower()}"


def roman_numeral(chord: Chord, key: Key, *, secondary: bool = False) -> str:
    """Roman numeral of ``chord`` in ``key`` (conventions in the module docstring).

    Args:
        chord: The chord.
        key: The key.
        secondary: Write chromatic major/dominant-seventh chords as ``V/X`` and
            chromatic diminished ones as ``vii°/X`` when ``X`` is a major or minor
            triad of the key other than the tonic (D7 in C: ``V7/V``); default
            ``False`` writes them on their own degree (``II7``).

    Returns:
        E.g. in C major: C ``"I"``, Am ``"vi"``, G7 ``"V7"``, Bdim ``"vii°"``, Bm7b5
        ``"viiø7"``, Fmaj7 ``"IVmaj7"``, Bb ``"bVII"``, D7 ``"II7"``, C/E ``"I6"``,
        G7/F ``"V42"``; in A minor: G ``"VII"``, E7 ``"V7"``, Bdim ``"ii°"``.
        :func:`parse_roman` reads it back to ``chord``.
    """
    if secondary:
        text = _secondary_numeral(chord, key)
        if text is not None:
            return text
    return _plain_numeral(chord, key)


# --------------------------------------------------------------------------- parsing


def _root(acc: str, numeral: str, key: Key, upper: bool) -> int:
    degree = _NUMERALS.index(numeral.upper())
    alteration = acc.count("#") - acc.count("b")
    return (key.tonic_pc + _reference(key, upper)[degree] + alteration) % 12


def _tonicized(text: str, key: Key) -> Key:
    match = _TARGET_RE.fullmatch(text)
    if match is None:
        raise TheoryError(f"{text!r} is not a plain numeral to tonicize")
    upper = match["num"].isupper()
    return Key(_root(match["acc"], match["num"], key, upper), "major" if upper else "minor")


def _tonic_triad(key: Key) -> str:
    steps = MODES[key.mode]
    quality = stacked_quality((steps[2], steps[4]))
    assert quality is not None
    return quality


def _special(match: re.Match[str], key: Key) -> Chord:
    name, figure = match["name"], match["fig"]
    tonic = key.tonic_pc
    if name in ("It", "Ger", "Fr"):
        return Chord((tonic + 8) % 12, "7")
    if name == "N" and figure in ("", "6", "64"):
        return Chord((tonic + 1) % 12, "maj", (tonic + (8 if figure == "64" else 5)) % 12)
    if name == "Cad" and figure in ("", "64"):
        quality = _tonic_triad(key)
        return Chord(tonic, quality, (tonic + CHORD_QUALITIES[quality][2]) % 12)
    raise TheoryError(f"unknown figure {figure!r} for {name}")


def _seventh_quality(
    triad: str, qual: str, root: int, degree: int, key: Key, diatonic: bool
) -> str:
    if qual in ("°", "o"):
        return "dim7"
    if qual == "ø":
        return "hdim7"
    if qual.lower() in ("maj", "m"):
        return {"maj": "maj7", "min": "minmaj7"}.get(triad, "aug")
    if diatonic:
        steps = MODES[key.mode]
        interval = (key.tonic_pc + steps[(degree + 6) % 7] - root) % 12
        quality = _DIATONIC_SEVENTH.get((triad, interval))
        if quality is not None:
            return quality
    return _EXPLICIT_SEVENTH[triad]


def _chord(match: re.Match[str], key: Key, diatonic: bool) -> Chord:
    qual, fig, tail = match["qual"], match["fig"], match["tail"]
    upper = match["num"].isupper()
    triad = {"°": "dim", "o": "dim", "ø": "dim", "+": "aug"}.get(qual, "maj" if upper else "min")
    root = _root(match["acc"], match["num"], key, triad in ("maj", "aug"))
    degree = _NUMERALS.index(match["num"].upper())
    if tail or fig == "5":
        if qual or fig not in ("", "7", "5") or (fig == "5" and tail) or (fig and tail == "add6"):
            raise TheoryError(f"{qual}{fig}{tail!r} mixes qualities or inverts a non-tertian chord")
        if tail == "add6":
            return Chord(root, "6" if upper else "min6")
        if fig == "5":
            return Chord(root, "5")
        if fig == "7":
            if tail == "sus2":
                raise TheoryError("7sus2 is not in the vocabulary")
            return Chord(root, "7sus4")
        return Chord(root, "sus2" if tail == "sus2" else "sus4")
    if fig in _SEVENTH_INVERSION or qual == "ø" or qual.lower() in ("maj", "m"):
        if fig not in _SEVENTH_INVERSION and fig:
            raise TheoryError(f"figure {fig!r} needs a triad")
        quality = _seventh_quality(triad, qual, root, degree, key, diatonic)
        inversion = _SEVENTH_INVERSION.get(fig, 0)
    else:
        quality, inversion = triad, _FIGURE_INVERSION[fig]
    tones = CHORD_QUALITIES[quality]
    # An augmented triad with a diatonic major seventh folds to 'aug': a 42 figure
    # still puts that (dropped) seventh in the bass.
    bass = tones[inversion] if inversion < len(tones) else 11
    return Chord(root, quality, (root + bass) % 12)


def _normalise(text: str) -> str:
    for old, new in (("/o", "ø"), ("%", "ø"), ("Ø", "ø"), ("º", "°"), ("♭", "b"), ("♯", "#")):
        text = text.replace(old, new)
    # music21 writes flats in front of numerals as '-': '-VII', 'V/-VI'.
    return re.sub(r"(?:^|(?<=/))-", "b", re.sub(r"\s", "", text))


def parse_roman(text: str, key: Key, *, diatonic_sevenths: bool = False) -> Chord:
    """Parse a Roman numeral in ``key`` (conventions in the module docstring).

    Args:
        text: E.g. ``"V7"``, ``"vi"``, ``"IV6"``, ``"V65"``, ``"vii°7"``, ``"viiø7"``,
            ``"bVII"``, ``"#iv°"``, ``"V7/ii"``, ``"Ger65"``, ``"N6"``, ``"Cad64"``,
            ``"I/b7"``.
        key: The key the numeral is relative to.
        diatonic_sevenths: Read a plain ``7`` (and its inversions) as the diatonic
            seventh of the key, as RomanText and music21 do (``IV7`` = Fmaj7 in C);
            default ``False``: dominant seventh on upper case, minor on lower case.

    Returns:
        The chord; a figure or ``/degree`` bass sets its slash bass.

    Raises:
        TheoryError: If ``text`` is not a Roman numeral; the message names it.
    """
    if not isinstance(text, str):
        raise TheoryError(f"cannot parse Roman numeral {text!r}: not a string")
    try:
        parts = _normalise(text).split("/")
        bass_text = parts.pop() if len(parts) > 1 and _BASS_RE.fullmatch(parts[-1]) else None
        local = key
        for part in reversed(parts[1:]):
            local = _tonicized(part, local)
        if (special := _SPECIAL_RE.fullmatch(parts[0])) is not None:
            chord = _special(special, local)
        elif (match := _CHORD_RE.fullmatch(parts[0])) is not None:
            chord = _chord(match, local, diatonic_sevenths)
        else:
            raise TheoryError("expected a numeral I..VII / i..vii with optional quality and figure")
        if bass_text is not None:
            if chord.bass_pc is not None:
                raise TheoryError("give an inversion figure or a /degree bass, not both")
            chord = Chord(chord.root_pc, chord.quality, degree_pc(bass_text, key))
    except (ValueError, TheoryError) as e:
        raise TheoryError(f"cannot parse Roman numeral {text!r}: {e}") from None
    return chord
