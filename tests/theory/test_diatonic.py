from __future__ import annotations

import pytest

from image2music.errors import TheoryError
from image2music.theory.chords import chord_symbol, parse_chord
from image2music.theory.diatonic import (
    diatonic_chord,
    diatonic_chords,
    is_diatonic,
    stacked_quality,
)
from image2music.theory.keys import all_keys, parse_key
from image2music.types import MODES, Key


def _symbols(key: str, **kwargs: bool) -> str:
    k = parse_key(key)
    return " ".join(chord_symbol(c, k) for c in diatonic_chords(k, **kwargs))


def test_diatonic_chords() -> None:
    assert _symbols("C") == "C Dm Em F G Am Bdim"
    assert _symbols("C", sevenths=True) == "Cmaj7 Dm7 Em7 Fmaj7 G7 Am7 Bm7b5"
    assert _symbols("Am") == "Am Bdim C Dm Em F G"
    assert _symbols("Am", leading_tone=True) == "Am Bdim C Dm E F G#dim"
    assert _symbols("Am", sevenths=True, leading_tone=True) == "Am7 Bm7b5 Cmaj7 Dm7 E7 Fmaj7 G#dim7"
    assert _symbols("D dorian") == "Dm Em F G Am Bdim C"
    assert _symbols("C", leading_tone=True) == "C Dm Em F G Am Bdim"
    assert _symbols("Eb") == "Eb Fm Gm Ab Bb Cm Ddim"


@pytest.mark.parametrize("key", all_keys(MODES))
def test_diatonic_chords_are_diatonic(key: Key) -> None:
    for sevenths in (False, True):
        chords = diatonic_chords(key, sevenths=sevenths)
        assert [c.root_pc for c in chords] == list(key.scale_pcs)
        assert all(is_diatonic(c, key) for c in chords)


def test_diatonic_chord_rejects_bad_degree() -> None:
    for bad in (0, 8, True):
        with pytest.raises(TheoryError, match=r"1\.\.7"):
            diatonic_chord(Key(0), bad)


def test_is_diatonic() -> None:
    c = Key(0)
    assert is_diatonic(parse_chord("G7"), c)
    assert not is_diatonic(parse_chord("D7"), c)
    assert is_diatonic(parse_chord("C/E"), c)
    assert not is_diatonic(parse_chord("C/Bb"), c)


def test_stacked_quality() -> None:
    assert stacked_quality((4, 7)) == "maj"
    assert stacked_quality((3, 6, 9)) == "dim7"
    assert stacked_quality((4, 8, 11)) is None
    assert stacked_quality((5, 7)) is None
