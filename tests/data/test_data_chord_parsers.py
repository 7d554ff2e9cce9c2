from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from image2music.data.chords import (
    ChordStatus,
    ParsedChord,
    classify_intervals,
    quality_family,
    recognise_pitch_classes,
)
from image2music.data.harte import degree_semitones, parse_harte
from image2music.data.musicxml import harmony_to_chord
from image2music.data.roman import parse_roman
from image2music.data.symbols import parse_symbol
from image2music.types import CHORD_QUALITIES, Key

E, S, D = ChordStatus.EXACT, ChordStatus.SIMPLIFIED, ChordStatus.DROPPED


def _summary(c: ParsedChord) -> tuple[int, str, int, ChordStatus]:
    return (c.root_pc, c.quality, c.bass_pc, c.status)


def test_every_quality_template_is_exact() -> None:
    for q, iv in CHORD_QUALITIES.items():
        assert classify_intervals(iv) == (q, True)
        assert quality_family(q)


@pytest.mark.parametrize(
    ("core", "extended", "expected"),
    [
        ((0, 4, 7, 10), True, ("7", False)),  # 9th -> 7
        ((0, 4, 6, 10), False, ("7", False)),  # 7b5 -> 7
        ((0, 4, 8, 11), False, ("aug", False)),  # maj7#5 -> aug
        ((0,), False, ("5", False)),  # root only
        ((0, 7, 10), False, ("7", False)),  # power chord with b7
        ((0, 3, 4, 7, 10), False, ("7", False)),  # #9 spelled as b3
        ((0, 2, 7, 10), False, ("sus2", False)),
    ],
)
def test_extension_folding(
    core: tuple[int, ...], extended: bool, expected: tuple[str, bool]
) -> None:
    assert classify_intervals(core, extended) == expected


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("A:min7", (9, "min7", -1, E)),
        ("C:maj/3", (0, "maj", 4, E)),  # slash chord: bass kept
        ("C:min/b3", (0, "min", 3, E)),
        ("Eb:maj7/7", (3, "maj7", 2, E)),
        ("G:sus4(b7,9)", (7, "7sus4", -1, S)),
        ("C:maj(9)", (0, "maj", -1, S)),
        ("C:maj6(9)", (0, "6", -1, S)),
        ("D:min11", (2, "min7", -1, S)),
        ("C:7(#9)", (0, "7", -1, S)),
        ("A:1(b7)/b7", (9, "7", 7, S)),
        ("B:aug(b7)", (11, "aug7", -1, E)),
        ("F#:hdim7", (6, "hdim7", -1, E)),
        ("C", (0, "maj", -1, E)),
        ("C:maj(*5)", (0, "maj", -1, S)),
    ],
)
def test_harte(label: str, expected: tuple[int, str, int, ChordStatus]) -> None:
    assert _summary(parse_harte(label)) == expected


def test_harte_no_chord_and_drops() -> None:
    assert parse_harte("N").status == ChordStatus.NONE
    assert parse_harte("&pause").status == ChordStatus.NONE
    x = parse_harte("X")
    assert x.status == D and "unknown" in x.reason
    bad = parse_harte("C:weird")
    assert bad.status == D and "shorthand" in bad.reason
    assert parse_harte("not a chord").status == D
    assert degree_semitones("b13") == 20
    assert degree_semitones("q") is None


@pytest.mark.parametrize(
    ("symbol", "expected"),
    [
        ("Dm6", (2, "min6", -1, E)),
        ("Em7b5", (4, "hdim7", -1, E)),
        ("A7b9", (9, "7", -1, S)),
        ("Cmaj7#11", (0, "maj7", -1, S)),
        ("Bbm/maj7", (10, "minmaj7", -1, E)),
        ("G7sus", (7, "7sus4", -1, E)),
        ("C69", (0, "6", -1, S)),
        ("F/A", (5, "maj", 9, E)),
        ("Eb07", (3, "dim7", -1, E)),
        ("D7#5", (2, "aug7", -1, E)),
        ("C7(Gm7)", (0, "7", -1, E)),  # alternative chord ignored
        ("Dm9", (2, "min7", -1, S)),
        ("G13", (7, "7", -1, S)),
        ("C7alt", (0, "7", -1, S)),
        ("F#m7/C#", (6, "min7", 1, E)),
    ],
)
def test_lead_sheet_symbols(symbol: str, expected: tuple[int, str, int, ChordStatus]) -> None:
    assert _summary(parse_symbol(symbol)) == expected


