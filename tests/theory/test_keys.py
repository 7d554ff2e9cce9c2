from __future__ import annotations

import pytest

from image2music.errors import TheoryError
from image2music.theory.keys import (
    all_keys,
    key_from_signature,
    key_name,
    key_signature,
    parallel_key,
    parse_key,
    relative_key,
    tonic_name,
)
from image2music.types import MODES, Key


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("C", Key(0, "major")),
        ("Am", Key(9, "minor")),
        ("A minor", Key(9, "minor")),
        ("a minor", Key(9, "minor")),
        ("A Minor", Key(9, "minor")),
        ("f#m", Key(6, "minor")),
        ("F#m", Key(6, "minor")),
        ("Eb major", Key(3, "major")),
        ("Ebmaj", Key(3, "major")),
        ("EbM", Key(3, "major")),
        ("Ebm", Key(3, "minor")),
        ("Bbmin", Key(10, "minor")),
        ("bb", Key(10, "minor")),
        ("Bb", Key(10, "major")),
        ("b", Key(11, "minor")),
        ("B", Key(11, "major")),
        ("c", Key(0, "minor")),
        ("c major", Key(0, "major")),
        ("D dorian", Key(2, "dorian")),
        ("d dorian", Key(2, "dorian")),
        ("E phrygian", Key(4, "phrygian")),
        ("F Lydian", Key(5, "lydian")),
        ("G mixolydian", Key(7, "mixolydian")),
        ("G mix", Key(7, "mixolydian")),
        ("B locrian", Key(11, "locrian")),
        ("A aeolian", Key(9, "minor")),
        ("C ionian", Key(0, "major")),
        ("C_major", Key(0, "major")),
        ("a:", Key(9, "minor")),
        ("Bb:", Key(10, "major")),
        ("  G  ", Key(7, "major")),
        ("Cb major", Key(11, "major")),
        ("C# minor", Key(1, "minor")),
        ("E♭ major", Key(3, "major")),
        ("F♯m", Key(6, "minor")),
    ],
)
def test_parse_key(text: str, key: Key) -> None:
    assert parse_key(text) == key


@pytest.mark.parametrize(
    "bad", ["", "H", "C foo", "Am7", "C#b minor", "C major minor", "1", "Cmajr", "C-"]
)
def test_parse_key_rejects(bad: str) -> None:
    with pytest.raises(TheoryError, match="cannot parse key"):
        parse_key(bad)


def test_parse_key_message_names_the_text() -> None:
    with pytest.raises(TheoryError, match="'X minor'"):
        parse_key("X minor")


@pytest.mark.parametrize(
    ("key", "name", "signature"),
    [
        (Key(0), "C major", 0),
        (Key(7), "G major", 1),
        (Key(2), "D major", 2),
        (Key(9), "A major", 3),
        (Key(4), "E major", 4),
        (Key(11), "B major", 5),
        (Key(6), "Gb major", -6),
        (Key(1), "Db major", -5),
        (Key(8), "Ab major", -4),
        (Key(3), "Eb major", -3),
        (Key(10), "Bb major", -2),
        (Key(5), "F major", -1),
        (Key(9, "minor"), "A minor", 0),
        (Key(4, "minor"), "E minor", 1),
        (Key(11, "minor"), "B minor", 2),
        (Key(6, "minor"), "F# minor", 3),
        (Key(1, "minor"), "C# minor", 4),
        (Key(8, "minor"), "G# minor", 5),
        (Key(3, "minor"), "Eb minor", -6),
        (Key(10, "minor"), "Bb minor", -5),
        (Key(5, "minor"), "F minor", -4),
        (Key(0, "minor"), "C minor", -3),
        (Key(7, "minor"), "G minor", -2),
        (Key(2, "minor"), "D minor", -1),
        (Key(2, "dorian"), "D dorian", 0),
        (Key(4, "phrygian"), "E phrygian", 0),
        (Key(5, "lydian"), "F lydian", 0),
        (Key(7, "mixolydian"), "G mixolydian", 0),
        (Key(11, "locrian"), "B locrian", 0),
        (Key(10, "mixolydian"), "Bb mixolydian", -3),
        (Key(9, "dorian"), "A dorian", 1),
        (Key(6, "dorian"), "F# dorian", 4),
    ],
)
def test_key_name_and_signature(key: Key, name: str, signature: int) -> None:
    assert key_name(key) == name
    assert key_signature(key) == signature
    assert parse_key(name) == key
    assert tonic_name(key) == name.split()[0]


@pytest.mark.parametrize("key", all_keys(MODES))
def test_every_key_round_trips(key: Key) -> None:
    assert parse_key(key_name(key)) == key
    assert -6 <= key_signature(key) <= 6
    assert key_from_signature(key_signature(key), key.mode) == key


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("fifths", range(-7, 8))
def test_key_from_signature(fifths: int, mode: str) -> None:
    key = key_from_signature(fifths, mode)
    assert key.mode == mode
    if abs(fifths) <= 5:
        assert key_signature(key) == fifths
    else:  # 6 and 7 accidentals have an enharmonic key with fewer or as many
        assert abs(key_signature(key)) <= abs(fifths)
    # The scale has exactly the notes of the parent major key.
    parent = key_from_signature(fifths, "major")
    assert set(key.scale_pcs) == set(parent.scale_pcs)


def test_key_from_signature_examples() -> None:
    assert key_from_signature(-3, "minor") == Key(0, "minor")
    assert key_from_signature(0, "dorian") == Key(2, "dorian")
    assert key_from_signature(7) == Key(1)
    assert key_from_signature(-7) == Key(11)
    assert key_from_signature(2) == Key(2)


@pytest.mark.parametrize(("fifths", "mode"), [(8, "major"), (-8, "minor"), (0, "blues")])
def test_key_from_signature_rejects(fifths: int, mode: str) -> None:
    with pytest.raises(TheoryError):
        key_from_signature(fifths, mode)


def test_relative_and_parallel_keys() -> None:
    assert relative_key(Key(0)) == Key(9, "minor")
    assert relative_key(Key(9, "minor")) == Key(0)
    assert relative_key(Key(2, "dorian")) == Key(0)
    assert relative_key(Key(0), "dorian") == Key(2, "dorian")
    assert relative_key(Key(7), "mixolydian") == Key(2, "mixolydian")
    assert parallel_key(Key(0)) == Key(0, "minor")
    assert parallel_key(Key(9, "minor")) == Key(9)
    assert parallel_key(Key(7, "mixolydian")) == Key(7, "minor")
    assert parallel_key(Key(2, "dorian")) == Key(2)
    assert parallel_key(Key(2), "lydian") == Key(2, "lydian")
    with pytest.raises(TheoryError, match="blues"):
        relative_key(Key(0), "blues")
    with pytest.raises(TheoryError, match="blues"):
        parallel_key(Key(0), "blues")


@pytest.mark.parametrize("key", all_keys(MODES))
def test_relative_key_shares_scale_and_signature(key: Key) -> None:
    for mode in MODES:
        other = relative_key(key, mode)
        assert set(other.scale_pcs) == set(key.scale_pcs)
        assert relative_key(other, key.mode) == key


def test_all_keys() -> None:
    keys = all_keys()
    assert len(keys) == 24
    assert keys[0] == Key(0) and keys[12] == Key(0, "minor")
    assert len(all_keys(MODES)) == 84
    with pytest.raises(TheoryError):
        all_keys(["blues"])
