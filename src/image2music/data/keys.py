"""Key helpers: parsing dataset key spellings and estimating keys and modes.

Estimators (documented in ``docs/corpus.md``):

* :func:`estimate_key` - Krumhansl-Kessler profiles correlated with a
  duration-weighted pitch-class histogram (24 major/minor keys).
* :func:`mode_from_signature` - when only a key signature is known
  (``fifths`` without ``mode``), choose between the major key and its
  relative minor from the chords: duration of tonic-function chords of each
  (root on the tonic with a major-family vs minor-family third) plus a bonus
  for the last chord.
* :func:`mode_for_tonic` - when only the tonic is known (Billboard), choose
  major or minor by the duration-weighted share of the major vs minor third
  above the tonic among the chord tones.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from numpy.typing import NDArray

from image2music.data.chords import ParsedChord
from image2music.errors import TheoryError
from image2music.theory import parse_key
from image2music.types import CHORD_QUALITIES, Key

__all__ = [
    "KK_MAJOR",
    "KK_MINOR",
    "estimate_key",
    "estimate_key_from_chords",
    "mode_for_tonic",
    "mode_from_signature",
    "parse_key_name",
]

#: Krumhansl-Kessler major key profile (tonic first).
KK_MAJOR = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
#: Krumhansl-Kessler minor key profile (tonic first).
KK_MINOR = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])


def parse_key_name(text: str) -> Key | None:
    """A major or minor key from a dataset's key field, ``None`` when unreadable.

    Reads with :func:`image2music.theory.parse_key` (``"Gb:maj"``, ``"Db:min"``,
    ``"Dmin"``, ``"Ab"``, ``"F#m"``, ``"a minor"``; a bare lower-case tonic is minor);
    other modes count as unreadable, since the corpus has only major and minor keys.

    Args:
        text: A tonic note name followed by an optional mode word.

    Returns:
        The key, or ``None``.
    """
    try:
        key = parse_key(text)
    except TheoryError:
        return None
    return key if key.mode in ("major", "minor") else None


def estimate_key(pc_weights: Sequence[float] | NDArray[np.float64]) -> Key:
    """Best-correlating major or minor key of a pitch-class histogram.

    Args:
        pc_weights: 12 non-negative weights (e.g. note durations per pitch class).

    Returns:
        The key; C major for an empty histogram.
    """
    h = np.asarray(pc_weights, dtype=float)
    if h.sum() <= 0:
        return Key(0, "major")
    best = (-2.0, Key(0, "major"))
    for tonic in range(12):
        for mode, prof in (("major", KK_MAJOR), ("minor", KK_MINOR)):
            r = float(np.corrcoef(h, np.roll(prof, tonic))[0, 1])
            if np.isfinite(r) and r > best[0]:
                best = (r, Key(tonic, mode))
    return best[1]


def estimate_key_from_chords(chords: Iterable[tuple[float, ParsedChord]]) -> Key:
    """:func:`estimate_key` of the chord tones, each weighted by its chord's duration.

    Args:
        chords: ``(duration, chord)`` pairs; unmapped chords are ignored.

    Returns:
        The key; C major when no chord is mapped.
    """
    hist = np.zeros(12)
    for dur, c in chords:
        if c.is_chord:
            for iv in CHORD_QUALITIES[c.quality]:
                hist[(c.root_pc + iv) % 12] += dur
    return estimate_key(hist)


def _is_major_family(quality: str) -> bool:
    return 4 in CHORD_QUALITIES[quality]


def _is_minor_family(quality: str) -> bool:
    return 3 in CHORD_QUALITIES[quality] and 4 not in CHORD_QUALITIES[quality]


def mode_from_signature(
    major_tonic: int, chords: Sequence[tuple[float, ParsedChord]], notes_last_pc: int | None = None
) -> Key:
    """Pick the major key or its relative minor for a key signature.

    Args:
        major_tonic: Tonic pitch class of the signature's major key.
        chords: ``(duration, chord)`` pairs in order.
        notes_last_pc: Pitch class of the last melody note, if any (a small
            extra vote).

    Returns:
        ``Key(major_tonic, "major")`` or ``Key(major_tonic + 9, "minor")``.
    """
    minor_tonic = (major_tonic + 9) % 12
    major_score = minor_score = 0.0
    mapped = [(d, c) for d, c in chords if c.is_chord]
    for dur, c in mapped:
        if c.root_pc == major_tonic and _is_major_family(c.quality):
            major_score += dur
        elif c.root_pc == minor_tonic and _is_minor_family(c.quality):
            minor_score += dur
    total = sum(d for d, _ in mapped) or 1.0
    if mapped:
        last = mapped[-1][1]
        if last.root_pc == major_tonic and _is_major_family(last.quality):
            major_score += 0.25 * total
        elif last.root_pc == minor_tonic and _is_minor_family(last.quality):
            minor_score += 0.25 * total
        first = mapped[0][1]
        if first.root_pc == minor_tonic and _is_minor_family(first.quality):
            minor_score += 0.1 * total
    if notes_last_pc is not None:
        if notes_last_pc == minor_tonic:
            minor_score += 0.05 * total
        elif notes_last_pc == major_tonic:
            major_score += 0.05 * total
    if minor_score > major_score:
        return Key(minor_tonic, "minor")
    return Key(major_tonic, "major")


def mode_for_tonic(tonic: int, chords: Sequence[tuple[float, ParsedChord]]) -> Key:
    """Major or minor for a known tonic, from the thirds above it in the chords.

    Args:
        tonic: Tonic pitch class.
        chords: ``(duration, chord)`` pairs.

    Returns:
        ``Key(tonic, "minor")`` when the minor third above the tonic sounds
        longer than the major third, else major.
    """
    maj3, min3 = (tonic + 4) % 12, (tonic + 3) % 12
    w_maj = w_min = 0.0
    for dur, c in chords:
        if not c.is_chord:
            continue
        pcs = {(c.root_pc + i) % 12 for i in CHORD_QUALITIES[c.quality]}
        weight = dur * (2.0 if c.root_pc == tonic else 1.0)
        if maj3 in pcs:
            w_maj += weight
        if min3 in pcs:
            w_min += weight
    return Key(tonic, "minor" if w_min > w_maj else "major")
