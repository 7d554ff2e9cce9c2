from __future__ import annotations

import pytest

from image2music.errors import TheoryError
from image2music.theory.keys import parse_key
from image2music.theory.pitch import (
    interval_class,
    interval_name,
    interval_up,
    midi_to_name,
    name_to_midi,
    name_to_pc,
    pc_to_name,
    signed_interval,
    transpose_pc,
)
from image2music.types import Key


@pytest.mark.parametrize(
    ("name", "pc"),
    [
        ("C", 0),
        ("c", 0),
        ("C#", 1),
        ("Db", 1),
        ("D", 2),
        ("D#", 3),
        ("Eb", 3),
        ("E", 4),
        ("Fb", 4),
        ("E#", 5),
        ("F", 5),
        ("F#", 6),
        ("Gb", 6),
        ("G", 7),
        ("G#", 8),
        ("Ab", 8),
        ("A", 9),
        ("A#", 10),
        ("Bb", 10),
        ("bb", 10),
        ("B", 11),
        ("Cb", 11),
        ("B#", 0),
        ("F##", 7),
        ("Fx", 7),
        ("Bbb", 9),
        ("Cbb", 10),
        ("C♯", 1),
        ("B♭", 10),
        ("E𝄫", 2),
        ("F𝄪", 7),
        ("G♮", 7),
        (" A ", 9),
    ],
)
def test_name_to_pc(name: str, pc: int) -> None:
    assert name_to_pc(name) == pc


@pytest.mark.parametrize("bad", ["", "H", "C4", "C#b", "C###", "Cbbb", "#C", "Do", "C-", "CC"])
def test_name_to_pc_rejects(bad: str) -> None:
    with pytest.raises(TheoryError, match=repr(bad).replace("(", r"\(")):
        name_to_pc(bad)


def test_name_to_pc_rejects_non_string() -> None:
    with pytest.raises(TheoryError):
        name_to_pc(5)  # type: ignore[arg-type]


DEFAULT_NAMES = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"]
SHARP_NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]
FLAT_NAMES = ["C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B"]


@pytest.mark.parametrize("pc", range(12))
def test_pc_to_name_tables(pc: int) -> None:
    assert pc_to_name(pc) == DEFAULT_NAMES[pc]
    assert pc_to_name(pc, prefer_flats=False) == SHARP_NAMES[pc]
    assert pc_to_name(pc, prefer_flats=True) == FLAT_NAMES[pc]
    assert pc_to_name(pc, prefer_flats=True, key=Key(7)) == FLAT_NAMES[pc]


@pytest.mark.parametrize(
    ("key", "names"),
    [
        ("C", "C Db D Eb E F F# G Ab A Bb B"),
        ("F", "C Db D Eb E F Gb G Ab A Bb B"),  # Gb = b2, B = #4
        ("G", "C C# D Eb E F F# G Ab A Bb B"),
        ("D", "C C# D Eb E F F# G G# A Bb B"),
        ("Bb", "C Db D Eb E F Gb G Ab A Bb Cb"),  # Cb = b2 (Neapolitan)
        ("Eb", "C Db D Eb Fb F Gb G Ab A Bb Cb"),
        ("Gb", "C Db D Eb Fb F Gb G Ab A Bb Cb"),
        ("B", "C C# D D# E E# F# G G# A A# B"),  # E# = #4
        ("A minor", "C C# D D# E F F# G G# A Bb B"),  # C# = #3, D# = #4, F# = #6, G# = #7
        ("D minor", "C C# D Eb E F F# G G# A Bb B"),
        ("C minor", "C Db D Eb E F F# G Ab A Bb B"),
        ("F minor", "C Db D Eb E F Gb G Ab A Bb B"),
        ("F# minor", "B# C# D D# E E# F# G G# A A# B"),  # E# = leading tone
        ("Eb minor", "C Db D Eb Fb F Gb G Ab A Bb Cb"),
        ("D dorian", "C C# D Eb E F F# G G# A Bb B"),
    ],
)
def test_pc_to_name_in_key(key: str, names: str) -> None:
    k = parse_key(key)
    assert [pc_to_name(pc, key=k) for pc in range(12)] == names.split()


