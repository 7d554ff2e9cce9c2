"""Token vocabularies of the training corpus: a stable, versioned table.

Both the training code and ONNX inference map music to integer ids with these
tables, so the ids below must never change within a version. Changing
anything here means bumping :data:`VOCAB_VERSION` (and retraining).

Chord vocabulary (version 1), :data:`CHORD_VOCAB_SIZE` = 209 ids:

====  =========  =====================================================
id    token      meaning
====  =========  =====================================================
0     ``PAD``    padding
1     ``BOS``    start of sequence
2     ``EOS``    end of sequence
3     ``N``      no chord (silence, "N.C.", ``N`` in Harte syntax)
4     ``UNK``    a chord that could not be mapped (dropped, masked in
                 training; kept so that timing stays aligned)
5..   degree     ``5 + 17 * root + quality_index``: ``root`` is the
                 chord root in semitones above the *local* key's tonic
                 (0..11; in minor keys above the minor tonic, so in A
                 minor ``Am`` is (0, min) and ``C`` is (3, maj)),
                 ``quality_index`` the position of the quality in
                 :data:`image2music.types.CHORD_QUALITIES` (``maj`` 0,
                 ``min`` 1, ... ``7sus4`` 16)
====  =========  =====================================================

The bass of a slash chord is not part of the token: it is an attribute
stored next to it (see :mod:`image2music.data.store`).

Melody vocabulary (version 1), on a grid of :data:`STEPS_PER_BEAT` = 4 steps
per quarter note (16th notes), :data:`MELODY_VOCAB_SIZE` = 65 ids:

====  =========  =====================================================
id    token      meaning
====  =========  =====================================================
0     ``PAD``    padding
1     ``BOS``    start of sequence
2     ``EOS``    end of sequence
3     ``REST``   no note sounds during this step
4     ``HOLD``   the previous note continues through this step
5..   pitch      a note starts: ``5 + 12 * (octave - 3) + degree`` where
                 ``degree = (pitch - tonic_pc) % 12`` (semitones above the
                 local tonic) and ``octave = (pitch - tonic_pc) // 12``,
                 so MIDI pitch = ``tonic_pc + 12 * octave + degree``;
                 octaves 3..7 (about MIDI 36..107); notes outside are
                 moved by whole octaves into the range
====  =========  =====================================================
"""

from __future__ import annotations

from image2music.errors import ValidationError
from image2music.types import CHORD_QUALITIES

__all__ = [
    "CHORD_BOS",
    "CHORD_EOS",
    "CHORD_N",
    "CHORD_PAD",
    "CHORD_SPECIALS",
    "CHORD_UNK",
    "CHORD_VOCAB_SIZE",
    "FIRST_CHORD_ID",
    "FIRST_NOTE_ID",
    "MELODY_BOS",
    "MELODY_EOS",
    "MELODY_HOLD",
    "MELODY_MAX_OCTAVE",
    "MELODY_MIN_OCTAVE",
    "MELODY_PAD",
    "MELODY_REST",
    "MELODY_SPECIALS",
    "MELODY_VOCAB_SIZE",
    "QUALITY_NAMES",
    "STEPS_PER_BEAT",
    "VOCAB_VERSION",
    "chord_token",
    "chord_token_name",
    "decode_chord_token",
    "decode_melody_token",
    "melody_token",
    "melody_token_name",
    "quality_index",
]

#: Version of both tables; stored in every corpus manifest and model file.
VOCAB_VERSION = 1

#: Chord quality names in id order (the order of ``CHORD_QUALITIES``).
QUALITY_NAMES: tuple[str, ...] = tuple(CHORD_QUALITIES)

CHORD_PAD = 0
CHORD_BOS = 1
CHORD_EOS = 2
CHORD_N = 3
CHORD_UNK = 4
#: Names of the special chord ids, by id.
CHORD_SPECIALS: tuple[str, ...] = ("PAD", "BOS", "EOS", "N", "UNK")
FIRST_CHORD_ID = len(CHORD_SPECIALS)
#: Number of chord ids: 5 specials + 12 roots x 17 qualities.
CHORD_VOCAB_SIZE = FIRST_CHORD_ID + 12 * len(QUALITY_NAMES)

#: Melody grid resolution, in steps per quarter note (16th notes).
STEPS_PER_BEAT = 4
MELODY_PAD = 0
MELODY_BOS = 1
MELODY_EOS = 2
MELODY_REST = 3
MELODY_HOLD = 4
#: Names of the special melody ids, by id.
MELODY_SPECIALS: tuple[str, ...] = ("PAD", "BOS", "EOS", "REST", "HOLD")
#: Lowest and highest octave (counted from the tonic below MIDI 0) of a note token.
MELODY_MIN_OCTAVE = 3
MELODY_MAX_OCTAVE = 7
FIRST_NOTE_ID = len(MELODY_SPECIALS)
#: Number of melody ids: 5 specials + 5 octaves x 12 degrees.
MELODY_VOCAB_SIZE = FIRST_NOTE_ID + 12 * (MELODY_MAX_OCTAVE - MELODY_MIN_OCTAVE + 1)

