from __future__ import annotations

import pytest

from image2music.errors import TheoryError
from image2music.theory.chords import parse_chord
from image2music.theory.keys import all_keys, parse_key
from image2music.theory.relative import degree_of, from_relative, relative_root, to_relative
from image2music.types import CHORD_QUALITIES, MODES, Chord, Key


@pytest.mark.parametrize(
    ("key", "symbol", "token", "degree"),
    [
        ("C", "C", (0, "maj", None), (1, 0)),
        ("C", "G7/B", (7, "7", 4), (5, 0)),
        ("C", "Bb", (10, "maj", None), (7, -1)),
        ("C", "F#m7b5", (6, "hdim7", None), (4, 1)),
        ("C", "C/Bb", (0, "maj", 10), (1, 0)),
        ("G", "D7", (7, "7", None), (5, 0)),
        ("a", "E7", (7, "7", None), (5, 0)),
        ("a", "G#dim7", (11, "dim7", None), (7, 1)),
        ("a", "C", (3, "maj", None), (3, 0)),
        ("Eb", "Ab/C", (5, "maj", 4), (4, 0)),
    ],
)
def test_tokens(
    key: str, symbol: str, token: tuple[int, str, int | None], degree: tuple[int, int]
) -> None:
    k = parse_key(key)
    chord = parse_chord(symbol)
    assert to_relative(chord, k) == token
    assert from_relative(*token[:2], k, token[2]) == chord
    assert relative_root(chord, k) == token[0]
    assert degree_of(chord, k) == degree


def test_tokens_are_key_invariant() -> None:
    c_token = to_relative(parse_chord("G7/B"), Key(0))
    assert to_relative(parse_chord("A7/C#"), Key(2)) == c_token
    assert to_relative(parse_chord("Db7/F"), Key(6)) == c_token


@pytest.mark.parametrize("key", all_keys(MODES), ids=str)
def test_token_round_trip(key: Key) -> None:
    for root in range(12):
        for quality in CHORD_QUALITIES:
            for bass in (None, *range(12)):
                chord = Chord(root, quality, bass)
                interval, q, bass_interval = to_relative(chord, key)
                assert 0 <= interval <= 11
                assert bass_interval is None or 1 <= bass_interval <= 11
                assert from_relative(interval, q, key, bass_interval) == chord


def test_from_relative_defaults_and_zero_bass() -> None:
    assert from_relative(7, "7", Key(0)) == Chord(7, "7")
    assert from_relative(7, "7", Key(0), 0) == Chord(7, "7")


@pytest.mark.parametrize(
    ("interval", "quality", "bass", "match"),
    [
        (12, "maj", None, "root interval"),
        (-1, "maj", None, "root interval"),
        (0, "maj9", None, "maj9"),
        (0, "maj", 12, "bass interval"),
        (True, "maj", None, "root interval"),
    ],
)
def test_from_relative_rejects(interval: int, quality: str, bass: int | None, match: str) -> None:
    with pytest.raises(TheoryError, match=match):
        from_relative(interval, quality, Key(0), bass)