@pytest.mark.parametrize("key", [Key(pc, mode) for pc in range(12) for mode in ("major", "minor")])
def test_key_spelling_uses_each_letter_once_for_the_scale(key: Key) -> None:
    names = [pc_to_name(pc, key=key) for pc in key.scale_pcs]
    assert sorted(n[0] for n in names) == sorted("ABCDEFG")
    assert all(name_to_pc(n) == pc for n, pc in zip(names, key.scale_pcs, strict=True))


@pytest.mark.parametrize("key", [Key(pc, mode) for pc in range(12) for mode in ("major", "minor")])
def test_key_spelling_never_uses_double_accidentals(key: Key) -> None:
    for pc in range(12):
        name = pc_to_name(pc, key=key)
        assert len(name) <= 2
        assert name_to_pc(name) == pc


@pytest.mark.parametrize("bad", [-1, 12, 1.0, True, None])
def test_pc_to_name_rejects(bad: object) -> None:
    with pytest.raises(TheoryError, match=r"0\.\.11"):
        pc_to_name(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("midi", "name"),
    [(60, "C4"), (69, "A4"), (0, "C-1"), (127, "G9"), (61, "C#4"), (70, "Bb4"), (59, "B3")],
)
def test_midi_names(midi: int, name: str) -> None:
    assert midi_to_name(midi) == name
    assert name_to_midi(name) == midi


def test_midi_name_octave_follows_the_letter() -> None:
    assert name_to_midi("B#3") == 60
    assert name_to_midi("Cb4") == 59
    assert midi_to_name(60, key=parse_key("C# major")) == "C4"
    assert midi_to_name(65, key=parse_key("F# minor")) == "E#4"
    assert midi_to_name(59, key=parse_key("Gb major")) == "Cb4"
    assert midi_to_name(61, prefer_flats=True) == "Db4"


@pytest.mark.parametrize("midi", range(128))
def test_midi_round_trip(midi: int) -> None:
    for prefer in (None, True, False):
        assert name_to_midi(midi_to_name(midi, prefer_flats=prefer)) == midi


@pytest.mark.parametrize("bad", ["C", "H4", "C#", "G10", "C-2", "4C", "Cb-1"])
def test_name_to_midi_rejects(bad: str) -> None:
    with pytest.raises(TheoryError, match=repr(bad)):
        name_to_midi(bad)


@pytest.mark.parametrize("bad", [-1, 128, 60.0])
def test_midi_to_name_rejects(bad: object) -> None:
    with pytest.raises(TheoryError, match=r"0\.\.127"):
        midi_to_name(bad)  # type: ignore[arg-type]


def test_intervals() -> None:
    assert transpose_pc(11, 2) == 1
    assert transpose_pc(0, -1) == 11
    assert transpose_pc(5, 24) == 5
    assert interval_up(0, 7) == 7
    assert interval_up(7, 0) == 5
    assert interval_class(0, 7) == 5
    assert interval_class(0, 6) == 6
    assert signed_interval(0, 7) == -5
    assert signed_interval(0, 5) == 5
    assert signed_interval(0, 6) == 6
    assert signed_interval(11, 0) == 1
    assert [interval_name(i) for i in (0, 3, 4, 6, 7, 11, 12)] == [
        "P1",
        "m3",
        "M3",
        "TT",
        "P5",
        "M7",
        "P8",
    ]


@pytest.mark.parametrize(("a", "b"), [(a, b) for a in range(12) for b in range(12)])
def test_interval_identities(a: int, b: int) -> None:
    assert transpose_pc(a, interval_up(a, b)) == b
    assert transpose_pc(a, signed_interval(a, b)) == b
    assert interval_class(a, b) == interval_class(b, a) == abs(signed_interval(a, b))


def test_interval_helpers_reject_bad_values() -> None:
    with pytest.raises(TheoryError):
        transpose_pc(12, 1)
    with pytest.raises(TheoryError):
        interval_up(0, -1)
    with pytest.raises(TheoryError, match="13"):
        interval_name(13)
