from __future__ import annotations

import pytest

from image2music.errors import TheoryError
from image2music.theory.keys import all_keys, parse_key
from image2music.theory.scales import (
    degree_and_alteration_of,
    degree_pc,
    diatonic_step,
    is_in_scale,
    nearest_in_scale,
    scale_degree,
    scale_pcs,
    scale_pitches,
)
from image2music.types import MODES, Key

C = Key(0)
A_MINOR = Key(9, "minor")


def test_scale_pcs_and_pitches() -> None:
    assert scale_pcs(C) == (0, 2, 4, 5, 7, 9, 11)
    assert scale_pcs(A_MINOR) == (9, 11, 0, 2, 4, 5, 7)
    assert scale_pcs(parse_key("D dorian")) == (2, 4, 5, 7, 9, 11, 0)
    assert scale_pitches(C, 60, 72) == (60, 62, 64, 65, 67, 69, 71, 72)
    assert scale_pitches(A_MINOR, 57, 69) == (57, 59, 60, 62, 64, 65, 67, 69)
    assert scale_pitches(C, 61, 61) == ()
    assert len(scale_pitches(C)) == 15  # C3..C5 by default
    assert len(scale_pitches(C, 0, 127)) == 75


def test_scale_pitches_rejects_bad_range() -> None:
    with pytest.raises(TheoryError, match="low"):
        scale_pitches(C, -1, 60)
    with pytest.raises(TheoryError, match="high"):
        scale_pitches(C, 0, 128)


@pytest.mark.parametrize(
    ("key", "pitch", "degree"),
    [
        (C, 0, "1"),
        (C, 62, "2"),
        (C, 3, "b3"),
        (C, 4, "3"),
        (C, 6, "#4"),
        (C, 8, "b6"),
        (C, 10, "b7"),
        (C, 1, "b2"),
        (C, 71, "7"),
        (A_MINOR, 9, "1"),
        (A_MINOR, 0, "3"),
        (A_MINOR, 1, "#3"),
        (A_MINOR, 8, "#7"),
        (A_MINOR, 6, "#6"),
        (A_MINOR, 7, "7"),
        (A_MINOR, 10, "b2"),
        (A_MINOR, 3, "#4"),
        (Key(2, "dorian"), 11, "6"),
        (Key(2, "dorian"), 10, "b6"),
        (Key(4, "phrygian"), 5, "2"),
        (Key(4, "phrygian"), 6, "#2"),
        (Key(5, "lydian"), 11, "4"),
        (Key(5, "lydian"), 10, "b4"),
        (Key(11, "locrian"), 5, "5"),
        (Key(11, "locrian"), 6, "#5"),
    ],
)
def test_scale_degree(key: Key, pitch: int, degree: str) -> None:
    assert scale_degree(pitch, key) == degree
    assert degree_pc(degree, key) == pitch % 12


@pytest.mark.parametrize("key", all_keys(MODES))
def test_degrees_cover_all_pitch_classes(key: Key) -> None:
    seen = set()
    for pc in range(12):
        degree, alteration = degree_and_alteration_of(pc, key)
        assert 1 <= degree <= 7
        assert alteration in (-1, 0, 1)
        assert (alteration == 0) == is_in_scale(pc, key)
        assert degree_pc(scale_degree(pc, key), key) == pc
        seen.add(scale_degree(pc, key))
    assert len(seen) == 12
    assert [degree_pc(d, key) for d in range(1, 8)] == list(key.scale_pcs)


@pytest.mark.parametrize("bad", [0, 8, "b", "3b", "x3", "", True])
def test_degree_pc_rejects(bad: object) -> None:
    with pytest.raises(TheoryError, match="scale degree"):
        degree_pc(bad, C)  # type: ignore[arg-type]


def test_degree_pc_accepts_unicode_and_spaces() -> None:
    assert degree_pc(" ♭3 ", C) == 3
    assert degree_pc("♯4", C) == 6
    assert degree_pc("bb7", C) == 9


def test_is_in_scale() -> None:
    assert is_in_scale(60, C)
    assert not is_in_scale(61, C)
    assert is_in_scale(7, A_MINOR)
    assert not is_in_scale(8, A_MINOR)
    with pytest.raises(TheoryError):
        is_in_scale(128, C)


@pytest.mark.parametrize(
    ("pitch", "steps", "expected"),
    [
        (60, 1, 62),
        (60, 2, 64),
        (60, 7, 72),
        (60, -1, 59),
        (60, -7, 48),
        (64, 1, 65),
        (65, -1, 64),
        (60, 0, 60),
        (61, 0, 61),
        (61, 1, 62),  # from outside the scale: next scale pitch above
        (61, -1, 60),
        (61, 2, 64),
    ],
)
def test_diatonic_step(pitch: int, steps: int, expected: int) -> None:
    assert diatonic_step(pitch, steps, C) == expected


def test_diatonic_step_minor_and_limits() -> None:
    assert diatonic_step(67, 1, A_MINOR) == 69
    assert diatonic_step(69, -1, A_MINOR) == 67
    with pytest.raises(TheoryError, match=r"0\.\.127"):
        diatonic_step(127, 1, C)
    with pytest.raises(TheoryError, match=r"0\.\.127"):
        diatonic_step(0, -1, C)


@pytest.mark.parametrize("key", all_keys())
def test_diatonic_steps_are_inverse(key: Key) -> None:
    for pitch in scale_pitches(key, 40, 80):
        for steps in (1, 2, 3, 5, 8):
            assert diatonic_step(diatonic_step(pitch, steps, key), -steps, key) == pitch


def test_nearest_in_scale() -> None:
    assert nearest_in_scale(60, C) == 60
    assert nearest_in_scale(61, C) == 60  # tie goes down
    assert nearest_in_scale(66, C) == 65
    assert nearest_in_scale(68, A_MINOR) == 67
    assert nearest_in_scale(0, Key(1)) == 0
    assert nearest_in_scale(127, Key(1)) == 126
    with pytest.raises(TheoryError):
        nearest_in_scale(-1, C)
