from __future__ import annotations

import pytest

from image2music.errors import TheoryError
from image2music.theory.chords import (
    QUALITY_SUFFIXES,
    ParsedChord,
    chord_symbol,
    parse_chord,
    parse_chord_symbol,
    parse_chord_symbol_ex,
)
from image2music.theory.keys import all_keys, parse_key
from image2music.types import CHORD_QUALITIES, Chord, Key

EXACT = [
    ("C", Chord(0, "maj")),
    ("Cmaj", Chord(0, "maj")),
    ("CM", Chord(0, "maj")),
    ("Cm", Chord(0, "min")),
    ("Cmin", Chord(0, "min")),
    ("Cmi", Chord(0, "min")),
    ("C-", Chord(0, "min")),
    ("Am", Chord(9, "min")),
    ("G7", Chord(7, "7")),
    ("Gdom7", Chord(7, "7")),
    ("Gdom", Chord(7, "7")),
    ("Cmaj7", Chord(0, "maj7")),
    ("CMaj7", Chord(0, "maj7")),
    ("CM7", Chord(0, "maj7")),
    ("Cma7", Chord(0, "maj7")),
    ("CΔ", Chord(0, "maj7")),
    ("CΔ7", Chord(0, "maj7")),
    ("C∆7", Chord(0, "maj7")),
    ("C^7", Chord(0, "maj7")),
    ("Cm7", Chord(0, "min7")),
    ("C-7", Chord(0, "min7")),
    ("Cmin7", Chord(0, "min7")),
    ("Cmi7", Chord(0, "min7")),
    ("F#m7b5", Chord(6, "hdim7")),
    ("F#m7-5", Chord(6, "hdim7")),
    ("F#m7(b5)", Chord(6, "hdim7")),
    ("F♯m7♭5", Chord(6, "hdim7")),
    ("Cø", Chord(0, "hdim7")),
    ("Cø7", Chord(0, "hdim7")),
    ("CØ7", Chord(0, "hdim7")),
    ("Bbmaj7", Chord(10, "maj7")),
    ("B♭maj7", Chord(10, "maj7")),
    ("Dsus4", Chord(2, "sus4")),
    ("Dsus2", Chord(2, "sus2")),
    ("Dsus", Chord(2, "sus4")),
    ("D2", Chord(2, "sus2")),
    ("C7sus4", Chord(0, "7sus4")),
    ("C7sus", Chord(0, "7sus4")),
    ("Cdim", Chord(0, "dim")),
    ("C°", Chord(0, "dim")),
    ("Co", Chord(0, "dim")),
    ("Cmb5", Chord(0, "dim")),
    ("Cdim7", Chord(0, "dim7")),
    ("C°7", Chord(0, "dim7")),
    ("Co7", Chord(0, "dim7")),
    ("Caug", Chord(0, "aug")),
    ("C+", Chord(0, "aug")),
    ("C+5", Chord(0, "aug")),
    ("C(#5)", Chord(0, "aug")),
    ("C+7", Chord(0, "aug7")),
    ("Caug7", Chord(0, "aug7")),
    ("C7#5", Chord(0, "aug7")),
    ("C7+5", Chord(0, "aug7")),
    ("C6", Chord(0, "6")),
    ("CM6", Chord(0, "6")),
    ("Cm6", Chord(0, "min6")),
    ("C-6", Chord(0, "min6")),
    ("CmMaj7", Chord(0, "minmaj7")),
    ("CmM7", Chord(0, "minmaj7")),
    ("Cm(maj7)", Chord(0, "minmaj7")),
    ("Cmin(maj7)", Chord(0, "minmaj7")),
    ("C-Δ7", Chord(0, "minmaj7")),
    ("C-maj7", Chord(0, "minmaj7")),
    ("C5", Chord(0, "5")),
    ("C(no3)", Chord(0, "5")),
    ("C/E", Chord(0, "maj", 4)),
    ("Am7/G", Chord(9, "min7", 7)),
    ("C/Bb", Chord(0, "maj", 10)),
    ("D7/F#", Chord(2, "7", 6)),
    ("C/C", Chord(0, "maj")),
    ("Cb", Chord(11, "maj")),
    ("Cb5", Chord(11, "5")),
    ("E#m", Chord(5, "min")),
    ("Bbb", Chord(9, "maj")),
    (" Am7 ", Chord(9, "min7")),
    ("C:maj", Chord(0, "maj")),
    ("C:min7", Chord(0, "min7")),
    ("C:hdim7", Chord(0, "hdim7")),
    ("C:minmaj7", Chord(0, "minmaj7")),
    ("C:maj6", Chord(0, "6")),
    ("C:maj/3", Chord(0, "maj", 4)),
    ("C:7/b7", Chord(0, "7", 10)),
    ("C:min/b3", Chord(0, "min", 3)),
    ("C:maj7(*5)", Chord(0, "maj7")),
    ("C:maj(*3)", Chord(0, "5")),
    ("C:maj7(*1)", Chord(0, "maj7")),
]


