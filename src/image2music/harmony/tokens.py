"""Chord ids at inference time: a light copy of chord vocabulary version 1.

:mod:`image2music.data.vocab` defines the ids the corpus and the training code
use; importing it loads the whole corpus package, which ``compose`` does not
need. This module repeats the chord half of that table (a test checks that the
two agree on every id) together with the chord families the harmony network,
its labels and its evaluation share.

Ids: 0 ``PAD``, 1 ``BOS``, 2 ``EOS``, 3 ``N``, 4 ``UNK``, then
``5 + 17 * root + quality_index`` with ``root`` in semitones above the local
tonic and ``quality_index`` the position in
:data:`image2music.types.CHORD_QUALITIES`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from image2music.types import CHORD_QUALITIES

__all__ = [
    "BOS",
    "CHORD_IDS",
    "DIMINISHED_FAMILY",
    "DOMINANT_FAMILY",
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

#: Version of the chord table this module mirrors (``image2music.data.vocab``).
VOCAB_VERSION = 1
PAD = 0
BOS = 1
EOS = 2
NO_CHORD = 3
UNK = 4
#: First id of a real chord.
FIRST_CHORD_ID = 5
#: Quality names in id order.
QUALITY_NAMES: tuple[str, ...] = tuple(CHORD_QUALITIES)
#: Number of ids: 5 specials + 12 roots x 17 qualities.
VOCAB_SIZE = FIRST_CHORD_ID + 12 * len(QUALITY_NAMES)
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


def chord_id(root: int, quality: str) -> int:
    """Id of the chord ``quality`` on ``root`` semitones above the tonic (0..11)."""
    if not 0 <= root <= 11:
        raise ValueError(f"root must be in 0..11, got {root}")
    return FIRST_CHORD_ID + len(QUALITY_NAMES) * root + QUALITY_NAMES.index(quality)


def is_chord(token: int) -> bool:
    """Whether ``token`` is a real chord (not PAD, BOS, EOS, N or UNK)."""
    return FIRST_CHORD_ID <= token < VOCAB_SIZE


def root_and_quality(token: int) -> tuple[int, str]:
    """``(root above the tonic, quality)`` of a chord id.

    Raises:
        ValueError: If ``token`` is not a real chord.
    """
    if not is_chord(token):
        raise ValueError(f"token {token} is not a chord id")
    root, q = divmod(token - FIRST_CHORD_ID, len(QUALITY_NAMES))
    return root, QUALITY_NAMES[q]


def family_mask(qualities: tuple[str, ...]) -> NDArray[np.bool_]:
    """Boolean mask over all :data:`VOCAB_SIZE` ids: chords of one of ``qualities``."""
    mask = np.zeros(VOCAB_SIZE, dtype=bool)
    for token in CHORD_IDS:
        if root_and_quality(int(token))[1] in qualities:
            mask[token] = True
    return mask
