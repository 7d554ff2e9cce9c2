from __future__ import annotations

import pytest

from image2music.errors import TheoryError
from image2music.theory.chord_tones import (
    QUALITY_PREFERENCE,
    chord_quality_from_pcs,
    chord_tone_names,
    chord_tones,
    is_chord_tone,
    transpose_chord,
)
from image2music.theory.chords import parse_chord
from image2music.theory.keys import parse_key
from image2music.types import CHORD_QUALITIES, Chord


@pytest.mark.parametrize(
    ("symbol", "tones"),
    [
        ("C", (0, 4, 7)),
        ("G7", (7, 11, 2, 5)),
        ("Am", (9, 0, 4)),
        ("Bm7b5", (11, 2, 5, 9)),
        ("C/E", (0, 4, 7)),
        ("C/Bb", (0, 4, 7, 10)),
        ("C5", (0, 7)),
    ],
)
def test_chord_tones(symbol: str, tones: tuple[int, ...]) -> None:
    chord = parse_chord(symbol)
    assert chord_tones(chord) == tones
    assert all(is_chord_tone(pc, chord) for pc in tones)
    assert not any(is_chord_tone(pc, chord) for pc in set(range(12)) - set(tones))


def test_is_chord_tone_accepts_midi_pitches() -> None:
    assert is_chord_tone(64, parse_chord("C"))
    assert not is_chord_tone(65, parse_chord("C"))


@pytest.mark.parametrize(
    ("symbol", "key", "names"),
    [
        ("D7", None, ("D", "F#", "A", "C")),
        ("Ebdim7", None, ("Eb", "Gb", "Bbb", "Dbb")),
        ("C#", None, ("C#", "E#", "G#")),
        ("Ab", None, ("Ab", "C", "Eb")),
        ("G#", "A minor", ("G#", "B#", "D#")),
        ("Bbsus2", None, ("Bb", "C", "F")),
        ("Fsus4", None, ("F", "Bb", "C")),
        ("Bm7b5", None, ("B", "D", "F", "A")),
        ("Caug7", None, ("C", "E", "G#", "Bb")),
        ("C6", None, ("C", "E", "G", "A")),
        ("C/Bb", None, ("C", "E", "G", "Bb")),
        ("C/F#", "G", ("C", "E", "G", "F#")),
        ("CmMaj7", None, ("C", "Eb", "G", "B")),
    ],
)
def test_chord_tone_names(symbol: str, key: str | None, names: tuple[str, ...]) -> None:
    assert chord_tone_names(parse_chord(symbol), None if key is None else parse_key(key)) == names


@pytest.mark.parametrize("quality", list(CHORD_QUALITIES))
@pytest.mark.parametrize("root", range(12))
def test_chord_tone_names_use_consecutive_letters(root: int, quality: str) -> None:
    names = chord_tone_names(Chord(root, quality))
    letters = "CDEFGAB"
    steps = [(letters.index(n[0]) - letters.index(names[0][0])) % 7 for n in names]
    assert steps == sorted(steps)
    assert len(set(steps)) == len(steps)


def test_transpose_chord() -> None:
    assert transpose_chord(Chord(0, "maj", 4), 2) == Chord(2, "maj", 6)
    assert transpose_chord(Chord(11, "7"), 1) == Chord(0, "7")
    assert transpose_chord(Chord(0, "min7"), -3) == Chord(9, "min7")
    assert transpose_chord(Chord(0), 24) == Chord(0)


@pytest.mark.parametrize("quality", list(CHORD_QUALITIES))
@pytest.mark.parametrize("root", range(12))
def test_recognise_exact_chords_with_root_in_bass(root: int, quality: str) -> None:
    chord = Chord(root, quality)
    assert chord_quality_from_pcs(chord.pitch_classes, bass=root) == chord


@pytest.mark.parametrize("quality", ["maj", "min", "7", "maj7", "min7", "hdim7", "dim", "sus4"])
def test_recognise_without_bass(quality: str) -> None:
    chord = Chord(5, quality)
    assert chord_quality_from_pcs(reversed(chord.pitch_classes)) == chord


@pytest.mark.parametrize(
    ("pcs", "bass", "expected"),
    [
        ([0, 4, 7], None, Chord(0, "maj")),
        ([60, 64, 67, 72], None, Chord(0, "maj")),
        ([4, 7, 0], 4, Chord(0, "maj", 4)),
        ([9, 0, 4, 7], None, Chord(9, "min7")),
        ([9, 0, 4, 7], 0, Chord(0, "6")),
        ([0, 4, 7, 10, 2], None, Chord(0, "7")),  # C9 -> C7
        ([0, 4, 7, 11, 2], None, Chord(0, "maj7")),  # Cmaj9 -> Cmaj7
        ([0, 4, 10], None, Chord(0, "7")),  # no fifth
        ([0, 4], None, Chord(0, "maj")),
        ([0, 3], None, Chord(0, "min")),
        ([0, 7], None, Chord(0, "5")),
        ([0, 5, 7], None, Chord(0, "sus4")),
        ([0, 5, 7], 7, Chord(0, "sus4", 7)),
        ([0, 5, 7], 5, Chord(5, "sus2")),
        ([11, 2, 5, 7], None, Chord(7, "7")),
        ([11, 2, 5, 7], 11, Chord(7, "7", 11)),
        ([0, 3, 6, 9], None, Chord(0, "dim7")),
        ([0, 3, 6, 9], 6, Chord(6, "dim7")),
        ([0, 4, 8], 8, Chord(8, "aug")),
        ([9, 0, 4, 6], None, Chord(6, "hdim7")),
        ([0, 4, 7], 10, Chord(0, "7", 10)),  # the bass sounds too
    ],
)
def test_recognise_examples(pcs: list[int], bass: int | None, expected: Chord) -> None:
    assert chord_quality_from_pcs(pcs, bass) == expected


@pytest.mark.parametrize(
    "pcs",
    [[], [0], [0, 0, 12], [0, 1, 2, 3, 4, 5], [0, 6], [0, 1]],
)
def test_recognise_nothing(pcs: list[int]) -> None:
    assert chord_quality_from_pcs(pcs) is None


def test_recognise_rejects_non_integers() -> None:
    with pytest.raises(TheoryError, match="integers"):
        chord_quality_from_pcs([0, 4.0])  # type: ignore[list-item]


def test_quality_preference_covers_the_vocabulary() -> None:
    assert sorted(QUALITY_PREFERENCE) == sorted(CHORD_QUALITIES)