@pytest.mark.parametrize(
    ("symbol", "expected"),
    [
        ("C0", (0, "dim", -1, E)),  # iReal writes o as 0
        ("Ab07/C", (8, "dim7", 0, E)),
        ("Am/maj7/G#", (9, "minmaj7", 8, E)),  # "/maj7" is not a bass
        ("Dmaug", (2, "min", -1, S)),  # m#5
        ("Bb7(b9)", (10, "7", -1, E)),  # parenthesised alternative, not an alteration
    ],
)
def test_ireal_spellings(symbol: str, expected: tuple[int, str, int, ChordStatus]) -> None:
    assert _summary(parse_symbol(symbol)) == expected


def test_lead_sheet_symbol_drops_and_no_chord() -> None:
    assert parse_symbol("N.C.").status == ChordStatus.NONE
    assert parse_symbol("NoChord").status == ChordStatus.NONE
    assert parse_symbol("Hm7").reason == "chord symbol without a root"
    for bad in ("Cxyz", "C/Q", "N7"):
        dropped = parse_symbol(bad)
        assert dropped.status == D and dropped.reason == "unreadable chord symbol"
        assert dropped.raw == bad


def _harmony(xml: str) -> ParsedChord:
    return harmony_to_chord(ET.fromstring(xml))


def test_musicxml_harmony() -> None:
    c = _harmony(
        "<harmony><root><root-step>F</root-step><root-alter>1</root-alter></root>"
        "<kind>minor-seventh</kind><degree><degree-value>5</degree-value>"
        "<degree-alter>-1</degree-alter><degree-type>alter</degree-type></degree></harmony>"
    )
    assert _summary(c) == (6, "hdim7", -1, E)
    sus = _harmony(
        "<harmony><root><root-step>G</root-step></root><kind text='7sus'>suspended-fourth</kind>"
        "<degree><degree-value>7</degree-value><degree-alter>0</degree-alter>"
        "<degree-type>add</degree-type></degree></harmony>"
    )
    assert _summary(sus) == (7, "7sus4", -1, E)
    ninth = _harmony(
        "<harmony><root><root-step>E</root-step></root><kind>dominant-ninth</kind>"
        "<bass><bass-step>B</bass-step></bass></harmony>"
    )
    assert _summary(ninth) == (4, "7", 11, S)
    nc = _harmony("<harmony><root><root-step>C</root-step></root><kind>none</kind></harmony>")
    assert nc.status == ChordStatus.NONE
    bare = _harmony("<harmony><root><root-step>A</root-step></root><kind/></harmony>")
    assert _summary(bare) == (9, "maj", -1, E)
    unknown = _harmony("<harmony><root><root-step>A</root-step></root><kind>zzz</kind></harmony>")
    assert unknown.status == D and "zzz" in unknown.reason


C_MAJ, C_MIN, A_MIN = Key(0, "major"), Key(0, "minor"), Key(9, "minor")


