"""Cross-checks against music21 (skipped when it is not installed)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from image2music.theory.chords import QUALITY_SUFFIXES, parse_chord
from image2music.theory.diatonic import diatonic_chords
from image2music.theory.keys import all_keys, key_signature, tonic_name
from image2music.theory.pitch import midi_to_name, name_to_midi, pc_to_name
from image2music.theory.roman import parse_roman, roman_numeral
from image2music.types import MODES, Chord, Key
from tests.conftest import need

music21: Any = need("music21", "cross-check with music21")

TERTIAN = ("maj", "min", "dim", "aug", "7", "maj7", "min7", "hdim7", "dim7", "aug7")


def _m21_name(name: str) -> str:
    return name[0] + name[1:].replace("b", "-")


def _m21_key(key: Key) -> Any:
    tonic = _m21_name(tonic_name(key))
    if key.mode == "minor":
        return music21.key.Key(tonic.lower())
    return music21.key.Key(tonic, key.mode)


def _pcs_and_bass(m21_chord: Any) -> tuple[frozenset[int], int]:
    return frozenset(p.pitchClass for p in m21_chord.pitches), m21_chord.bass().pitchClass


def _ours(chord: Chord) -> tuple[frozenset[int], int]:
    bass = chord.root_pc if chord.bass_pc is None else chord.bass_pc
    return frozenset(chord.pitch_classes), bass


@pytest.mark.parametrize("midi", range(0, 128, 5))
def test_midi_names_agree(midi: int) -> None:
    for key in (None, Key(5), Key(6, "minor"), Key(1)):
        name = midi_to_name(midi, key=key)
        match = re.fullmatch(r"([A-G][#b]*)(-?\d+)", name)
        assert match is not None
        m21 = music21.pitch.Pitch(_m21_name(match.group(1)))
        m21.octave = int(match.group(2))
        assert m21.midi == midi
        assert name_to_midi(name) == midi


@pytest.mark.parametrize("key", all_keys(MODES), ids=str)
def test_key_signatures_agree(key: Key) -> None:
    m21 = _m21_key(key)
    assert m21.sharps == key_signature(key)
    assert m21.tonic.pitchClass == key.tonic_pc
    spelled = [_m21_name(pc_to_name(pc, key=key)) for pc in key.scale_pcs]
    assert spelled == [p.name for p in m21.pitches[:7]]


@pytest.mark.parametrize("quality", sorted(QUALITY_SUFFIXES))
def test_chord_symbols_agree(quality: str) -> None:
    suffix = "mM7" if quality == "minmaj7" else QUALITY_SUFFIXES[quality]
    for root in range(12):
        for bass in (None, (root + 4) % 12, (root + 10) % 12):
            chord = Chord(root, quality, bass)
            text = _m21_name(pc_to_name(root)) + suffix
            if chord.bass_pc is not None:
                text += "/" + _m21_name(pc_to_name(chord.bass_pc))
            m21 = music21.harmony.ChordSymbol(text)
            pcs, m21_bass = _pcs_and_bass(m21)
            assert pcs | {m21_bass} == set(chord.pitch_classes) | {_ours(chord)[1]}, text
            assert m21_bass == _ours(chord)[1], text


@pytest.mark.parametrize(
    "text", ["C9", "C13", "Cm9", "Cm11", "CM9", "Cadd9", "C7#9", "C11", "C7b9", "Cm13"]
)
def test_folded_symbols_keep_a_subset_of_the_notes(text: str) -> None:
    pcs, _ = _pcs_and_bass(music21.harmony.ChordSymbol(text))
    assert set(parse_chord(text).pitch_classes) <= pcs


def _plain_sevenths_agree(numeral: str, key: Key) -> bool:
    return parse_roman(numeral, key) == parse_roman(numeral, key, diatonic_sevenths=True)


@pytest.mark.parametrize("key", all_keys(), ids=str)
def test_printed_numerals_agree(key: Key) -> None:
    m21_key = _m21_key(key)
    chords = {
        *diatonic_chords(key),
        *diatonic_chords(key, sevenths=True),
        *diatonic_chords(key, leading_tone=True),
        *diatonic_chords(key, sevenths=True, leading_tone=True),
        *(Chord((key.tonic_pc + i) % 12, q) for i in (1, 3, 6, 8, 10) for q in ("maj", "7")),
    }
    checked = 0
    for chord in chords:
        for bass in (None, *chord.pitch_classes[1:]):
            inverted = Chord(chord.root_pc, chord.quality, bass)
            for secondary in (False, True):
                numeral = roman_numeral(inverted, key, secondary=secondary)
                if chord.quality not in TERTIAN or not _plain_sevenths_agree(numeral, key):
                    continue
                m21 = music21.roman.RomanNumeral(numeral.replace("°", "o"), m21_key)
                assert _pcs_and_bass(m21) == _ours(inverted), (numeral, str(key))
                checked += 1
    assert checked > 50


ROMANTEXT = [
    "I",
    "ii",
    "iii",
    "IV",
    "V",
    "vi",
    "viio",
    "I6",
    "I64",
    "V7",
    "V65",
    "V43",
    "V42",
    "ii7",
    "ii65",
    "IV7",
    "I7",
    "vi7",
    "iii7",
    "viio7",
    "viio65",
    "viiø7",
    "vii/o43",
    "bVII",
    "bVI",
    "bIII",
    "bII6",
    "#ivo7",
    "V/V",
    "V7/ii",
    "V65/V",
    "viio7/V",
    "V7/IV",
    "V+",
    "N6",
    "Cad64",
    "III",
    "VI",
    "VII",
    "iv",
    "v",
    "i",
    "iio",
    "iiø7",
    "III7",
    "VI7",
    "VII7",
    "i7",
    "iv7",
    "i7",
    "iii7",
    "v7",
    "bVII7",
    "V9",
]


@pytest.mark.parametrize("key", all_keys(), ids=str)
def test_romantext_numerals_agree_with_diatonic_sevenths(key: Key) -> None:
    m21_key = _m21_key(key)
    for numeral in ROMANTEXT:
        m21 = music21.roman.RomanNumeral(numeral, m21_key)
        ours = parse_roman(numeral, key, diatonic_sevenths=True)
        m21_pcs, m21_bass = _pcs_and_bass(m21)
        if numeral == "V9":  # folded onto V7
            assert set(ours.pitch_classes) <= m21_pcs
            continue
        assert _ours(ours) == (m21_pcs, m21_bass), (numeral, str(key))


@pytest.mark.parametrize("key", all_keys(), ids=str)
def test_augmented_sixths_keep_bass_and_most_notes(key: Key) -> None:
    m21_key = _m21_key(key)
    for numeral in ("It6", "Ger65", "Fr43"):
        m21_pcs, m21_bass = _pcs_and_bass(music21.roman.RomanNumeral(numeral, m21_key))
        ours = parse_roman(numeral, key)
        assert _ours(ours)[1] == m21_bass
        assert len(set(ours.pitch_classes) & m21_pcs) >= 3