@pytest.mark.parametrize(("text", "chord"), EXACT)
def test_exact_symbols(text: str, chord: Chord) -> None:
    parsed = parse_chord_symbol_ex(text)
    assert parsed.chord == chord
    assert parsed.original == text
    assert parse_chord_symbol(text) == chord
    assert parse_chord(text) == chord
    if "*" not in text:
        assert not parsed.simplified


SIMPLIFIED = [
    ("C9", Chord(0, "7")),
    ("C7(9)", Chord(0, "7")),
    ("Cmaj9", Chord(0, "maj7")),
    ("CM9", Chord(0, "maj7")),
    ("CΔ9", Chord(0, "maj7")),
    ("Cmaj13", Chord(0, "maj7")),
    ("Cmaj7#11", Chord(0, "maj7")),
    ("Cm9", Chord(0, "min7")),
    ("Cm11", Chord(0, "min7")),
    ("Cm13", Chord(0, "min7")),
    ("Cadd9", Chord(0, "maj")),
    ("C(add9)", Chord(0, "maj")),
    ("Cadd2", Chord(0, "maj")),
    ("Cmadd9", Chord(0, "min")),
    ("Cm(add9)", Chord(0, "min")),
    ("C:maj(9)", Chord(0, "maj")),
    ("C13", Chord(0, "7")),
    ("C7b9", Chord(0, "7")),
    ("C7#9", Chord(0, "7")),
    ("C7(b9,#11)", Chord(0, "7")),
    ("C7b13", Chord(0, "7")),
    ("C7alt", Chord(0, "7")),
    ("Calt", Chord(0, "7")),
    ("C7b5", Chord(0, "7")),
    ("C69", Chord(0, "6")),
    ("C6/9", Chord(0, "6")),
    ("C6(9)", Chord(0, "6")),
    ("Cm69", Chord(0, "min6")),
    ("C11", Chord(0, "7sus4")),
    ("C9sus4", Chord(0, "7sus4")),
    ("C7sus2", Chord(0, "7sus4")),
    ("Cmaj7sus4", Chord(0, "sus4")),
    ("Cmaj7#5", Chord(0, "aug")),
    ("C(b5)", Chord(0, "maj")),
    ("Cm#5", Chord(0, "min")),
    ("CmMaj9", Chord(0, "minmaj7")),
    ("Cø9", Chord(0, "hdim7")),
    ("Caug9", Chord(0, "aug7")),
    ("C7(no3)", Chord(0, "7")),
    ("C7no5", Chord(0, "7")),
    ("C9/E", Chord(0, "7", 4)),
    ("Bbmaj9/D", Chord(10, "maj7", 2)),
]


@pytest.mark.parametrize(("text", "chord"), SIMPLIFIED)
def test_simplified_symbols(text: str, chord: Chord) -> None:
    parsed = parse_chord_symbol_ex(text)
    assert parsed == ParsedChord(chord, True, text)


@pytest.mark.parametrize("text", ["N.C.", "NC", "N.C", "n.c.", "N", " NC "])
def test_no_chord(text: str) -> None:
    assert parse_chord_symbol(text) is None
    assert parse_chord_symbol_ex(text) == ParsedChord(None, False, text)
    with pytest.raises(TheoryError, match="no chord"):
        parse_chord(text)


