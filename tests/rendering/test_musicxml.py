from __future__ import annotations

import builtins
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

import image2music
from image2music.errors import MissingDependencyError
from image2music.rendering import musicxml
from image2music.types import CHORD_QUALITIES, Chord, Key
from tests.conftest import need

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "photo.jpg"


def _parse(data: bytes) -> Any:
    music21 = need("music21", "MusicXML read-back")
    return music21.converter.parseData(data, format="musicxml")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"bars": 4, "valence": 0.6, "arousal": 0.5},
        {"bars": 4, "valence": -0.6, "arousal": -0.5, "key": "F#m", "harmony": "baseline"},
        {"bars": 4, "key": "Eb major", "harmony": "baseline", "instruments": "melody=cello"},
    ],
)
def test_lead_sheet_reads_back_with_the_same_notes_and_chords(kwargs: dict[str, Any]) -> None:
    music21 = need("music21", "MusicXML read-back")
    result = image2music.compose(EXAMPLE, **kwargs)
    score = result.score
    data = result.render("musicxml")
    assert data.startswith(b"<?xml") and b"<harmony" in data
    back = _parse(data)
    flat = back.parts[0].flatten().stripTies()
    notes = list(flat.getElementsByClass(music21.note.Note))
    tpb = score.ticks_per_beat
    assert [(n.pitch.midi, Fraction(n.offset), Fraction(n.quarterLength)) for n in notes] == [
        (n.pitch, Fraction(n.start_ticks, tpb), Fraction(n.duration_ticks, tpb))
        for n in score.melody.notes
    ]
    symbols = list(flat.getElementsByClass(music21.harmony.ChordSymbol))
    assert len(symbols) == len(score.progression.chords)
    for cs, tc in zip(symbols, score.progression.chords, strict=True):
        assert Fraction(cs.offset) == Fraction(tc.start_ticks, tpb)
        assert cs.root().pitchClass == tc.chord.root_pc
        bass_pc = tc.chord.root_pc if tc.chord.bass_pc is None else tc.chord.bass_pc
        assert cs.bass().pitchClass == bass_pc
        assert {p.pitchClass for p in cs.pitches} == set(tc.chord.pitch_classes) | {bass_pc}
    assert back.metadata.bestTitle == score.title
    marks = list(back.flatten().getElementsByClass(music21.tempo.MetronomeMark))
    assert marks and marks[0].number == pytest.approx(score.tempo_bpm, abs=0.01)
    key = back.flatten().getElementsByClass(music21.key.Key).first()
    assert key.tonic.pitchClass == score.key.tonic_pc and key.mode == score.key.mode
    ts = back.flatten().getElementsByClass(music21.meter.TimeSignature).first()
    assert ts.ratioString == str(score.progression.time_signature)


@pytest.mark.parametrize("quality", list(CHORD_QUALITIES))
def test_every_quality_becomes_the_right_chord_symbol(quality: str) -> None:
    need("music21", "chord symbols")
    cs = musicxml._chord_symbol(Chord(2, quality), Key(2, "major"))
    assert {p.pitchClass for p in cs.pitches} == set(Chord(2, quality).pitch_classes)


def test_same_score_same_bytes() -> None:
    need("music21", "MusicXML output")
    a = image2music.compose(EXAMPLE, bars=4, seed=2).render("musicxml")
    b = image2music.compose(EXAMPLE, bars=4, seed=2).render("musicxml")
    assert a == b and b"encoding-date" not in a


def test_missing_music21_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    result = image2music.compose(EXAMPLE, bars=4)
    real_import = builtins.__import__

    def no_music21(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("music21"):
            raise ImportError("No module named 'music21'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_music21)
    with pytest.raises(MissingDependencyError, match=r"image2music\[musicxml\]"):
        result.render("musicxml")


@pytest.mark.parametrize(("valence", "mode"), [(0.8, "major"), (0.8, "dorian"), (-0.8, "minor")])
def test_the_lead_sheet_is_written_as_notated_whatever_the_articulation(
    valence: float, mode: str
) -> None:
    need("music21", "MusicXML")
    piece = image2music.compose(EXAMPLE, bars=8, valence=valence, arousal=0.8, mode=mode, seed=1)
    assert piece.render("musicxml").startswith(b"<?xml")
    # played detached (or legato), notated as written: on the 16th grid
    sixteenth = piece.score.ticks_per_beat // 4
    assert all(n.duration_ticks % sixteenth == 0 for n in piece.score.melody.notes)