_QUALITY_INDEX = {name: i for i, name in enumerate(QUALITY_NAMES)}


def quality_index(quality: str) -> int:
    """Position of a chord quality in :data:`QUALITY_NAMES`.

    Args:
        quality: A key of :data:`image2music.types.CHORD_QUALITIES`.

    Returns:
        The index, 0..16.

    Raises:
        KeyError: If the quality is not in the vocabulary.
    """
    return _QUALITY_INDEX[quality]


def chord_token(root_interval: int, quality: str) -> int:
    """Token id of a key-relative chord.

    Args:
        root_interval: Root in semitones above the local tonic, 0..11.
        quality: A key of :data:`image2music.types.CHORD_QUALITIES`.

    Returns:
        The chord id, 5..208.

    Raises:
        ValidationError: If ``root_interval`` is outside 0..11.
        KeyError: If the quality is not in the vocabulary.
    """
    if not 0 <= root_interval <= 11:
        raise ValidationError(f"root_interval must be in 0..11, got {root_interval}")
    return FIRST_CHORD_ID + len(QUALITY_NAMES) * root_interval + _QUALITY_INDEX[quality]


def decode_chord_token(token: int) -> tuple[int, str] | None:
    """Inverse of :func:`chord_token`.

    Args:
        token: A chord id.

    Returns:
        ``(root_interval, quality)``, or ``None`` for a special id.

    Raises:
        ValidationError: If the id is outside the vocabulary.
    """
    if not 0 <= token < CHORD_VOCAB_SIZE:
        raise ValidationError(f"chord token must be in 0..{CHORD_VOCAB_SIZE - 1}, got {token}")
    if token < FIRST_CHORD_ID:
        return None
    root, q = divmod(token - FIRST_CHORD_ID, len(QUALITY_NAMES))
    return root, QUALITY_NAMES[q]


def chord_token_name(token: int) -> str:
    """Readable name of a chord id, e.g. ``"N"`` or ``"7:min7"`` (root interval 7).

    Args:
        token: A chord id.

    Returns:
        The special's name or ``"<root_interval>:<quality>"``.
    """
    decoded = decode_chord_token(token)
    if decoded is None:
        return CHORD_SPECIALS[token]
    return f"{decoded[0]}:{decoded[1]}"


def melody_token(pitch: int, tonic_pc: int) -> int:
    """Token id of a note onset, relative to the local tonic.

    Pitches outside octaves :data:`MELODY_MIN_OCTAVE`..:data:`MELODY_MAX_OCTAVE`
    are moved by whole octaves into the range.

    Args:
        pitch: MIDI note number, 0..127.
        tonic_pc: Pitch class of the local tonic, 0..11.

    Returns:
        The melody id, 5..64.
    """
    octave, degree = divmod(pitch - tonic_pc, 12)
    octave = min(max(octave, MELODY_MIN_OCTAVE), MELODY_MAX_OCTAVE)
    return FIRST_NOTE_ID + 12 * (octave - MELODY_MIN_OCTAVE) + degree


def decode_melody_token(token: int, tonic_pc: int) -> int | None:
    """MIDI pitch of a note token (inverse of :func:`melody_token` within range).

    Args:
        token: A melody id.
        tonic_pc: Pitch class of the local tonic, 0..11.

    Returns:
        The MIDI pitch, or ``None`` for a special id.

    Raises:
        ValidationError: If the id is outside the vocabulary.
    """
    if not 0 <= token < MELODY_VOCAB_SIZE:
        raise ValidationError(f"melody token must be in 0..{MELODY_VOCAB_SIZE - 1}, got {token}")
    if token < FIRST_NOTE_ID:
        return None
    octave, degree = divmod(token - FIRST_NOTE_ID, 12)
    return tonic_pc + 12 * (octave + MELODY_MIN_OCTAVE) + degree


def melody_token_name(token: int) -> str:
    """Readable name of a melody id, e.g. ``"HOLD"`` or ``"o4+7"`` (octave 4, degree 7).

    Args:
        token: A melody id.

    Returns:
        The special's name or ``"o<octave>+<degree>"``.
    """
    if not 0 <= token < MELODY_VOCAB_SIZE:
        raise ValidationError(f"melody token must be in 0..{MELODY_VOCAB_SIZE - 1}, got {token}")
    if token < FIRST_NOTE_ID:
        return MELODY_SPECIALS[token]
    octave, degree = divmod(token - FIRST_NOTE_ID, 12)
    return f"o{octave + MELODY_MIN_OCTAVE}+{degree}"
