"""Chord ids as the harmony network names them, from the one vocabulary.

The ids are defined once, in :mod:`image2music.vocab`; this module gives the
harmony code its short names for them (``PAD``, ``NO_CHORD``, ``chord_id``...)
and adds what is musically the harmony network's own: the chord families its
rules, labels and evaluation share.

Ids: 0 ``PAD``, 1 ``BOS``, 2 ``EOS``, 3 ``N``, 4 ``UNK``, then
``5 + 17 * root + quality_index`` with ``root`` in semitones above the local
tonic and ``quality_index`` the position in
:data:`image2music.types.CHORD_QUALITIES`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from image2music.errors import CompositionError
from image2music.vocab import CHORD_BOS as BOS
from image2music.vocab import CHORD_EOS as EOS
from image2music.vocab import CHORD_N as NO_CHORD
from image2music.vocab import CHORD_PAD as PAD
from image2music.vocab import CHORD_UNK as UNK
from image2music.vocab import CHORD_VOCAB_SIZE as VOCAB_SIZE
from image2music.vocab import FIRST_CHORD_ID, QUALITY_NAMES, VOCAB_VERSION, decode_chord_token
from image2music.vocab import chord_token as chord_id

__all__ = [
    "BOS",
    "CHORD_IDS",
    "DIMINISHED_FAMILY",
    "DOMINANT_FAMILY",
    "EOS",
    "FIRST_CHORD_ID",
    "MAJOR_FAMILY",
    "MINOR_FAMILY",
    "NO_CHORD",
    "PAD",
    "QUALITY_NAMES",
    "TENSION_QUALITIES",
    "UNK",
    "VOCAB_SIZE",
    "VOCAB_VERSION",
    "chord_id",
    "family_mask",
    "is_chord",
    "root_and_quality",
]

#: Every real chord id, ascending.
CHORD_IDS: NDArray[np.int64] = np.arange(FIRST_CHORD_ID, VOCAB_SIZE, dtype=np.int64)

#: Major-quality chords (the "major-chord share" of the response figures).
MAJOR_FAMILY: tuple[str, ...] = ("maj", "6", "maj7")
#: Minor-quality chords.
MINOR_FAMILY: tuple[str, ...] = ("min", "min6", "min7", "minmaj7")
#: Dominant sevenths.
DOMINANT_FAMILY: tuple[str, ...] = ("7",)
#: Diminished and half-diminished chords.
DIMINISHED_FAMILY: tuple[str, ...] = ("dim", "dim7", "hdim7")
#: Tension chords: dominant sevenths, diminished, augmented and suspended chords.
TENSION_QUALITIES: tuple[str, ...] = (
    "7",
    "dim",
    "dim7",
    "hdim7",
    "aug",
    "aug7",
    "sus2",
    "sus4",
    "7sus4",
)


def is_chord(token: int) -> bool:
    """Whether ``token`` is a real chord (not PAD, BOS, EOS, N or UNK)."""
    return FIRST_CHORD_ID <= token < VOCAB_SIZE


def root_and_quality(token: int) -> tuple[int, str]:
    """``(root above the tonic, quality)`` of a chord id.

    Raises:
        CompositionError: If ``token`` is not a real chord.
    """
    decoded = decode_chord_token(token) if is_chord(token) else None
    if decoded is None:
        raise CompositionError(f"token {token} is not a chord id")
    return decoded


def family_mask(qualities: tuple[str, ...]) -> NDArray[np.bool_]:
    """Boolean mask over all :data:`VOCAB_SIZE` ids: chords of one of ``qualities``."""
    mask = np.zeros(VOCAB_SIZE, dtype=bool)
    for token in CHORD_IDS:
        if root_and_quality(int(token))[1] in qualities:
            mask[token] = True
    return mask