BAD = [
    "",
    "H",
    "c",
    "Am7/",
    "C/H",
    "Cxyz",
    "Cm5",
    "Cm2",
    "Cdim4",
    "C(b5",
    "Cmaj7)",
    "C7/9/E",
    "X",
    "7",
    "/E",
    "C#7b",
    "Cadd",
    "C###",
]


@pytest.mark.parametrize("text", BAD)
def test_bad_symbols_raise_with_the_text(text: str) -> None:
    with pytest.raises(TheoryError) as info:
        parse_chord_symbol(text)
    message = str(info.value)
    assert repr(text) in message
    assert "\n" not in message


def test_non_string_is_rejected() -> None:
    with pytest.raises(TheoryError, match="not a string"):
        parse_chord_symbol(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("chord", "key", "symbol"),
    [
        (Chord(0), None, "C"),
        (Chord(9, "min"), None, "Am"),
        (Chord(7, "7"), None, "G7"),
        (Chord(6, "hdim7"), None, "F#m7b5"),
        (Chord(10, "maj7"), None, "Bbmaj7"),
        (Chord(2, "sus4"), None, "Dsus4"),
        (Chord(0, "maj", 4), None, "C/E"),
        (Chord(0, "dim"), None, "Cdim"),
        (Chord(0, "aug"), None, "Caug"),
        (Chord(0, "min6"), None, "Cm6"),
        (Chord(0, "minmaj7"), None, "CmMaj7"),
        (Chord(0, "7sus4"), None, "C7sus4"),
        (Chord(0, "5"), None, "C5"),
        (Chord(0, "dim7"), None, "Cdim7"),
        (Chord(0, "aug7"), None, "Caug7"),
        (Chord(0, "6"), None, "C6"),
        (Chord(9, "min7", 7), None, "Am7/G"),
        (Chord(10), Key(5), "Bb"),
        (Chord(10), Key(4), "A#"),
        (Chord(10), None, "Bb"),
        (Chord(2, "7", 6), Key(5), "D7/F#"),  # the bass is spelled as the chord's third
        (Chord(8, "maj", 0), None, "Ab/C"),
        (Chord(8, "maj", 0), Key(4), "G#/B#"),
        (Chord(5, "dim"), Key(6, "minor"), "E#dim"),
        (Chord(11), Key(6), "Cb"),
        (Chord(3, "dim7", 9), None, "Ebdim7/A"),  # not the double flat Bbb
        (Chord(0, "maj", 10), Key(0), "C/Bb"),
        (Chord(1), Key(0), "Db"),
        (Chord(1, "min"), Key(4), "C#m"),
    ],
)
def test_chord_symbol(chord: Chord, key: Key | None, symbol: str) -> None:
    assert chord_symbol(chord, key) == symbol
    assert parse_chord_symbol(symbol) == chord


ALL_KEYS: list[Key | None] = [None, *all_keys()]


@pytest.mark.parametrize("quality", list(CHORD_QUALITIES))
@pytest.mark.parametrize("root", range(12))
def test_symbol_round_trip(root: int, quality: str) -> None:
    for bass in (None, *range(12)):
        chord = Chord(root, quality, bass)
        for key in ALL_KEYS:
            symbol = chord_symbol(chord, key)
            parsed = parse_chord_symbol_ex(symbol)
            assert parsed.chord == chord, (symbol, key)
            assert not parsed.simplified, symbol


def test_suffix_table_covers_the_vocabulary() -> None:
    assert set(QUALITY_SUFFIXES) == set(CHORD_QUALITIES)
    assert len(set(QUALITY_SUFFIXES.values())) == len(QUALITY_SUFFIXES)


def test_spelling_follows_key_conventions() -> None:
    f_major = parse_key("F")
    assert [chord_symbol(Chord(pc), f_major) for pc in (5, 10, 0, 3)] == ["F", "Bb", "C", "Eb"]
    d_minor = parse_key("Dm")
    assert chord_symbol(Chord(10), d_minor) == "Bb"
    assert chord_symbol(Chord(9, "7"), d_minor) == "A7"
    e_major = parse_key("E")
    assert chord_symbol(Chord(8, "min"), e_major) == "G#m"
    assert chord_symbol(Chord(3, "dim"), e_major) == "D#dim"
