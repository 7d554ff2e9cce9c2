from __future__ import annotations

from itertools import pairwise

import pytest

from image2music.errors import TheoryError
from image2music.theory.chords import parse_chord
from image2music.theory.voicing import bass_pitch, voice_chord, voice_progression
from image2music.types import CHORD_QUALITIES, Chord


def _pcs(pitches: tuple[int, ...]) -> set[int]:
    return {p % 12 for p in pitches}


@pytest.mark.parametrize("quality", list(CHORD_QUALITIES))
@pytest.mark.parametrize("root", range(12))
def test_voicing_sounds_every_chord_tone(root: int, quality: str) -> None:
    chord = Chord(root, quality)
    voicing = voice_chord(chord)
    assert len(voicing) == 4
    assert list(voicing) == sorted(set(voicing))
    assert all(48 <= p <= 72 for p in voicing)
    assert _pcs(voicing) == set(chord.pitch_classes)


def test_close_position_doubles_the_root() -> None:
    assert voice_chord(parse_chord("C")) == (60, 64, 67, 72)
    assert voice_chord(parse_chord("C"), n_voices=3) == (55, 60, 64)  # nearest the middle
    assert voice_chord(parse_chord("G7")) == (55, 59, 62, 65)
    span = voice_chord(parse_chord("F#m"))
    assert span[-1] - span[0] == 12


def test_fewer_voices_drop_fifth_then_root() -> None:
    assert _pcs(voice_chord(parse_chord("G7"), n_voices=3)) == {7, 11, 5}
    assert _pcs(voice_chord(parse_chord("G7"), n_voices=2)) == {11, 5}
    assert _pcs(voice_chord(parse_chord("C"), n_voices=1)) == {4}
    assert _pcs(voice_chord(parse_chord("Bm7b5"), n_voices=3)) == {2, 9, 5}


def test_slash_bass_is_not_forced_into_upper_voices() -> None:
    assert _pcs(voice_chord(parse_chord("C/Bb"))) == {0, 4, 7}


def test_voice_leading_keeps_common_tones_and_moves_little() -> None:
    c = voice_chord(parse_chord("C"))
    f = voice_chord(parse_chord("F"), previous=c)
    assert f == (60, 65, 69, 72)  # C stays, E->F, G->A
    g7 = voice_chord(parse_chord("G7"), previous=f)
    assert sum(abs(a - b) for a, b in zip(g7, f, strict=True)) <= 6
    assert voice_chord(parse_chord("C"), previous=c) == c


def test_voice_progression_is_smooth() -> None:
    chords = [parse_chord(s) for s in ["C", "Am", "F", "G7", "C", "Dm7", "G7", "Cmaj7", "E7", "Am"]]
    voicings = voice_progression(chords)
    assert len(voicings) == len(chords)
    for chord, voicing in zip(chords, voicings, strict=True):
        assert _pcs(voicing) == set(chord.pitch_classes)
    for a, b in pairwise(voicings):
        assert sum(abs(x - y) for x, y in zip(a, b, strict=True)) <= 8


def test_previous_of_another_size() -> None:
    voicing = voice_chord(parse_chord("F"), previous=(60, 64, 67))
    assert len(voicing) == 4
    assert 60 in voicing


def test_many_voices_and_wide_range() -> None:
    voicing = voice_chord(parse_chord("C"), low=36, high=96, n_voices=8)
    assert len(voicing) == 8
    assert _pcs(voicing) == {0, 4, 7}
    assert voice_chord(parse_chord("C5"), low=0, high=127) == (55, 60, 67, 72)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"low": 60, "high": 62}, "cannot voice"),
        ({"low": 72, "high": 48}, "low"),
        ({"low": -1}, "low"),
        ({"high": 128}, "high"),
        ({"n_voices": 0}, "n_voices"),
        ({"n_voices": 9}, "n_voices"),
        ({"n_voices": 2.0}, "n_voices"),
        ({"previous": (60, 200)}, "previous"),
    ],
)
def test_voice_chord_rejects(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(TheoryError, match=match):
        voice_chord(parse_chord("C"), **kwargs)  # type: ignore[arg-type]


def test_bass_pitch() -> None:
    assert bass_pitch(parse_chord("C")) == 36
    assert bass_pitch(parse_chord("C/E")) == 40
    assert bass_pitch(parse_chord("G")) == 43
    assert bass_pitch(parse_chord("E"), previous=50) == 52
    assert bass_pitch(parse_chord("E"), previous=46) == 40  # tie: the lower
    assert bass_pitch(parse_chord("Am7/G"), low=40, high=60) == 43
    with pytest.raises(TheoryError, match="pitch class 1"):
        bass_pitch(parse_chord("Db"), low=40, high=45)
    with pytest.raises(TheoryError, match="previous"):
        bass_pitch(parse_chord("C"), previous=-5)


def test_a_power_chord_in_a_narrow_range_gets_fewer_voices() -> None:
    # A and E between 46 and 68 are only E3, A3 and E4: three voices, not four
    assert voice_chord(Chord(9, "5"), low=46, high=68) == (52, 57, 64)
    with pytest.raises(TheoryError, match="cannot voice"):
        voice_chord(Chord(0, "maj7"), low=60, high=62)
