from __future__ import annotations

import pytest

from image2music.errors import TheoryError
from image2music.theory.chords import chord_symbol, parse_chord
from image2music.theory.diatonic import diatonic_chords
from image2music.theory.keys import all_keys, parse_key
from image2music.theory.roman import parse_roman, roman_numeral
from image2music.types import CHORD_QUALITIES, MODES, Chord, Key

C = parse_key("C")
A_MINOR = parse_key("a")


@pytest.mark.parametrize(
    ("key", "symbol", "numeral"),
    [
        (C, "C", "I"),
        (C, "Dm", "ii"),
        (C, "Em", "iii"),
        (C, "F", "IV"),
        (C, "G", "V"),
        (C, "Am", "vi"),
        (C, "G7", "V7"),
        (C, "Bdim", "vii°"),
        (C, "Bm7b5", "viiø7"),
        (C, "Bdim7", "vii°7"),
        (C, "Fmaj7", "IVmaj7"),
        (C, "Cmaj7", "Imaj7"),
        (C, "C7", "I7"),
        (C, "Dm7", "ii7"),
        (C, "Bb", "bVII"),
        (C, "Ab", "bVI"),
        (C, "Eb", "bIII"),
        (C, "Db", "bII"),
        (C, "Fm", "iv"),
        (C, "F#dim", "#iv°"),
        (C, "F#m7b5", "#ivø7"),
        (C, "D7", "II7"),
        (C, "E7", "III7"),
        (C, "A7", "VI7"),
        (C, "C/E", "I6"),
        (C, "C/G", "I64"),
        (C, "G7/B", "V65"),
        (C, "G7/D", "V43"),
        (C, "G7/F", "V42"),
        (C, "Dm7/C", "ii42"),
        (C, "Bdim/D", "vii°6"),
        (C, "Bdim7/F", "vii°43"),
        (C, "Bm7b5/A", "viiø42"),
        (C, "Fmaj7/A", "IVmaj65"),
        (C, "Caug", "I+"),
        (C, "Caug/E", "I+6"),
        (C, "Gaug7", "V+7"),
        (C, "CmMaj7", "imaj7"),
        (C, "Gsus4", "Vsus4"),
        (C, "Gsus2", "Vsus2"),
        (C, "G7sus4", "V7sus4"),
        (C, "C5", "I5"),
        (C, "C6", "Iadd6"),
        (C, "Am6", "viadd6"),
        (C, "C/Bb", "I/b7"),
        (C, "C/D", "I/2"),
        (C, "Gsus4/C", "Vsus4/1"),
        (C, "C6/E", "Iadd6/3"),
        (C, "G7/A", "V7/6"),
        (A_MINOR, "Am", "i"),
        (A_MINOR, "Bdim", "ii°"),
        (A_MINOR, "Bm7b5", "iiø7"),
        (A_MINOR, "C", "III"),
        (A_MINOR, "Dm", "iv"),
        (A_MINOR, "D", "IV"),
        (A_MINOR, "Em", "v"),
        (A_MINOR, "E", "V"),
        (A_MINOR, "E7", "V7"),
        (A_MINOR, "F", "VI"),
        (A_MINOR, "Fmaj7", "VImaj7"),
        (A_MINOR, "F#m", "vi"),
        (A_MINOR, "F#dim", "vi°"),
        (A_MINOR, "F#m7b5", "viø7"),
        (A_MINOR, "Fm", "bvi"),
        (A_MINOR, "F#", "#VI"),
        (A_MINOR, "G", "VII"),
        (A_MINOR, "G7", "VII7"),
        (A_MINOR, "G#dim", "vii°"),
        (A_MINOR, "G#dim7", "vii°7"),
        (A_MINOR, "G#m7b5", "viiø7"),
        (A_MINOR, "Gm", "bvii"),
        (A_MINOR, "G#", "#VII"),
        (A_MINOR, "Bb", "bII"),
        (A_MINOR, "Bb/D", "bII6"),
        (A_MINOR, "C#", "#III"),
        (A_MINOR, "D#dim", "#iv°"),
        (A_MINOR, "Am/C", "i6"),
        (A_MINOR, "E7/G#", "V65"),
        (A_MINOR, "Am/G#", "i/#7"),
        (parse_key("D dorian"), "G", "IV"),
        (parse_key("D dorian"), "C", "VII"),
        (parse_key("G mixolydian"), "F", "VII"),
        (parse_key("E phrygian"), "F", "II"),
        (parse_key("Eb"), "Cm", "vi"),
        (parse_key("F#m"), "C#7", "V7"),
    ],
)
def test_roman_numeral_examples(key: Key, symbol: str, numeral: str) -> None:
    chord = parse_chord(symbol)
    assert roman_numeral(chord, key) == numeral
    assert parse_roman(numeral, key) == chord


