"""Melody ids at inference time: a light copy of melody vocabulary version 1.

:mod:`image2music.data.vocab` defines the ids the corpus and the training code
use; importing it loads the whole corpus package, which ``compose`` does not
need. This module repeats the melody half of that table (a test checks that
the two agree on every id).

Ids, one per 16th-note step: 0 ``PAD``, 1 ``BOS``, 2 ``EOS``, 3 ``REST``,
4 ``HOLD`` (the previous note continues), then a note onset
``5 + 12 * (octave - 3) + degree`` with ``degree`` the semitones above the
local tonic and MIDI pitch ``tonic_pc + 12 * octave + degree`` (octaves 3..7).
"""

from __future__ import annotations

__all__ = [
    "BOS",
    "EOS",
    "FIRST_NOTE_ID",
    "HOLD",
    "MAX_OCTAVE",
    "MIN_OCTAVE",
    "PAD",
    "REST",
    "VOCAB_SIZE",
    "VOCAB_VERSION",
    "is_note",
    "note_id",
    "pitch_of",
]

#: Version of the melody table this module mirrors (``image2music.data.vocab``).
VOCAB_VERSION = 1
PAD = 0
BOS = 1
EOS = 2
REST = 3
HOLD = 4
#: First id of a note onset.
FIRST_NOTE_ID = 5
#: Lowest and highest octave of a note id (MIDI pitch = tonic + 12 * octave + degree).
MIN_OCTAVE, MAX_OCTAVE = 3, 7
#: Number of ids: 5 specials + 5 octaves x 12 degrees.
VOCAB_SIZE = FIRST_NOTE_ID + 12 * (MAX_OCTAVE - MIN_OCTAVE + 1)


def is_note(token: int) -> bool:
    """Whether ``token`` is a note onset."""
    return FIRST_NOTE_ID <= token < VOCAB_SIZE


def pitch_of(token: int, tonic_pc: int) -> int:
    """MIDI pitch of a note id in a key with tonic ``tonic_pc``.

    Raises:
        ValueError: If ``token`` is not a note id.
    """
    if not is_note(token):
        raise ValueError(f"token {token} is not a note id")
    octave, degree = divmod(token - FIRST_NOTE_ID, 12)
    return tonic_pc + 12 * (octave + MIN_OCTAVE) + degree


def note_id(pitch: int, tonic_pc: int) -> int:
    """Note id of a MIDI pitch, moved by octaves into octaves 3..7."""
    octave, degree = divmod(pitch - tonic_pc, 12)
    octave = min(max(octave, MIN_OCTAVE), MAX_OCTAVE)
    return FIRST_NOTE_ID + 12 * (octave - MIN_OCTAVE) + degree
