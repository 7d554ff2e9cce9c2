"""Melody ids as the melody network names them, from the one vocabulary.

The ids are defined once, in :mod:`image2music.vocab`; this module gives the
melody code its short names for them (``REST``, ``HOLD``, ``note_id``...).

Ids, one per 16th-note step: 0 ``PAD``, 1 ``BOS``, 2 ``EOS``, 3 ``REST``,
4 ``HOLD`` (the previous note continues), then a note onset
``5 + 12 * (octave - 3) + degree`` with ``degree`` the semitones above the
local tonic and MIDI pitch ``tonic_pc + 12 * octave + degree`` (octaves 3..7).
"""

from __future__ import annotations

from image2music.errors import CompositionError
from image2music.vocab import FIRST_NOTE_ID, VOCAB_VERSION, decode_melody_token
from image2music.vocab import MELODY_BOS as BOS
from image2music.vocab import MELODY_EOS as EOS
from image2music.vocab import MELODY_HOLD as HOLD
from image2music.vocab import MELODY_MAX_OCTAVE as MAX_OCTAVE
from image2music.vocab import MELODY_MIN_OCTAVE as MIN_OCTAVE
from image2music.vocab import MELODY_PAD as PAD
from image2music.vocab import MELODY_REST as REST
from image2music.vocab import MELODY_VOCAB_SIZE as VOCAB_SIZE
from image2music.vocab import melody_token as note_id

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


def is_note(token: int) -> bool:
    """Whether ``token`` is a note onset."""
    return FIRST_NOTE_ID <= token < VOCAB_SIZE


def pitch_of(token: int, tonic_pc: int) -> int:
    """MIDI pitch of a note id in a key with tonic ``tonic_pc``.

    Raises:
        CompositionError: If ``token`` is not a note id.
    """
    pitch = decode_melody_token(token, tonic_pc) if is_note(token) else None
    if pitch is None:
        raise CompositionError(f"token {token} is not a note id")
    return pitch