@pytest.mark.parametrize(
    ("key", "symbol", "numeral"),
    [
        (C, "D7", "V7/V"),
        (C, "D", "V/V"),
        (C, "A7", "V7/ii"),
        (C, "E7", "V7/vi"),
        (C, "B7", "V7/iii"),
        (C, "C7", "V7/IV"),
        (C, "F#dim", "vii°/V"),
        (C, "F#dim7", "vii°7/V"),
        (C, "F#m7b5", "viiø7/V"),
        (C, "C#dim7", "vii°7/ii"),
        (C, "D7/F#", "V65/V"),
        (C, "G7", "V7"),  # diatonic: no secondary
        (C, "Bdim", "vii°"),
        (C, "Bb", "bVII"),  # would be V/bIII: not a triad of the key
        (C, "F#7", "#IV7"),  # V/vii°: not tonicisable
        (C, "Fm", "iv"),  # not a dominant
        (C, "D7/E", "II7/3"),  # a slash bass stays on its own degree
        (A_MINOR, "B7", "V7/V"),
        (A_MINOR, "E7", "V7"),  # V/i is just V
        (A_MINOR, "D7", "V7/VII"),
        (A_MINOR, "A7", "V7/iv"),
        (A_MINOR, "D#dim7", "vii°7/V"),
    ],
)
def test_secondary_numerals(key: Key, symbol: str, numeral: str) -> None:
    chord = parse_chord(symbol)
    assert roman_numeral(chord, key, secondary=True) == numeral
    assert parse_roman(numeral, key) == chord


@pytest.mark.parametrize(
    ("key", "numeral", "symbol"),
    [
        (C, "viio7", "Bdim7"),
        (C, "vii°7", "Bdim7"),
        (C, "VIIo7", "Bdim7"),
        (C, "viiø7", "Bm7b5"),
        (C, "vii%7", "Bm7b5"),
        (C, "vii/o7", "Bm7b5"),
        (C, "viiø", "Bm7b5"),
        (C, "viiØ65", "Bm7b5/D"),
        (C, "V7/ii", "A7"),
        (C, "V/V/V", "A"),
        (C, "V7/IV", "C7"),
        (C, "V7/iv", "C7"),
        (C, "vii°7/V", "F#dim7"),
        (C, "V/vi", "E"),
        (C, "V9", "G7"),
        (C, "V13", "G7"),
        (C, "V2", "G7/F"),
        (C, "I53", "C"),
        (C, "I63", "C/E"),
        (C, "IM7", "Cmaj7"),
        (C, "IVM7", "Fmaj7"),
        (C, "IVMaj7", "Fmaj7"),
        (C, "IVM65", "Fmaj7/A"),
        (C, "iM7", "CmMaj7"),
        (C, "bVII7", "Bb7"),
        (C, "-VII", "Bb"),
        (C, "♭VI", "Ab"),
        (C, "#iv°7", "F#dim7"),
        (C, "V+", "Gaug"),
        (C, "Vsus", "Gsus4"),
        (C, "V7sus", "G7sus4"),
        (C, " V 7 ", "G7"),
        (C, "It6", "Ab7"),
        (C, "It", "Ab7"),
        (C, "It+6", "Ab7"),
        (C, "Ger65", "Ab7"),
        (C, "Ger", "Ab7"),
        (C, "Fr43", "Ab7"),
        (C, "Ger65/V", "Eb7"),
        (C, "N6", "Db/F"),
        (C, "N", "Db/F"),
        (C, "N64", "Db/Ab"),
        (C, "Cad64", "C/G"),
        (C, "Cad", "C/G"),
        (A_MINOR, "Ger65", "F7"),
        (A_MINOR, "It6", "F7"),
        (A_MINOR, "N6", "Bb/D"),
        (A_MINOR, "Cad64", "Am/E"),
        (A_MINOR, "vii°7/V", "D#dim7"),
        (A_MINOR, "V/V", "B"),
        (A_MINOR, "VIIo", "G#dim"),
        (A_MINOR, "#vii°", "Adim"),  # music21: G## diminished
        (A_MINOR, "bVII", "F#"),  # music21: Gb major
        (parse_key("B locrian"), "Cad64", "Bdim/F"),
    ],
)
def test_parse_roman_examples(key: Key, numeral: str, symbol: str) -> None:
    assert parse_roman(numeral, key) == parse_chord(symbol)


