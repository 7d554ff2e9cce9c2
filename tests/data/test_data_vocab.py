from __future__ import annotations

import pytest

from image2music import vocab
from image2music.errors import ValidationError
from image2music.types import CHORD_QUALITIES


def test_chord_vocabulary_ids_are_stable() -> None:
    assert vocab.VOCAB_VERSION == 1
    assert vocab.CHORD_SPECIALS == ("PAD", "BOS", "EOS", "N", "UNK")
    assert vocab.CHORD_VOCAB_SIZE == 5 + 12 * 17 == 209
    assert tuple(CHORD_QUALITIES) == vocab.QUALITY_NAMES
    assert vocab.chord_token(0, "maj") == 5
    assert vocab.chord_token(0, "min") == 6
    assert vocab.chord_token(7, "7") == 5 + 7 * 17 + 9
    assert vocab.chord_token(11, "7sus4") == 208


def test_chord_tokens_round_trip() -> None:
    seen = set()
    for root in range(12):
        for q in CHORD_QUALITIES:
            tok = vocab.chord_token(root, q)
            assert vocab.decode_chord_token(tok) == (root, q)
            seen.add(tok)
    assert seen == set(range(5, vocab.CHORD_VOCAB_SIZE))
    assert vocab.decode_chord_token(vocab.CHORD_N) is None
    assert vocab.chord_token_name(vocab.CHORD_UNK) == "UNK"
    assert vocab.chord_token_name(vocab.chord_token(3, "maj")) == "3:maj"


def test_chord_token_rejects_bad_values() -> None:
    with pytest.raises(ValidationError, match="root_interval"):
        vocab.chord_token(12, "maj")
    with pytest.raises(KeyError):
        vocab.chord_token(0, "maj9")
    with pytest.raises(ValidationError, match="chord token"):
        vocab.decode_chord_token(vocab.CHORD_VOCAB_SIZE)


def test_melody_vocabulary() -> None:
    assert vocab.MELODY_VOCAB_SIZE == 5 + 5 * 12 == 65
    assert vocab.STEPS_PER_BEAT == 4
    # Middle C in C: octave 5 above the tonic's pitch class 0 -> 5 + 12 * 2 + 0.
    assert vocab.melody_token(60, 0) == 5 + 24
    assert vocab.decode_melody_token(vocab.melody_token(60, 0), 0) == 60
    # E4 in A minor (tonic 9): 64 - 9 = 55 = 4 * 12 + 7.
    assert vocab.melody_token_name(vocab.melody_token(64, 9)) == "o4+7"
    for pitch in range(40, 92):
        for tonic in range(12):
            tok = vocab.melody_token(pitch, tonic)
            assert 5 <= tok < vocab.MELODY_VOCAB_SIZE
    # Out of range pitches are folded by octaves, keeping the degree.
    assert vocab.melody_token(120, 0) == vocab.melody_token(96, 0)
    assert vocab.melody_token(12, 0) == vocab.melody_token(36, 0)
    assert vocab.decode_melody_token(vocab.MELODY_HOLD, 0) is None
    assert vocab.melody_token_name(vocab.MELODY_REST) == "REST"
