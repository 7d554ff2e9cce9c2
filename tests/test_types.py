from __future__ import annotations

import pytest

from image2music.errors import Image2MusicError, ValidationError
from image2music.types import (
    Chord,
    Emotion,
    Entity,
    Key,
    KeyChange,
    Melody,
    Note,
    PaletteColour,
    Progression,
    Score,
    TempoChange,
    TimedChord,
    TimeSignature,
    Track,
)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Note(130, 0, 10), r"Note\.pitch must be in 0\.\.127, got 130"),
        (lambda: Note(60, -1, 10), r"Note\.start_ticks must be in 0\.\.\d+, got -1"),
        (lambda: Note(60, 0, 0), r"Note\.duration_ticks must be in 1\.\.\d+, got 0"),
        (lambda: Note(60, 0, 10, 0), r"Note\.velocity must be in 1\.\.127, got 0"),
        (lambda: Note(60.5, 0, 10), r"Note\.pitch must be an integer in 0\.\.127, got 60\.5"),  # type: ignore[arg-type]
        (lambda: Key(12), r"Key\.tonic_pc must be in 0\.\.11, got 12"),
        (lambda: Key(0, "blues"), r"Key\.mode must be one of .*, got 'blues'"),
        (lambda: Chord(0, "maj13"), r"Chord\.quality must be one of .*, got 'maj13'"),
        (
            lambda: PaletteColour((0, 0, 300), 0.5),
            r"PaletteColour\.rgb must be in 0\.\.255, got 300",
        ),
        (lambda: Entity("face", 1.2), r"Entity\.confidence must be in \[0\.0, 1\.0\], got 1\.2"),
        (lambda: Emotion(0.0, float("nan")), r"Emotion\.arousal must be in"),
        (
            lambda: Emotion(0.0, 0.0, categories={"joy": 1.0, "awe": 0.0}),
            r"Emotion\.categories must be keys",
        ),
        (lambda: TimeSignature(4, 3), r"TimeSignature\.denominator must be 1, 2, 4, 8, 16 or 32"),
    ],
)
def test_constructors_name_field_range_and_value(make: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        make()  # type: ignore[operator]


def test_validation_error_is_the_package_root_and_a_value_error() -> None:
    with pytest.raises(Image2MusicError):
        Note(200, 0, 1)
    with pytest.raises(ValueError):
        Note(200, 0, 1)


def test_chord_slash_bass_equal_to_root_is_dropped() -> None:
    assert Chord(0, "maj", 0).bass_pc is None
    assert Chord(0, "maj", 4).bass_pc == 4
    assert Chord(9, "min7").pitch_classes == (9, 0, 4, 7)


def test_key_scale_and_majorness() -> None:
    assert Key(9, "minor").scale_pcs == (9, 11, 0, 2, 4, 5, 7)
    assert Key(2, "mixolydian").is_major and not Key(2, "dorian").is_major


def _prog(chords: list[tuple[int, int]], bars: int = 1) -> Progression:
    return Progression(
        Key(0),
        tuple(TimedChord(Chord(0), s, d) for s, d in chords),
        bars,
    )


def test_progression_must_be_contiguous_from_zero_and_fill_its_bars() -> None:
    assert _prog([(0, 960), (960, 960)]).total_ticks == 1920
    with pytest.raises(ValidationError, match=r"chords\[1\]\.start_ticks must be 960"):
        _prog([(0, 960), (1000, 920)])
    with pytest.raises(ValidationError, match=r"Progression\.chords must be to fill 1920 ticks"):
        _prog([(0, 960)])


def test_progression_chord_at() -> None:
    p = _prog([(0, 960), (960, 960)])
    assert p.chord_at(959).start_ticks == 0
    assert p.chord_at(960).start_ticks == 960
    assert p.chord_at(5000).start_ticks == 960


def test_melody_must_be_monophonic_and_sorted() -> None:
    Melody((Note(60, 0, 480), Note(62, 480, 480)))
    with pytest.raises(ValidationError, match=r"Melody\.notes\[1\]\.start_ticks must be >= 480"):
        Melody((Note(60, 0, 480), Note(62, 240, 480)))


def test_score_checks_tempo_and_tracks() -> None:
    prog = _prog([(0, 1920)])
    mel = Melody((Note(60, 0, 480),))
    track = Track("Melody", 0, 0, mel.notes)
    s = Score(prog, mel, 120.0, (track,))
    assert s.duration_sec == pytest.approx(2.0)
    with pytest.raises(ValidationError, match=r"Score\.tempo_bpm must be in \[20\.0, 300\.0\]"):
        Score(prog, mel, 400.0, (track,))
    with pytest.raises(ValidationError, match=r"Score\.tracks must be at least one track"):
        Score(prog, mel, 120.0, ())


def test_score_with_tempo_and_key_changes() -> None:
    prog = _prog([(0, 1920), (1920, 1920), (3840, 1920)], bars=3)
    mel = Melody((Note(60, 0, 480),))
    track = Track("Melody", 0, 0, mel.notes)
    s = Score(
        prog, mel, 120.0, (track,), "t",
        (TempoChange(1920, 60.0), TempoChange(3840, 240.0)),
        (KeyChange(1920, Key(7)),),
    )  # fmt: skip
    assert s.seconds_at(1920) == pytest.approx(2.0)
    assert s.seconds_at(3840) == pytest.approx(6.0)
    assert s.duration_sec == pytest.approx(7.0)
    assert [s.tempo_at(t) for t in (0, 1919, 1920, 5000)] == [120.0, 120.0, 60.0, 240.0]
    assert s.key_at(0) == prog.key and s.key_at(1920) == Key(7)
    with pytest.raises(ValidationError, match=r"Score\.tempo_changes\[1\]\.start_ticks must be"):
        Score(prog, mel, 120.0, (track,), "t", (TempoChange(1920, 60.0), TempoChange(1920, 90.0)))
    with pytest.raises(ValidationError, match=r"Score\.key_changes\[0\]\.start_ticks must be"):
        Score(prog, mel, 120.0, (track,), "t", (), (KeyChange(5760, Key(7)),))
    with pytest.raises(ValidationError, match=r"TempoChange\.tempo_bpm must be in"):
        TempoChange(10, 500.0)


def test_emotion_quadrants_and_categories_are_read_only() -> None:
    assert [Emotion(v, a).quadrant for v, a in [(1, 1), (-1, 1), (-1, -1), (1, -1)]] == [1, 2, 3, 4]
    e = Emotion(0.5, 0.5, categories={"awe": 1.0})
    with pytest.raises(TypeError):
        e.categories["awe"] = 0.0  # type: ignore[index]