@pytest.mark.parametrize(
    ("key", "numeral", "explicit", "diatonic"),
    [
        (C, "I7", "C7", "Cmaj7"),
        (C, "IV7", "F7", "Fmaj7"),
        (C, "IV65", "F7/A", "Fmaj7/A"),
        (C, "V7", "G7", "G7"),
        (C, "II7", "D7", "D7"),
        (C, "ii7", "Dm7", "Dm7"),
        (C, "vii7", "Bm7", "Bm7"),
        (C, "bVII7", "Bb7", "Bbmaj7"),
        (C, "bVI7", "Ab7", "Abmaj7"),
        (C, "I+7", "Caug7", "Caug"),
        (C, "V+7", "Gaug7", "Gaug7"),
        (C, "viiø7", "Bm7b5", "Bm7b5"),
        (C, "vii°7", "Bdim7", "Bdim7"),
        (C, "IVmaj7", "Fmaj7", "Fmaj7"),
        (C, "V7/IV", "C7", "C7"),
        (A_MINOR, "III7", "C7", "Cmaj7"),
        (A_MINOR, "VI7", "F7", "Fmaj7"),
        (A_MINOR, "VII7", "G7", "G7"),
        (A_MINOR, "V7", "E7", "E7"),
        (A_MINOR, "i7", "Am7", "Am7"),
        (A_MINOR, "vii7", "G#m7", "G#m6"),
        (C, "i7", "Cm7", "Cm7"),
        (C, "iv7", "Fm7", "Fm7"),
        (A_MINOR, "iii7", "Cm7", "Cm7"),
        (C, "iM7", "CmMaj7", "CmMaj7"),
        (A_MINOR, "bVI7", "E7", "E7"),  # diatonic 'seventh' is the root: dominant fallback
    ],
)
def test_seventh_conventions(key: Key, numeral: str, explicit: str, diatonic: str) -> None:
    assert parse_roman(numeral, key) == parse_chord(explicit)
    assert parse_roman(numeral, key, diatonic_sevenths=True) == parse_chord(diatonic)


@pytest.mark.parametrize(
    ("key", "numeral", "symbol"),
    [
        (A_MINOR, "III+7", "Caug"),
        (A_MINOR, "III+65", "Caug/E"),
        (A_MINOR, "III+43", "Caug/G#"),
        (A_MINOR, "III+42", "Caug/B"),  # the folded major seventh stays the bass
        (C, "I+2", "Caug/B"),
    ],
)
def test_diatonic_aug_major_seventh_inversions(key: Key, numeral: str, symbol: str) -> None:
    assert parse_roman(numeral, key, diatonic_sevenths=True) == parse_chord(symbol)


ALL_KEYS = all_keys()


@pytest.mark.parametrize("key", ALL_KEYS, ids=str)
def test_diatonic_round_trip(key: Key) -> None:
    chords = [
        *diatonic_chords(key),
        *diatonic_chords(key, sevenths=True),
        *diatonic_chords(key, leading_tone=True),
        *diatonic_chords(key, sevenths=True, leading_tone=True),
    ]
    for chord in chords:
        for inversion in range(len(chord.pitch_classes)):
            inverted = Chord(chord.root_pc, chord.quality, chord.pitch_classes[inversion])
            for secondary in (False, True):
                numeral = roman_numeral(inverted, key, secondary=secondary)
                assert parse_roman(numeral, key) == inverted, (numeral, chord_symbol(inverted))


@pytest.mark.parametrize("key", all_keys(MODES), ids=str)
def test_every_chord_round_trips(key: Key) -> None:
    for root in range(12):
        for quality in CHORD_QUALITIES:
            for bass in (None, *range(12)):
                chord = Chord(root, quality, bass)
                for secondary in (False, True):
                    numeral = roman_numeral(chord, key, secondary=secondary)
                    assert parse_roman(numeral, key) == chord, numeral


@pytest.mark.parametrize("key", ALL_KEYS, ids=str)
def test_diatonic_triads_in_major_and_minor(key: Key) -> None:
    numerals = [roman_numeral(c, key) for c in diatonic_chords(key)]
    if key.mode == "major":
        assert numerals == ["I", "ii", "iii", "IV", "V", "vi", "vii°"]
    else:
        assert numerals == ["i", "ii°", "III", "iv", "v", "VI", "VII"]
        with_leading_tone = [roman_numeral(c, key) for c in diatonic_chords(key, leading_tone=True)]
        assert with_leading_tone == ["i", "ii°", "III", "iv", "V", "VI", "vii°"]


BAD = [
    "",
    "IIII",
    "H",
    "V7/",
    "vii°6/",
    "viiø6",
    "V65/4",
    "I/8",
    "V/V7",
    "Iadd6/V/",
    "V6sus4",
    "V7sus2",
    "I5sus4",
    "Iadd67",
    "N65",
    "Cad6",
    "Ger65x",
    "V/X",
    "v!",
    "iv+M7",
]


@pytest.mark.parametrize("text", BAD)
def test_bad_numerals_raise_with_the_text(text: str) -> None:
    with pytest.raises(TheoryError) as info:
        parse_roman(text, C)
    assert repr(text) in str(info.value)
    assert "\n" not in str(info.value)


def test_parse_roman_rejects_non_string() -> None:
    with pytest.raises(TheoryError, match="not a string"):
        parse_roman(7, C)  # type: ignore[arg-type]