@pytest.mark.parametrize(
    ("numeral", "key", "expected"),
    [
        ("I", C_MAJ, (0, "maj", -1, E)),
        ("V7", C_MAJ, (7, "7", -1, E)),
        ("V65", C_MAJ, (7, "7", 11, E)),
        ("V42", C_MAJ, (7, "7", 5, E)),
        ("I64", C_MAJ, (0, "maj", 7, E)),
        ("ii/o6/5", C_MAJ, (2, "hdim7", 5, E)),
        ("viio7/V", C_MAJ, (6, "dim7", -1, E)),
        ("V6/5/V", C_MAJ, (2, "7", 6, E)),
        ("bII6", C_MAJ, (1, "maj", 5, E)),
        ("N6", C_MIN, (1, "maj", 5, E)),
        ("Ger65", C_MAJ, (8, "7", -1, E)),
        ("It6", C_MAJ, (8, "7", -1, S)),
        ("V[no3][add4]", C_MAJ, (7, "sus4", -1, E)),
        ("V9", C_MAJ, (7, "7", -1, S)),
        ("I7", C_MAJ, (0, "maj7", -1, E)),
        ("IVM7", C_MAJ, (5, "maj7", -1, E)),
        ("Cad64", C_MAJ, (0, "maj", 7, E)),
        ("viio", C_MIN, (11, "dim", -1, E)),  # raised leading tone
        ("#viio7", C_MIN, (11, "dim7", -1, E)),  # cautionary sharp ignored
        ("VII", C_MIN, (10, "maj", -1, E)),
        ("bVII", C_MIN, (10, "maj", -1, E)),  # cautionary flat ignored
        ("VI", C_MIN, (8, "maj", -1, E)),
        ("III", A_MIN, (0, "maj", -1, E)),
        ("V7/iv", C_MIN, (0, "7", -1, E)),
        ("iv6[no1][add2]", C_MIN, (5, "min", 8, S)),
        ("-VII", C_MIN, (10, "maj", -1, E)),  # music21 '-' flat, cautionary
        ("#vi", A_MIN, (6, "min", -1, E)),  # cautionary sharp on the raised sixth
        ("VIIo", A_MIN, (7, "dim", -1, E)),  # upper case: natural seventh degree
        ("IVd7", C_MAJ, (5, "7", -1, E)),  # d: minor seventh
        ("i7", C_MAJ, (0, "minmaj7", -1, E)),  # the diatonic seventh as it is
        ("III+42", A_MIN, (0, "aug", 11, S)),  # aug + major seventh, seventh in the bass
        ("N", C_MIN, (1, "maj", -1, E)),  # bare N: root position
        ("N64", C_MIN, (1, "maj", 8, E)),
        ("V/N", C_MAJ, (8, "maj", -1, E)),
        ("Fr43", C_MAJ, (8, "7", -1, S)),
        ("Ger6[add9]/V", C_MAJ, (3, "7", -1, S)),
        ("Cad64/V", C_MIN, (7, "maj", 2, E)),
    ],
)
def test_roman_numerals(
    numeral: str, key: Key, expected: tuple[int, str, int, ChordStatus]
) -> None:
    assert _summary(parse_roman(numeral, key)) == expected


def test_roman_drop_has_reason() -> None:
    bad = parse_roman("xyzzy", C_MAJ)
    assert bad.status == D and bad.reason == "unreadable Roman numeral"
    assert parse_roman("V/xyzzy", C_MAJ).reason == "unreadable tonicisation"
    assert parse_roman("V[zz]", C_MAJ).reason == "unknown chord change [zz]"


def test_recognise_block_chords() -> None:
    assert _summary(recognise_pitch_classes([43, 47, 50], 7, "G")) == (7, "maj", -1, E)
    assert _summary(recognise_pitch_classes([38, 42, 45, 48], 2, "D7")) == (2, "7", -1, E)
    # First inversion: bass is the third.
    assert _summary(recognise_pitch_classes([42, 50, 57], 6, "D/F#")) == (2, "maj", 6, E)
    assert recognise_pitch_classes([], None, "").status == D
    # Extra notes fold (theory.chord_quality_from_pcs): D7 with a b9 is a simplified D7.
    assert _summary(recognise_pitch_classes([38, 42, 45, 48, 51], 2, "D7b9")) == (2, "7", -1, S)
    assert recognise_pitch_classes([60], 0, "C").reason == "unrecognised chord"
