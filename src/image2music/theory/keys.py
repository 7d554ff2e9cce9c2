"""Keys: parsing and printing, key signatures, relative and parallel keys.

A tonic pitch class has several spellings; keys are named with the one needing
the fewest accidentals in the signature, ties (6 sharps / 6 flats) going to the
flats: pitch class 6 major is ``"Gb major"``, pitch class 3 minor ``"Eb minor"``.
Key signatures count sharps as positive and flats as negative numbers of fifths
and hold for every mode (D dorian: 0, E phrygian: 0, F lydian: 0, Bb mixolydian: -3).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType

from image2music.errors import TheoryError
from image2music.theory._spelling import (
    MODE_STEP,
    key_fifths,
    spelling_name,
    tonic_spelling,
)
from image2music.theory.pitch import name_to_pc
from image2music.types import MODES, Key

__all__ = [
    "MODE_ALIASES",
    "all_keys",
    "key_from_signature",
    "key_name",
    "key_signature",
    "parallel_key",
    "parse_key",
    "relative_key",
    "tonic_name",
]

#: Accepted mode words (lower case) -> mode of :data:`~image2music.types.MODES`.
#: ``"m"`` and ``"M"`` are told apart by case in :func:`parse_key`.
MODE_ALIASES: Mapping[str, str] = MappingProxyType(
    {
        "major": "major",
        "maj": "major",
        "ionian": "major",
        "minor": "minor",
        "min": "minor",
        "aeolian": "minor",
        "dorian": "dorian",
        "dor": "dorian",
        "phrygian": "phrygian",
        "phr": "phrygian",
        "lydian": "lydian",
        "lyd": "lydian",
        "mixolydian": "mixolydian",
        "mix": "mixolydian",
        "locrian": "locrian",
        "loc": "locrian",
    }
)

_KEY_RE = re.compile(r"\s*([A-Ga-g][#b♯♭]*)\s*[_:]?\s*([A-Za-z]*)\s*:?\s*")


def parse_key(text: str) -> Key:
    """Parse a key name.

    Accepted forms: ``"C"``, ``"Am"``, ``"A minor"``, ``"f#m"``, ``"Eb major"``,
    ``"Bbmaj"``, ``"D dorian"``, ``"c"``, ``"a:"``. A tonic without a mode word is
    major when its letter is upper case and minor when it is lower case (the
    RomanText / music21 convention); ``"m"`` means minor and ``"M"`` major; other
    mode words (see :data:`MODE_ALIASES`) are case-insensitive.

    Args:
        text: The key name.

    Returns:
        The key.

    Raises:
        TheoryError: If ``text`` is not a key name.
    """
    match = _KEY_RE.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise TheoryError(f"cannot parse key {text!r}: expected e.g. 'C', 'Am', 'F# minor'")
    tonic, word = match.groups()
    if word == "m":
        mode = "minor"
    elif word == "M":
        mode = "major"
    elif not word:
        mode = "minor" if tonic[0].islower() else "major"
    elif word.lower() in MODE_ALIASES:
        mode = MODE_ALIASES[word.lower()]
    else:
        raise TheoryError(f"cannot parse key {text!r}: unknown mode {word!r}")
    try:
        tonic_pc = name_to_pc(tonic)
    except TheoryError:
        raise TheoryError(f"cannot parse key {text!r}: bad tonic {tonic!r}") from None
    return Key(tonic_pc, mode)


def tonic_name(key: Key) -> str:
    """Name of the key's tonic, e.g. ``"Bb"`` for Bb major, ``"C#"`` for C# minor."""
    return spelling_name(tonic_spelling(key.tonic_pc, key.mode))


def key_name(key: Key) -> str:
    """Readable name of a key, e.g. ``"A minor"``, ``"Bb major"``, ``"D dorian"``.

    :func:`parse_key` reads it back.
    """
    return f"{tonic_name(key)} {key.mode}"


def key_signature(key: Key) -> int:
    """Number of sharps (> 0) or flats (< 0) in the key signature, -6..6.

    Examples: C major 0, F major -1, A major 3, C minor -3, D dorian 0, Gb major -6.
    """
    return key_fifths(key)


def key_from_signature(fifths: int, mode: str = "major") -> Key:
    """The key with ``fifths`` sharps (> 0) or flats (< 0) in ``mode``.

    Args:
        fifths: Sharps (positive) or flats (negative), -7..7.
        mode: One of :data:`~image2music.types.MODES`; default ``"major"``.

    Returns:
        The key, e.g. ``(-3, "minor")`` -> C minor, ``(0, "dorian")`` -> D dorian.

    Raises:
        TheoryError: If ``fifths`` is not in -7..7 or ``mode`` is unknown.
    """
    if isinstance(fifths, bool) or not isinstance(fifths, int) or not -7 <= fifths <= 7:
        raise TheoryError(f"key signature must be an integer -7..7 fifths, got {fifths!r}")
    _check_mode(mode)
    return Key((7 * fifths + MODE_STEP[mode]) % 12, mode)


def _check_mode(mode: str) -> None:
    if mode not in MODES:
        raise TheoryError(f"unknown mode {mode!r}: expected one of {', '.join(MODES)}")


def _default_other(key: Key) -> str:
    return "minor" if key.mode == "major" else "major"


def relative_key(key: Key, mode: str | None = None) -> Key:
    """The key with the same scale notes (and signature) in another mode.

    Args:
        key: The key.
        mode: Mode of the result; default (``None``) minor for a major key and
            major for any other mode.

    Returns:
        E.g. C major -> A minor, A minor -> C major, D dorian -> C major.

    Raises:
        TheoryError: If ``mode`` is unknown.
    """
    target = _default_other(key) if mode is None else mode
    _check_mode(target)
    parent = key.tonic_pc - MODE_STEP[key.mode]
    return Key((parent + MODE_STEP[target]) % 12, target)


def parallel_key(key: Key, mode: str | None = None) -> Key:
    """The key on the same tonic in another mode.

    Args:
        key: The key.
        mode: Mode of the result; default (``None``) minor for a major-third mode
            (major, lydian, mixolydian) and major otherwise.

    Returns:
        E.g. C major -> C minor, A minor -> A major.

    Raises:
        TheoryError: If ``mode`` is unknown.
    """
    target = ("minor" if key.is_major else "major") if mode is None else mode
    _check_mode(target)
    return Key(key.tonic_pc, target)


def all_keys(modes: Iterable[str] = ("major", "minor")) -> tuple[Key, ...]:
    """Every key in ``modes`` (default major and minor), mode by mode, tonic 0..11.

    Raises:
        TheoryError: If a mode is unknown.
    """
    result: list[Key] = []
    for mode in modes:
        _check_mode(mode)
        result.extend(Key(pc, mode) for pc in range(12))
    return tuple(result)
